"""A pytest plugin: an author's walkthroughs, and the story's playtest, run as pytest tests.

The `pytest11` entry point registers it wherever her-if is installed, so a story folder kept
in any project gets, from `pytest` alone, what `her-if playtest --walkthroughs` proves: each
walkthrough file is a test item, and the exhaustive exploration is one more. A failure reads
like the command's report, not like a crash: the step's `file:line:col`, what was expected,
what happened and the last lines the player saw; a file that does not load gives every one of
its messages. A traceback into the engine would tell an author nothing they can fix.

It does nothing until `her_if_story` is set, since pytest loads it for every project in an
environment with her-if in it. Nothing in the package imports it (pytest stays a test-only
dependency), and the story machinery is imported only when an item runs, so that a project
which never configures it pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from her_if.core.frozen import frozen

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from her_if.analysis.script import Expectations, Outcome, Script
    from her_if.core.engine import View
    from her_if.core.errors import HerIfError
    from her_if.core.model import Story

STORY = "her_if_story"
WALKTHROUGHS = "her_if_walkthroughs"
PLAYTEST = "her_if_playtest"
DEFAULT_WALKTHROUGHS = "tests/walkthroughs"
SUFFIXES = (".yaml", ".yml")
"""The walkthrough files of the folder, as `her-if playtest --walkthroughs` finds them."""
TAIL = 10
"""How many lines of the transcript a failure shows: enough to see how the player got there."""
WIDTH = 100
"""How much of a scene's text, or of a choice, one transcript line quotes."""


@frozen
class Settings:
    """The plugin's configuration, read once from the ini options, paths made absolute."""

    story: tuple[Path, ...]
    """The story folder, then the packs layered on it, as `her-if --story` takes them."""
    walkthroughs: Path
    playtest: bool


SETTINGS = pytest.StashKey["Settings | None"]()
LOADED = pytest.StashKey["Story | str"]()
"""The story, loaded once per session (or why it does not load), for every item to share."""


class _Reported(Exception):
    """A failure already worded for the author: shown as it is, with no traceback."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        STORY,
        "her-if: the story folder, relative to the rootdir, then any packs layered on it, one "
        "a line; walkthroughs and the playtest are collected only when this is set",
        type="linelist",
    )
    parser.addini(
        WALKTHROUGHS,
        "her-if: the folder of walkthrough files, each one a test, relative to the rootdir "
        f"(default {DEFAULT_WALKTHROUGHS})",
        default=DEFAULT_WALKTHROUGHS,
    )
    parser.addini(
        PLAYTEST,
        "her-if: whether the story's exhaustive playtest is a test, collected with the "
        "walkthroughs folder (default true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SETTINGS] = settings = _read_settings(config)
    if settings is not None and not settings.walkthroughs.is_dir():
        # a misspelt folder would otherwise run nothing, and say nothing
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(
                f"{WALKTHROUGHS} = {config.getini(WALKTHROUGHS)}: no such folder below "
                f"{config.rootpath}, so no walkthrough and no playtest runs (make the folder, "
                f"or name yours with {WALKTHROUGHS})"
            ),
            stacklevel=2,
        )


def _read_settings(config: pytest.Config) -> Settings | None:
    folders: list[str] = config.getini(STORY)
    if not folders:
        return None
    try:
        playtest = bool(config.getini(PLAYTEST))
    except (ValueError, pytest.UsageError) as error:  # pytest's words name no option, no fix
        raise pytest.UsageError(f"{PLAYTEST}: {error}; write true or false") from None
    root = config.rootpath
    return Settings(
        tuple((root / folder).resolve() for folder in folders),
        (root / config.getini(WALKTHROUGHS)).resolve(),
        playtest,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or path.resolve() != settings.walkthroughs:
        return None
    return Walkthroughs.from_parent(parent, path=path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    settings = parent.config.stash.get(SETTINGS, None)
    if settings is None or file_path.suffix not in SUFFIXES:
        return None
    if file_path.parent.resolve() != settings.walkthroughs:
        return None
    return WalkthroughFile.from_parent(parent, path=file_path)


def _settings(config: pytest.Config) -> Settings:
    settings = config.stash[SETTINGS]
    assert settings is not None  # nothing is collected without it
    return settings


class Walkthroughs(pytest.Directory):
    """The walkthroughs folder: its files, as pytest's own `Dir` collects them (so
    `pytest_collect_file` makes each walkthrough an item), and the playtest, which belongs to
    the folder rather than to any one file."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        ihook, session = self.ihook, self.session
        for path in sorted(self.path.iterdir()):
            is_dir = path.is_dir()
            if not session.isinitpath(path, with_parents=is_dir) and ihook.pytest_ignore_collect(
                collection_path=path, config=self.config
            ):
                continue
            if is_dir:
                collector = ihook.pytest_collect_directory(path=path, parent=self)
                if collector is not None:
                    yield collector
            elif path.is_file():
                yield from ihook.pytest_collect_file(file_path=path, parent=self)
        if _settings(self.config).playtest:
            yield Playtest.from_parent(self, name="playtest")


