"""Walkthrough scripts: a list of choice ids and what should be true at the end.

A script is how authors and testers pin a path through the story: `her-if play --script`
replays it and the test suite runs every script, so a story edit that breaks a known route
fails loudly, naming the step. A script's game has a fixed seed (`seed:`, 0 unless it says),
so its draws and shuffles come out the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path

from her_if.core.draws import MAX_SEED
from her_if.core.engine import GameState, View, choose, start, view
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, MAX_CALL_DEPTH, Position, Story, Value
from her_if.core.typing_rules import fits
from her_if.loading.diagnostics import (
    Diagnostic,
    StoryError,
    as_written,
    bounded_hints,
    did_you_mean,
    display_path,
)
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source


@frozen
class Step:
    choice: str
    pos: Position


@frozen
class Expectations:
    ending: str | None = None
    scene: str | None = None
    state: Mapping[str, Value] = field(default_factory=dict)
    visited: tuple[str, ...] = ()


@frozen
class Origin:
    """Where a script begins when it does not begin at the story's start."""

    scene: str
    state: Mapping[str, Value] = field(default_factory=dict)


@frozen
class Script:
    path: str
    steps: tuple[Step, ...]
    expect: Expectations
    origin: Origin | None = None
    seed: int = 0
    """The game's seed: what its draws come from."""


@frozen
class Outcome:
    state: GameState
    failures: tuple[str, ...]
    """Each failure names its place in the script; empty when the script ran and held."""

    @property
    def ok(self) -> bool:
        return not self.failures


def load_script(path: str | Path, story: Story) -> Script:
    """Read a script, checking it against the story; raise StoryError with every problem."""
    with bounded_hints():  # a script of a thousand mistakes must not take an hour to report
        return _load_script(Path(path), story)


def _load_script(path: Path, story: Story) -> Script:
    errors: list[Diagnostic] = []
    src = Source(Path(path), display_path(Path(path)), errors)
    node = src.load()
    fields = (
        src.mapping(
            node, "a walkthrough", required=("choices",), optional=("seed", "from", "expect")
        )
        if node
        else None
    )
    steps: list[Step] = []
    expect = Expectations()
    if fields and "choices" in fields:
        for item in src.sequence(fields["choices"][1], "choices") or []:
            value = src.value(item, "choice")
            if isinstance(value, str | int) and not isinstance(value, bool):
                steps.append(Step(str(value), src.pos(item)))
            elif value is not None:
                src.error(item, "each choice is a choice id (or a number), not " + src.kind(item))
    if fields and "expect" in fields:
        expect = _read_expectations(src, fields["expect"][1], story)
    origin = _read_origin(src, fields["from"][1], story) if fields and "from" in fields else None
    seed = _read_seed(src, fields["seed"][1]) if fields and "seed" in fields else 0
    if errors:
        raise StoryError(errors)
    return Script(src.display, tuple(steps), expect, origin, seed)


def _read_seed(src: Source, node: Node) -> int:
    """The seed a script's game draws from: a whole number of 32 bits, as a game's is."""
    seed = src.integer(node, "seed")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        src.error(
            node,
            f"seed {seed} is out of range: a seed is a whole number from 0 to {MAX_SEED:,} "
            f"(e.g. seed: 42)",
        )
    return seed if seed is not None and 0 <= seed <= MAX_SEED else 0


def _read_origin(src: Source, node: Node, story: Story) -> Origin | None:
    fields = src.mapping(node, "from", required=("scene",), optional=("state",)) or {}
    scene = _scene(src, fields["scene"][1], story) if "scene" in fields else None
    state = _read_state(src, fields["state"][1], story) if "state" in fields else {}
    return Origin(scene, state) if scene is not None else None


def _read_expectations(src: Source, node: Node, story: Story) -> Expectations:
    fields = src.mapping(node, "expect", optional=("ending", "scene", "state", "visited")) or {}
    endings = {s.ending.id for s in story.scenes.values() if s.ending is not None}
    ending = src.string(fields["ending"][1], "expected ending") if "ending" in fields else None
    if ending is not None and ending not in endings:
        src.error(
            fields["ending"][1],
            f"the story has no ending '{ending}'" + did_you_mean(ending, endings),
        )
    scene = _scene(src, fields["scene"][1], story) if "scene" in fields else None
    visited = tuple(
        sid
        for item in (src.sequence(fields["visited"][1], "visited") if "visited" in fields else None)
        or []
        if (sid := _scene(src, item, story)) is not None
    )
    state = _read_state(src, fields["state"][1], story) if "state" in fields else {}
    return Expectations(ending, scene, state, visited)


def _read_state(src: Source, node: Node, story: Story) -> dict[str, Value]:
    state: dict[str, Value] = {}
    for name, (key, value_node) in (src.mapping(node, "state", open_keys=True) or {}).items():
        var = story.variables.get(name)
        value = src.value(value_node, name)
        if var is None:
            src.error(key, f"unknown state '{name}'" + did_you_mean(name, story.variables))
        elif value is not None and not fits(var, value):
            src.error(value_node, f"{as_written(value)} is not a possible value of {name}")
        elif value is not None:
            state[name] = value  # type: ignore[assignment]
    return state


