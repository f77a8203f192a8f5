"""Where the team's shared data lies beside the repository, and the one rule for its absence.

The data tests (realpages, publicpages, the seed page) read pages that belong to their
publishers and so live in ../shared, never in the repository. On a stranger's clone those
tests skip; under CI=true a missing ../shared is a failure, since a skipped data test would
let a regression through unseen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def ci() -> bool:
    """True when the environment says CI (CI=true), where nothing may be skipped for want of data."""
    return os.environ.get("CI") == "true"


def require(path: Path, what: str) -> Path:
    """`path` when it exists; otherwise skip the test, or fail it under CI=true."""
    if path.exists():
        return path
    message = f"{what} is not beside the repository ({path})"
    if ci():
        pytest.fail(f"{message}, and CI=true requires it")
    pytest.skip(message)
