"""Which text alternatives, and which of their options, no game can ever show.

An alternative picks its option by how many times it has been shown. Where its scene can
come round again, the walk keeps its count and watches which options show (`Walk.shown`),
which is exact. Elsewhere it is shown at most once a game, so only its first option can ever
show, and whether it shows at all is judged as text conditions are, over the values each fact
may hold there (`text_verdicts.value_sets`): never wrongly, if sometimes not at all. A shuffle
may show any option (some seed draws it), and what is inside a shuffle is not judged.
"""

from __future__ import annotations

from collections.abc import Mapping

from her_if.analysis.explore_tree import Walk
from her_if.analysis.reads import Shown, expr_facts, shown_by_scene
from her_if.analysis.text_verdicts import Sets, combinations
from her_if.core.frozen import frozen
from her_if.core.model import Alternatives, Condition, Story, Switch, Template, Value
from her_if.core.text import case_index
from her_if.core.wording import short


@frozen
class Unshown:
    """An alternative never shown (`option` None), or one option of it that never is."""

    scene: str
    alternatives: Alternatives
    option: int | None = None

    @property
    def message(self) -> str:
        alt = self.alternatives
        where = f"'{alt.kind}' alternatives" + (f" ({alt.pos})" if alt.pos else "")
        if self.option is None:
            return f"the {where} are never shown"
        text = short(_plain(alt.options[self.option]), 40)
        return f"option {self.option + 1} of the {where} is never shown: '{text}'"


def unshown(story: Story, walk: Walk, sets: Sets) -> list[Unshown]:
    """Every alternative of a reached scene that is never shown, and every option never shown
    of those that are, in story order."""
    found: list[Unshown] = []
    for sid, alternatives in shown_by_scene(story).items():
        if sid in sets:
            for shown in alternatives:
                found += _judged(sid, shown, walk, sets[sid])
    return found


def _judged(sid: str, shown: Shown, walk: Walk, values: Mapping[str, set[Value]]) -> list[Unshown]:
    alt = shown.alternatives
    if alt.key in walk.watched:
        seen = {n for key, n in walk.shown if key == alt.key}
        if not seen:
            return [Unshown(sid, alt)]
        return [Unshown(sid, alt, n) for n in range(len(alt.options)) if n not in seen]
    if shown.in_shuffle:
        return []
    if not _may_show(shown, walk, values):
        return [Unshown(sid, alt)]
    if alt.kind == "shuffle":
        return []
    # not watched, so its scene is on no cycle: shown at most once a game, its first option
    return [Unshown(sid, alt, n) for n in range(1, len(alt.options))]


def _may_show(shown: Shown, walk: Walk, values: Mapping[str, set[Value]]) -> bool:
    """Whether the alternative may be shown: the options it is in can show, and the
    conditions and switches around it can agree, over the values each fact may hold."""
    return may_show(shown.conditions, shown.switches, shown.within, walk, values) is not False


def may_show(
    conditions: tuple[tuple[Condition, bool], ...],
    switches: tuple[tuple[Switch, int], ...],
    within: tuple[tuple[Alternatives, int], ...],
    walk: Walk,
    values: Mapping[str, set[Value]],
) -> bool | None:
    """Whether text with these around it (as `reads.Shown` holds them) may show: False,
    proved never; None, nothing can be said (a fact not carried, too many combinations, or
    an option past the first of an alternative within a shuffle, which is not watched);
    True, the values each fact may hold let it (text coverage's units ask too)."""
    in_shuffle = False
    for outer, option in within:
        if outer.key in walk.watched:
            if (outer.key, option) not in walk.shown:
                return False
        elif outer.kind == "shuffle":
            in_shuffle = True
        elif option > 0:
            if in_shuffle:
                return None
            return False
    facts = set().union(*(expr_facts(c.tree) for c, _ in conditions))
    states = combinations(facts | {switch.name for switch, _ in switches}, values)
    if states is None:
        return None  # not carried, or too many to try: nothing can be said
    return any(
        all(bool(c.test(env, seen)) == wanted for c, wanted in conditions)
        and all(case_index(switch, env[switch.name]) == arm for switch, arm in switches)
        for env, seen in states
    )


def _plain(template: Template) -> str:
    """An option's literal words, for naming it."""
    return "".join(part for part in template.parts if isinstance(part, str)).strip()
