"""The package type-checks: mypy over src/newsweave with the settings in pyproject.toml."""

from __future__ import annotations

from conftest import ROOT


def test_mypy_finds_no_errors():
    from mypy import api

    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert status == 0, stdout + stderr
    assert stdout.startswith("Success: no issues found")
