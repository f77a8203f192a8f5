"""Search in every language: the normaliser, and the FTS tables the store writes with it.

`build_archive` (a small multilingual archive written through the store API) is shared with
test_publish.py and test_browser.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from test_analysis import FORMS

from archive import frontier, store
from archive.analysis.query import exact_expression, match_expression
from archive.schema import ensure_schema
from archive.search import fold, fts_query, normalise, snippet
from scraper.models import Capture, Page, Section, Site

FR = "https://fr.example.org/Le-Service-de-Securite-Interieure-42"
EN = "https://fr.example.org/Internal-Security-Service-43"
AR = "https://ar.example.org/الأمن-الداخلي-44"
AR_PLAIN = "https://ar.example.org/التعاون-45"
ZH = "https://cn.example.org/内部安全服务-46"
JA = "https://jp.example.org/ビザ-47"
ES = "https://mx.example.org/Seguridad-48"
XSS = "https://fr.example.org/xss-49"
GONE = "https://fr.example.org/gone-50"
SEED_TITLE = "Le Service de Securité Intérieure"
SEED_BREADCRUMB = ["Accueil", "L’ambassade", "Direction coop. internationale"]


@dataclass(frozen=True)
class Doc:
    url: str
    site: str
    language: str
    title: str
    sections: tuple[tuple[str | None, str], ...]
    published: date | None = None


DOCS = [
    Doc(FR, "fr.example.org", "fr", SEED_TITLE, (
        (None, "Le service de sécurité intérieure coordonne la coopération policière."),
        ("LA COOPERATION TECHNIQUE", "Formation des policiers et échanges d’expertise."),
        ("LA COOPERATION OPERATIONNELLE", "Lutte contre la criminalité organisée."),
    ), date(2017, 7, 14)),
    Doc(EN, "fr.example.org", "en", "Internal Security Service", (
        (None, "The embassy's internal security service handles police cooperation."),
    ), date(2016, 3, 1)),
    Doc(AR, "ar.example.org", "ar", "الأَمْنُ الدَّاخِلِيُّ", (
        (None, "تَتَعَاوَنُ السِّفَارَةُ مَعَ الشُّرْطَةِ فِي مَجَالِ الأَمْنِ"),
    ), date(2018, 1, 9)),
    Doc(AR_PLAIN, "ar.example.org", "ar", "التعاون الأمني", (
        (None, "تتعاون السفارة مع الشرطة في مجال الأمن والتدريب"),
    ), date(2015, 5, 5)),
    Doc(ZH, "cn.example.org", "zh", "法国驻华大使馆内部安全服务", (
        (None, "内部安全服务负责警务合作与培训。"),
    ), date(2019, 11, 2)),
    Doc(JA, "jp.example.org", "ja", "ビザ申請について", (
        (None, "大使館の領事部でビザ申請を受け付けています。"),
    ), date(2020, 2, 2)),
    Doc(ES, "mx.example.org", "es", "Seguridad y cooperación policial", (
        (None, "Ciudad de México: la embajada refuerza la cooperación con la policía."),
    ), date(2021, 6, 30)),
    Doc(XSS, "fr.example.org", "fr", "<script>alert(1)</script>", (
        (None, "<img src=x onerror=alert(2)> une page piégée"),
    )),
    Doc(GONE, "fr.example.org", "fr", "Page retirée", ((None, "Ancienne page."),)),
]


def _page(doc: Doc, text_suffix: str = "") -> Page:
    sections = [Section(h, 2 if h else 0, t + (text_suffix if i == 0 else ""))
                for i, (h, t) in enumerate(doc.sections)]
    translations = {"en": EN, "ar": AR, "zh": ZH} if doc.url == FR else {}
    return Page(
        url=doc.url, title=doc.title, language=doc.language, published=doc.published,
        breadcrumb=SEED_BREADCRUMB if doc.url == FR else ["Accueil"],
        sections=sections, text="\n".join(s.text for s in sections),
        translations=translations, extractor="test",
    )


def build_archive(path: Path) -> Database:
    """A multilingual archive of two crawls, written through the store API only."""
    db = Database(path)
    ensure_schema(db)
    hosts = sorted({d.site for d in DOCS})
    with db.conn:
        for host in hosts:
            frontier.save_site(db, Site(host.split(".")[0], (host,), (f"https://{host}/",)))
    for n, when in enumerate(["2024-01-10T08:00:00Z", "2024-03-05T08:00:00Z"]):
        with db.conn:
            crawl = frontier.start_crawl(db, hosts)
        for doc in DOCS:
            suffix = " Mise à jour de mars." if n and doc.url == FR else ""
            with db.conn:
                frontier.frontier_add(db, crawl, doc.site, [(doc.url, 0, None)])
                if n and doc.url == GONE:
                    cid = store.save_capture(db, Capture(doc.url, when, status=404), crawl, "gone")
                    frontier.mark_gone(db, doc.url, 404, when)
                    continue
                body = f"<html><body>{doc.title}{suffix}</body></html>".encode()
                cap = Capture(doc.url, when, status=200, content_type="text/html", body=body,
                              elapsed_ms=120)
                cid = store.save_capture(db, cap, crawl)
                outcome = store.save_extraction(db, _page(doc, suffix), cid, doc.site, when)
                store.set_outcome(db, cid, outcome)
                frontier.frontier_done(db, crawl, doc.url, "done")
        with db.conn:
            frontier.frontier_add(db, crawl, "mx.example.org", [("https://mx.example.org/x", 1, ES)])
            store.save_capture(db, Capture("https://mx.example.org/x", when, error="timeout"),
                               crawl, "failed")
            frontier.finish_crawl(db, crawl, "done", frontier.crawl_counts(db, crawl))
    return db


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Database:
    return build_archive(tmp_path_factory.mktemp("search") / "archive.db")


def found(db: Database, query: str, table: str = "pages") -> set[str]:
    key = "url" if table == "pages" else "page_url"
    sql = (f"SELECT {key} FROM {table} WHERE rowid IN "
           f"(SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)")
    return {row[0] for row in db.execute(sql, [fts_query(query)])}


@pytest.mark.parametrize(("text", "expected"), [
    ("Sécurité Intérieure", "securite interieure"),
    ("ÉCOLE Œuvre straße", "ecole œuvre strasse"),
    ("الأَمْنُ", "الامن"),
    ("مدرسة إلى", "مدرسه الي"),
    ("ســفارة", "سفاره"),
    ("内部安全服务", " 内  部  安  全  服  务 "),
    ("ビザ", " ビ  ザ "),
    ("대사관에서", " 대  사  관  에  서 "),
    ("ＡＢＣ１２", "abc12"),
])
def test_normalise_folds_each_script_as_search_needs(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("securite", '"securite"'),
    ("Sécurité intérieure", '"securite" "interieure"'),
    ("安全", '"安 全"'),
    ('"coopération technique"', '"cooperation technique"'),
    ("secur*", '"secur"*'),
    ('unbalanced "quote', '"unbalanced" "quote"'),
    ("", '""'),
    ("***", '""'),
    ("NEAR(a b) OR c:d", '"near(a" "b)" "or" "c:d"'),
])
def test_fts_query_turns_any_input_into_a_safe_phrase_query(query: str, expected: str) -> None:
    assert fts_query(query) == expected


@pytest.mark.parametrize("query", ["", '"', "*", '""" ***', "AND", "(", "NOT x", "a:b", "^x", "-", "'; --"])
def test_no_query_makes_the_fts_match_fail(archive: Database, query: str) -> None:
    found(archive, query)


