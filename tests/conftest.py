"""Suite-wide set-up: where the team's shared data lies, for the sample site's seed article;
which tests are slow."""

import os
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"

# The sample site shows the founding page's real text only when told where it is; the tests
# (and the sample-site processes they start, which inherit the environment) tell it here.
if (SEED / "expected.json").is_file():
    os.environ.setdefault("EMBASSY_ARCHIVE_SEED", str(SEED))

# Tests marked slow (each several seconds of kill-and-resume, retries against dead servers,
# or a data corpus of a thousand pages) run in CI (CI=true), with `make test-all`, or with
# `pytest --slow`; a developer's `make test` leaves them out to stay under five minutes on a
# busy two-core machine, and says so in its summary (skipped, with the reason).
SLOW = "slow: run with `make test-all`, `pytest --slow` or CI=true"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow") or os.environ.get("CI") == "true":
        return
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.skip(reason=SLOW))
