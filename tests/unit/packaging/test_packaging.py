"""The distribution: its version, licence and changelog, and a declared dependency for every
package that the source imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import distribution, packages_distributions, version
from pathlib import Path

import gamerooms

ROOT = Path(__file__).resolve().parents[3]
SOURCE = ROOT / "src" / "gamerooms"


def _project() -> dict[str, object]:
    project: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project


def _imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names - set(sys.stdlib_module_names) - {"gamerooms"}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_version_comes_from_the_installed_metadata() -> None:
    assert gamerooms.__version__ == version("gamerooms") == _project()["version"]


def test_license_file_matches_the_declared_license() -> None:
    assert _project()["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the gamerooms authors" in text


def test_changelog_has_an_entry_for_this_version() -> None:
    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[:2] == ["Unreleased", gamerooms.__version__]


def test_every_imported_package_is_declared() -> None:
    requirements = distribution("gamerooms").requires or []
    names = (re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0] for line in requirements)
    declared = {_normalized(name) for name in names}
    providers = packages_distributions()
    undeclared = {
        module: providers.get(module)
        for module in _imported_top_level_modules()
        if not {_normalized(dist) for dist in providers.get(module, [])} & declared
    }
    assert undeclared == {}
