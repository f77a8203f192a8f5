"""The data tests' rule: skip without ../shared on a stranger's clone, fail under CI=true."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require


def test_a_present_path_is_returned(tmp_path: Path) -> None:
    assert require(tmp_path, "the data") == tmp_path


def test_a_missing_path_skips_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not beside the repository"):
        require(tmp_path / "absent", "the data")


def test_a_missing_path_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        require(tmp_path / "absent", "the data")
