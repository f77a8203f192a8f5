"""Search latency and index cost at scale, on synthetic multilingual pages (issue 17 item 4).

    .venv/bin/python bench/bench_search.py [--pages N] [--runs R] [--index-sample K] [--db PATH]

Builds an archive of N synthetic pages (French, English, Spanish, Russian, Arabic with and
without diacritics, Chinese traditional and simplified, Japanese) through the store
functions, so the search index is written as a crawl writes it. Then prints:
- search: the `search` canned query's SQL as the search page runs it (first 20 results
  ranked, the total counted, snippets), p50 and p95 milliseconds over R runs, for one word,
  a phrase and two words, each typed in the form the pages hold (exact) and in another form
  (stemmed), beside today's query (before issue 17: exact forms only, 200 rows) on the same
  archive;
- index: analysis and FTS insert milliseconds per page and index bytes per page, for today's
  index (folded text only) and ours (folded + stemmed + language), both built in this run from
  the same first K pages into files of their own;
- storage: database bytes per page beside the raw HTML bytes per page.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from sqlite_utils import Database

from archive import search, store
from archive.publish import PLUGINS
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

# The words a query looks for, as pages hold them; each appears in about QUERY_SHARE of the
# pages of its language. "état-civil" and "état civil" give the phrase searched.
WORDS = {
    "fr": ["ambassade", "sécurité", "coopération", "intérieure", "visa", "consulat", "passeport",
           "étudiants", "bourse", "état civil", "école", "université", "culture", "économie"],
    "en": ["embassy", "security", "cooperation", "visa", "consulate", "students", "university",
           "scholarship", "passport", "registration", "culture", "economy"],
    "es": ["embajada", "seguridad", "cooperación", "policía", "visado", "consulado", "becas",
           "estudiantes", "universidad", "pasaporte"],
    "ru": ["посольство", "безопасность", "сотрудничество", "виза", "консульство", "студенты"],
    "ar": ["السِّفَارَةُ", "الأَمْنُ", "التَّعَاوُنُ", "الشُّرْطَةِ", "التأشيرة", "القنصلية", "الطلاب",
           "والسفير", "الجامعة"],
    "zh": ["大使馆", "内部", "安全", "签证", "领事", "学生", "奖学金", "护照", "簽證", "護照"],
    "ja": ["大使館", "安全", "情報", "ビザ", "申請", "領事部", "学生", "奨学金", "旅券"],
}
UNSPACED = {"zh", "ja"}
# Syllables to make a large vocabulary per language: real pages use thousands of words, so a
# query word matches a few percent of the pages, not all pages of its language.
SYLLABLES = {
    "fr": ["ba", "be", "ci", "de", "du", "fé", "ga", "la", "lé", "ma", "mo", "né", "ni", "pa", "ré", "ri", "sa", "so", "ta", "té", "ti", "va"],
    "en": ["ba", "be", "co", "de", "do", "fa", "ga", "la", "le", "ma", "mo", "ne", "ni", "pa", "re", "ri", "sa", "so", "ta", "te", "ti", "va"],
    "es": ["ba", "be", "ci", "de", "du", "fa", "ga", "la", "le", "ma", "mo", "ne", "ni", "pa", "re", "ri", "sa", "so", "ta", "te", "ti", "va"],
    "ru": ["ба", "бе", "ви", "да", "до", "ка", "ла", "ли", "ма", "мо", "на", "ни", "па", "ра", "ро", "са", "та", "то"],
    "ar": ["ب", "ت", "ج", "د", "ر", "س", "ع", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"],
    "zh": ["的", "一", "是", "不", "了", "人", "我", "在", "有", "他", "这", "中", "大", "来", "上", "国", "个", "到", "说", "们", "为", "子", "和", "你", "地", "出"],
    "ja": ["あ", "い", "う", "え", "お", "か", "き", "く", "け", "こ", "さ", "し", "す", "せ", "そ", "た", "ち", "つ", "て", "と", "な", "に", "ぬ", "ね", "の"],
}
PAIRS = {"fr": ("visa", "consulat"), "es": ("becas", "estudiantes")}
VOCABULARY = 3000
QUERY_SHARE = 0.02
# SPIP pages carry menus, scripts and footers; about 20 kB of markup around the content.
BOILERPLATE = (
    "<header><nav>"
    + "".join(f'<a class="menu" href="/-Rubrique-{i}-">Rubrique numéro {i}</a>' for i in range(250))
    + "</nav><script>var spip_config = {" + ", ".join(f'"k{i}": {i}' for i in range(400))
    + "};</script></header>"
)
# (kind, form: exact = as the pages hold it, stemmed = another form only, query)
QUERIES = [
    ("one word", "exact", "sécurité"), ("one word", "stemmed", "passeports"),
    ("one word", "exact", "الأمن"), ("one word", "stemmed", "تأشيرة"),
    ("one word", "stemmed", "посольства"), ("one word", "exact", "签证"),
    ("one word", "stemmed", "护照"),  # simplified, pages also hold traditional 護照
    ("phrase", "exact", '"état civil"'), ("phrase", "stemmed", '"états civils"'),
    ("two words", "exact", "visa consulat"), ("two words", "stemmed", "visas consulats"),
    ("two words", "stemmed", "becas estudiante"),
]
PER_PAGE = 20  # the search page's first page


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    return {language: ["".join(rng.choices(syllables, k=rng.randint(2, 4)))
                       for _ in range(VOCABULARY)]
            for language, syllables in SYLLABLES.items()}


def make_page(i: int, rng: random.Random, vocab: dict[str, list[str]]
              ) -> tuple[str, str, str, list[tuple[str, str]], bytes]:
    language = list(WORDS)[i % len(WORDS)]
    words = vocab[language]
    sep = "" if language in UNSPACED else " "

    def run(k: int) -> list[str]:
        chosen = rng.choices(words, k=k)
        if rng.random() < QUERY_SHARE * 4:
            chosen[rng.randrange(k)] = rng.choice(WORDS[language])
        return chosen

    sections = [(sep.join(run(4)).upper(), sep.join(run(120))) for _ in range(3)]
    if language in PAIRS and rng.random() < QUERY_SHARE * 2:  # the two-word query's pages
        first, second = PAIRS[language]
        sections[0] = (sections[0][0], f"{first} {sections[0][1]}")
        sections[2] = (sections[2][0], f"{sections[2][1]} {second}")
    title = sep.join(run(6))
    text = "\n".join(t for _, t in sections)
    html = (f'<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{BOILERPLATE}<main><h1>{title}</h1>"
            + "".join(f"<h2>{h}</h2><p>{t}</p>" for h, t in sections)
            + "</main><footer>Dernière modification : 16/11/2017</footer></body></html>")
    return language, title, text, sections, html.encode()


def pages(n: int) -> list[tuple[str, str, str, list[tuple[str, str]], bytes]]:
    rng = random.Random(42)
    vocab = vocabulary(rng)
    return [make_page(i, rng, vocab) for i in range(n)]


def build(db: Database, n: int) -> int:
    """Write n pages through the store functions, in one transaction; returns the raw HTML bytes."""
    conn = db.conn
    raw = 0
    when = "2024-01-01T00:00:00Z"
    with conn:
        conn.execute("INSERT INTO crawls(id, started_at, status) VALUES (1, ?, 'done')", (when,))
        for i, (language, title, text, sections, html) in enumerate(pages(n)):
            raw += len(html)
            url = f"https://{language}.example.org/page-{i}"
            capture = Capture(url, when, status=200, content_type="text/html", body=html)
            cid = store.save_capture(db, capture, 1, "new")
            page = Page(url=url, title=title, text=text, breadcrumb=["Accueil"],
                        sections=[Section(h, 2, t) for h, t in sections], language=language,
                        published=date(2000 + i % 25, 1, 1))
            store.save_extraction(db, page, cid, f"{language}.example.org", when)
    return raw


def percentiles(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


# The `search` canned query before issue 17: exact forms only, at most 200 rows.
TODAY_SQL = """
with hits as (
  select rowid as page_rowid, rank from pages_fts where pages_fts match fts_query(:q)
  union all
  select p.rowid, sections_fts.rank from sections_fts
  join sections s on s.rowid = sections_fts.rowid join pages p on p.url = s.page_url
  where sections_fts match fts_query(:q)
)
select p.url, p.title, p.language, p.site, p.published, search_snippet(p.text, :q) as snippet
from (select page_rowid, min(rank) as rank from hits group by page_rowid) h
join pages p on p.rowid = h.page_rowid
where p.rowid not in (select rowid from pages_fts where pages_fts match fts_exclusions(:q))
  and p.url not in (select s.page_url from sections_fts join sections s
    on s.rowid = sections_fts.rowid where sections_fts match fts_exclusions(:q))