def _scene(src: Source, node: Node, story: Story) -> str | None:
    name = src.string(node, "scene")
    if name is not None and name not in story.scenes:
        src.error(
            node, f"unknown scene '{name}' (write act.scene)" + did_you_mean(name, story.scenes)
        )
        return None
    return name


Listener = Callable[[View, str | None], None]
"""Called with each view shown and the text of the choice then taken (None at the last view)."""


def run_script(story: Story, script: Script, listener: Listener | None = None) -> Outcome:
    """Play the script's choices from its origin; pauses pass by themselves.

    Once the choices have run out, a pause that `expect: scene` names is where the script
    stops: a pause is a scene the player reads (and can save in), so a tester may pin it.
    """
    origin = script.origin
    if origin is not None:
        state = start(story, origin.scene, origin.state, seed=script.seed)
    else:
        state = start(story, seed=script.seed)
    failures: list[str] = []
    steps = list(script.steps)
    while True:
        shown = view(story, state)
        stops_here = not steps and state.scene == script.expect.scene
        if shown.pause and not stops_here and shown.choices:
            _tell(listener, shown, shown.choices[0].text)
            state = choose(story, state, CONTINUE)
            continue
        if shown.pause and not stops_here:  # a return with no call to return to: stuck
            _tell(listener, shown, None)
            failures.append(f"{script.path}: {_stuck(story, state)}")
            return Outcome(state, tuple(failures))
        if not steps:
            _tell(listener, shown, None)
            break
        step = steps.pop(0)
        offer = shown.offer(step.choice)
        if offer is None:
            _tell(listener, shown, None)
            failures.append(f"{step.pos}: {_unavailable(story, state, shown, step.choice)}")
            return Outcome(state, tuple(failures))
        _tell(listener, shown, offer.echoed)
        state = choose(story, state, offer.id)
    failures.extend(check_expectations(story, script, state))
    return Outcome(state, tuple(failures))


def _tell(listener: Listener | None, shown: View, chosen: str | None) -> None:
    if listener is not None:
        listener(shown, chosen)


def _stuck(story: Story, state: GameState) -> str:
    """Why a pause offers no Continue: a return with no call to return to, or a call with the
    calls already nested as deep as they go."""
    where = f"the pause at scene '{state.scene}'"
    if story.scenes[state.scene].returns:
        return (
            f"{where} returns, and no call is left to return to, so it cannot be continued "
            "(reach it by a call:, or lead on from it with continue:)"
        )
    return (
        f"{where} calls, and calls are already nested {MAX_CALL_DEPTH} deep, so it cannot be "
        "continued (return from some of them first)"
    )


def _unavailable(story: Story, state: GameState, shown: View, wanted: str) -> str:
    where = f"scene '{state.scene}'"
    if shown.ending is not None:
        return f"the story ended at {where} (ending '{shown.ending.id}') before choice '{wanted}'"
    offered = ", ".join(o.id for o in shown.choices)
    authored = {c.id for c in story.scenes[state.scene].choices}
    if wanted in authored:
        return f"choice '{wanted}' exists in {where} but is not on offer now (on offer: {offered})"
    return f"no choice '{wanted}' in {where} (on offer: {offered})" + did_you_mean(
        wanted, [o.id for o in shown.choices]
    )


def check_expectations(story: Story, script: Script, state: GameState) -> list[str]:
    expect = script.expect
    failures = []
    where = f"{script.path}: expected"
    reached = story.scenes[state.scene].ending
    if expect.ending is not None and (reached is None or reached.id != expect.ending):
        got = (
            f"ending '{reached.id}'" if reached else f"no ending (stopped at scene '{state.scene}')"
        )
        failures.append(f"{where} ending '{expect.ending}', got {got}")
    if expect.scene is not None and state.scene != expect.scene:
        failures.append(
            f"{where} to stop at scene '{expect.scene}', stopped at '{state.scene}'"
            + _pause_hint(story, expect.scene, state)
        )
    for name, value in expect.state.items():
        if state.vars[name] != value:
            failures.append(
                f"{where} {name} = {as_written(value)}, got {as_written(state.vars[name])}"
            )
    for scene in expect.visited:
        if scene not in state.visits:
            failures.append(f"{where} a visit to '{scene}', which never happened")
    return failures


def _pause_hint(story: Story, scene: str, state: GameState) -> str:
    """Why a walkthrough went past the pause it expected: it still had choices there."""
    if not story.scenes[scene].pause or scene not in state.visits:
        return ""
    return (
        f" ('{scene}' is a pause, passed on the way; a walkthrough stops at a pause only when "
        "its choices run out there: end them with the choice that leads to it)"
    )
