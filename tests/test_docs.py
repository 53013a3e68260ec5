"""README and docs stay true to the code."""

from __future__ import annotations

import re

from conftest import ROOT
from typer.main import get_command

from newsweave.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    (command,) = re.findall(r"^pip install .*pytest$", ci, flags=re.M)
    assert command in README


def test_quickstart_has_two_commands_and_the_example_exists():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:sh|bash)\n(.+?)\n```", quickstart, flags=re.S)
    assert len(commands) == 2
    run_example = commands[0]
    target = re.search(r"newsweave brief (\S+)", run_example).group(1)
    assert (ROOT / target).is_dir()


def test_every_cli_command_and_option_is_documented():
    group = get_command(app)
    for name, command in group.commands.items():
        assert f"newsweave {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt}"