@pytest.mark.parametrize(("query", "urls"), [
    ("securite", {FR}),  # accents folded
    ("SÉCURITÉ intérieure", {FR}),
    ("internal security", {EN}),
    ("cooperacion policia", {ES}),  # Spanish without accents
    ("Mexico", {ES}),
    ("安全", {ZH}),  # a two-character word inside unspaced Chinese
    ("警务合作", {ZH}),
    ("ビザ", {JA}),  # Japanese katakana inside unspaced text
    ("領事部", {JA}),
    ("الأمن", {AR, AR_PLAIN}),  # Arabic with hamza, matching text with and without harakat
    ("الامن", {AR, AR_PLAIN}),
    ("الأَمْنِ", {AR, AR_PLAIN}),  # a query with diacritics
    ("السفارة", {AR, AR_PLAIN}),
    ("الشُّرْطَة", {AR, AR_PLAIN}),
    ("secur*", {FR, EN}),
    ('"cooperation policiere"', {FR}),
    ("securite mexico", set()),
])
def test_search_finds_pages_in_every_language(archive: Database, query: str, urls: set[str]) -> None:
    assert found(archive, query) == urls


def test_search_over_sections_finds_headings_and_text(archive: Database) -> None:
    assert found(archive, "cooperation operationnelle", "sections") == {FR}
    assert found(archive, "criminalite", "sections") == {FR}
    assert found(archive, "安全服务", "sections") == {ZH}


