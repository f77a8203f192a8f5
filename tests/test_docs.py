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
