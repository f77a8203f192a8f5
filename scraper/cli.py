"""The `embassy-archive` command: the one place that wires `scraper` and `archive`."""

from __future__ import annotations

import io
import json
import os
import socket
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn

import click

from archive.api import Archive
from archive.api import open_archive as api_open_archive
from archive.errors import (
    EmbassyArchiveError,
    ForeignDatabase,
    NotAnArchive,
    NotAURL,
    storage_failure,
    writable,
)

from . import __version__
from .api import crawl_sites, seed_site
from .api import reextract as api_reextract
from .config import load_sites, select_sites
from .crawl import CrawlOptions, CrawlResult
from .models import Site
from .progress import Reporter

# Exit statuses (README, "Exit status"): click itself exits 2 on bad usage; each library error
# carries its own (archive/errors.py: 2, 3 a service, 74 the disk refused a write, 75 locked).
EXIT_USAGE = 2


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr and an exit status: never a traceback for a user's mistake."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


@contextmanager
def user_errors(db_path: str | None = None) -> Iterator[None]:
    """The one place the library's errors become one line on stderr and their exit status.

    Every error of the tree in archive/errors.py carries its status. An OS or SQLite error
    that says the disk refused a write (full, read-only) becomes the CannotWrite it stands for,
    naming `db_path`; any other is a bug of ours and keeps its traceback.
    """
    try:
        yield
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to resume", 130)
    except (EmbassyArchiveError, sqlite3.Error, OSError) as exc:
        error = _named(exc, db_path)
        if error is None:
            raise
        fail(str(error), error.exit_status)


def _named(exc: Exception, db_path: str | None) -> EmbassyArchiveError | None:
    if isinstance(exc, NotAnArchive) and not isinstance(exc, ForeignDatabase):
        # Opening calls any SQLite error "not an archive"; the error it was raised during
        # tells a damaged file from a disk that refused to write.
        return storage_failure(exc.__context__, db_path) or exc
    if isinstance(exc, EmbassyArchiveError):
        return exc
    return storage_failure(exc, db_path)


def _progress(line: str) -> None:
    """A long conversion or index rebuild on open says what it is doing, on stderr."""
    click.echo(line, err=True)


@contextmanager
def open_archive(path: str, *, create: bool, lock: bool = False) -> Iterator[Archive]:
    """The archive at `path` for one command, inside `user_errors` (what a failure prints)."""
    with user_errors(path):
        if Path(path).is_dir():
            example = Path(path) / "archive.db"
            raise NotAnArchive(f"{path} is a folder: --db takes an archive file, e.g. {example}")
        with api_open_archive(path, create=create, lock=lock, progress=_progress) as archive:
            yield archive


def _run_crawl(db_path: str, sites: list[Site], *, delay: float, options: CrawlOptions,
               reporter: Reporter) -> CrawlResult:
    # The lock is taken before the database is opened, so a second crawl touches nothing.
    with open_archive(db_path, create=True, lock=True) as archive:
        return crawl_sites(archive, sites, delay=delay, options=options, reporter=reporter)


@click.group()
@click.version_option(__version__, prog_name="embassy-archive")
def cli() -> None:
    """Crawl embassy websites into one SQLite archive and publish it with Datasette.

    Typical use: `embassy-archive crawl --sites sites.yml --db archive.db` (nightly, from cron),
    then `embassy-archive serve --db archive.db` and open http://127.0.0.1:8001/.
    """


