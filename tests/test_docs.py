"""The README is the newcomer's manual: every command and every option is in it."""

from pathlib import Path

import pytest

from scraper.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"embassy-archive {name}" in README


@pytest.mark.parametrize(
    "command, option",
    [(name, opt) for name, cmd in sorted(cli.commands.items()) for p in cmd.params
     for opt in p.opts if opt.startswith("--")],
)
def test_every_option_is_in_the_readme(command, option):
    assert option in README, f"{command} {option} is not documented in README.md"


def readme_python_example() -> str:
    section = README.split("## From Python", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_python_example_runs_against_a_real_site(tmp_path, monkeypatch, capsys):
    from scraper.sample_site import serve_sample_site

    monkeypatch.chdir(tmp_path)
    with serve_sample_site() as server:
        # The example names a real embassy; the test crawls the sample site on loopback instead.
        code = readme_python_example().replace("https://ml.ambafrance.org/", server.url + "/")
        code = code.replace("delay=1.0", "delay=0.0")
        namespace: dict = {}
        exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README is ours
    printed = capsys.readouterr().out
    assert "finished:" in printed and " new" in printed
    assert (tmp_path / "archive.db").is_file()
    assert namespace["page"].title and namespace["versions"]
    assert namespace["raw"].lstrip().lower().startswith(b"<!doctype html")
