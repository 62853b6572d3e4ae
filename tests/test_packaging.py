"""`pip install .` must carry the story: the wheel holds it and plays it from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("her_if-*.whl")
    return built


def test_the_wheel_carries_the_story_and_the_beat_sheet(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "story").glob("*.yaml")}
    assert {f"her_if/story/{name}" for name in shipped} <= names
    assert "her_if/seeds/plot.yaml" in names
    assert not any(name.startswith(("tests/", "story/")) for name in names)


def test_the_wheel_carries_the_schemas_where_the_shipped_yaml_points(wheel: Path) -> None:
    """An editor opening the installed story finds each file's schema by its relative path."""
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    schemas = {p.name for p in (ROOT / "schema").glob("*.schema.json")}
    assert len(schemas) >= 7 and {f"her_if/schema/{name}" for name in schemas} <= names
    assert not any(name.startswith("schema/") for name in names)
    pointed = 0
    for name in names:
        if name.startswith(("her_if/story/", "her_if/seeds/")) and name.endswith(".yaml"):
            first = archive.read(name).decode("utf-8").splitlines()[0]
            relative = first.removeprefix("# yaml-language-server: $schema=")
            assert relative != first, f"{name} does not name its schema"
            target = os.path.normpath(os.path.join(os.path.dirname(name), relative))
            assert target in names, f"{name} points at {target}, which the wheel lacks"
            pointed += 1
    assert pointed == len(list((ROOT / "story").glob("*.yaml"))) + 1


def test_the_installed_package_plays_its_own_story_from_anywhere(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    check = subprocess.run(
        [sys.executable, "-m", "her_if", "check"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert "0 errors" in check.stdout
    played = subprocess.run(
        [sys.executable, "-m", "her_if"],
        input="1\n",
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert played.returncode == 0 and "## The letter desk" in played.stdout
