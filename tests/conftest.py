"""Tiny inline stories, written to a temporary folder, for tests that need a story file; and the
fixtures more than two test modules use (helpers they share live in tests/support/)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from her_if.core.model import Story
from her_if.loading.loader import load_story

# `pytester` runs pytest in a temporary folder: how tests/test_pytest_plugin.py proves the plugin
# works for a story kept outside this repository.
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "story"
WALKTHROUGHS = Path(__file__).resolve().parent / "walkthroughs"

MANIFEST = """\
id: tiny
title: Tiny
start: one.hall
acts:
  - {id: one, title: One, file: one.yaml}
state:
  trust: {type: counter, min: 0, max: 3, default: 1}
  met: {type: flag, default: false}
  mood: {type: enum, values: [calm, wild], default: calm}
"""

ACT = """\
act: one
scenes:
  hall:
    title: The hall
    text: |
      You stand in the hall. Trust is {trust}.

      A second paragraph.
    choices:
      - text: Open the door.
        to: room
        add: {trust: 1}
        set: {met: true}
      - id: wait
        text: Wait.
        to: hall
        once: true
        set: {mood: wild}
  room:
    title: The room
    text:
      - The room is bright.
      - text: You feel wild.
        if: mood == "wild" and met
    continue: end
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""

WriteStory = Callable[..., Path]

FUZZ_EXAMPLES = 100  # per fuzz test in the normal suite; `--fuzz-examples 5000` for a long run


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-examples",
        type=int,
        default=FUZZ_EXAMPLES,
        metavar="N",
        help=f"examples each fuzz test tries (default {FUZZ_EXAMPLES}; more for a long run)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Every Hypothesis test without its own `max_examples` (the fuzz tests) takes its budget
    from `--fuzz-examples`; none has a per-example deadline, since CI machines stall."""
    settings.register_profile(
        "her-if",
        max_examples=config.getoption("--fuzz-examples"),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile("her-if")


@pytest.fixture(autouse=True)
def saves_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test, and every `her-if` process a test starts, saves to its own temporary folder,
    never to the checkout's `saves/` or the user's data folder."""
    folder = tmp_path / "her-if-saves"
    monkeypatch.setenv("HER_IF_SAVES", str(folder))
    # the compiled story cache, likewise, never lands in the user's cache folder
    monkeypatch.setenv("HER_IF_CACHE", str(tmp_path / "her-if-cache"))
    return folder


@pytest.fixture
def write_story(tmp_path: Path) -> WriteStory:
    """Write a story folder; pass file name -> YAML text (dedented) to add or replace files."""

    def write(files: dict[str, str] | None = None, **named: str) -> Path:
        root = tmp_path / "story"
        root.mkdir(exist_ok=True)
        contents = {"story.yaml": MANIFEST, "one.yaml": ACT, **(files or {}), **named}
        for name, text in contents.items():
            (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


@pytest.fixture
def tiny(write_story: WriteStory) -> Story:
    """The tiny story above (MANIFEST and ACT), loaded."""
    return load_story(write_story())


@pytest.fixture(scope="session")
def forks() -> Story:
    """tests/fixtures/endings, loaded: two acts, three endings (the gallery, chapters)."""
    from tests.support.paths import FORKS  # paths imports this module: named there, once

    return load_story(FORKS)


@pytest.fixture(scope="session")
def shipped() -> Story:
    """The story we ship, loaded once for the whole run: a loaded story is immutable (frozen
    dataclasses, read-only mappings), so no test can change what another one sees."""
    return load_story(STORY)


@pytest.fixture(scope="session")
def story(shipped: Story) -> Story:
    """The shipped story, under the name the tests of the story itself give it."""
    return shipped
