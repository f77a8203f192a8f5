"""The README is the newcomer's manual and docs/ the rest: every command is in the README,
every option in one or the other, and every command line they show is a real one."""

import re
import shlex
from pathlib import Path

import pytest

from scraper.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}
EVERYTHING = README + "\n".join(DOCS.values())


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"embassy-archive {name}" in README


@pytest.mark.parametrize(
    "command, option",
    [(name, opt) for name, cmd in sorted(cli.commands.items()) for p in cmd.params
     for opt in p.opts if opt.startswith("--")],
)
def test_every_option_is_documented(command, option):
    assert option in EVERYTHING, f"{command} {option} is in neither README.md nor docs/"


def _command_lines(text: str) -> list[str]:
    """`embassy-archive …` lines of the code blocks, continuation lines joined."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, re.DOTALL)
    joined = "\n".join(blocks).replace("\\\n", " ")
    code = [line.split(" #", 1)[0] for line in joined.splitlines()
            if not line.lstrip().startswith("#")]
    return [line for line in code if "embassy-archive " in line]


@pytest.mark.parametrize("name, text", [("README.md", README), *DOCS.items()])
def test_every_command_line_shown_is_a_real_command_with_real_options(name, text):
    for line in _command_lines(text):
        # the command itself, not a folder named after the project (cd /srv/embassy-archive)
        call = re.search(r"(?:^|\s|bin/)embassy-archive\s+([a-z-].*)", line)
        assert call, f"{name}: {line}"
        words = shlex.split(call.group(1).split("|")[0].split(">>")[0].split("&&")[0])
        if words == ["--help"]:
            continue
        assert words and words[0] in cli.commands, f"{name}: {line}"
        known = {o for p in cli.commands[words[0]].params for o in p.opts}
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"{name}: {word} is no option of {words[0]}"


def test_the_readme_stays_short():
    assert len(README.splitlines()) <= 150


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
