"""The bundled sample embassy site, over real HTTP on loopback and through `respond`."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st
from protego import Protego
from shared_data import SHARED, require
from waiting import HANG

from scraper.sample_site import RunningSite, SampleSite, serve_sample_site
from scraper.sample_site.render import href

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = SHARED / "seed"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def server() -> Iterator[RunningSite]:
    with serve_sample_site(pages=0, edition=1, host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningSite) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, trust_env=False) as c:
        yield c


def soup_of(resp: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(resp.content, "lxml")


def hrefs(page: BeautifulSoup | Tag, selector: str) -> list[str]:
    return [str(a.get("href")) for a in page.select(selector)]


def text_at(page: BeautifulSoup | Tag, selector: str) -> str:
    tag = page.select_one(selector)
    assert tag is not None, selector
    return tag.get_text()


def html_attr(page: BeautifulSoup, name: str) -> str:
    assert page.html is not None
    return str(page.html.get(name))


def local(url: str) -> str:
    """The path and query of a link, whatever host it names."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_site_has_at_least_forty_html_pages_in_five_languages() -> None:
    site = SampleSite()
    assert len(site.html_urls()) >= 40
    assert len(set(site.html_urls())) == len(site.html_urls())
    assert {a.lang for a in site.articles} >= {"fr", "en", "ar", "zh", "es"}


def test_every_listed_page_answers_200_with_text_its_charset_decodes(
        client: httpx.Client, server: RunningSite) -> None:
    latin1_pages = 0
    for path in server.site.html_urls():
        resp = client.get(path)
        assert resp.status_code == 200, path
        ctype = resp.headers["content-type"]
        assert ctype.startswith("text/html; charset="), path
        if ctype.endswith("iso-8859-1"):
            latin1_pages += 1
            text = resp.content.decode("iso-8859-1")
            assert '<meta charset="iso-8859-1">' in text
            with pytest.raises(UnicodeDecodeError):
                resp.content.decode("utf-8")
            assert "déconseillés" in text
        else:
            resp.content.decode("utf-8")
        assert soup_of(resp).select_one("header.header .site-name") is not None, path
    assert latin1_pages == 1


def test_pagination_reaches_every_article_of_every_rubrique(
        client: httpx.Client, server: RunningSite) -> None:
    site = server.site
    found: set[str] = set()
    for rub in site.rubriques.values():
        queue, seen = [href(rub.path)], set()
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            page = soup_of(client.get(path))
            found.update(hrefs(page, "ul.liste-articles a.link-type-01"))
            queue += hrefs(page, "p.pagination a.lien_pagination")
    assert found == set(site.article_urls())
    assert client.get("/-Actualites-2492-?debut_articles=10").status_code == 200
    assert client.get("/-Actualites-2492-?debut_articles=990").status_code == 404


def test_old_spip_urls_redirect_permanently_to_clean_urls(client: httpx.Client) -> None:
    article = client.get("/spip.php?article12")
    assert article.status_code == 301
    assert article.headers["location"] == "/Horaires-d-ouverture-de-la-section-consulaire-12"
    assert client.get(article.headers["location"]).status_code == 200
    rubrique = client.get("/spip.php?rubrique12")
    assert (rubrique.status_code, rubrique.headers["location"]) == (
        301, "/-Direction-coop-internationale-")
    arabic = client.get("/-Arabic-")
    assert arabic.status_code == 301
    assert unquote(arabic.headers["location"]) == "/-العربية-"
    assert client.get("/spip.php?article999999").status_code == 404
    linked = hrefs(soup_of(client.get("/Perte-ou-vol-de-passeport-4141")), ".texte a")
    assert {"/spip.php?article12", "/spip.php?rubrique12"} <= set(linked)


