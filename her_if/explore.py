"""Exhaustive exploration: every reachable game state, breadth first, with what it proves.

States are keyed on their scene and the facts still live there (see `liveness`), so two
playthroughs that differ only in what no future choice can notice count as one state. The
walk runs on the real engine (`available`, `choose`), so it proves things about the very rules
players meet. Breadth-first order makes the first path found to anything the shortest one,
which is the witness reported for it: a list of choice ids a walkthrough can replay.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from her_if.diagnostics import as_written
from her_if.engine import GameState, apply_effects, available, start, take
from her_if.expr import names_read, scenes_read
from her_if.liveness import VISITED, Live, live_facts, saturation
from her_if.model import (
    CONTINUE,
    AddEffect,
    Choice,
    Condition,
    Counter,
    Effect,
    SetEffect,
    Story,
    Value,
)

DEFAULT_MAX_STATES = 200_000
DEAD_END = "no choice is on offer here and it is not an ending"
SOFTLOCK = "no ending can be reached from here (a loop with no way out)"
LIST_LIMIT = 20
"""Findings of one kind reported in full up to this many; the count is always exact."""

Path = tuple[str, ...]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Finding:
    """Something true of the story, where it happens, and the shortest way to see it."""

    scene: str
    message: str
    path: Path
    choice: str | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"scene": self.scene, "message": self.message}
        if self.choice is not None:
            out["choice"] = self.choice
        out["path"] = list(self.path)
        return out


@dataclass(frozen=True)
class EndingReached:
    id: str
    title: str
    scene: str
    states: int
    path: Path


@dataclass(frozen=True)
class Exploration:
    """Everything the explorer found; `defects` are what make `playtest` exit 1."""

    states: int
    transitions: int
    terminal: int
    complete: bool
    max_states: int
    endings: tuple[EndingReached, ...]
    dead_ends: tuple[Finding, ...]
    softlocks: tuple[Finding, ...]
    unreachable_scenes: tuple[str, ...]
    unreachable_choices: tuple[Finding, ...]
    always_true: tuple[Finding, ...]
    always_false: tuple[Finding, ...]
    clamps: tuple[Finding, ...]
    scenes_reached: frozenset[str] = field(default_factory=frozenset)
    edges_taken: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """(scene, choice id) pairs taken somewhere; a pause is (scene, 'continue')."""
    paths: Mapping[str, Path] = field(default_factory=dict)
    """The shortest path (choice ids) to each scene reached: how an author gets there."""

    @property
    def defects(self) -> int:
        return (
            len(self.dead_ends)
            + len(self.softlocks)
            + len(self.unreachable_scenes)
            + len(self.unreachable_choices)
            + len(self.always_true)
            + len(self.always_false)
            + (0 if self.complete else 1)
        )


def explore(
    story: Story, max_states: int = DEFAULT_MAX_STATES, progress: Progress | None = None
) -> Exploration:
    live = live_facts(story)
    counting = {
        sid: {
            c.id
            for c in scene.choices
            if any(isinstance(e, AddEffect) for e in (*c.effects, *story.scenes[c.target].effects))
        }
        for sid, scene in story.scenes.items()
    }
    first = _bare(start(story))
    caps = saturation(story)
    keys: dict[Hashable, int] = {_key(first, live[first.scene], caps): 0}
    states: list[GameState] = [first]
    parents: list[tuple[int, str] | None] = [None]
    successors: list[list[int]] = []
    verdicts: dict[tuple[str, str], set[bool]] = {}
    clamps: dict[tuple[str, str, str, str], tuple[int, str]] = {}
    edges_taken: set[tuple[str, str]] = set()
    transitions = 0
    complete = True
    queue = deque([0])
    while queue:
        index = queue.popleft()
        state = states[index]
        scene = story.scenes[state.scene]
        _judge(scene.id, scene.choices, state, verdicts)
        moves: Iterable[Choice | None] = (
            (None,) if scene.next is not None else available(story, state)
        )
        outs: list[int] = []
        for choice in moves:
            choice_id = CONTINUE if choice is None else choice.id
            transitions += 1
            edges_taken.add((scene.id, choice_id))
            if choice is not None and choice.id in counting[scene.id]:
                _note_clamps(story, state, choice, index, clamps)
            nxt = _bare(take(story, state, choice))
            key = _key(nxt, live[nxt.scene], caps)
            target = keys.get(key)
            if target is None:
                if len(states) >= max_states:
                    complete = False
                    continue
                target = len(states)
                keys[key] = target
                states.append(nxt)
                parents.append((index, choice_id))
                queue.append(target)
                if progress is not None and target % 1000 == 0:
                    progress(target)
            outs.append(target)
        successors.append(outs)
        if not complete:
            break
    while len(successors) < len(states):
        successors.append([])

    def path(index: int) -> Path:
        steps: list[str] = []
        link = parents[index]
        while link is not None:
            index, choice_id = link
            if choice_id != CONTINUE:
                steps.append(choice_id)
            link = parents[index]
        return tuple(reversed(steps))

    terminal = [i for i, s in enumerate(states) if story.scenes[s.scene].ending is not None]
    explored = len(successors) if complete else 0
    dead = [
        i
        for i in range(explored)
        if not successors[i] and story.scenes[states[i].scene].ending is None
    ]
    can_end = _co_reachable(successors, terminal)
    stuck = [i for i in range(explored) if i not in can_end and i not in set(dead)]
    reached = {s.scene for s in states}
    first_at: dict[str, int] = {}
    for i, s in enumerate(states):
        first_at.setdefault(s.scene, i)

    def first_path(scene: str) -> Path:
        return path(first_at[scene])

    sets = value_sets(story, edges_taken) if complete else {}
    return Exploration(
        states=len(states),
        transitions=transitions,
        terminal=len(terminal),
        complete=complete,
        max_states=max_states,
        endings=_endings(story, states, terminal, path),
        dead_ends=tuple(
            Finding(states[i].scene, DEAD_END + _why_nothing(story, states[i]), path(i))
            for i in _first_per_scene(states, dead)
        ),
        softlocks=tuple(
            Finding(states[i].scene, SOFTLOCK, path(i)) for i in _first_per_scene(states, stuck)
        ),
        unreachable_scenes=tuple(sid for sid in story.scenes if sid not in reached)
        if complete
        else (),
        unreachable_choices=_never_offered(story, reached, edges_taken, first_path, verdicts)
        if complete
        else (),
        always_true=_constant(story, verdicts, True, first_path, sets) if complete else (),
        always_false=_constant(story, verdicts, False, first_path, sets) if complete else (),
        clamps=tuple(
            Finding(
                scene, f"{name} would go {side} its {bound}; it is held there", path(at), choice
            )
            for (scene, choice, name, bound), (at, side) in clamps.items()
        ),
        scenes_reached=frozenset(reached),
        paths={scene: first_path(scene) for scene in first_at},
        edges_taken=frozenset(edges_taken),
    )


def _bare(state: GameState) -> GameState:
    """Drop the history: parents remember how a state was reached, far more cheaply."""
    return GameState(state.scene, state.vars, state.visits, state.used)


def _key(state: GameState, live: Live, caps: Mapping[str, int]) -> Hashable:
    return (
        state.scene,
        tuple(_folded(state.vars[name], caps.get(name)) for name in live.vars),
        tuple(scene in state.visits for scene in live.visits),
        tuple(used in state.used for used in live.used),
    )


def _judge(
    scene: str,
    choices: Iterable[Choice],
    state: GameState,
    verdicts: dict[tuple[str, str], set[bool]],
) -> None:
    for choice in choices:
        if choice.condition is not None:
            verdict = choice.condition.test(state.vars, state.visits)
            verdicts.setdefault((scene, choice.id), set()).add(verdict)


def _note_clamps(
    story: Story,
    state: GameState,
    choice: Choice,
    index: int,
    clamps: dict[tuple[str, str, str, str], tuple[int, str]],
) -> None:
    """Record the first (so the shortest-path) time a choice pushes a counter past a bound."""
    effects = (*choice.effects, *story.scenes[choice.target].effects)
    for name, bound in apply_effects(story, dict(state.vars), effects):
        side = "above" if bound == "maximum" else "below"
        clamps.setdefault((state.scene, choice.id, name, bound), (index, side))


def _folded(value: Value, cap: int | None) -> Value:
    """A rising counter past its cap is keyed at the cap (see `liveness.saturation`)."""
    return value if cap is None or not isinstance(value, int) else min(value, cap)


def _co_reachable(successors: list[list[int]], terminal: list[int]) -> set[int]:
    preds: dict[int, list[int]] = {}
    for source, outs in enumerate(successors):
        for target in outs:
            preds.setdefault(target, []).append(source)
    seen = set(terminal)
    queue = deque(terminal)
    while queue:
        for source in preds.get(queue.popleft(), ()):
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _endings(
    story: Story, states: list[GameState], terminal: list[int], path: Callable[[int], Path]
) -> tuple[EndingReached, ...]:
    found: dict[str, EndingReached] = {}
    counts: dict[str, int] = {}
    for index in terminal:
        scene = story.scenes[states[index].scene]
        assert scene.ending is not None
        counts[scene.ending.id] = counts.get(scene.ending.id, 0) + 1
        if scene.ending.id not in found:
            found[scene.ending.id] = EndingReached(
                scene.ending.id, scene.ending.title, scene.id, 0, path(index)
            )
    return tuple(replace(e, states=counts[e.id]) for e in found.values())


def _first_per_scene(states: list[GameState], indices: list[int]) -> list[int]:
    """The first state found at each scene, which has the shortest witness."""
    first: dict[str, int] = {}
    for index in indices:
        first.setdefault(states[index].scene, index)
    return list(first.values())


def _why_nothing(story: Story, state: GameState) -> str:
    """The values the scene's conditions read, which is what an author needs to see."""
    scene = story.scenes[state.scene]
    names = sorted({n for c in scene.choices if c.condition for n in names_read(c.condition.tree)})
    if not names:
        return ""
    shown = ", ".join(f"{n} = {as_written(state.vars[n])}" for n in names)
    return f" ({shown})"


