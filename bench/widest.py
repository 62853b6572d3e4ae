"""The story that makes loading a save cost the most the limits allow (issue 22), and the
longest save of it: what `bench/run.py` times against its one-second bound.

A replay's step costs the chosen choice's condition, its effects and its target's entry
effects, and a copy of the state: so every scene here is as wide as a scene may be
(`MAX_SCENE_CHOICES` choices, their conditions within `MAX_SCENE_TERMS`), every choice and
every scene sets `MAX_EFFECTS` values of `MAX_VARIABLES` declared, and every choice is `once`,
so that the used marks grow at every one of the `saves.MAX_CHOICES` steps. The scenes form a
ring, each step taking a choice not taken before. Before the fix, a replay tested all of a
scene's conditions at every step; then a wide scene's save took over 6 s to load.
"""

from __future__ import annotations

from pathlib import Path

from her_if.loading.story_limits import (
    MAX_EFFECTS,
    MAX_SCENE_CHOICES,
    MAX_SCENE_TERMS,
    MAX_VARIABLES,
)
from her_if.persistence.saves import MAX_CHOICES as HISTORY

RING = -(-HISTORY // MAX_SCENE_CHOICES)
"""Scenes in the ring: enough that each step of the longest save takes a fresh choice."""
COMPARISONS = (MAX_SCENE_TERMS // MAX_SCENE_CHOICES - 1) // 3
"""`vN >= 0` comparisons a choice's condition joins with `and`: 3 terms each, plus the `and`,
so that a scene's conditions come as near the limit as they may."""


def write_widest(folder: Path) -> Path:
    """Write the story into `folder` (made if need be): one act a scene, each file well
    within the loader's limits; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    state = "".join(
        f"  v{n}: {{type: counter, min: 0, max: 1000000, default: 0}}\n"
        for n in range(MAX_VARIABLES)
    )
    acts = "".join(f"  - {{id: r{s}, title: R{s}, file: r{s}.yaml}}\n" for s in range(RING))
    (folder / "story.yaml").write_text(
        f"id: widest\ntitle: The widest\nstart: r0.s\nacts:\n{acts}state:\n{state}",
        encoding="utf-8",
    )
    for s in range(RING):
        (folder / f"r{s}.yaml").write_text(_act(s), encoding="utf-8")
    return folder


def history() -> tuple[str, ...]:
    """The longest save a player can make of it: round the ring, a new choice each time."""
    return tuple(f"c{step // RING}" for step in range(HISTORY))


def _adds(first: int) -> str:
    names = (f"v{(first + n) % MAX_VARIABLES}" for n in range(MAX_EFFECTS))
    return "{" + ", ".join(f"{name}: 1" for name in names) + "}"


def _act(s: int) -> str:
    after = f"r{(s + 1) % RING}.s"
    condition = " and ".join(f"v{s + n} >= 0" for n in range(COMPARISONS))
    choices = "".join(
        f"      - id: c{c}\n        text: Choice {c}.\n        to: {after}\n"
        f"        once: true\n        if: {condition}\n        add: {_adds(c)}\n"
        for c in range(MAX_SCENE_CHOICES)
    )
    return (
        f"act: r{s}\nscenes:\n  s:\n    title: Scene {s}\n    text: A wide scene.\n"
        f"    add: {_adds(s)}\n    choices:\n{choices}"
    )