class WalkthroughFile(pytest.File):
    """One walkthrough file: one test."""

    def collect(self) -> Iterable[pytest.Item]:
        yield Walkthrough.from_parent(self, name="walkthrough")


class _HerIfItem(pytest.Item):
    """Shows a `_Reported` failure as worded; anything else is a bug, shown as pytest would."""

    funcargs: dict[str, object] = {}  # noqa: RUF012 (read, never written)
    """A test function's fixtures, which these items have none of. pytest-lsp 1.0's
    `pytest_runtest_call` wrapper returns without yielding, which pytest reports as an error,
    for any item without this attribute: so with the language server's tests installed beside
    ours, every walkthrough would fail to run."""

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, _Reported):
            from her_if.core.sanitize import clean

            return clean(excinfo.value.report)
        return super().repr_failure(excinfo, style)


class Walkthrough(_HerIfItem):
    """Plays the file's script on the real engine, as `her-if play --script` does, and fails
    unless every step and expectation holds and the script pins where it stops."""

    def runtest(self) -> None:
        from her_if.analysis.script import load_script, run_script
        from her_if.loading.diagnostics import StoryError, display_path

        story = _story(self.config)
        try:
            script = load_script(self.path, story)
        except StoryError as error:
            raise _Reported(_not_loaded(f"walkthrough {display_path(self.path)}", error)) from None
        seen = Transcript()
        outcome = run_script(story, script, seen.listen)
        failures = [*outcome.failures, *_unpinned(story, script, outcome)]
        if failures:
            raise _Reported("\n".join(failure_lines(script, seen, failures)))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"walkthrough {self.path.name}"


class Playtest(_HerIfItem):
    """Explores every reachable state, as `her-if playtest` does, and fails on any defect (or
    on a walk stopped by the state cap, which proves nothing), worded as the command words it."""

    def runtest(self) -> None:
        from her_if.analysis.explore import DEFAULT_MAX_STATES, walk_states
        from her_if.analysis.playtest import exploration_lines, reported

        story = _story(self.config)
        found = reported(story, walk_states(story), DEFAULT_MAX_STATES)
        if found.defects or not found.complete:
            raise _Reported("\n".join(exploration_lines(story, found)))

    def reportinfo(self) -> tuple[Path, int, str]:
        story = _settings(self.config).story[0]
        return story / "story.yaml", 0, f"playtest of {story.name}"


def _story(config: pytest.Config) -> Story:
    """The configured story with its packs, loaded at the first item that needs it; a story
    that does not load fails every item with its messages (read once, reported each time)."""
    if LOADED not in config.stash:
        from her_if.core.errors import HerIfError
        from her_if.loading.diagnostics import display_path
        from her_if.loading.loader import load_story

        folders = _settings(config).story
        try:
            config.stash[LOADED] = load_story(folders[0], folders[1:])
        except HerIfError as error:
            packs = ", ".join(display_path(folder) for folder in folders[1:])
            named = display_path(folders[0]) + (f" with the packs {packs}" if packs else "")
            config.stash[LOADED] = _not_loaded(f"the story {named} ({STORY})", error)
    loaded = config.stash[LOADED]
    if isinstance(loaded, str):
        raise _Reported(loaded)
    return loaded


