"""The systemd units in deploy/: every ExecStart is a `gamerooms` command line that the CLI
accepts, and docs/deploying.md points to each unit."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from gamerooms.cli import build_parser

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def test_there_are_units() -> None:
    assert [unit.name for unit in UNITS] == ["gamerooms-prune-guests.service", "gamerooms.service"]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_exec_start_is_a_valid_gamerooms_command(unit: Path) -> None:
    parsed = configparser.ConfigParser(interpolation=None, strict=False)
    parsed.read_string(unit.read_text())
    program, *arguments = shlex.split(parsed["Service"]["ExecStart"])
    assert program.endswith("/bin/gamerooms")
    args = build_parser().parse_args(arguments)
    assert args.data == "/var/lib/gamerooms"


def test_the_deploying_guide_points_to_every_unit() -> None:
    guide = (DEPLOY.parent / "docs" / "deploying.md").read_text()
    for unit in [*UNITS, *DEPLOY.glob("*.timer")]:
        assert f"deploy/{unit.name}" in guide
