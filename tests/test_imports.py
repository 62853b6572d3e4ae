"""What each command imports, in a process of its own: the non-interactive commands never load
prompt_toolkit or asyncio (they start faster, and work where there is no terminal), and a story
answered from the cache does not load the YAML library or the loader at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, WriteStory

PROBE = """\
import json, sys
from her_if.cli import main
try:
    code = main(json.loads(sys.argv[1]))
except SystemExit as exit:
    code = exit.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""
TERMINAL = ("prompt_toolkit", "asyncio")
LOADING = (
    "yaml",
    "her_if.loading.loader",
    "her_if.loading.yaml_source",
    "her_if.loading.conditions",
)
WALK = "choices: [wait, room]\nexpect: {ending: fin}\n"


def modules(args: list[str], stdin: str = "") -> set[str]:
    """The modules loaded by the time `her-if ARGS` is done, run in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    report = json.loads(result.stderr.rstrip().rsplit("\n", 1)[-1])
    assert report["code"] in (0, None), result.stderr
    return set(report["modules"])


def loaded(found: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(
        m for m in found if m in packages or m.startswith(tuple(p + "." for p in packages))
    )


def commands(root: Path, tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Every non-interactive command on a small story: its arguments and its input."""
    walk = tmp_path / "walk.yaml"
    walk.write_text(WALK)
    story = ["--story", str(root)]
    return {
        "check": (["check", *story], ""),
        "check --json": (["check", *story, "--json"], ""),
        "playtest": (["playtest", *story], ""),
        "playtest --random": (["playtest", *story, "--random", "5"], ""),
        "graph": (["graph", *story], ""),
        "saves": (["saves", *story], ""),
        "check-saves": (["check-saves", *story], ""),
        "playtest, every analysis": (
            ["playtest", *story, "--consequences", "--coverage", "--github"],
            "",
        ),
        "new-scene": (["new-scene", "one.cellar", *story], ""),
        "play --script": (["play", *story, "--script", str(walk)], ""),
        "piped play": (["play", *story], "1\nsaves\nquit\n"),
        "--version": (["--version"], ""),
    }


@pytest.mark.parametrize(
    "command",
    [
        "check",
        "check --json",
        "playtest",
        "playtest --random",
        "graph",
        "saves",
        "check-saves",
        "playtest, every analysis",
        "new-scene",
        "play --script",
        "piped play",
        "--version",
    ],
)
def test_non_interactive_commands_never_load_the_terminal_front_end(
    command: str, write_story: WriteStory, tmp_path: Path
) -> None:
    args, stdin = commands(write_story(), tmp_path)[command]
    assert loaded(modules(args, stdin), TERMINAL) == []


@pytest.mark.parametrize("command", ["check", "check --json", "graph", "saves", "piped play"])
def test_a_story_from_the_cache_loads_no_yaml(
    command: str, write_story: WriteStory, tmp_path: Path
) -> None:
    """The first run fills the cache; the second reads no YAML, so loads no YAML library."""
    args, stdin = commands(write_story(), tmp_path)[command]
    assert "yaml" in modules(args, stdin)
    assert loaded(modules(args, stdin), LOADING) == []


@pytest.mark.parametrize("command", ["check", "check --json"])
def test_check_from_the_cache_needs_not_even_the_story(
    command: str, write_story: WriteStory, tmp_path: Path
) -> None:
    """The report is kept beside the story: a check answered from the cache builds no story,
    and so loads neither the model nor the codec."""
    args, stdin = commands(write_story(), tmp_path)[command]
    modules(args, stdin)
    found = modules(args, stdin)
    assert (
        loaded(
            found,
            (
                "her_if.core.model",
                "her_if.core.expr",
                "her_if.persistence.story_codec",
                "her_if.analysis.check",
            ),
        )
        == []
    )


def test_the_package_alone_loads_nothing_heavy() -> None:
    """`import her_if` (and the version) is what every command pays before anything else."""
    found = modules(["--version"])
    assert (
        loaded(found, (*TERMINAL, *LOADING, "her_if.core.engine", "her_if.analysis.explore")) == []
    )