def test_unknown_paths_and_the_broken_link_answer_404_page_introuvable(
        client: httpx.Client) -> None:
    broken = soup_of(client.get("/Don-de-materiel-agricole-4125")).select(".texte a")
    assert broken, "the article should link to a missing page"
    for path in ["/no-such-page", str(broken[0].get("href")), "/spip.php?page=nothing"]:
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert "Page introuvable" in resp.text


def test_conditional_requests_get_304_without_a_body(client: httpx.Client,
                                                     server: RunningSite) -> None:
    for path in ["/", server.site.seed_path, "/sitemap.xml", "/IMG/pdf/rapport_kayes_2016.pdf"]:
        first = client.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_etag = client.get(path, headers={"If-None-Match": etag})
        assert (by_etag.status_code, by_etag.content) == (304, b""), path
        assert by_etag.headers["etag"] == etag
        by_date = client.get(path, headers={"If-Modified-Since": modified})
        assert (by_date.status_code, by_date.content) == (304, b""), path
    stale = client.get("/", headers={"If-None-Match": '"not-the-etag"'})
    assert stale.status_code == 200 and stale.content
    old = client.get("/", headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    assert old.status_code == 200
    nonsense = client.get("/", headers={"If-Modified-Since": "yesterday-ish"})
    assert nonsense.status_code == 200


def test_etag_is_the_hash_of_the_body_and_differs_between_pages(client: httpx.Client) -> None:
    a, b = client.get("/"), client.get("/-Culture-")
    assert a.headers["etag"] != b.headers["etag"]
    assert client.get("/").headers["etag"] == a.headers["etag"]


def test_gzip_is_served_when_asked_and_decodes_to_the_same_page(server: RunningSite) -> None:
    with httpx.Client(base_url=server.url, trust_env=False) as c:
        plain = c.get("/", headers={"Accept-Encoding": "identity"})
        zipped = c.get("/", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content  # httpx decompresses
    raw = server.site.respond("GET", "/", {"Accept-Encoding": "gzip"})
    assert gzip.decompress(raw[2]) == plain.content


def test_robots_txt_disallows_the_private_pages_and_names_the_sitemap(
        client: httpx.Client, server: RunningSite) -> None:
    text = client.get("/robots.txt").text
    robots = Protego.parse(text)
    assert not robots.can_fetch(f"{server.url}/spip.php?page=login", "embassy-archive")
    assert not robots.can_fetch(f"{server.url}/ecrire/", "embassy-archive")
    assert robots.can_fetch(f"{server.url}{server.site.seed_path}", "embassy-archive")
    assert list(robots.sitemaps) == [f"{server.url}/sitemap.xml"]
    linked = [a["href"] for a in soup_of(client.get("/Organigramme-de-l-ambassade-4093")).select("a")]
    assert "/spip.php?page=login" in linked


def _sitemap_urls(client: httpx.Client, url: str) -> list[str]:
    root = ET.fromstring(client.get(url).content)
    if root.tag == f"{SM}sitemapindex":
        return [u for loc in root.iter(f"{SM}loc") for u in _sitemap_urls(client, loc.text or "")]
    return [loc.text or "" for loc in root.iter(f"{SM}loc")]


def test_every_sitemap_url_answers_200_on_this_port(client: httpx.Client,
                                                    server: RunningSite) -> None:
    urls = _sitemap_urls(client, f"{server.url}/sitemap.xml")
    assert len(urls) >= 40
    for url in urls:
        assert url.startswith(server.url + "/")
        assert client.get(url).status_code == 200, url
    assert {local(u) for u in urls} == {u for u in server.site.html_urls() if "?" not in u}


def test_a_large_site_gets_a_sitemap_index_of_child_sitemaps() -> None:
    with serve_sample_site(pages=2500) as running, \
            httpx.Client(base_url=running.url, trust_env=False) as c:
        index = ET.fromstring(c.get("/sitemap.xml").content)
        assert index.tag == f"{SM}sitemapindex"
        urls = _sitemap_urls(c, f"{running.url}/sitemap.xml")
    assert len(urls) == len(set(urls))
    assert {local(u) for u in urls} == {u for u in running.site.html_urls() if "?" not in u}


def test_the_rss_feed_lists_recent_articles_that_exist(client: httpx.Client) -> None:
    resp = client.get("/spip.php?page=backend")
    assert resp.headers["content-type"].startswith("application/rss+xml")
    root = ET.fromstring(resp.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    links = [i.findtext("link") or "" for i in root.iter("item")]
    assert 10 <= len(links) <= 20
    for link in links[:5]:
        assert client.get(local(link)).status_code == 200


def test_the_agenda_is_an_endless_calendar(client: httpx.Client) -> None:
    path, seen = "/agenda?mois=2011-07", []
    for _ in range(30):
        resp = client.get(path)
        assert resp.status_code == 200
        seen.append(path)
        nxt = soup_of(resp).find("a", string="mois suivant")
        assert nxt is not None
        path = str(nxt.get("href"))
    assert len(set(seen)) == 30 and seen[-1] == "/agenda?mois=2013-12"
    back = soup_of(client.get("/agenda?mois=2011-01")).find("a", string="mois précédent")
    assert back is not None and back["href"] == "/agenda?mois=2010-12"
    assert client.get("/agenda?mois=2011-13").status_code == 404


def test_pages_option_adds_synthetic_articles_listed_and_paginated() -> None:
    small, big = SampleSite(), SampleSite(pages=25)
    added = set(big.html_urls()) - set(small.html_urls())
    assert {f"/Dossier-{n}" for n in range(1, 26)} <= added
    assert {"/-Dossiers-", "/-Dossiers-?debut_articles=10", "/-Dossiers-?debut_articles=20"} <= added
    listed: set[str] = set()
    for start in (0, 10, 20):
        page = BeautifulSoup(big.respond("GET", f"/-Dossiers-?debut_articles={start}")[2], "lxml")
        listed.update(hrefs(page, "a.link-type-01"))
    assert listed == {f"/Dossier-{n}" for n in range(1, 26)}
    assert big.respond("GET", "/Dossier-26")[0] == 404
    assert small.respond("GET", "/Dossier-1")[0] == 404


def test_synthetic_articles_are_deterministic_and_follow_the_template() -> None:
    one, two = SampleSite(pages=100_000), SampleSite(pages=100_000)
    body = one.respond("GET", "/Dossier-99999")[2]
    assert body == two.respond("GET", "/Dossier-99999")[2]
    page = BeautifulSoup(body, "lxml")
    assert page.select_one("h1.titre-article") is not None
    assert page.select(".texte p") and page.select_one("p.date-publication") is not None
    langs = {html_attr(BeautifulSoup(one.respond("GET", f"/Dossier-{n}")[2], "lxml"), "lang")
             for n in range(1, 6)}
    assert langs == {"fr", "en", "ar", "zh", "es"}
    assert one.respond("GET", "/-Dossiers-?debut_articles=99990")[0] == 200


def test_the_seed_page_holds_every_paragraph_heading_and_the_breadcrumb(
        client: httpx.Client, server: RunningSite) -> None:
    require(SEED_DIR / "expected.json", "the seed page's expected extraction")
    expected = json.loads((SEED_DIR / "expected.json").read_text("utf-8"))
    resp = client.get(server.site.seed_path)
    assert urlsplit(expected["url"]).path == server.site.seed_path
    page = soup_of(resp)
    paragraphs = [p.get_text() for p in page.select("div.texte > p")]
    headings = [h.get_text() for h in page.select("div.texte > h3.spip")]
    for section in expected["sections"]:
        for para in section["paragraphs"]:
            assert para in paragraphs
    assert headings == [s["heading"] for s in expected["sections"] if s["heading"]]
    assert text_at(page, "h1.titre-article") == expected["title"]
    trail = [a.get_text() for a in page.select("p.ariane a")]
    assert trail == expected["breadcrumb"]
    assert text_at(page, "p.date-publication") == expected["published_as_shown"]
    assert text_at(page, ".site-name") == expected["site_name"]
    assert text_at(page, ".site-slogan") == expected["site_subtitle"]
    seed_text = (SEED_DIR / "ml-ambafrance-service-securite-interieure.txt").read_text("utf-8")
    assert "Liens utiles" in seed_text and page.find("h2", string="Liens utiles") is not None


def test_translations_link_to_each_other_both_ways(client: httpx.Client,
                                                   server: RunningSite) -> None:
    links: dict[str, set[str]] = {}
    for path in server.site.article_urls():
        page = soup_of(client.get(path))
        links[path] = set(hrefs(page, "p.traductions a.tradlang"))
    groups = [p for p, targets in links.items() if targets]
    assert len(groups) >= 15
    for path in groups:
        for other in links[path]:
            assert path in links[other], (path, other)
            assert links[other] | {other} == links[path] | {path}
    langs = {html_attr(soup_of(client.get(p)), "lang") for p in links["/Mot-de-l-ambassadeur-4090"]}
    assert langs == {"en", "ar", "zh", "es"}


@pytest.mark.parametrize("path, lang, line", [
    ("/Fete-nationale-du-14-juillet-2017-4120", "fr", "publié le 14 juillet 2017"),
    ("/Bastille-Day-2017-4201", "en", "Published on 14 July 2017"),
    ("/العيد-الوطني-2017-4211", "ar", "نشر في 14 يوليو 2017"),
    ("/Fete-nationale-2017-zh-4221", "zh", "发布于 2017年7月14日"),
    ("/Fiesta-nacional-2017-4231", "es", "publicado el 14 de julio de 2017"),
])
def test_each_language_writes_its_own_long_publication_date(
        client: httpx.Client, path: str, lang: str, line: str) -> None:
    page = soup_of(client.get(href(path)))
    assert html_attr(page, "lang") == lang
    assert html_attr(page, "dir") == ("rtl" if lang == "ar" else "ltr")
    assert text_at(page, "p.date-publication") == line


@pytest.mark.parametrize("path, shown", [
    ("/Presentation-de-l-ambassade,1205", "Dernière modification : 16/11/2017"),
    ("/Scholarships-for-Malian-researchers-4206", "Dernière modification : 16/11/2017"),
    ("/Becas-de-movilidad-4235", "Dernière modification : 16/11/2017"),
    ("/Business-France-trade-mission-4205", "Updated 28/08/2013"),
    ("/Appui-a-la-formation-des-magistrats-4102", "mis à jour le 12 septembre 2013"),
])
def test_modification_lines_appear_as_the_real_sites_write_them(
        client: httpx.Client, path: str, shown: str) -> None:
    page = soup_of(client.get(path))
    assert text_at(page, "p.date-maj") == shown
    has_published = page.select_one("p.date-publication") is not None
    assert has_published == shown.startswith("mis à jour")


def test_special_pages_hold_what_extraction_tests_need(client: httpx.Client) -> None:
    script = client.get("/Atelier-securite-web-4124")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in script.text
    assert "<script>" not in script.text
    assert "<script>alert(1)</script>" in text_at(soup_of(script), "h1")
    dateline = soup_of(client.get("/Encuentro-regional-de-cooperacion-4234"))
    assert text_at(dateline, ".texte p") == "Ciudad de México, 14 de julio de 2017"
    assert "内部安全服务" in client.get("/Service-de-securite-interieure-zh-4222").text
    arabic = client.get(href("/كلمة-السفير-4210")).text
    assert "\u064e" in arabic  # fatha: a diacritic to search with and without
    docs = soup_of(client.get("/Projet-d-adduction-d-eau-a-Kayes-4105")).select_one("a.spip_doc")
    assert docs is not None and text_at(docs, ".doc-type") == "PDF - 98 kB"
    pdf = client.get(str(docs.get("href")))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")


def test_edition_two_changes_one_article_removes_one_and_adds_one() -> None:
    first, second = SampleSite(edition=1), SampleSite(edition=2)
    changed = "/Horaires-d-ouverture-de-la-section-consulaire-12"
    assert first.respond("GET", changed)[2] != second.respond("GET", changed)[2]
    assert first.respond("GET", "/Visa-de-long-sejour-4152")[0] == 200
    assert second.respond("GET", "/Visa-de-long-sejour-4152")[0] == 410
    assert first.respond("GET", "/Permanence-consulaire-a-Kayes-4170")[0] == 404
    assert second.respond("GET", "/Permanence-consulaire-a-Kayes-4170")[0] == 200
    assert first.respond("GET", "/-Culture-")[2] == second.respond("GET", "/-Culture-")[2]
    old_etag = first.respond("GET", "/sitemap.xml")[1]["ETag"]
    assert second.respond("GET", "/sitemap.xml", {"If-None-Match": old_etag})[0] == 200
    with pytest.raises(ValueError):
        SampleSite(edition=3)


def test_the_server_logs_each_request_and_answers_head_without_a_body(
        server: RunningSite, client: httpx.Client) -> None:
    server.clear_requests()
    head = client.head("/-Culture-")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    client.get("/robots.txt", headers={"X-Probe": "yes"})
    log = server.requests
    assert [(m, p) for _, m, p, _ in log] == [("HEAD", "/-Culture-"), ("GET", "/robots.txt")]
    assert log[0][0] <= log[1][0] and log[1][3]["X-Probe"] == "yes"
    assert client.post("/").status_code == 405


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["GET", "HEAD", "POST", "get", "BREW"]),
       st.dictionaries(st.sampled_from(["If-None-Match", "If-Modified-Since", "Host",
                                        "Accept-Encoding"]), st.text(max_size=40)))
def test_respond_answers_any_request_without_raising(target: str, method: str,
                                                     headers: dict[str, str]) -> None:
    status, out, body = SITE.respond(method, target, headers)
    assert status in (200, 301, 304, 404, 405, 410)
    assert out["Content-Length"] == str(len(body)) or method.upper() == "HEAD" or status == 304


SITE = SampleSite(pages=30)


def test_the_cli_rejects_a_bad_port_with_one_line_and_exit_2() -> None:
    for bad in (["--port", "70000"], ["--port", "abc"], ["--pages", "-3"], ["--edition", "9"]):
        proc = subprocess.run([sys.executable, "-m", "scraper.sample_site", *bad], cwd=REPO,
                              capture_output=True, text=True, timeout=HANG, check=False)
        assert proc.returncode == 2, bad
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr


def test_the_cli_says_in_one_line_when_its_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        proc = subprocess.run([sys.executable, "-m", "scraper.sample_site", "--port", port],
                              cwd=REPO, capture_output=True, text=True, timeout=HANG, check=False)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and port in proc.stderr


def test_the_cli_serves_until_interrupted_and_exits_cleanly() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "scraper.sample_site", "--port", "0",
                             "--pages", "3"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        with httpx.Client(trust_env=False) as c:
            assert c.get(url.group(0) + "/Dossier-3").status_code == 200
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=HANG)  # its exit is awaited, never timed
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0 and "Traceback" not in err


def test_without_the_shared_seed_the_seed_article_shows_our_own_stand_in(tmp_path):
    """The founding page's text is read from ../shared at run time, never kept in the repo."""
    import subprocess
    import sys

    code = (
        "from scraper.sample_site import SampleSite\n"
        "s = SampleSite(); status, _, body = s.respond('GET', s.seed_path, {})\n"
        "print(status, 'Présente au MALI' in body.decode(), 'LA COOPERATION TECHNIQUE' in body.decode())"
    )
    env = {**__import__("os").environ, "EMBASSY_ARCHIVE_SEED": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.stdout.split() == ["200", "False", "True"], out.stderr
