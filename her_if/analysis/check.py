"""What `her-if check` says about a story that loads: its size, and what looks wrong.

Errors stop a story from loading (see the loader); warnings (`check_warnings`) are things that
load but are probably mistakes. The report is made in one way only: from the facts of each
scene (`check_facts.scene_facts`) by `check_facts.report_from`, so a check made from facts
kept per file and a cold check agree by construction.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from her_if.analysis.check_facts import (
    Report,
    SceneFacts,
    Summary,
    report_from,
    scene_facts,
    shaped,
    summary_from,
    text_words,
)
from her_if.analysis.check_report import Features, StoryFacts
from her_if.analysis.cycles import on_cycles as on_cycles  # `check` has always offered it
from her_if.analysis.features import total
from her_if.core.model import Scene, Story, Template
from her_if.loading.diagnostics import StoryError


def every_fact(story: Story) -> dict[str, SceneFacts]:
    """The facts of every scene of `story`, by id."""
    return {sid: scene_facts(story, scene) for sid, scene in story.scenes.items()}


def report(story: Story) -> Report:
    """What `her-if check --json` prints about a story that loads. Plain data, so that the
    story cache can keep it and answer `check` again with neither the YAML nor the story."""
    return report_from(story, every_fact(story))


def summarize(story: Story) -> Summary:
    """The report's counts and warnings, the warnings as diagnostics."""
    return summary_from(story, every_fact(story))


def features(story: Story) -> Features:
    """How many of each construct the story uses (`check_report.Features`)."""
    return total(facts.features for facts in every_fact(story).values())


def state_usage(story: Story) -> tuple[set[str], set[str]]:
    """The declared state that something reads (a condition, an expression, text), and that
    something sets."""
    read: set[str] = set()
    written: set[str] = set()
    for facts in every_fact(story).values():
        read.update(facts.reads)
        written.update(facts.writes)
    return read, written


def error_report(err: StoryError) -> dict[str, Any]:
    """What `her-if check --json` prints about a story that does not load: the same keys."""
    facts = dict.fromkeys(f.name for f in fields(StoryFacts))
    return shaped(facts, [d.as_json() for d in err.diagnostics], [])


def scene_words(scene: Scene) -> int:
    """Runs of non-space, as `\\S+` counts them (`str.split` agrees on every character)."""
    texts = [p.text for p in scene.paragraphs] + [c.text for c in scene.choices]
    return sum(template_words(t) for t in texts)


def template_words(template: Template) -> int:
    """The words of a text in every branch of it, as `check` counts a scene's."""
    return text_words(template)