def _never_offered(
    story: Story,
    reached: set[str],
    taken: set[tuple[str, str]],
    first_path: Callable[[str], Path],
    verdicts: dict[tuple[str, str], set[bool]],
) -> tuple[Finding, ...]:
    """Choices never taken, except those whose always-false condition already explains it."""
    return tuple(
        Finding(sid, "this choice is never on offer", first_path(sid), choice.id)
        for sid, scene in story.scenes.items()
        if sid in reached
        for choice in scene.choices
        if (sid, choice.id) not in taken and verdicts.get((sid, choice.id)) != {False}
    )


def _constant(
    story: Story,
    verdicts: dict[tuple[str, str], set[bool]],
    value: bool,
    first_path: Callable[[str], Path],
    sets: dict[str, dict[str, set[Value]]],
) -> tuple[Finding, ...]:
    word = "true" if value else "false"
    findings = []
    for (sid, choice_id), seen in verdicts.items():
        if seen == {value}:
            choice = next(c for c in story.scenes[sid].choices if c.id == choice_id)
            assert choice.condition is not None
            findings.append(
                Finding(
                    sid,
                    f"condition '{choice.condition.source}' ({choice.condition.pos}) is always "
                    f"{word} wherever it is evaluated",
                    first_path(sid),
                    choice_id,
                )
            )
    for sid, values in sets.items():
        for paragraph in story.scenes[sid].paragraphs:
            condition = paragraph.condition
            if condition is not None and _text_verdicts(condition, values) == {value}:
                shows = "it always shows" if value else "its paragraph never shows"
                findings.append(
                    Finding(
                        sid,
                        f"text condition '{condition.source}' ({condition.pos}) is always "
                        f"{word}: {shows}",
                        first_path(sid),
                    )
                )
    return tuple(findings)


