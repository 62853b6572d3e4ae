"""How many of each construct of the scene format a story uses: `check --json`'s `features`.

Counted from the model, where each construct is written (a text, a condition, an effect, a
choice), so the count says what the author wrote, not how often play meets it. The keys are
`check_report.Features`'; this module only counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from her_if.analysis.check_report import Features
from her_if.analysis.reads import scene_templates, story_trees
from her_if.core.expr import Visits, walk
from her_if.core.model import (
    MAX_CALL_DEPTH,
    Alternatives,
    Branch,
    ComputeEffect,
    DrawEffect,
    Printed,
    Story,
    Switch,
)
from her_if.core.text import every_part

_PARTS: dict[type, str] = {
    Branch: "inline_conditionals",
    Switch: "switches",
    Printed: "printed_expressions",
}
"""The parts of a text counted under one name each (alternatives are counted by kind)."""


def features(story: Story) -> Features:
    """The story's use of each construct (see `Features`)."""
    found: Counter[str] = Counter()
    for scene in story.scenes.values():
        choices = scene.choices
        found["calls"] += scene.calls + sum(c.call for c in choices)
        found["returns"] += scene.returns + sum(c.returns for c in choices)
        found["fallbacks"] += sum(c.fallback for c in choices)
        found["closed_choices"] += sum(c.open_if is not None for c in choices)
        found["echoes"] += sum(c.echo is not None for c in choices)
        for effect in [*scene.effects, *(e for c in choices for e in c.effects)]:
            found["expression_effects"] += type(effect) is ComputeEffect
            found["draws"] += type(effect) is DrawEffect
        for template in scene_templates(scene):
            for part in every_part(template):
                if isinstance(part, Alternatives):
                    found[f"alternatives_{part.kind}"] += 1
                elif type(part) in _PARTS:
                    found[_PARTS[type(part)]] += 1
    visits = sum(type(node) is Visits for tree in story_trees(story) for node in walk(tree))
    counts = {f.name: found[f.name] for f in fields(Features)}
    return Features(**{**counts, "visits_reads": visits, "max_call_depth": MAX_CALL_DEPTH})
