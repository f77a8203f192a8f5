"""One exception tree: drawn in archive/errors.py's docstring, true to the code, mapped by the CLI."""

from __future__ import annotations

import builtins
import errno
import inspect
import re
import sqlite3

import pytest
from click.testing import CliRunner

from archive import errors
from archive.errors import (
    DiskFull,
    EmbassyArchiveError,
    ReadOnly,
    storage_failure,
)

# "     │    └── ForeignDatabase 2    an SQLite …": the depth is where the name starts.
DRAWN = re.compile(r"^(?P<indent>[ │├└─]*?)(?:[├└]── )?(?P<name>[A-Z]\w+)\s+(?P<status>\d+)?\s")


def drawn_tree() -> dict[str, tuple[str | None, int | None]]:
    """Each class the docstring draws: (its drawn parent, its drawn exit status)."""
    tree: dict[str, tuple[str | None, int | None]] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        match = DRAWN.match(line)
        if not match or match["name"] not in vars(errors):
            continue
        depth = match.start("name")
        while stack and stack[-1][0] >= depth:
            stack.pop()
        status = int(match["status"]) if match["status"] else None
        tree[match["name"]] = (stack[-1][1] if stack else None, status)
        stack.append((depth, match["name"]))
    return tree


def defined_errors() -> dict[str, type[BaseException]]:
    return {name: value for name, value in vars(errors).items()
            if inspect.isclass(value) and issubclass(value, BaseException)
            and value.__module__ == errors.__name__}


def test_the_drawing_names_every_error_with_its_parent_and_status():
    tree = drawn_tree()
    assert set(tree) == set(defined_errors())
    for name, (parent, status) in tree.items():
        cls = defined_errors()[name]
        if parent is None:
            assert cls is EmbassyArchiveError
        else:
            assert cls.__bases__[0].__name__ == parent, name
            assert status == cls.exit_status, name  # type: ignore[attr-defined]


def test_every_error_the_library_raises_has_one_root():
    from archive.api import ArchiveError as api_root
    from archive.warc import ExportError
    from archive.warc_read import WarcError
    from scraper.api import NotAURL
    from scraper.cdx import ServiceUnavailable
    from scraper.config import ConfigError

    for cls in (api_root, ExportError, WarcError, NotAURL, ServiceUnavailable, ConfigError):
        assert issubclass(cls, EmbassyArchiveError), cls
        assert cls is getattr(errors, cls.__name__)  # re-exported, not a second class
    assert issubclass(NotAURL, ValueError)  # what callers caught before


@pytest.mark.parametrize("name", sorted(defined_errors()))
def test_the_command_line_maps_each_error_to_one_line_and_its_status(name):
    import click

    from scraper.cli import user_errors

    cls = defined_errors()[name]

    @click.command()
    def raises() -> None:
        with user_errors("a.db"):
            raise cls(f"a sentence about {name}")

    result = CliRunner().invoke(raises, [])
    assert result.exit_code == cls.exit_status  # type: ignore[attr-defined]
    assert result.output == f"Error: a sentence about {name}\n"


@pytest.mark.parametrize("exc, kind, words", [
    (OSError(errno.ENOSPC, "No space left on device", "a.db"), DiskFull, "a.db: the disk is full"),
    (OSError(errno.EFBIG, "File too large"), DiskFull, "x.db: the disk is full (File too large)"),
    (OSError(errno.EROFS, "Read-only file system", "a.db.lock"), ReadOnly,
     "cannot write a.db.lock: Read-only file system"),
    (OSError(errno.EACCES, "Permission denied"), ReadOnly, "cannot write x.db: Permission denied"),
])
def test_what_the_os_says_about_a_write_becomes_a_named_error(exc, kind, words):
    error = storage_failure(exc, "x.db")
    assert type(error) is kind and words in str(error)
    assert error is not None and error.exit_status == 74


def test_what_sqlite_says_about_a_write_becomes_a_named_error(tmp_path):
    path = tmp_path / "a.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("INSERT INTO t VALUES (1)")
    error = storage_failure(raised.value, path)
    assert isinstance(error, ReadOnly) and str(path) in str(error)


@pytest.mark.parametrize("exc", [
    OSError(errno.ECONNREFUSED, "Connection refused"),
    OSError(errno.ENOENT, "No such file or directory"),
    sqlite3.OperationalError("no such table: pages"),
    ValueError("a bug"),
    None,
])
def test_other_errors_are_not_taken_for_a_full_disk(exc):
    assert storage_failure(exc, "a.db") is None


def test_a_bug_keeps_its_traceback():
    import click

    from scraper.cli import user_errors

    @click.command()
    def raises() -> None:
        with user_errors("a.db"):
            raise sqlite3.OperationalError("no such table: pages")

    result = CliRunner().invoke(raises, [])
    assert isinstance(result.exception, sqlite3.OperationalError)



# Exception classes kept beside their code: control flow caught in their own module (or turned
# into an HTTP status by a server plugin), never shown to a user. A new one is added here, or
# to the tree, by choice.
INTERNAL = {
    ("scraper/http.py", "_Failure"), ("scraper/config.py", "_AliasRefused"),
    ("scraper/throttle.py", "PastDeadline"), ("scraper/wire.py", "BodyError"),
    ("archive/warc_read.py", "Broken"), ("archive/plugins/memento.py", "CdxQueryError"),
    ("archive/plugins/export_rows.py", "ExportRefused"), ("archive/plugins/export_rows.py", "_Stopped"),
    ("archive/plugins/home.py", "NotAnArchive"),
}
_BUILTIN_BASES = {name for name, value in vars(builtins).items()
                  if inspect.isclass(value) and issubclass(value, BaseException)}


def test_no_exception_class_outside_the_tree_but_the_internal_ones():
    import ast
    from pathlib import Path

    root = Path(errors.__file__).resolve().parent.parent
    ours = set(defined_errors())
    found = set()
    for path in sorted([*root.glob("scraper/**/*.py"), *root.glob("archive/**/*.py")]):
        relative = path.relative_to(root).as_posix()
        if relative == "archive/errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                         for b in node.bases}
                if bases & (_BUILTIN_BASES | ours):
                    found.add((relative, node.name))
    assert found == INTERNAL
