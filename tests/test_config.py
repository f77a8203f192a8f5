"""sites.yml: good files load, every mistake names its line."""

from pathlib import Path

import pytest

from scraper.config import ConfigError, load_sites, select_sites

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_sites_file_loads_and_names_mali():
    sites = load_sites(ROOT / "sites.yml")
    ml = {s.name: s for s in sites}["ml"]
    assert ml.hosts[0] == "ml.ambafrance.org"
    assert "www.ambafrance-ml.org" in ml.hosts
    assert ml.start_urls == ("https://ml.ambafrance.org/",)
    assert len(sites) >= 20


def test_a_site_with_only_hosts_starts_at_its_home_page(tmp_path):
    [site] = load_sites(write(tmp_path, "sites:\n  - name: x\n    hosts: X.Example.org\n"))
    assert site.hosts == ("x.example.org",)
    assert site.start_urls == ("https://x.example.org/",)


def test_a_bare_list_is_accepted_as_the_sites(tmp_path):
    sites = load_sites(write(tmp_path, "- name: a\n  start_urls: [http://a.test/]\n"))
    assert [s.hosts[0] for s in sites] == ["a.test"]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("sites:\n  - name: a\n    hosts: [a.test\n", 4, "not valid YAML"),
        ("sites:\n  - name: a\n    hots: a.test\n", 3, "unknown key 'hots'"),
        ("sites:\n  - name: a\n    start_urls: [ftp://a.test/]\n", 3, "not an http(s) URL"),
        ("sites:\n  - hosts: a.test\n", 2, "needs a 'name'"),
        ("sites:\n  - name: a\n    hosts: a.test\n  - name: a\n    hosts: b.test\n", 4, "appears twice"),
        ("sites:\n  - name: a\n    hosts: {x: 1}\n", 3, "must be a text or a list"),
        ("sites:\n  - name: a\n", 2, "needs 'hosts' or 'start_urls'"),
        ("other: 1\n", 1, "top-level 'sites:'"),
    ],
)
def test_a_broken_sites_file_names_the_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_sites(path)
    assert f"line {line}" in str(err.value)
    assert words in str(err.value)


def test_an_empty_or_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="empty"):
        load_sites(write(tmp_path, ""))
    with pytest.raises(ConfigError, match="no such file"):
        load_sites(tmp_path / "nope.yml")


def test_selecting_an_unknown_site_is_an_error(tmp_path):
    sites = load_sites(write(tmp_path, "- name: a\n  hosts: a.test\n- name: b\n  hosts: b.test\n"))
    assert [s.name for s in select_sites(sites, ["b"])] == ["b"]
    assert select_sites(sites, []) == sites
    with pytest.raises(ConfigError, match="no site named 'c'"):
        select_sites(sites, ["c"])