def _seed_site(url: str) -> Site:
    try:
        return seed_site(url)
    except NotAURL as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from None


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites file (YAML), e.g. sites.yml.")
@click.option("--site", "site_names", multiple=True, metavar="NAME", help="Only this site of the sites file (repeatable).")
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database (created if missing).")
@click.option("--max-pages", type=click.IntRange(min=1), default=5000, show_default=True, help="At most N URLs per site in one crawl.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True, help="Seconds between two requests to one host (robots.txt Crawl-delay wins if longer).")
@click.option("--max-depth", type=click.IntRange(min=0), default=30, show_default=True, help="Link hops from a start URL.")
@click.option("--sites-at-once", type=click.IntRange(min=1), default=200, show_default=True, help="Sites crawled at the same time, each at its own polite rate.")
@click.option("--full-every", "full_every", type=click.IntRange(min=0), default=7, show_default=True, metavar="DAYS", help="Re-check every known page at least every DAYS days, whatever the sitemaps say (0: all of them tonight).")
@click.option("--max-duration", type=click.FloatRange(min=1), default=6 * 3600, show_default=True, metavar="SECONDS", help="No request starts after SECONDS: an unfinished site pauses, and the next run resumes it.")
@click.option("--quiet", is_flag=True, help="Only the closing summary line.")
def crawl(
    urls: tuple[str, ...],
    sites_file: str | None,
    site_names: tuple[str, ...],
    db_path: str,
    max_pages: int,
    delay: float,
    max_depth: int,
    sites_at_once: int,
    full_every: int,
    max_duration: float,
    quiet: bool,
) -> None:
    """Crawl the given seed URLs, or the sites of a sites file, into the archive.

    Polite by default (robots.txt, one request per second per host, honest User-Agent).
    Known pages are re-checked with conditional requests; an interrupted crawl is resumed.

    SIGINT or SIGTERM stops the crawl within a second or two with its summary line, the
    crawl left 'interrupted'; the next crawl of the same sites resumes it exactly (a crawl
    of other sites leaves it waiting, and says so).

    Exit status: 0 done (page failures are recorded in the database); 2 bad usage,
    configuration or archive; 3 a site could not be crawled at all; 74 the disk is full or
    read-only; 75 another crawl holds the lock; 130 interrupted.
    """
    if site_names and not sites_file:
        raise click.UsageError("--site needs --sites FILE")
    if not urls and not sites_file:
        raise click.UsageError("give seed URLs or --sites FILE")
    sites = [_seed_site(u) for u in urls]
    if sites_file:
        with user_errors():
            sites += select_sites(load_sites(sites_file), site_names)
    result = _run_crawl(
        db_path, sites, delay=delay,
        options=CrawlOptions(max_pages=max_pages, max_depth=max_depth,
                             sites_at_once=sites_at_once, full_every_days=full_every,
                             max_duration=max_duration),
        reporter=Reporter(io.StringIO() if quiet else None),
    )
    click.echo(result.summary())
    sys.exit(result.exit_status)


@cli.command()
@click.argument("file", type=click.File("rb"))
@click.option("--url", required=True, help="The address the page was saved from (resolves its links).")
def extract(file: BinaryIO, url: str) -> None:
    """Print the extraction of one saved HTML page as JSON."""
    from . import extract_page

    page = extract_page(file.read(), url)
    click.echo(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))


@cli.command()
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database.")
def reextract(db_path: str) -> None:
    """Rebuild pages, sections, translations and versions from stored captures, offline.

    Exit status: 0 done; 2 no archive there, or not one this version can use; 74 the disk is
    full or read-only; 75 a crawl holds the lock.
    """
    with open_archive(db_path, create=False, lock=True) as archive:
        counts = api_reextract(archive)
    click.echo("reextract: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@cli.command()
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db_path: str, host: str, port: int) -> None:
    """Serve the archive read-only with Datasette at http://HOST:PORT/.

    An archive this process may not write (or on a read-only mount) is served as it is,
    provided its schema is this version's. Exit status: 1 the port is taken; 2 no archive
    there, or not one this version can use; 74 a read-only archive of an older version.
    """
    from archive.publish import check_read_only
    from archive.publish import serve as serve_datasette

    if Path(db_path).is_file() and not writable(db_path):
        with user_errors(db_path):
            check_read_only(db_path)
    else:
        with open_archive(db_path, create=False):
            pass  # checks the file and brings an older schema up to date before serving
    _serve(serve_datasette, db_path, host, port)