def _not_loaded(what: str, error: HerIfError) -> str:
    """Every message of a story or script that cannot be used, one `file:line:col` a line."""
    from her_if.loading.diagnostics import StoryError

    said = [str(d) for d in error.diagnostics] if isinstance(error, StoryError) else [str(error)]
    return "\n".join([f"{what} does not load:", *(f"  {line}" for line in said)])


@dataclass
class Transcript:
    """What the player saw, a line per view and a line per choice taken, kept as the script
    runs so that a failure can show how the game got to where it went wrong."""

    lines: list[str] = field(default_factory=list)
    decisions: int = 0
    """The script's steps taken so far (pauses pass by themselves and are not steps)."""

    def listen(self, shown: View, chosen: str | None) -> None:
        from her_if.core.wording import short

        text = " ".join(" ".join(shown.paragraphs).split())
        if shown.returned:
            text = "(returned to)"
        ending = f" (ending '{shown.ending.id}')" if shown.ending is not None else ""
        self.lines.append(f"[{shown.scene.id}]{ending} {short(text, WIDTH)}".rstrip())
        if chosen is not None:
            self.lines.append(f"  > {short(' '.join(chosen.split()), WIDTH)}")
            self.decisions += not shown.pause


def _unpinned(story: Story, script: Script, outcome: Outcome) -> list[str]:
    """A walkthrough must say where it stops, so that an edit that moves the stop fails it."""
    if script.expect.ending is not None or script.expect.scene is not None:
        return []
    fix = "add expect: {ending: ID} or expect: {scene: ACT.SCENE}"
    if outcome.ok:  # where it stopped is then the pin to write
        reached = story.scenes[outcome.state.scene].ending
        fix = f"add expect: {{{f'ending: {reached.id}' if reached else 'scene: ' + outcome.state.scene}}}"
    return [
        f"{script.path}: pins neither the ending it reaches nor the scene it stops at, so a "
        f"story edit that moves its stop would pass unnoticed: {fix}"
    ]


def failure_lines(script: Script, seen: Transcript, failures: list[str]) -> Iterator[str]:
    """The failure as pytest shows it: where, what was expected, what happened, and the end
    of the transcript."""
    yield f"walkthrough {script.path}"
    number = _failing_step(script, seen, failures)
    if number is not None:
        step = script.steps[number - 1]
        yield f"  step:     {step.pos}: choose '{step.choice}' (step {number} of {len(script.steps)})"
        yield f"  expected: '{step.choice}' on offer, then {_expected(script.expect)}"
    else:
        yield f"  steps:    all {len(script.steps)} taken"
        yield f"  expected: {_expected(script.expect)}"
    yield "  happened:"
    yield from (f"    {failure}" for failure in failures)
    shown = seen.lines[-TAIL:]
    hidden = len(seen.lines) - len(shown)
    yield f"  last lines of the transcript{f' ({hidden} lines before these left out)' if hidden else ''}:"
    yield from (f"    {line}" for line in shown)


def _failing_step(script: Script, seen: Transcript, failures: list[str]) -> int | None:
    """The number of the step the script stopped at, when it stopped at one: the step after
    the last one taken, whose failure starts with its place."""
    if seen.decisions >= len(script.steps):
        return None
    pos = script.steps[seen.decisions].pos
    return seen.decisions + 1 if any(f.startswith(f"{pos}: ") for f in failures) else None


def _expected(expect: Expectations) -> str:
    """The script's `expect:` in words."""
    from her_if.loading.diagnostics import as_written

    said = [f"ending '{expect.ending}'"] if expect.ending is not None else []
    said += [f"to stop at scene '{expect.scene}'"] if expect.scene is not None else []
    said += [f"{name} = {as_written(value)}" for name, value in expect.state.items()]
    said += [f"a visit to '{scene}'" for scene in expect.visited]
    return ", ".join(said) or "nothing (no expect:)"
