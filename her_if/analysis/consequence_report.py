"""`her-if playtest --consequences`, told: the false choices first (each a finding at its
`file:line:col`, with its siblings), the flavour choices, then the cosmetic decisions lightest
first, so an author sees at a glance where the story's choices only colour its lines. The JSON
carries every decision, each choice with what it brings."""

from __future__ import annotations

from collections.abc import Iterator

from her_if.analysis.consequences import WINDOW, Consequences, Decision, Reader, Weighed
from her_if.analysis.explore_findings import LIST_LIMIT
from her_if.core.wording import count


def consequence_lines(found: Consequences) -> Iterator[str]:
    decisions = found.decisions
    changing = sum(1 for d in decisions if any(c.changes_story for c in d.choices))
    yield (
        f"consequences (each choice's reaction weighed within {WINDOW} scenes of it): "
        f"{count(len(decisions), 'decision')}, {changing} changing the story, "
        f"{len(decisions) - changing} only colouring its text"
        + ("" if found.complete else "; the walk stopped at its cap, so only what it reached")
    )
    false = found.false_choices
    yield f"false choices: {len(false)}"
    for weighed in false[:LIST_LIMIT]:
        yield f"  {weighed.choice.pos}: {_named(weighed)}: {false_message(weighed)}"
    if len(false) > LIST_LIMIT:
        yield f"  ... and {len(false) - LIST_LIMIT:,} more (--json lists them all)"
    flavour = [c for d in decisions for c in d.choices if c.choice.flavour and not c.false]
    yield f"flavour choices: {len(flavour)}"
    for weighed in flavour[:LIST_LIMIT]:
        yield f"  {weighed.choice.pos}: {_named(weighed)}: {_brings(weighed)}"
    cosmetic = sorted((d for d in decisions if d.cosmetic), key=lambda d: d.weight)
    yield f"cosmetic decisions, lightest first (none of their choices changes the story): {len(cosmetic)}"
    for decision in cosmetic[:LIST_LIMIT]:
        yield f"  {decision.pos}: {decision.scene}, weight {count(decision.weight, 'word')}:"
        for weighed in decision.choices:
            yield f"    '{weighed.choice.id}': {_brings(weighed)}"
    if len(cosmetic) > LIST_LIMIT:
        yield f"  ... and {len(cosmetic) - LIST_LIMIT:,} more (--json lists them all)"


def false_message(weighed: Weighed) -> str:
    """Why a choice is false, naming its siblings: what the finding says."""
    others = ", ".join(f"'{s}'" for s in weighed.siblings)
    marked = " (it is marked flavour, but nothing shows for it)" if weighed.choice.flavour else ""
    return (
        f"a false choice{marked}: it sets nothing that is read later, goes where {others} "
        f"{'goes' if len(weighed.siblings) == 1 else 'go'}, and shows nothing of its own"
    )


def _named(weighed: Weighed) -> str:
    return f"{weighed.scene}, choice '{weighed.choice.id}'"


def _brings(weighed: Weighed) -> str:
    if weighed.false:
        return "nothing (a false choice)"
    said = []
    if weighed.own_way:
        said.append("a way of its own")
    said += [_read(r) for r in weighed.read]
    said.append(count(weighed.words, "word") + " of its own")
    return "; ".join(said)


def _read(reader: Reader) -> str:
    return f"{reader.fact}, read by {reader.by} at {reader.scene} ({reader.pos})"


def consequence_json(found: Consequences) -> dict[str, object]:
    return {
        "window": WINDOW,
        "complete": found.complete,
        "false_choices": [_choice_json(c) for c in found.false_choices],
        "decisions": [_decision_json(d) for d in found.decisions],
    }


def _decision_json(decision: Decision) -> dict[str, object]:
    return {
        "scene": decision.scene,
        "at": str(decision.pos),
        "weight": decision.weight,
        "cosmetic": decision.cosmetic,
        "choices": [_choice_json(c) for c in decision.choices],
    }


def _choice_json(weighed: Weighed) -> dict[str, object]:
    return {
        "scene": weighed.scene,
        "choice": weighed.choice.id,
        "at": str(weighed.choice.pos),
        "siblings": list(weighed.siblings),
        "false": weighed.false,
        "flavour": weighed.choice.flavour,
        "changes_story": weighed.changes_story,
        "own_way": weighed.own_way,
        "words": weighed.words,
        "read": [
            {"fact": r.fact, "scene": r.scene, "by": r.by, "at": str(r.pos)} for r in weighed.read
        ],
    }