def _check_port(host: str, port: int) -> None:
    """A busy port is the user's to fix: say so in one line, before uvicorn's own log."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        fail(f"cannot listen on {host}:{port} ({reason})", 1)


def _serve(serve_datasette: Callable[..., None], db_path: str, host: str, port: int) -> None:
    _check_port(host, port)
    click.echo(f"Serving {db_path} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    try:
        serve_datasette(db_path, host=host, port=port)
    except KeyboardInterrupt:
        pass


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Datasette's port.")
@click.option("--db", "db_path", default="demo.db", show_default=True, metavar="PATH")
@click.option("--pages", type=click.IntRange(min=0), default=0, help="Synthetic articles to add to the sample site.")
@click.option("--sample-port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port of the sample site (a fixed one, so a second demo re-crawls the same site).")
@click.option("--no-serve", is_flag=True, help="Crawl only; do not start Datasette.")
def demo(port: int, db_path: str, pages: int, sample_port: int, no_serve: bool) -> None:
    """Serve the bundled sample embassy site, crawl it into PATH, then serve Datasette.

    Run it again and the second crawl is incremental: the sample site answers 304s.
    """
    from archive.publish import serve as serve_datasette

    from .sample_site import serve_sample_site

    if not no_serve:
        _check_port("127.0.0.1", port)  # before crawling, not after
    with ExitStack() as stack:
        try:
            sample = stack.enter_context(serve_sample_site(pages=pages, port=sample_port))
        except OSError:  # the fixed port is taken: any free port will do
            sample = stack.enter_context(serve_sample_site(pages=pages, port=0))
        click.echo(f"Sample embassy site at {sample.url}/ — crawling it into {db_path}", err=True)
        result = _run_crawl(
            db_path, [_seed_site(sample.url + "/")],
            delay=0.0,  # our own site on loopback: no need to wait between requests
            options=CrawlOptions(max_pages=pages + 500), reporter=Reporter(),
        )
        click.echo(result.summary(), err=True)
        if result.counts.get("failed"):
            # The sample site links to one page it never had, on purpose: the crawl records
            # the 404 as a failure, as it would on a real site.
            click.echo("  (expected: the sample site links on purpose to a page it never had, "
                       "/Ancien-communique-supprime-3999, which answers 404; the failure is "
                       "in the captures table, outcome failed)", err=True)
        if not no_serve:
            _serve(serve_datasette, db_path, "127.0.0.1", port)


# --- captures out to and in from the web-archiving world (issue 12) -----------------------

def _chosen_sites(sites_file: str | None, names: tuple[str, ...]) -> list[Site]:
    if names and not sites_file:
        raise click.UsageError("--site needs --sites FILE")
    if not sites_file:
        return []
    with user_errors():
        return select_sites(load_sites(sites_file), names)


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


@cli.command("export-warc")
@click.argument("out", metavar="OUT.warc.gz", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database.")
@click.option("--site", metavar="NAME", help="Only the captures of this site.")
@click.option("--since", metavar="DATE", callback=_iso_date, help="Only captures fetched on or after DATE (YYYY-MM-DD).")
@click.option("--wacz", is_flag=True, help="Also pack a WACZ (with the page list) beside OUT, for ReplayWeb.page or pywb.")
def export_warc(out: Path, db_path: str, site: str | None, since: str | None, wacz: bool) -> None:
    """Write the archive's captures as a WARC/1.1 file (request, response and revisit records).

    Exit status: 0 done; 2 bad usage, no such database or site, or WACZ packing failed;
    74 the disk is full or read-only.
    """
    from .webarchive import export_warc as export

    if not out.parent.is_dir():
        fail(f"cannot write {out}: folder {out.parent} does not exist")
    with open_archive(db_path, create=False) as archive:
        result = export(archive, out, site=site, since=since, wacz=wacz)
    click.echo(result.summary())


@cli.command("import-warc")
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database (created if missing).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites file (YAML) whose sites' records are imported too.")
@click.option("--site", "site_names", multiple=True, metavar="NAME", help="Only this site of the sites file (repeatable).")
def import_warc(files: tuple[Path, ...], db_path: str, sites_file: str | None,
                site_names: tuple[str, ...]) -> None:
    """Import the response and revisit records of WARC or WACZ files (Heritrix, Browsertrix,
    wget, our own export) as captures, extracted like crawled pages.

    Without --sites, every host of the records is a site (the archive's own sites first);
    --sites/--site narrows the import to those sites. Records cut short, with a wrong digest
    or broken chunking, and what the crawler would refuse (traps, robots.txt), are skipped and
    counted by reason. Each file is one transaction; importing a file again adds nothing.
    Exit status: 0 done; 2 bad usage, a file that is not WARC, or nothing imported at all;
    74 the disk is full or read-only; 75 another crawl holds the lock.
    """
    from .webarchive import import_warcs

    sites = _chosen_sites(sites_file, site_names)
    with open_archive(db_path, create=True, lock=True) as archive:
        result = import_warcs(archive, list(files), sites)
    if result.new_sites:
        click.echo(f"import-warc: sites taken from the records' hosts: {', '.join(result.new_sites)}"
                   + ("" if sites else " (narrow with --sites FILE [--site NAME])"), err=True)
    if (why := result.failure()) is not None:
        fail(why)
    click.echo(result.summary())


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database (created if missing).")
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="Sites file (YAML).")
@click.option("--site", "site_names", multiple=True, metavar="NAME", help="Only this site of the sites file (repeatable).")
@click.option("--from", "from_year", type=click.IntRange(1990, 2100), metavar="YEAR", help="First year of captures to take.")
@click.option("--to", "to_year", type=click.IntRange(1990, 2100), metavar="YEAR", help="Last year of captures to take.")
@click.option("--every", type=click.Choice(["month", "year"]), default="year", show_default=True, help="At most one capture per page and period.")
@click.option("--max-captures", type=click.IntRange(min=1), metavar="N", help="Fetch at most N captures in this run (the rest wait for the next).")
@click.option("--cdx", "cdx_url", default=None, metavar="URL", help="CDX server (default: the Wayback Machine's); a pywb collection's is http://HOST/COLL/cdx.")
@click.option("--delay", type=click.FloatRange(min=0), default=4.0, show_default=True, help="Seconds between two requests to the web archive.")
@click.option("--quiet", is_flag=True, help="Only the closing summary line.")
def backfill(urls: tuple[str, ...], db_path: str, sites_file: str | None, site_names: tuple[str, ...],
             from_year: int | None, to_year: int | None, every: str, max_captures: int | None,
             cdx_url: str | None, delay: float, quiet: bool) -> None:
    """Bring a site's history from before our first crawl out of a web archive (CDX + id_).

    Asks the CDX server for each known page's captures (or every URL under the site's hosts),
    keeps one per period whose content changed, fetches them one at a time and stores them as
    captures of their own date (source 'wayback'). Resumable: run it again after an
    interruption. Exit status: 0 done; 2 bad usage; 3 the web archive could not be used;
    74 the disk is full or read-only; 75 another crawl holds the lock.
    """
    from .backfill import BackfillOptions
    from .cdx import WAYBACK_CDX
    from .webarchive import backfill as run
    from .webarchive import site_of_url

    if from_year and to_year and from_year > to_year:
        raise click.UsageError("--from YEAR is after --to YEAR")
    sites = _chosen_sites(sites_file, site_names)
    if not urls and not sites:
        raise click.UsageError("give page URLs or --sites FILE [--site NAME]")
    options = BackfillOptions(from_year=from_year, to_year=to_year, every=every,
                              max_captures=max_captures)
    progress = (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))
    with open_archive(db_path, create=True, lock=True) as archive:
        work: dict[str, tuple[Site, list[str]]] = {site.name: (site, []) for site in sites}
        for url in urls:
            site = site_of_url(archive, _seed_site(url).start_urls[0])
            work.setdefault(site.name, (site, []))[1].append(url)
        for site, pages in work.values():
            result = run(archive, site, urls=pages, cdx_url=cdx_url or WAYBACK_CDX, delay=delay,
                         options=options, progress=progress)
            click.echo(result.summary())


def main() -> None:
    cli(prog_name="embassy-archive")


if __name__ == "__main__":
    main()
