"""Text coverage on the shipped story and its walkthroughs: no text is never shown, the units
the walker records are the very text `render` shows on every view of every walkthrough, and
nothing a walkthrough shows is judged never shown by the explorer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from her_if.analysis.coverage_report import text_coverage
from her_if.analysis.explore import walk_states
from her_if.analysis.script import load_script
from her_if.analysis.text_units import Address, units_shown
from her_if.analysis.walk_coverage import script_views
from her_if.core.engine import GameState
from her_if.core.model import Printed, Slot, Story, Template
from her_if.core.text import inner_texts, show_value
from her_if.loading.loader import load_story
from tests.conftest import ROOT, WALKTHROUGHS

COVERAGE = ROOT / "tests" / "fixtures" / "coverage"


def test_the_shipped_story_has_no_text_never_shown(shipped: Story) -> None:
    covered = text_coverage(shipped, walk_states(shipped), WALKTHROUGHS)
    assert covered.complete
    assert [str(j.unit.pos) for j in covered.of("never")] == []
    assert covered.shown is not None
    assert covered.shown  # the walkthroughs show text, and it is counted


PLANTED = load_story(COVERAGE / "story")
WALKS = [(WALKTHROUGHS, path) for path in sorted(WALKTHROUGHS.glob("*.yaml"))]
WALKS += [(COVERAGE, path) for path in sorted((COVERAGE / "walkthroughs").glob("*.yaml"))]


@pytest.mark.parametrize("folder", [WALKTHROUGHS, COVERAGE], ids=["shipped", "planted"])
def test_nothing_a_walkthrough_shows_is_judged_never_shown(shipped: Story, folder: Path) -> None:
    story = shipped if folder == WALKTHROUGHS else PLANTED
    walks = folder if folder == WALKTHROUGHS else folder / "walkthroughs"
    covered = text_coverage(story, walk_states(story), walks)
    assert covered.shown is not None
    wrong = [j.unit.name for j in covered.of("never") if j.unit.key in covered.shown]
    assert wrong == []


@pytest.mark.parametrize(("folder", "path"), WALKS, ids=lambda p: p.stem)
def test_the_walker_and_render_show_the_same_text(shipped: Story, folder: Path, path: Path) -> None:
    """Each view's paragraphs, rebuilt from nothing but the units the walker recorded (the
    arm of each form it says is shown), are the paragraphs the real view rendered."""
    story = shipped if folder == WALKTHROUGHS else PLANTED
    views = script_views(story, load_script(path, story))
    assert len(views) > 1
    for view, state in views:
        shown = set(units_shown(story, state))
        paragraphs = story.scenes[view.scene.id].paragraphs
        rebuilt = (
            _spaced(p.text, _text(p.text, (i,), shown, state))
            for i, p in enumerate(paragraphs)
            if (i,) in shown
        )
        assert tuple(text for text in rebuilt if text) == view.paragraphs, view.scene.id


def _text(template: Template, address: Address, shown: set[Address], state: GameState) -> str:
    out = []
    for at, part in enumerate(template.parts):
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Slot):
            out.append(show_value(state.vars[part.name]))
        elif isinstance(part, Printed):
            out.append(show_value(part.expression.evaluate(state.vars, state.visits)))
        else:
            arms = [k for k in range(len(inner_texts(part))) if (*address, at, k) in shown]
            assert len(arms) <= 1, (address, at)
            if arms:
                inner = inner_texts(part)[arms[0]]
                out.append(_text(inner, (*address, at, arms[0]), shown, state))
    return "".join(out)


def _spaced(template: Template, text: str) -> str:
    """As `render` lays out a text with forms: no doubled space, none at either end."""
    if len(template.parts) == 1 and isinstance(template.parts[0], str):
        return text
    return re.sub(r"  +", " ", text).strip()
