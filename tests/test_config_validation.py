"""sites.yml checked by type (issue 20): each mistake is one line naming the file and the line,
exit status 2; YAML aliases are refused before anything is expanded."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.config import ConfigError, load_sites

# The "billion laughs" in YAML: nine levels of nine aliases, 9^9 strings once expanded.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")]
    + ["sites: *i", ""]
)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        # a URL where a host is expected: it used to give the start URL https://http//…
        ("sites:\n  - name: a\n    hosts: [https://a.test/]\n", 3, "not a host name"),
        ("sites:\n  - name: a\n    hosts:\n      - a.test\n      - a.test/fr\n", 5,
         "not a host name"),
        # a mapping as the country: it used to be stored as Python's repr
        ("sites:\n  - name: a\n    hosts: a.test\n    country: {name: Mali}\n", 4,
         "'country' must be a text, not a mapping"),
        ("sites:\n  - name: [a, b]\n    hosts: a.test\n", 2, "'name' must be a text, not a list"),
        ("sites:\n  - name: a\n    hosts: a.test\n    languages: [fr, {en: 1}]\n", 4,
         "'languages' must be a text or a list of texts"),
        # a key given twice: the second used to win silently
        ("sites:\n  - name: a\n    hosts: a.test\n    hosts: b.test\n", 4,
         "key 'hosts' given twice (first on line 3)"),
        ("sites:\n  - name: a\n    hosts: a.test\nsites: []\n", 4, "key 'sites' given twice"),
        ("sites:\n  - name: a\n    host: a.test\n", 3, "unknown key 'host'"),
        ("version: 2\nsites:\n  - name: a\n    hosts: a.test\n", 1, "unknown key 'version'"),
        ("sites:\n  - name: a\n    hosts: a.test\n    start_urls: [https://b.test/]\n", 4,
         "on none of the site's hosts"),
        ("sites:\n  - name: a\n    start_urls: ['http://a.test:99999/']\n", 3,
         "not an http(s) URL"),
    ],
)
def test_a_sites_file_of_the_wrong_types_names_the_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "sites.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_sites(path)
    assert str(err.value).startswith(f"{path}, line {line}: "), err.value
    assert words in str(err.value)


def test_a_host_with_a_port_and_a_country_in_words_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "sites.yml"
    path.write_text("sites:\n  - name: a\n    hosts: [127.0.0.1:8000]\n    country: no\n"
                    "    languages: fr\n", encoding="utf-8")
    [site] = load_sites(path)
    assert site.hosts == ("127.0.0.1:8000",)
    assert site.start_urls == ("https://127.0.0.1:8000/",)
    assert site.country == "no"  # as written: YAML 1.1 would have made it False
    assert site.languages == ("fr",)


def test_an_alias_bomb_is_refused_at_its_first_alias_before_any_expansion(tmp_path: Path) -> None:
    path = tmp_path / "sites.yml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    assert len(ALIAS_BOMB.encode()) < 700
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as err:
            load_sites(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(err.value).startswith(f"{path}, line 2: YAML aliases")
    assert peak < 5 * 1024 * 1024  # expanded, it would be 9^9 strings: gigabytes


def test_an_anchor_without_alias_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "sites.yml"
    path.write_text("sites:\n  - &one\n    name: a\n    hosts: a.test\n", encoding="utf-8")
    assert [s.name for s in load_sites(path)] == ["a"]


@pytest.mark.parametrize("text", [
    ALIAS_BOMB,
    "sites:\n  - name: a\n    hosts: [http://a.test]\n",
    "sites:\n  - name: a\n    hosts: a.test\n    name: b\n",
])
def test_the_crawl_command_says_one_line_and_exits_2(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sites.yml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "--sites", str(path), "--db",
                                      str(tmp_path / "a.db")])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{path}, line " in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "a.db").exists()  # refused before the archive is touched