TEXT_COMBINATIONS = 4096
"""Text conditions reading more combinations than this are not judged (never wrongly)."""


def _text_verdicts(condition: Condition, values: dict[str, set[Value]]) -> set[bool] | None:
    """Every verdict the condition can give over the values each fact may hold at the scene.

    The sets over-approximate (they forget which values go together), so a single verdict is
    proof that the condition is constant; two verdicts prove nothing, and nothing is reported.
    """
    names = sorted(names_read(condition.tree))
    visits = sorted(scenes_read(condition.tree))
    domains = [sorted(values[n], key=repr) for n in names]
    domains += [sorted(values[VISITED + v], key=repr) for v in visits]
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > TEXT_COMBINATIONS:
        return None
    verdicts = set()
    for combo in itertools.product(*domains):
        env = dict(zip(names, combo[: len(names)], strict=True))
        seen = {v: 1 for v, was in zip(visits, combo[len(names) :], strict=True) if was}
        verdicts.add(condition.test(env, seen))
    return verdicts


def value_sets(
    story: Story, edges_taken: frozenset[tuple[str, str]] | set[tuple[str, str]]
) -> dict[str, dict[str, set[Value]]]:
    """For each reached scene, the values each variable and visit may hold on arrival.

    A forward data-flow over the moves the explorer actually made, keeping each fact's values
    apart: cheap, and enough to judge text conditions, which the state key leaves out.
    """
    first = start(story)
    facts: dict[str, set[Value]] = {name: {value} for name, value in first.vars.items()}
    facts.update({VISITED + sid: {sid in first.visits} for sid in story.scenes})
    sets: dict[str, dict[str, set[Value]]] = {first.scene: facts}
    moves: dict[str, list[tuple[str, tuple[Effect, ...]]]] = {}
    for sid, choice_id in edges_taken:
        scene = story.scenes[sid]
        if choice_id == CONTINUE and scene.next is not None:
            moves.setdefault(sid, []).append((scene.next, ()))
        else:
            choice = next(c for c in scene.choices if c.id == choice_id)
            moves.setdefault(sid, []).append((choice.target, choice.effects))
    work = [first.scene]
    while work:
        sid = work.pop()
        for target, effects in moves.get(sid, ()):
            after = {name: set(values) for name, values in sets[sid].items()}
            for effect in (*effects, *story.scenes[target].effects):
                after[effect.name] = _after(story, effect, after[effect.name])
            after[VISITED + target] = {True}
            known = sets.get(target)
            if known is None:
                sets[target] = after
                work.append(target)
            elif any(not after[name] <= known[name] for name in after):
                for name in after:
                    known[name] |= after[name]
                work.append(target)
    return sets


def _after(story: Story, effect: Effect, values: set[Value]) -> set[Value]:
    if isinstance(effect, SetEffect):
        return {effect.value}
    var = story.variables[effect.name]
    assert isinstance(var, Counter) and isinstance(effect, AddEffect)
    return {min(var.maximum, max(var.minimum, int(v) + effect.amount)) for v in values}
