"""Shared paths and fixtures. Real data only: our examples and ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
EVALDATA = SHARED / "evaldata"
EXAMPLES = ROOT / "examples"


def need(path: Path) -> Path:
    """Skip a test whose shared data is not beside the repo."""
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture()
def wapo() -> Path:
    return need(SAMPLES / "korea-drills-wapo.txt")


@pytest.fixture()
def stripes() -> Path:
    return need(SAMPLES / "korea-drills-stripes.txt")
