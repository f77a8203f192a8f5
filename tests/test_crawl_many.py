"""Several sites at once, each at its own polite rate; sites from a sites file; reextract."""

import sqlite_utils
from click.testing import CliRunner
from servers import assert_polite

from scraper.cli import cli
from scraper.sample_site import SampleSite, serve_sample_site

DELAY = 0.15


def test_two_sites_are_crawled_at_once_each_at_its_polite_rate(tmp_path):
    sites = tmp_path / "sites.yml"
    db = tmp_path / "a.db"
    with serve_sample_site(host="127.0.0.1") as one, serve_sample_site(host="127.0.0.3") as two:
        sites.write_text(
            "sites:\n"
            f"  - {{name: one, country: Mali, languages: [fr], start_urls: ['{one.url}/']}}\n"
            f"  - {{name: two, country: Mali, languages: [fr], start_urls: ['{two.url}/']}}\n"
            f"  - {{name: three, start_urls: ['http://127.0.0.4:9/']}}\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(cli, [
            "crawl", "--sites", str(sites), "--site", "one", "--site", "two", "--db", str(db),
            "--delay", str(DELAY), "--max-pages", "25", "--quiet",
        ])
        logs = [one.requests, two.requests]
    assert result.exit_code == 0, result.output
    archive = sqlite_utils.Database(db)
    per_site = dict(archive.execute("select site, count(*) from pages group by site").fetchall())
    assert set(per_site) == {"one", "two"}  # "three" was not asked for
    assert all(n >= 15 for n in per_site.values())
    # --max-pages caps the pages each site's frontier takes in one crawl (its sitemaps and
    # feeds have a budget of their own).
    from scraper.discover import is_discovery_url
    rows = archive.execute("select site, url from frontier").fetchall()
    frontier = {name: sum(1 for site, url in rows if site == name and not is_discovery_url(url))
                for name in ("one", "two")}
    assert frontier == {"one": 25, "two": 25}
    assert [r["host"] for r in archive.query("select host from sites order by name")] == [
        one.url.removeprefix("http://"), two.url.removeprefix("http://")
    ]
    spans = []
    for log in logs:
        assert_polite(log, DELAY)
        starts = sorted(t for t, *_ in log)
        spans.append((starts[0], starts[-1]))
    # Crawled at the same time, not one after the other.
    assert spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1]


def test_reextract_rebuilds_what_was_lost_from_the_captures_offline(tmp_path):
    db = tmp_path / "a.db"
    with serve_sample_site() as server:
        assert CliRunner().invoke(
            cli, ["crawl", server.url + "/", "--db", str(db), "--delay", "0", "--quiet"]
        ).exit_code == 0
    # The server is gone: reextract must not need the network.
    archive = sqlite_utils.Database(db)
    before = archive.execute("select count(*) from sections").fetchone()[0]
    pages = sorted(r[0] for r in archive.execute("select url from pages"))
    versions = archive.execute("select count(*) from page_versions").fetchone()[0]
    with archive.conn:
        archive.conn.execute("delete from sections")
        archive.conn.execute("update pages set title = 'damaged'")
    result = CliRunner().invoke(cli, ["reextract", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("reextract: ")
    assert archive.execute("select count(*) from sections").fetchone()[0] == before
    assert sorted(r[0] for r in archive.execute("select url from pages")) == pages
    assert archive.execute("select count(*) from page_versions").fetchone()[0] == versions
    assert archive.execute("select count(*) from pages where title = 'damaged'").fetchone()[0] == 0
    seed = server.url + SampleSite().seed_path
    [title] = archive.execute("select title from pages where url = ?", [seed]).fetchone()
    assert title == "Le Service de Securité Intérieure"


def test_a_page_that_breaks_the_extractor_is_recorded_and_the_crawl_goes_on(tmp_path):
    import io

    from archive.crawlstore import SqliteCrawlStore
    from archive.schema import ensure_schema
    from scraper import extract_page
    from scraper.crawl import run_crawl_sync, site_for_url
    from scraper.http import Politeness
    from scraper.progress import Reporter

    def fragile(body, url, **kw):  # an extractor with a bug on one page
        if url.endswith("/Visa-de-long-sejour-4152"):
            raise ValueError("boom")
        return extract_page(body, url, **kw)

    db = sqlite_utils.Database(tmp_path / "a.db")
    ensure_schema(db)
    with serve_sample_site() as server:
        result = run_crawl_sync(
            SqliteCrawlStore(db), [site_for_url(server.url + "/")], fragile,
                                politeness=Politeness(delay=0), reporter=Reporter(io.StringIO()))
    assert result.exit_status == 0
    [row] = db.query("select * from captures where url like '%/Visa-de-long-sejour-4152'")
    assert row["outcome"] == "failed" and row["error"] == "crawler error: ValueError: boom"
    pages = db.execute("select count(*) from pages").fetchone()[0]
    assert pages == len(SampleSite().html_urls())  # all the others, and the agenda's first page
