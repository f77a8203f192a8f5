"""Declared dependencies match the code: each one is imported by the package or its tests."""

import ast
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Tools run by `make lint` or pytest, not imported; a stub package is read by mypy only.
TOOLS = {"ruff", "mypy", "types-pyyaml", "pytest-xdist"}  # pytest-xdist: a plugin (-n)
# Declared for a dependency's sake, never imported by our code: name -> who imports it.
INDIRECT = {"lxml-html-clean": "trafilatura's justext step (lxml.html.clean)",
            "sniffio": "httpcore, once per request (a failed import walks sys.path each time)"}


@cache  # every parametrised case reads the same folders: parsed once per process
def _imports(folders: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module.split(".")[0])
                elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip"
                      and node.args and isinstance(node.args[0], ast.Constant)):
                    found.add(str(node.args[0].value).split(".")[0])
    return found


@cache
def _owners() -> dict[str, list[str]]:
    return packages_distributions()  # walks every installed distribution's files


def _distributions(modules: set[str]) -> set[str]:
    owners = _owners()
    return {dist.lower().replace("_", "-") for m in modules for dist in owners.get(m, [])}


def _declared(group: list[str]) -> list[str]:
    return [Requirement(spec).name.lower().replace("_", "-") for spec in group]


@pytest.mark.parametrize(
    "name", [n for n in _declared(PYPROJECT["project"]["dependencies"]) if n not in INDIRECT]
)
def test_every_runtime_dependency_is_imported_by_the_package(name):
    assert name in _distributions(_imports(("scraper", "archive"))), (
        f"{name} is declared in pyproject.toml but scraper/ and archive/ never import it"
    )


@pytest.mark.parametrize(
    "name", [n for n in _declared(PYPROJECT["project"]["optional-dependencies"]["test"])
             if n not in TOOLS]
)
def test_every_test_dependency_is_imported_by_the_tests_or_benchmarks(name):
    assert name in _distributions(_imports(("tests", "bench", "scraper", "archive"))), (
        f"{name} is in the test extra but nothing imports it"
    )


def test_every_third_party_import_of_the_package_is_declared():
    extras = PYPROJECT["project"]["optional-dependencies"]
    # An extra of the package's own (not the test tools) declares what a feature needs.
    declared = set(_declared(PYPROJECT["project"]["dependencies"])) | {
        name for extra, group in extras.items() if extra != "test" for name in _declared(group)}
    owners = _owners()
    for module in sorted(_imports(("scraper", "archive"))):
        dists = {d.lower().replace("_", "-") for d in owners.get(module, [])}
        if dists and module not in ("scraper", "archive"):
            assert dists & declared, f"scraper/ or archive/ imports {module}, which pyproject does not declare"


def test_trafilaturas_justext_step_finds_lxml_html_clean():
    # lxml 5.2 moved lxml.html.clean out to lxml_html_clean; without it declared, a fresh
    # install failed on the pages that reach justext (issue 20).
    assert "lxml-html-clean" in _declared(PYPROJECT["project"]["dependencies"])
    from justext.core import Cleaner
    from lxml.html.clean import Cleaner as LxmlCleaner

    assert Cleaner is LxmlCleaner
    assert "ambassade" in Cleaner(scripts=True).clean_html("<p>ambassade<script>x</script></p>")
