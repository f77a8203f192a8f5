"""Search latency and storage cost of the archive at scale, on synthetic multilingual pages.

    .venv/bin/python bench/bench_search.py [--pages N] [--runs R] [--db PATH]

Builds an archive of N synthetic pages (French, English, Spanish, Arabic with and without
diacritics, Chinese, Japanese) with the real schema, through the store functions, in one
transaction. Then prints two tables:
- search: our normalised FTS (the `search` canned query's SQL, as Datasette runs it) beside a
  LIKE scan of the same text and beside FTS5's default tokenizer over the raw text: median
  milliseconds and rows found;
- storage: database bytes per page beside the raw HTML bytes per page.

With --compare-plain, the searches are also timed on a copy of the archive whose pages.text is
stored plain, in 4 KiB pages (the layout before migration 11), interleaved with ours.
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

from archive import store, textcodec
from archive.publish import PLUGINS
from archive.schema import ensure_schema
from scraper.models import Capture, Page, Section

WORDS = {
    "fr": ["ambassade", "sécurité", "coopération", "intérieure", "visa", "consulat", "français", "élève", "école", "université", "culture", "économie", "développement", "santé", "événement", "réunion", "président", "ministre", "accord", "échange", "étudiants", "bourse", "démarche", "passeport", "état-civil"],
    "en": ["embassy", "security", "cooperation", "internal", "visa", "consulate", "students", "school", "university", "culture", "economy", "development", "health", "event", "meeting", "president", "minister", "agreement", "exchange", "scholarship", "passport", "registration"],
    "es": ["embajada", "seguridad", "cooperación", "policía", "visado", "consulado", "estudiantes", "escuela", "universidad", "cultura", "economía", "desarrollo", "salud", "evento", "reunión", "presidente", "ministro", "acuerdo", "intercambio", "beca", "pasaporte"],
    "ar": ["السِّفَارَةُ", "الأَمْنُ", "التَّعَاوُنُ", "الشُّرْطَةِ", "التأشيرة", "القنصلية", "الطلاب", "المدرسة", "الجامعة", "الثقافة", "الاقتصاد", "التنمية", "الصحة", "الرئيس", "الوزير", "اتفاقية", "المنحة", "جواز"],
    "zh": ["大使馆", "内部", "安全", "服务", "合作", "签证", "领事", "学生", "学校", "大学", "文化", "经济", "发展", "卫生", "活动", "会议", "总统", "部长", "协议", "交流", "奖学金", "护照"],
    "ja": ["大使館", "安全", "情報", "ビザ", "申請", "領事部", "学生", "学校", "大学", "文化", "経済", "開発", "保健", "行事", "会議", "大統領", "大臣", "協定", "交流", "奨学金", "旅券"],
}
UNSPACED = {"zh", "ja"}
# Syllables to make a large vocabulary per language: real pages use thousands of words, so a
# query word matches a few percent of the pages, not all pages of its language.
SYLLABLES = {
    "fr": ["ba", "be", "ci", "de", "du", "fé", "ga", "la", "lé", "ma", "mo", "né", "ni", "pa", "ré", "ri", "sa", "so", "ta", "té", "ti", "va"],
    "en": ["ba", "be", "co", "de", "do", "fa", "ga", "la", "le", "ma", "mo", "ne", "ni", "pa", "re", "ri", "sa", "so", "ta", "te", "ti", "va"],
    "es": ["ba", "be", "ci", "de", "du", "fa", "ga", "la", "le", "ma", "mo", "ne", "ni", "pa", "re", "ri", "sa", "so", "ta", "te", "ti", "va"],
    "ar": ["ب", "ت", "ج", "د", "ر", "س", "ع", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي"],
    "zh": ["的", "一", "是", "不", "了", "人", "我", "在", "有", "他", "这", "中", "大", "来", "上", "国", "个", "到", "说", "们", "为", "子", "和", "你", "地", "出"],
    "ja": ["あ", "い", "う", "え", "お", "か", "き", "く", "け", "こ", "さ", "し", "す", "せ", "そ", "た", "ち", "つ", "て", "と", "な", "に", "ぬ", "ね", "の"],
}
VOCABULARY = 3000
QUERY_SHARE = 0.02  # each query word appears in about 2% of the pages of its language
# SPIP pages carry menus, scripts and footers; about 20 kB of markup around the content.
BOILERPLATE = (
    "<header><nav>"
    + "".join(f'<a class="menu" href="/-Rubrique-{i}-">Rubrique numéro {i}</a>' for i in range(250))
    + "</nav><script>var spip_config = {" + ", ".join(f'"k{i}": {i}' for i in range(400))
    + "};</script></header>"
)
QUERIES = [("securite", "sécurité"), ("cooperacion", "cooperación"), ("安全", "安全"),
           ("ビザ", "ビザ"), ("الامن", "الأَمْنُ"), ("scholarship", "scholarship")]


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    out = {}
    for language, syllables in SYLLABLES.items():
        out[language] = ["".join(rng.choices(syllables, k=rng.randint(2, 4)))
                         for _ in range(VOCABULARY)]
    return out


def make_page(i: int, rng: random.Random, vocab: dict[str, list[str]]
              ) -> tuple[str, str, str, list[tuple[str, str]], bytes]:
    language = list(WORDS)[i % len(WORDS)]
    words = vocab[language]
    sep = "" if language in UNSPACED else " "

    def run(k: int) -> list[str]:
        chosen = rng.choices(words, k=k)
        if rng.random() < QUERY_SHARE:
            chosen[rng.randrange(k)] = rng.choice(WORDS[language])
        return chosen

    sections = [(sep.join(run(4)).upper(), sep.join(run(120))) for _ in range(3)]
    title = sep.join(run(6))
    text = "\n".join(t for _, t in sections)
    html = (f'<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>{BOILERPLATE}<main><h1>{title}</h1>"
            + "".join(f"<h2>{h}</h2><p>{t}</p>" for h, t in sections)
            + "</main><footer>Dernière modification : 16/11/2017</footer></body></html>")
    return language, title, text, sections, html.encode()


def build(db: Database, n: int) -> int:
    """Write n pages through the store functions, in one transaction; returns the raw HTML bytes."""
    rng = random.Random(42)
    vocab = vocabulary(rng)
    conn = db.conn
    raw = 0
    when = "2024-01-01T00:00:00Z"
    with conn:
        conn.execute("INSERT INTO crawls(id, started_at, status) VALUES (1, ?, 'done')", (when,))
        for i in range(n):
            language, title, text, sections, html = make_page(i, rng, vocab)
            raw += len(html)
            url = f"https://{language}.example.org/page-{i}"
            capture = Capture(url, when, status=200, content_type="text/html", body=html)
            cid = store.save_capture(db, capture, 1, "new")
            page = Page(url=url, title=title, text=text, breadcrumb=["Accueil"],
                        sections=[Section(h, 2, t) for h, t in sections], language=language,
                        published=date(2000 + i % 25, 1, 1))
            store.save_extraction(db, page, cid, f"{language}.example.org", when)
    return raw


def timed(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database here (default: temporary)")
    parser.add_argument("--compare-plain", action="store_true",
                        help="time the searches beside a copy with pages.text stored plain")
    args = parser.parse_args()
    if args.pages < 1 or args.runs < 1:
        parser.error("--pages and --runs must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        db = Database(path)
        ensure_schema(db)
        start = time.perf_counter()
        raw = build(db, args.pages)
        built = time.perf_counter() - start
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_bytes = path.stat().st_size
        print(f"built {args.pages:,} pages in {built:.1f} s\n")
        report(db, args.pages, args.runs, raw, db_bytes)
        if args.compare_plain:
            compare_plain(db.conn, Path(tmp) / "plain.db", args.runs)
        db.conn.close()


def report(db: Database, n: int, runs: int, raw: int, db_bytes: int) -> None:
    conn = db.conn
    for plugin in PLUGINS:  # the SQL functions Datasette's connections get from our plugins
        prepare = getattr(plugin, "prepare_connection", None)
        if prepare is not None:
            prepare(conn, "bench", None)
    metadata = yaml.safe_load((Path(__file__).resolve().parents[1] / "archive" /
                               "metadata.yml").read_text(encoding="utf-8"))
    search_sql = metadata["databases"]["archive"]["queries"]["search"]["sql"]
    # FTS5's default tokenizer over the raw text, for comparison
    conn.execute("CREATE VIRTUAL TABLE bench_default USING fts5(title, text, content='pages')")
    conn.execute("INSERT INTO bench_default(bench_default) VALUES ('rebuild')")
    count_sql = search_sql.replace("limit 200", "")
    print(f"{'query':<14}{'ours ms':>9}{'ours rows':>11}{'LIKE ms':>10}{'LIKE rows':>11}"
          f"{'LIKE/ours':>11}{'default rows':>14}")
    for folded, written in QUERIES:

        def ours(q: str = folded, sql: str = search_sql) -> int:
            return len(conn.execute(sql, {"q": q}).fetchall())

        def like(w: str = written) -> int:
            return int(conn.execute("SELECT count(*) FROM pages WHERE title LIKE ? OR text LIKE ?",
                                    (f"%{w}%", f"%{w}%")).fetchone()[0])

        ours_ms, _ = timed(ours, runs)
        all_rows = ours(folded, count_sql)
        like_ms, like_rows = timed(like, max(1, runs // 2))
        default_rows = conn.execute(
            "SELECT count(*) FROM bench_default WHERE bench_default MATCH ?",
            (f'"{folded}"',)).fetchone()[0]
        print(f"{folded:<14}{ours_ms:>9.1f}{all_rows:>11,}{like_ms:>10.1f}{like_rows:>11,}"
              f"{like_ms / max(ours_ms, 0.001):>10.0f}x{default_rows:>14,}")
    print(f"\n(ours ms: first 200 rows ranked, with snippets; rows: all matches. LIKE is given "
          f"the accented form, as it cannot fold. {runs} runs, median.)\n")
    conn.execute("DROP TABLE bench_default")
    sizes = table_sizes(conn)
    print(f"{'storage':<28}{'bytes/page':>12}{'ratio to raw HTML':>20}")
    print(f"{'raw HTML':<28}{raw / n:>12,.0f}{1:>20.2f}")
    print(f"{'database file':<28}{db_bytes / n:>12,.0f}{db_bytes / raw:>20.2f}")
    for name, size in sizes:
        print(f"{'  ' + name:<28}{size / n:>12,.0f}{size / raw:>20.2f}")


def plain_twin(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """A copy of the archive with pages.text a plain column in 4 KiB pages (schema 10's way)."""
    twin = sqlite3.connect(path)
    textcodec.register(twin)
    conn.commit()  # the backup waits for ever on an open write transaction
    conn.backup(twin)
    views = twin.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    for name, _ in views:
        twin.execute(f'DROP VIEW "{name}"')
    twin.execute("ALTER TABLE pages ADD COLUMN text_plain TEXT")
    twin.execute("UPDATE pages SET text_plain = text")
    twin.execute("ALTER TABLE pages DROP COLUMN text")
    twin.execute("ALTER TABLE pages DROP COLUMN text_z")
    twin.execute("ALTER TABLE pages RENAME COLUMN text_plain TO text")
    for _, sql in views:
        twin.execute(sql)
    twin.commit()
    twin.execute("PRAGMA journal_mode=DELETE")  # the page size changes only outside WAL
    twin.execute("PRAGMA page_size=4096")
    twin.execute("VACUUM")
    return twin


def compare_plain(conn: sqlite3.Connection, path: Path, runs: int) -> None:
    """The search query and a LIKE scan on ours beside the plain-text twin, interleaved."""
    twin = plain_twin(conn, path)
    for plugin in PLUGINS:
        prepare = getattr(plugin, "prepare_connection", None)
        if prepare is not None:
            prepare(twin, "bench", None)
    metadata = yaml.safe_load((Path(__file__).resolve().parents[1] / "archive" /
                               "metadata.yml").read_text(encoding="utf-8"))
    search_sql = metadata["databases"]["archive"]["queries"]["search"]["sql"]
    like_sql = "SELECT count(*) FROM pages WHERE title LIKE ? OR text LIKE ?"
    print(f"\n{'query (median ms)':<18}{'search':>9}{'plain':>9}{'LIKE':>9}{'plain':>9}"
          f"{'sections':>10}{'plain':>9}")
    for folded, written in QUERIES:
        cells = []
        for sql, params in ((search_sql, {"q": folded}), (like_sql, (f"%{written}%",) * 2),
                            ("SELECT count(*) FROM sections WHERE text LIKE ?",
                             (f"%{written}%",))):
            times: tuple[list[float], list[float]] = ([], [])
            for _ in range(runs):
                for c, out in ((conn, times[0]), (twin, times[1])):
                    start = time.perf_counter()
                    c.execute(sql, params).fetchall()
                    out.append((time.perf_counter() - start) * 1000)
            cells += [statistics.median(times[0]), statistics.median(times[1])]
        print(f"{folded:<18}" + "".join(f"{ms:>9.1f}" if i != 4 else f"{ms:>10.1f}"
                                         for i, ms in enumerate(cells)))
    print("(ours: pages.text computed from text_z; plain: stored as text, 4 KiB pages)")
    twin.close()


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
