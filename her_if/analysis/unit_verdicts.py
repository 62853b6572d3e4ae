"""The explorer's verdict on each unit of text: shown in some state it reached, never, or
unknown.

Nothing here is judged afresh. A scene no state reaches shows none of its text
(`Walk.scenes`); an alternative, or an option of one, that the explorer proves is never
shown is `text_coverage.unshown`'s; every other unit is asked `text_coverage.may_show`, the
judgement `unshown` makes of an alternative, over the values each fact may hold on arrival
(`text_verdicts.value_sets`). A unit inside one never shown is never shown either.

`shown` is exact for an option of an alternative whose showings the walk watched (it saw the
option show); elsewhere it says the values each fact may hold there let the unit show. Those
sets forget which values go together, so `shown` there is "not proved never", and a
walkthrough that shows the unit is the witness (`walk_coverage`). `unknown` is where the
judgement cannot tell at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from her_if.analysis.explore_tree import Walk
from her_if.analysis.reads import VISITED, VISITS, expr_facts
from her_if.analysis.text_coverage import may_show, unshown
from her_if.analysis.text_units import Address, Unit
from her_if.analysis.text_verdicts import absent, value_sets
from her_if.core.frozen import frozen
from her_if.core.model import Story, Value
from her_if.loading.diagnostics import as_written

Verdict = Literal["shown", "never", "unknown"]
VERDICTS: tuple[Verdict, ...] = ("shown", "never", "unknown")

UNREACHED = "its scene is never reached"
STOPPED = "the walk stopped at its state cap, so nothing is proved never"
UNCARRIED = (
    "what decides it cannot be judged here: a fact the explorer does not carry to this "
    "scene, or too many combinations of values"
)
SEEDED = "it is within a shuffle, whose option hangs on the seed, which the explorer leaves out"


@frozen
class Judged:
    """A unit with the explorer's verdict, and why when it is not `shown`."""

    unit: Unit
    verdict: Verdict
    why: str = ""


def judge_units(story: Story, walk: Walk, units: Iterable[Unit]) -> tuple[Judged, ...]:
    """Every unit (of `text_units`, in its order) with its verdict. An incomplete walk
    proves nothing never shown (states past the cap may show anything), so every unit is
    then unknown."""
    units = tuple(units)
    if not walk.complete:
        return tuple(Judged(unit, "unknown", STOPPED) for unit in units)
    sets = value_sets(story, walk.edges_taken, walk.returns_taken)
    never_options: dict[str, tuple[str, set[int | None]]] = {}
    for u in unshown(story, walk, sets):
        never_options.setdefault(u.alternatives.key, (u.message, set()))[1].add(u.option)
    reached = set(walk.scenes)
    judged: dict[tuple[str, Address], Judged] = {}
    for unit in units:
        parent = judged.get(unit.parent) if unit.parent is not None else None
        if unit.scene not in reached:
            verdict = Judged(unit, "never", UNREACHED)
        elif parent is not None and parent.verdict == "never":
            verdict = Judged(unit, "never", parent.why)
        elif (said := _unshown(unit, never_options)) is not None:
            verdict = Judged(unit, "never", said)
        elif unit.scene not in sets:  # reached, yet no move the flow follows led there
            verdict = Judged(unit, "unknown", UNCARRIED)
        else:
            values = _arrival(sets[unit.scene], unit)
            shows = may_show(unit.conditions, unit.switches, unit.within, walk, values)
            if shows is None:
                verdict = Judged(unit, "unknown", SEEDED if _seeded(unit) else UNCARRIED)
            elif not shows:
                verdict = Judged(unit, "never", _never(unit))
            else:
                verdict = Judged(unit, "shown")
        judged[unit.key] = verdict
    return tuple(judged.values())


def _arrival(values: Mapping[str, set[Value]], unit: Unit) -> Mapping[str, set[Value]]:
    """The values on arrival, with each visit the unit's conditions ask of that is not
    carried here: of a scene that cannot lead here, so false (0 times), as `text_judged`
    reads it (`text_verdicts.absent`); what such a condition says is then known."""
    facts = {f for c, _ in unit.conditions for f in expr_facts(c.tree) if f not in values}
    visits = {f for f in facts if f.startswith((VISITED, VISITS))}
    if not visits:
        return values
    return {**values, **{f: absent(f) for f in visits}}


def _unshown(unit: Unit, never: dict[str, tuple[str, set[int | None]]]) -> str | None:
    """What `unshown` says of the option `unit` is, if it proves it never shown."""
    if unit.kind != "option":
        return None
    alternatives, option = unit.within[-1]
    found = never.get(alternatives.key)
    if found is None or not ({None, option} & found[1]):
        return None
    message, options = found
    if None in options:
        return message
    return f"option {option + 1} of the '{alternatives.kind}' alternatives is never shown"


def _seeded(unit: Unit) -> bool:
    """Past the first option of an alternative within a shuffle: not watched, not judged."""
    return any(outer.kind == "shuffle" for outer, _ in unit.within)


def _never(unit: Unit) -> str:
    """Why the judgement says no state shows it, in the words of its own kind."""
    if unit.kind == "paragraph":
        condition = unit.conditions[-1][0]
        return f"its condition '{condition.source}' is always false here"
    if unit.kind == "branch":
        condition, wanted = unit.conditions[-1]
        holds = "never holds" if wanted else "always holds"
        return f"'{condition.source}' {holds} wherever this text could show"
    if unit.kind == "case":
        switch, arm = unit.switches[-1]
        if arm < 0:
            return f"{switch.name} always has a case of its own wherever this text could show"
        value = as_written(switch.cases[arm].value)
        return f"{switch.name} is never {value} wherever this text could show"
    return "the text around it never shows it"