order by h.rank limit 200
"""


def search_report(conn: sqlite3.Connection, runs: int) -> None:
    metadata = yaml.safe_load((Path(__file__).resolve().parents[1] / "archive" /
                               "metadata.yml").read_text(encoding="utf-8"))
    ours_sql = metadata["databases"]["archive"]["queries"]["search"]["sql"]
    params = dict.fromkeys(("site", "language", "from", "to", "sort", "offset"), "")
    print(f"{'query':<12}{'form':<9}{'q':<20}{'found':>8}{'p50 ms':>8}{'p95 ms':>8}"
          f"{'today found':>13}{'p50':>7}{'p95':>7}")
    for kind, form, q in QUERIES:
        args = {**params, "q": q, "limit": str(PER_PAGE)}
        rows = conn.execute(ours_sql, args).fetchall()
        total = rows[0][-1] if rows else 0
        p50, p95 = percentiles(lambda a=args: conn.execute(ours_sql, a).fetchall(), runs)
        today = len(conn.execute(TODAY_SQL, {"q": q}).fetchall())
        t50, t95 = percentiles(lambda q=q: conn.execute(TODAY_SQL, {"q": q}).fetchall(), runs)
        print(f"{kind:<12}{form:<9}{q:<20}{total:>8,}{p50:>8.1f}{p95:>8.1f}"
              f"{today:>13,}{t50:>7.1f}{t95:>7.1f}")
    print(f"(ours: first {PER_PAGE} results ranked, exact forms first, with the total; today: "
          f"exact forms only, up to 200 rows. {runs} runs each.)\n")


def index_report(sample: list[tuple[str, str, str, list[tuple[str, str]], bytes]],
                 folder: Path) -> None:
    """Today's index and ours built from the same pages, each in a file of its own."""
    def today(title: str, text: str, language: str) -> dict[str, str]:
        return {"title": search.normalise(title), "text": search.normalise(text)}

    def today_section(heading: str, text: str, language: str) -> dict[str, str]:
        return {"heading": search.normalise(heading), "text": search.normalise(text)}

    variants = [
        ("today (folded)", today, today_section, ("title", "text"), ("heading", "text")),
        ("ours (+ stemmed)", search.page_terms, search.section_terms,
         search.PAGES_FTS_COLUMNS, search.SECTIONS_FTS_COLUMNS),
    ]
    print(f"{'index':<18}{'analysis ms/page':>18}{'insert ms/page':>16}{'bytes/page':>12}")
    for name, page_fn, section_fn, pcols, scols in variants:
        path = folder / f"index-{len(pcols)}.db"
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA page_size=16384")
        conn.execute(f"CREATE VIRTUAL TABLE pages_fts USING fts5({', '.join(pcols)}, content='')")
        conn.execute(f"CREATE VIRTUAL TABLE sections_fts USING fts5({', '.join(scols)}, "
                     "content='')")
        analysed, inserted, rowid = 0.0, 0.0, 0
        with conn:
            for i, (language, title, text, sections, _) in enumerate(sample):
                start = time.perf_counter()
                terms = page_fn(title, text, language)
                parts = [section_fn(h, t, language) for h, t in sections]
                middle = time.perf_counter()
                conn.execute(f"INSERT INTO pages_fts(rowid, {', '.join(pcols)}) VALUES "
                             f"({', '.join('?' * (len(pcols) + 1))})",
                             (i + 1, *(terms[c] for c in pcols)))
                for part in parts:
                    rowid += 1
                    conn.execute(f"INSERT INTO sections_fts(rowid, {', '.join(scols)}) VALUES "
                                 f"({', '.join('?' * (len(scols) + 1))})",
                                 (rowid, *(part[c] for c in scols)))
                analysed += middle - start
                inserted += time.perf_counter() - middle
            conn.execute("INSERT INTO pages_fts(pages_fts) VALUES ('optimize')")
            conn.execute("INSERT INTO sections_fts(sections_fts) VALUES ('optimize')")
        conn.execute("VACUUM")
        conn.close()
        n = len(sample)
        print(f"{name:<18}{analysed * 1000 / n:>18.3f}{inserted * 1000 / n:>16.3f}"
              f"{path.stat().st_size / n:>12,.0f}")
    print(f"(the first {len(sample):,} pages with their 3 sections each; bytes: the index "
          "file after VACUUM, pages_fts and sections_fts)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--index-sample", type=int, default=20_000,
                        help="pages indexed both ways for the index comparison")
    parser.add_argument("--db", type=Path, help="keep the database here (default: temporary)")
    args = parser.parse_args()
    if args.pages < 1 or args.runs < 1 or args.index_sample < 1:
        parser.error("--pages, --runs and --index-sample must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        index_report(pages(min(args.index_sample, args.pages)), Path(tmp))
        db = Database(path)
        ensure_schema(db)
        start = time.perf_counter()
        raw = build(db, args.pages)
        built = time.perf_counter() - start
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"built {args.pages:,} pages through the store in {built:.1f} s "
              f"({built * 1000 / args.pages:.2f} ms a page, index included)\n")
        for plugin in PLUGINS:  # the SQL functions Datasette's connections get from our plugins
            prepare = getattr(plugin, "prepare_connection", None)
            if prepare is not None:
                prepare(db.conn, "bench", None)
        search_report(db.conn, args.runs)
        storage_report(db.conn, args.pages, raw, path.stat().st_size)
        db.conn.close()


def storage_report(conn: sqlite3.Connection, n: int, raw: int, db_bytes: int) -> None:
    sizes = table_sizes(conn)
    print(f"{'storage':<28}{'bytes/page':>12}{'ratio to raw HTML':>20}")
    print(f"{'raw HTML':<28}{raw / n:>12,.0f}{1:>20.2f}")
    print(f"{'database file':<28}{db_bytes / n:>12,.0f}{db_bytes / raw:>20.2f}")
    for name, size in sizes:
        print(f"{'  ' + name:<28}{size / n:>12,.0f}{size / raw:>20.2f}")


def table_sizes(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Bytes per table (FTS shadow tables summed under their FTS table), where dbstat exists."""
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return []
    owners = {r[0]: r[1] for r in conn.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")}
    totals: dict[str, int] = {}
    for name, size in rows:
        owner = owners.get(name, name)
        for fts in ("pages_fts", "sections_fts"):
            if owner.startswith(fts):
                owner = fts + " (index)"
        totals[owner] = totals.get(owner, 0) + size
    return sorted(((k, v) for k, v in totals.items() if v > 0.005 * sum(totals.values())),
                  key=lambda kv: -kv[1])


if __name__ == "__main__":
    main()
