"""An operator's mistakes, through the real command: one line on stderr, the documented status.

A full disk is made two ways: a file-size limit (setrlimit in the child, SIGXFSZ ignored, so a
write past it fails with EFBIG, as on a full disk) and, where the kernel lets an unprivileged
user namespace mount one, a 1.5 MB tmpfs (ENOSPC, the real thing). A read-only file system is a
read-only bind mount in a private mount namespace (`unshare -rm`); a file the process may not
write is chmod'ed, and run under `unshare -U` when the tests run as root, whom permissions do
not stop. Where the kernel refuses the namespace, those tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from archive.errors import EX_IOERR
from scraper.sample_site import serve_sample_site

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "scraper.cli"]
# The CLI under a file-size limit: the limit is set in the child only, and SIGXFSZ ignored so
# that a write past it fails with EFBIG instead of killing the process. The language model is
# unpacked to a temporary file: loaded first, so the limit stands for the archive's disk alone.
LIMITED = textwrap.dedent("""
    import resource, signal, sys
    if __name__ == "__main__":
        from scraper.extract.language import detect_language
        detect_language("Une phrase en français pour charger le modèle de langue.")
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        sys.argv = ["embassy-archive", *sys.argv[2:]]
        from scraper.cli import main
        main()
""")


def run(args: Sequence[str], prefix: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300, check=False)


def assert_one_line(result: subprocess.CompletedProcess[str], status: int, words: str) -> None:
    assert result.returncode == status, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("Error: ") and words in result.stderr, result.stderr


def namespace(*flags: str) -> list[str]:
    """`unshare FLAGS`, or a skip when this kernel or sandbox refuses it."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) here")
    probe = subprocess.run([unshare, *flags, "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unshare {' '.join(flags)} is not permitted here: {probe.stderr.decode()[:80]}")
    return [unshare, *flags]


def mounted(folder: Path, how: str, then: str = "") -> list[str]:
    """A prefix that runs a command with `folder` mounted read-only or as a tmpfs of `how`
    bytes, after the shell command `then`."""
    mount = (f"mount --bind -o ro '{folder}' '{folder}'" if how == "ro"
             else f"mount -t tmpfs -o size={how} tmpfs '{folder}'")
    script = f'{mount} || exit 99; {then} exec "$@"'
    return [*namespace("-rm"), "sh", "-c", script, "sh"]


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real archive: the sample site crawled by the command."""
    path = tmp_path_factory.mktemp("archive") / "a.db"
    with serve_sample_site() as site:
        result = run([*CLI, "crawl", site.url + "/", "--db", str(path), "--delay", "0",
                      "--max-pages", "15", "--quiet"])
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def archive_copy(archive_file: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(archive_file, folder / "a.db")
    return folder / "a.db"


@pytest.fixture(scope="module")
def big_site() -> Iterator[str]:
    with serve_sample_site(pages=400) as site:
        yield site.url + "/"


# --- --db that is not an archive file ------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["crawl", "http://127.0.0.1:9/"], ["reextract"], ["serve"], ["import-warc", "README.md"],
    ["export-warc", "out.warc.gz"],
])
def test_a_folder_as_db_is_named_a_folder_and_left_alone(tmp_path, command):
    folder = tmp_path / "archive.db"
    folder.mkdir()
    result = run([*CLI, *command, "--db", str(folder)])
    assert_one_line(result, 2, f"{folder} is a folder: --db takes an archive file")
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "archive.db.lock").exists()


@pytest.mark.parametrize("command", [["crawl", "http://127.0.0.1:9/"], ["import-warc", "README.md"],
                                     ["backfill", "http://127.0.0.1:9/"]])
def test_a_missing_folder_is_named(tmp_path, command):
    result = run([*CLI, *command, "--db", str(tmp_path / "no" / "such" / "a.db")])
    assert_one_line(result, 2, f"folder {tmp_path / 'no' / 'such'} does not exist")


@pytest.mark.parametrize("command", [["crawl", "http://127.0.0.1:9/"], ["reextract"]])
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path, command):
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"my notes, not a database\n" * 200)
    result = run([*CLI, *command, "--db", str(notes)])
    assert_one_line(result, 2, "is not an embassy-archive database")
    assert notes.read_bytes() == b"my notes, not a database\n" * 200


# --- a full disk ---------------------------------------------------------------------------

def test_a_full_disk_when_the_archive_is_created_is_one_line_and_74(tmp_path):
    db = tmp_path / "new.db"
    result = run([sys.executable, "-c", LIMITED, "20000",
                  "crawl", "http://127.0.0.1:9/", "--db", str(db), "--quiet"])
    assert_one_line(result, EX_IOERR, f"cannot write {db}: the disk is full")


def test_a_full_disk_during_a_reextract_is_one_line_and_74(archive_copy):
    # The archive may keep its size; its write-ahead log, which starts empty, may not grow
    # past 64 KiB: four of its pages, far less than rebuilding 15 pages writes.
    result = run([sys.executable, "-c", LIMITED, str(64 * 1024),
                  "reextract", "--db", str(archive_copy)])
    assert_one_line(result, EX_IOERR, f"cannot write {archive_copy}: the disk is full")
    # what was there is still there, whole
    from archive.api import open_archive

    with open_archive(archive_copy, create=False) as archive:
        assert archive.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
        assert archive.pages()


@pytest.mark.parametrize("quiet", [["--quiet"], []], ids=["quiet", "with-progress"])
def test_a_disk_that_fills_up_during_a_crawl_is_one_line_and_74(archive_copy, big_site, quiet):
    seed = archive_copy.parent.parent / "seed.db"
    archive_copy.rename(seed)  # the tmpfs hides the folder's files: copied in once it is mounted
    room = seed.stat().st_size + 400_000  # room for the archive, not for the crawl's pages
    prefix = mounted(archive_copy.parent, str(room), then=f"cp '{seed}' '{archive_copy}' &&")
    result = run([*CLI, "crawl", big_site, "--db", str(archive_copy), "--delay", "0",
                  "--max-pages", "400", *quiet], prefix)
    if not quiet:  # the crawl's log lines come first: no traceback among them, the failure last
        assert "Traceback" not in result.stderr and "exception" not in result.stderr.lower()
        last = result.stderr.strip().splitlines()[-1] + "\n"
        result = subprocess.CompletedProcess(result.args, result.returncode, result.stdout, last)
    assert_one_line(result, EX_IOERR, f"cannot write {archive_copy}: the disk is full")


# --- a read-only file system, and files the process may not write --------------------------

@pytest.mark.parametrize("command", [["crawl", "http://127.0.0.1:9/"], ["reextract"],
                                     ["import-warc", "README.md"]])
def test_writing_to_a_read_only_mount_is_one_line_and_74(archive_copy, command):
    result = run([*CLI, *command, "--db", str(archive_copy)], mounted(archive_copy.parent, "ro"))
    assert_one_line(result, EX_IOERR, "Read-only file system")


def test_a_new_archive_on_a_read_only_mount_is_one_line_and_74(tmp_path):
    db = tmp_path / "new.db"
    result = run([*CLI, "crawl", "http://127.0.0.1:9/", "--db", str(db)], mounted(tmp_path, "ro"))
    assert_one_line(result, EX_IOERR, f"cannot write {db}.lock: Read-only file system")


def _busy_port_serve(db: Path, prefix: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """`serve` with its port taken: it checks the archive first, so "cannot listen" means the
    archive was accepted, with no server to start or stop."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = str(busy.getsockname()[1])
        return run([*CLI, "serve", "--db", str(db), "--port", port], prefix)


READ_PAGES = textwrap.dedent("""
    import asyncio, json, sys
    from archive.publish import make_datasette
    async def main():
        ds = make_datasette(sys.argv[1])
        answer = await ds.client.get("/a/pages.json?_shape=array&_col=title")
        print(answer.status_code, len(answer.json()), ds.get_database("a").is_mutable)
    asyncio.run(main())
""")


def test_serve_opens_an_archive_on_a_read_only_mount(archive_copy):
    prefix = mounted(archive_copy.parent, "ro")
    result = _busy_port_serve(archive_copy, prefix)
    assert_one_line(result, 1, "cannot listen on 127.0.0.1")
    pages = run([sys.executable, "-c", READ_PAGES, str(archive_copy)], prefix)
    assert pages.returncode == 0, pages.stderr
    status, rows, mutable = pages.stdout.split()
    assert (status, mutable) == ("200", "False") and int(rows) > 0  # immutable, and read


def _unwritable(path: Path) -> list[str]:
    """Make `path` and its folder unwritable; the prefix that makes that bind the command."""
    path.chmod(0o444)
    path.parent.chmod(0o555)
    return namespace("-U") if os.geteuid() == 0 else []


def test_serve_opens_an_archive_the_process_may_not_write(archive_copy):
    prefix = _unwritable(archive_copy)
    try:
        result = _busy_port_serve(archive_copy, prefix)
    finally:
        archive_copy.parent.chmod(0o755)
    assert_one_line(result, 1, "cannot listen on 127.0.0.1")


def test_crawl_into_a_folder_the_process_may_not_write_is_one_line_and_74(archive_copy):
    prefix = _unwritable(archive_copy)
    try:
        result = run([*CLI, "crawl", "http://127.0.0.1:9/", "--db", str(archive_copy)], prefix)
    finally:
        archive_copy.parent.chmod(0o755)
    assert_one_line(result, EX_IOERR, "Permission denied")


# --- an archive of another version ---------------------------------------------------------

def _from_the_future(db: Path, keep_open: bool = False) -> int:
    """Mark the archive as written by the next schema; `keep_open` leaves the connection open,
    so the mark is still in the write-ahead log, as while a newer crawl writes."""
    from archive.schema import LATEST

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO migrations (version, name, applied_at) "
                     "VALUES (?, 'from the future', '2099-01-01T00:00:00Z')", (LATEST + 1,))
    if keep_open:
        _held.append(conn)
    else:
        conn.close()
    return LATEST