def test_the_default_tokenizer_misses_what_the_normalised_index_finds(archive: Database) -> None:
    # The measurement behind the design: FTS5's default tokenizer (unicode61, which folds
    # Latin accents) over the raw text finds French and Spanish, but no CJK word inside
    # unspaced text and no Arabic word written with other diacritics or hamza forms.
    raw = sqlite3.connect(":memory:")
    raw.execute("CREATE VIRTUAL TABLE t USING fts5(url UNINDEXED, title, text)")
    raw.executemany("INSERT INTO t VALUES (?, ?, ?)",
                    archive.execute("SELECT url, title, text FROM pages").fetchall())

    def default(q: str) -> set[str]:
        return {r[0] for r in raw.execute("SELECT url FROM t WHERE t MATCH ?", [f'"{q}"'])}

    assert default("securite") == found(archive, "securite") == {FR}
    assert default("cooperacion") == found(archive, "cooperacion") == {ES}
    for query, ours in [("安全", {ZH}), ("ビザ", {JA}), ("الامن", {AR, AR_PLAIN}),
                        ("السفارة", {AR, AR_PLAIN})]:
        assert default(query) < found(archive, query) == ours


def test_snippet_quotes_the_original_text_around_the_folded_match() -> None:
    text = "Ciudad de México: la embajada refuerza la cooperación con la policía."
    assert snippet(text, "cooperacion", width=10) == "…fuerza la «cooperación» con la po…"
    arabic = "تَتَعَاوَنُ السِّفَارَةُ مَعَ الشُّرْطَةِ"
    assert "«السِّفَارَةُ»" in snippet(arabic, "السفارة")
    assert snippet("内部安全服务负责", "安全") == "内部«安全»服务负责"
    assert snippet("short text", "absent") == "short text"


def test_fold_keeps_japanese_voicing_marks_apart() -> None:
    assert fold("ガ") != fold("カ")


# --- every form of a word, per language (issue 17) ----------------------------------------

def save_page(db: Database, url: str, language: str | None, title: str, text: str,
              published: date | None = None, when: str = "2024-05-01T08:00:00Z") -> None:
    """One page written through the store API, as a crawl would."""
    site = url.split("/")[2]
    with db.conn:
        cap = Capture(url, when, status=200, content_type="text/html",
                      body=f"<html><body>{title} {text}</body></html>".encode())
        cid = store.save_capture(db, cap, None)
        page = Page(url=url, title=title, language=language, published=published,
                    sections=[Section(None, 0, text)], text=text, extractor="test")
        store.set_outcome(db, cid, store.save_extraction(db, page, cid, site, when))


