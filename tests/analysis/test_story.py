"""The shipped story: it loads clean, every walkthrough holds, and choices change later text."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.analysis.check import summarize
from her_if.analysis.script import Script, load_script, run_script
from her_if.core.engine import View
from her_if.core.expr import names_read
from her_if.core.model import Story
from tests.conftest import WALKTHROUGHS


def test_the_shipped_story_checks_clean(story: Story) -> None:
    summary = summarize(story)
    assert [str(w) for w in summary.warnings] == []
    assert summary.endings >= 1 and summary.scenes >= 12


def test_every_beat_of_the_sheet_is_staged(story: Story) -> None:
    staged = {beat for scene in story.scenes.values() for beat in scene.beats}
    assert {beat.id for beat in story.beats} <= staged
    assert len(story.beats) >= 8


@pytest.mark.parametrize("path", sorted(WALKTHROUGHS.glob("*.yaml")), ids=lambda p: p.stem)
def test_walkthrough_holds(story: Story, path: Path) -> None:
    script = load_script(path, story)
    outcome = run_script(story, script)
    assert outcome.failures == ()
    # Every walkthrough pins where it stops, so a story edit that moves the stop is noticed.
    assert script.expect.ending is not None or script.expect.scene is not None


def seen_at(story: Story, script: Script, scene: str) -> tuple[str, ...]:
    """The paragraphs a walkthrough was shown at `scene`."""
    shown: list[View] = []
    run_script(story, script, lambda view, _chosen: shown.append(view))
    return next(v.paragraphs for v in shown if v.scene.id == scene)


def test_an_early_choice_changes_text_later_in_the_act(story: Story) -> None:
    """The opening line chosen at the desk comes back when Samantha proofreads next morning."""
    film = load_script(WALKTHROUGHS / "installation-film.yaml", story)
    guarded = load_script(WALKTHROUGHS / "installation-guarded.yaml", story)
    assert film.expect.state["letter_line"] != guarded.expect.state["letter_line"]
    office_film = seen_at(story, film, "installation.office")
    office_guarded = seen_at(story, guarded, "installation.office")
    assert office_film != office_guarded
    # the inbox she cleared (or not) the night before also shows in the morning
    condition_reads = {
        name
        for p in story.scenes["installation.office"].paragraphs
        if p.condition is not None
        for name in names_read(p.condition.tree)
    }
    assert {"letter_line", "let_her_read"} <= condition_reads


def test_a_walkthrough_that_goes_wrong_names_its_step(story: Story, tmp_path: Path) -> None:
    script = tmp_path / "wrong.yaml"
    script.write_text("choices: [memory, no-such-choice]\nexpect: {scene: installation.office}\n")
    outcome = run_script(story, load_script(script, story))
    [failure] = outcome.failures
    assert failure.startswith(
        f"{script}:1:19: no choice 'no-such-choice' in scene 'installation.desk-close'"
    )
