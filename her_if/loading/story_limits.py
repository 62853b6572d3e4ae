"""Limits on a story as a whole, and on the work one step of play may take.

Each file is bounded where it is read (`yaml_source`, `yaml_compose`), but a story may have
any number of files, and a pack may add choices to a scene of the story: within the limits of
every file, 100,000 scenes took 15 s and a gigabyte to load, and a scene extended by 6,000
choices made each step of a replay cost 70 ms. These limits bound both, and sit far above what
any story needs: Her has 84 scenes, 125 choices and 26 state variables, at most 6 choices and
48 condition terms a scene; the benchmark's 5,000-scene graph (4.5 MB) has 12,076 choices.
The total of bytes read is counted where files are read (`story_reads.MAX_STORY_BYTES`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from her_if.core.expr import walk
from her_if.core.model import Choice, Condition, Paragraph
from her_if.loading.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_SCENES = 20_000
"""Scenes in the story and its packs together: four times the benchmark's largest graph,
which loads in under a second; 20,000 load in about 4 s and 450 MB."""
MAX_CHOICES = 50_000
"""Choices in the story and its packs together (the benchmark's 20,000 scenes have 48,630)."""
MAX_VARIABLES = 1_000
"""State variables declared by the story and its packs together: every step of play copies
them all, and a choice may set each one."""
MAX_SCENE_CHOICES = 100
"""Choices in one scene, those its packs add included: more than a player can read through,
and what bounds the work of showing the scene."""
MAX_SCENE_TERMS = 1_000
"""Terms in the conditions of one scene (its paragraphs' and its choices', packs' included),
each name, value, `visited(...)` and operator one: all of them are tested each time the scene
is shown. A condition alone is already held to 500 characters."""
MAX_EFFECTS = 20
"""Values one choice, or one scene on entry, may `set` and `add` together: each is applied at
every step that takes it (Her's choices change two at most)."""

_T = TypeVar("_T")


def past_limit(items: Iterable[_T], limit: int) -> _T | None:
    """The first item past the first `limit`, if there is one; reads no further."""
    return next(islice(items, limit, None), None)


def authored_choices(node: Node) -> list[Node]:
    """The items of the `choices:` list of a scene's (or an `extend:` entry's) mapping, as
    written, before any is read: what the first pass can count."""
    if not isinstance(node, MappingNode):
        return []
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == "choices":
            return list(value.value) if isinstance(value, SequenceNode) else []
    return []


def terms(condition: Condition) -> int:
    """A condition's terms: the nodes of its tree."""
    return sum(1 for _ in walk(condition.tree))


def conditions(*parts: Iterable[Paragraph | Choice]) -> Iterator[Condition | None]:
    """The conditions of a scene's paragraphs and choices, in the order they are tested."""
    for part in parts:
        for item in part:
            yield item.condition


def past_terms(conditions: Iterable[Condition | None], already: int = 0) -> Condition | None:
    """The condition with which the terms of `conditions`, counted in order after `already`
    others, pass `MAX_SCENE_TERMS`; None when they stay within it."""
    total = already
    for condition in conditions:
        if condition is None:
            continue
        total += terms(condition)
        if total > MAX_SCENE_TERMS:
            return condition
    return None


def terms_message(what: str, lead: str = "") -> str:
    """Why a scene's conditions are refused (`what` names the scene), and the fix."""
    return (
        f"{lead}the conditions of {what} come to more than {MAX_SCENE_TERMS:,} terms "
        "with this one (each name, value, visited(...) and operator is a term); a scene's "
        f"conditions may have at most {MAX_SCENE_TERMS:,} together, since every one is tested "
        "each time the scene is shown: simplify them, or split the scene in two"
    )


def choices_message(what: str, count: int, lead: str = "") -> str:
    """Why a scene's choices are refused (`what` names the scene), and the fix."""
    return (
        f"{lead}{what} has {count:,} choices; a scene may offer at most {MAX_SCENE_CHOICES} "
        "(those its packs add included), more than a player can read through: split it into "
        "scenes"
    )
