"""The `embassy-archive` command: the one place that wires `scraper` and `archive`."""

from __future__ import annotations

import io
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import BinaryIO, NoReturn

import click

from archive.api import Archive
from archive.api import open_archive as api_open_archive
from archive.errors import ArchiveError, LockHeld

from . import __version__
from .api import NotAURL, crawl_sites, seed_site
from .api import reextract as api_reextract
from .config import ConfigError, load_sites, select_sites
from .crawl import CrawlOptions, CrawlResult
from .models import Site
from .progress import Reporter

# Exit statuses (README, "Exit status"); click itself exits 2 on bad usage.
EXIT_USAGE = 2
EXIT_LOCKED = 75


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr and an exit status: never a traceback for a user's mistake."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


@contextmanager
def user_errors() -> Iterator[None]:
    """The library's named exceptions, each turned into one line and an exit status."""
    try:
        yield
    except LockHeld as exc:
        fail(str(exc), EXIT_LOCKED)
    except (ArchiveError, ConfigError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to resume", 130)


@contextmanager
def open_archive(path: str, *, create: bool, lock: bool = False) -> Iterator[Archive]:
    """The archive at `path` for one command (see `user_errors` for what a failure prints)."""
    with user_errors():
        archive = api_open_archive(path, create=create, lock=lock)
    with archive:
        yield archive


def _run_crawl(db_path: str, sites: list[Site], *, delay: float, options: CrawlOptions,
               reporter: Reporter) -> CrawlResult:
    # The lock is taken before the database is opened, so a second crawl touches nothing.
    with user_errors(), open_archive(db_path, create=True, lock=True) as archive:
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
@click.option("--quiet", is_flag=True, help="Only the closing summary line.")
def crawl(
    urls: tuple[str, ...],
    sites_file: str | None,
    site_names: tuple[str, ...],
    db_path: str,
    max_pages: int,
    delay: float,
    max_depth: int,
    quiet: bool,
) -> None:
    """Crawl the given seed URLs, or the sites of a sites file, into the archive.

    Polite by default (robots.txt, one request per second per host, honest User-Agent).
    Known pages are re-checked with conditional requests; an interrupted crawl is resumed.

    Exit status: 0 done (page failures are recorded in the database); 2 bad usage or
    configuration; 3 a site could not be crawled at all; 75 another crawl holds the lock.
    """
    if site_names and not sites_file:
        raise click.UsageError("--site needs --sites FILE")
    if not urls and not sites_file:
        raise click.UsageError("give seed URLs or --sites FILE")
    sites = [_seed_site(u) for u in urls]
    if sites_file:
        try:
            sites += select_sites(load_sites(sites_file), site_names)
        except ConfigError as exc:
            fail(str(exc))
    result = _run_crawl(
        db_path, sites, delay=delay,
        options=CrawlOptions(max_pages=max_pages, max_depth=max_depth),
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
    """Rebuild pages, sections, translations and versions from stored captures, offline."""
    with user_errors(), open_archive(db_path, create=False, lock=True) as archive:
        counts = api_reextract(archive)
    click.echo("reextract: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@cli.command()
@click.option("--db", "db_path", required=True, metavar="PATH", help="Archive database.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db_path: str, host: str, port: int) -> None:
    """Serve the archive read-only with Datasette at http://HOST:PORT/."""
    from archive.publish import serve as serve_datasette

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
        if not no_serve:
            _serve(serve_datasette, db_path, "127.0.0.1", port)


def main() -> None:
    cli(prog_name="embassy-archive")


if __name__ == "__main__":
    main()