_held: list[sqlite3.Connection] = []


@pytest.mark.parametrize("in_the_log", [False, True], ids=["checkpointed", "in-the-wal"])
def test_a_read_only_archive_of_a_newer_version_is_refused_with_a_sentence(archive_copy,
                                                                           in_the_log):
    known = _from_the_future(archive_copy, keep_open=in_the_log)
    try:
        assert Path(f"{archive_copy}-wal").exists() == in_the_log
        result = _busy_port_serve(archive_copy, mounted(archive_copy.parent, "ro"))
    finally:
        while _held:
            _held.pop().close()
    assert_one_line(result, 2, f"{archive_copy} was written by a newer embassy-archive "
                               f"(schema {known + 1}, this one knows up to {known}): "
                               "upgrade embassy-archive")


@pytest.mark.parametrize("command", ["crawl", "serve"])
def test_an_archive_of_a_newer_version_is_refused_and_left_alone(archive_copy, command):
    known = _from_the_future(archive_copy)
    before = archive_copy.read_bytes()
    if command == "serve":
        result = _busy_port_serve(archive_copy, [])  # refused before it would listen
    else:
        result = run([*CLI, "crawl", "http://127.0.0.1:9/", "--db", str(archive_copy)])
    assert_one_line(result, 2, f"(schema {known + 1}, this one knows up to {known})")
    assert archive_copy.read_bytes() == before


def test_a_read_only_archive_of_an_older_version_says_how_to_upgrade(tmp_path):
    from sqlite_utils import Database

    from archive.schema import LATEST, ensure_schema

    folder = tmp_path / "data"
    folder.mkdir()
    db = Database(folder / "old.db")
    ensure_schema(db, upto=LATEST - 1)
    db.close()
    result = _busy_port_serve(folder / "old.db", mounted(folder, "ro"))
    assert_one_line(result, EX_IOERR, f"(schema {LATEST - 1}, this one needs {LATEST}): "
                                      "open it once where it can be written")