@pytest.fixture(scope="module")
def forms_archive(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = Database(tmp_path_factory.mktemp("forms") / "forms.db")
    ensure_schema(db)
    for i, (language, word, _, _) in enumerate(FORMS):
        save_page(db, f"https://{language}.example.org/page-{i}", language, f"{i}",
                  f"{FILLER[language]} {word} {FILLER[language]}")
    return db


# A sentence of unrelated words around each word, so that only the word can match.
FILLER = {"ar": "نص عن موضوع آخر", "fa": "متن درباره موضوع دیگر", "fr": "un texte sur autre chose",
          "en": "a text about something else", "es": "un texto sobre otra cosa",
          "pt": "um texto sobre outra coisa", "ru": "текст о другом", "de": "ein Text über anderes",
          "tr": "başka bir konu hakkında metin", "it": "un testo su altro", "zh": "关于别的事情的文字"}


def searched(db: Database, query: str, language: str | None = None) -> set[str]:
    sql = ("SELECT url FROM pages WHERE rowid IN "
           "(SELECT rowid FROM pages_fts WHERE pages_fts MATCH ?)")
    return {row[0] for row in db.execute(sql, [match_expression(query, language, "pages_fts")])}


@pytest.mark.parametrize(("i", "language", "word", "forms", "others"),
                         [(i, *row) for i, row in enumerate(FORMS)],
                         ids=[f"{row[0]}-{row[1]}" for row in FORMS])
def test_every_form_finds_the_page_and_no_look_alike_does(
    forms_archive: Database, i: int, language: str, word: str, forms: list[str], others: list[str]
) -> None:
    url = f"https://{language}.example.org/page-{i}"
    for form in [word, *forms]:
        assert url in searched(forms_archive, form), f"{form!r} should find {word!r}"
        assert url in searched(forms_archive, form, language), f"{form!r} in {language}"
    for other in others:
        assert url not in searched(forms_archive, other), f"{other!r} must not find {word!r}"


def test_a_stem_matches_only_pages_of_the_language_that_gives_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "cross.db")
    ensure_schema(db)
    # The English stemmer makes "universal" "universal", the French one makes "université"
    # "universit": an English query must not meet the French stem through English rules.
    save_page(db, "https://fr.example.org/u", "fr", "Université", "l'université de Paris")
    save_page(db, "https://en.example.org/u", "en", "Universities", "universities abroad")
    assert searched(db, "universités") == {"https://fr.example.org/u"}
    assert searched(db, "university") == {"https://en.example.org/u"}
    assert searched(db, "universités", "en") == set()


def test_the_exact_expression_finds_only_the_form_typed(forms_archive: Database) -> None:
    sql = ("SELECT url FROM pages WHERE rowid IN "
           "(SELECT rowid FROM pages_fts WHERE pages_fts MATCH ?)")
    i = next(i for i, row in enumerate(FORMS) if row[1] == "passeports")
    url = f"https://fr.example.org/page-{i}"
    assert [r[0] for r in forms_archive.execute(sql, [exact_expression("passeports", "pages_fts")])] == [url]
    assert not list(forms_archive.execute(sql, [exact_expression("passeport", "pages_fts")]))
    assert url in searched(forms_archive, "passeport")


@pytest.mark.parametrize(("query", "expected"), [
    ("passeport visas", set()),  # both words must match, in any form
    ("passeport OR visas", {"fr"}),
    ("passeport -port", {"fr"}),
    ("passeport -texte", set()),  # -word drops the page for any form of the word
    ('"texte sur"', {"fr"}),  # a phrase
    ('"textes sur"', {"fr"}),  # a phrase, each word in another form
    ("passep*", {"fr"}),  # a prefix, over the exact forms
    ("passeport NOT autre", set()),
])
def test_the_search_syntax_still_works_over_every_form(
    forms_archive: Database, query: str, expected: set[str]
) -> None:
    found_languages = {url.split("//")[1].split(".")[0] for url in searched(forms_archive, query)}
    assert found_languages & {"fr"} == expected
