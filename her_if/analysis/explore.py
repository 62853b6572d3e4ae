"""Exhaustive exploration: every reachable game state, breadth first, with what it proves.

States are keyed on their scene and the facts still live there (see `liveness`), so two
playthroughs that differ only in what no future choice can notice count as one state. The
walk runs on the real engine (`available`, and `advance`, the step `choose` takes), so it
proves things about the very rules players meet. Breadth-first order makes the first path
found to anything the shortest one, which is the witness reported for it: a list of choice
ids a walkthrough can replay. Each state remembers only the state it was first reached from
and the choice taken (`Tree`), and a witness is rebuilt from those when it is shown, so the
walk's memory grows with its states, not with the length of their paths.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from operator import itemgetter

from her_if.analysis.liveness import (
    USED,
    VISITED,
    Live,
    kept_visits,
    live_facts,
    reads,
    saturation,
    text_live,
)
from her_if.core.engine import GameState, advance, apply_effects, available, start
from her_if.core.expr import Expr, names_read, scenes_read
from her_if.core.model import (
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
from her_if.loading.diagnostics import as_written
from her_if.loading.gc_pause import collector_paused

DEFAULT_MAX_STATES = 200_000
DEAD_END = "no choice is on offer here and it is not an ending"
SOFTLOCK = "no ending can be reached from here (a loop with no way out)"
LIST_LIMIT = 20
"""Findings of one kind reported in full up to this many; the count is always exact."""

Path = tuple[str, ...]
Progress = Callable[[int], None]


@dataclass(frozen=True, eq=False)
class Tree:
    """How each state was first reached: its parent's index and the choice taken there
    (`continue` for a pause); state 0, the start, has none.

    Two entries per state, so the walk's memory and time grow with the number of states. A
    path kept per state instead grows with the square of a story's length (10,000 scenes in
    a row took 440 MB), and nobody reads most of them: every witness is rebuilt from here
    when it is asked for, which costs only its own length.
    """

    parent: list[int] = field(default_factory=lambda: [-1])
    choice: list[str] = field(default_factory=lambda: [CONTINUE])

    def add(self, parent: int, choice: str) -> None:
        self.parent.append(parent)
        self.choice.append(choice)

    def path(self, index: int) -> Path:
        steps: list[str] = []
        while index > 0:
            choice = self.choice[index]
            if choice != CONTINUE:
                steps.append(choice)
            index = self.parent[index]
        return tuple(reversed(steps))


@dataclass(frozen=True)
class Witness:
    """The shortest way to one state, as a place in the tree: `steps` rebuilds it."""

    tree: Tree = field(repr=False, compare=False)
    index: int

    @property
    def steps(self) -> Path:
        return self.tree.path(self.index)


class FirstPaths(Mapping[str, Path]):
    """The shortest path to each scene reached, each rebuilt when looked up (see `Tree`)."""

    def __init__(self, tree: Tree, first_at: Mapping[str, int]) -> None:
        self._tree, self._first_at = tree, first_at

    def __getitem__(self, scene: str) -> Path:
        return self._tree.path(self._first_at[scene])

    def __iter__(self) -> Iterator[str]:
        return iter(self._first_at)

    def __len__(self) -> int:
        return len(self._first_at)


@dataclass(frozen=True)
class Finding:
    """Something true of the story, where it happens, and the shortest way to see it."""

    scene: str
    message: str
    witness: Witness
    choice: str | None = None

    @property
    def path(self) -> Path:
        return self.witness.steps

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
    witness: Witness

    @property
    def path(self) -> Path:
        return self.witness.steps


@dataclass(frozen=True)
class Exploration:
    """Everything the explorer found; `defects` are what make `playtest` exit 1."""

    states: int
    transitions: int
    """Moves tried from every state explored, whether they led to a new state or not."""
    terminal: int
    """States at an ending."""
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
    """The shortest path (choice ids) to each scene reached: how an author gets there. Each is
    rebuilt when looked up (see `Tree`)."""
    dead_states: int = 0
    """States with no choice on offer at a scene that is not an ending (`dead_ends` keeps
    the first per scene). With `terminal`, the states where play stops: what ink's
    explorers call terminal states."""

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
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
    *,
    reduce: bool = True,
) -> Exploration:
    """Walk every reachable state. `reduce=False` keys states on every variable, every visit a
    condition reads and every `once` mark, with no liveness and no folding of rising counters:
    the plain state space other engines count, for comparing with them (and far larger).

    Millions of small objects and no cycles among them: the cycle collector waits (see
    `gc_pause`), or its passes over all the states so far make a long walk's time grow faster
    than the walk (a chain of 20,000 scenes took 1.6 times as long)."""
    with collector_paused():
        walk = walk_states(story, max_states, progress, reduce=reduce)
        return _findings(story, walk, max_states)


def _findings(story: Story, walk: Walk, max_states: int) -> Exploration:
    """What the walk proves: every finding, each with a witness to rebuild when asked for."""
    complete, scenes, tree = walk.complete, walk.scenes, walk.tree

    def at(index: int) -> Witness:
        return Witness(tree, index)

    terminal = [i for i, s in enumerate(scenes) if story.scenes[s].ending is not None]
    explored = len(walk.successors) if complete else 0
    dead = [
        i
        for i in range(explored)
        if not walk.successors[i] and story.scenes[scenes[i]].ending is None
    ]
    can_end = _co_reachable(walk.successors, terminal)
    dead_set = set(dead)
    stuck = [i for i in range(explored) if i not in can_end and i not in dead_set]
    reached = set(scenes)
    first_at: dict[str, int] = {}
    for i, s in enumerate(scenes):
        first_at.setdefault(s, i)

    def first(scene: str) -> Witness:
        return at(first_at[scene])

    verdicts, edges_taken = walk.verdicts, walk.edges_taken
    text = _text_judged(story, value_sets(story, edges_taken)) if complete else []
    return Exploration(
        states=len(scenes),
        transitions=walk.transitions,
        terminal=len(terminal),
        complete=complete,
        max_states=max_states,
        endings=_endings(story, scenes, terminal, at),
        dead_ends=tuple(
            Finding(scenes[i], DEAD_END + walk.why_nothing[scenes[i]], at(i))
            for i in _first_per_scene(scenes, dead)
        ),
        softlocks=tuple(
            Finding(scenes[i], SOFTLOCK, at(i)) for i in _first_per_scene(scenes, stuck)
        ),
        unreachable_scenes=tuple(sid for sid in story.scenes if sid not in reached)
        if complete
        else (),
        unreachable_choices=_never_offered(story, reached, edges_taken, first, verdicts)
        if complete
        else (),
        always_true=_constant(story, verdicts, True, first, text) if complete else (),
        always_false=_constant(story, verdicts, False, first, text) if complete else (),
        clamps=tuple(
            Finding(scene, f"{name} would go {side} its {bound}; it is held there", at(i), choice)
            for (scene, choice, name, bound), (i, side) in walk.clamps.items()
        ),
        scenes_reached=frozenset(reached),
        paths=FirstPaths(tree, first_at),
        edges_taken=frozenset(edges_taken),
        dead_states=len(dead),
    )


@dataclass
class Walk:
    """What the breadth-first walk keeps: for each state its scene, how it was first reached
    (`tree`) and the states its moves lead to, which is all the findings need. A state's
    variables, visits and marks are kept only while it waits in the queue, so what stays
    behind is the same small size for every state however long the story."""

    scenes: list[str]
    tree: Tree
    successors: list[list[int]]
    transitions: int
    complete: bool
    edges_taken: set[tuple[str, str]]
    verdicts: dict[tuple[str, str], set[bool]]
    clamps: dict[tuple[str, str, str, str], tuple[int, str]]
    why_nothing: dict[str, str]
    """For each scene with a dead state, the values its conditions read in the first one."""


def walk_states(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
    *,
    reduce: bool = True,
) -> Walk:
    """Every reachable state, breadth first, on the real engine: the walk `explore` judges
    (the scenes and moves it reaches are what `graph --reachable` colours)."""
    with collector_paused():
        return _walk(story, max_states, progress, reduce)


def _walk(story: Story, max_states: int, progress: Progress | None, reduce: bool) -> Walk:
    live = live_facts(story) if reduce else dict.fromkeys(story.scenes, _all_facts(story))
    caps = saturation(story) if reduce else {}
    keyers = {sid: _keyer(sid, facts, caps) for sid, facts in live.items()}
    keep = {sid: (frozenset(f.visits), frozenset(f.used)) for sid, f in live.items()}
    pending = _clamp_watch(story)
    begin = start(story)
    first = _kept(begin.scene, begin.vars, begin.visits, begin.used, keep)
    keys: dict[Hashable, int] = {keyers[first.scene](first): 0}
    walk = Walk([first.scene], Tree(), [], 0, True, set(), {}, {}, {})
    queue = deque([(0, first)])
    while queue and walk.complete:
        index, state = queue.popleft()
        scene = story.scenes[state.scene]
        _judge(scene.id, scene.choices, state, walk.verdicts)
        moves: Iterable[Choice | None] = (
            (None,) if scene.next is not None else available(story, state)
        )
        outs: list[int] = []
        for choice in moves:
            choice_id = CONTINUE if choice is None else choice.id
            walk.transitions += 1
            edge = (scene.id, choice_id)
            walk.edges_taken.add(edge)
            if choice is not None and edge in pending:
                _note_clamps(story, state, choice, index, walk.clamps)
                if all((*edge, *bound) in walk.clamps for bound in pending[edge]):
                    del pending[edge]
            nxt = _kept(*advance(story, state, choice), keep)
            key = keyers[nxt.scene](nxt)
            target = keys.get(key)
            if target is None:
                if len(walk.scenes) >= max_states:
                    walk.complete = False
                    continue
                target = len(walk.scenes)
                keys[key] = target
                walk.scenes.append(nxt.scene)
                walk.tree.add(index, choice_id)
                queue.append((target, nxt))
                if progress is not None and target % 1000 == 0:
                    progress(target)
            outs.append(target)
        walk.successors.append(outs)
        if not outs and scene.ending is None and scene.id not in walk.why_nothing:
            walk.why_nothing[scene.id] = _why_nothing(story, state)
    while len(walk.successors) < len(walk.scenes):
        walk.successors.append([])
    return walk


def _clamp_watch(story: Story) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """The choices that may still hold a counter at a bound not yet noted."""
    return {
        (sid, c.id): _may_clamp(story, c)
        for sid, scene in story.scenes.items()
        for c in scene.choices
        if any(isinstance(e, AddEffect) for e in (*c.effects, *story.scenes[c.target].effects))
    }


def _all_facts(story: Story) -> Live:
    """Every variable, every visit a choice condition reads and every `once` mark: what
    `explore(reduce=False)` keys states on at every scene."""
    facts: set[str] = set()
    for scene in story.scenes.values():
        facts |= reads(scene)
    return Live(
        vars=tuple(sorted(story.variables)),
        visits=tuple(sorted(f.removeprefix(VISITED) for f in facts if f.startswith(VISITED))),
        used=tuple(sorted(f.removeprefix(USED) for f in facts if f.startswith(USED))),
    )


def _kept(
    scene: str,
    values: Mapping[str, Value],
    visits: Mapping[str, int],
    used: frozenset[str],
    keep: Mapping[str, tuple[frozenset[str], frozenset[str]]],
) -> GameState:
    """A state with no history (the tree remembers how it was reached) and only the visits
    and `once` marks still live at its scene. Whatever is dropped no later condition reads,
    so which choices are offered is unchanged; kept, they would grow with every step taken
    (every scene passed, every `once` choice used) and be copied at each."""
    visits_kept, used_kept = keep[scene]
    return GameState(scene, values, kept_visits(visits, visits_kept), used & used_kept)


def _keyer(scene: str, live: Live, caps: Mapping[str, int]) -> Callable[[GameState], Hashable]:
    """How states at `scene` are keyed: its id and the facts live there (a rising counter
    folded at its cap). Built once per scene, since keying is much of the explorer's work;
    a key's shape is the same for every state at a scene, which is all a key needs."""
    names, visits, used = live.vars, live.visits, live.used
    if not visits and not used and not any(name in caps for name in names):
        if not names:
            return lambda state: scene
        get = itemgetter(*names)  # one name gives a bare value, two or more a tuple
        return lambda state: (scene, get(state.vars))
    bounded = tuple((name, caps.get(name)) for name in names)
    return lambda state: (
        scene,
        tuple(_folded(state.vars[name], cap) for name, cap in bounded),
        tuple(v in state.visits for v in visits),
        tuple(u in state.used for u in used),
    )


def _judge(
    scene: str,
    choices: Iterable[Choice],
    state: GameState,
    verdicts: dict[tuple[str, str], set[bool]],
) -> None:
    for choice in choices:
        if choice.condition is not None:
            seen = verdicts.setdefault((scene, choice.id), set())
            if len(seen) < 2:  # once it has been both true and false, nothing more to learn
                seen.add(choice.condition.test(state.vars, state.visits))


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


def _may_clamp(story: Story, choice: Choice) -> tuple[tuple[str, str], ...]:
    """The (counter, bound) pairs taking `choice` could ever hold at a bound: once each has
    been noted (with its shortest path), the explorer stops looking at that choice."""
    effects = (*choice.effects, *story.scenes[choice.target].effects)
    return tuple(
        sorted(
            {
                (e.name, "maximum" if e.amount > 0 else "minimum")
                for e in effects
                if isinstance(e, AddEffect) and e.amount != 0
            }
        )
    )


def _folded(value: Value, cap: int | None) -> Value:
    """A rising counter past its cap is keyed at the cap (see `liveness.saturation`)."""
    return value if cap is None or not isinstance(value, int) else min(value, cap)


def _co_reachable(successors: list[list[int]], terminal: list[int]) -> set[int]:
    preds: list[list[int]] = [[] for _ in successors]
    for source, outs in enumerate(successors):
        for target in outs:
            preds[target].append(source)
    seen = set(terminal)
    queue = deque(terminal)
    while queue:
        for source in preds[queue.popleft()]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _endings(
    story: Story, scenes: list[str], terminal: list[int], at: Callable[[int], Witness]
) -> tuple[EndingReached, ...]:
    found: dict[str, EndingReached] = {}
    counts: dict[str, int] = {}
    for index in terminal:
        scene = story.scenes[scenes[index]]
        assert scene.ending is not None
        counts[scene.ending.id] = counts.get(scene.ending.id, 0) + 1
        if scene.ending.id not in found:
            found[scene.ending.id] = EndingReached(
                scene.ending.id, scene.ending.title, scene.id, 0, at(index)
            )
    return tuple(replace(e, states=counts[e.id]) for e in found.values())


def _first_per_scene(scenes: list[str], indices: list[int]) -> list[int]:
    """The first state found at each scene, which has the shortest witness."""
    first: dict[str, int] = {}
    for index in indices:
        first.setdefault(scenes[index], index)
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
    first: Callable[[str], Witness],
    verdicts: dict[tuple[str, str], set[bool]],
) -> tuple[Finding, ...]:
    """Choices never taken, except those whose always-false condition already explains it."""
    return tuple(
        Finding(sid, "this choice is never on offer", first(sid), choice.id)
        for sid, scene in story.scenes.items()
        if sid in reached
        for choice in scene.choices
        if (sid, choice.id) not in taken and verdicts.get((sid, choice.id)) != {False}
    )


def _constant(
    story: Story,
    verdicts: dict[tuple[str, str], set[bool]],
    value: bool,
    first: Callable[[str], Witness],
    text: list[tuple[str, Condition, set[bool] | None]],
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
                    first(sid),
                    choice_id,
                )
            )
    for sid, condition, text_verdicts in text:
        if text_verdicts == {value}:
            shows = "it always shows" if value else "its paragraph never shows"
            findings.append(
                Finding(
                    sid,
                    f"text condition '{condition.source}' ({condition.pos}) is always "
                    f"{word}: {shows}",
                    first(sid),
                )
            )
    return tuple(findings)


def _text_judged(
    story: Story, sets: dict[str, dict[str, set[Value]]]
) -> list[tuple[str, Condition, set[bool] | None]]:
    """Every text condition of every reached scene, in story order, with the verdicts it can
    give there. The same condition over the same values gives the same verdicts, and stories
    repeat their text conditions from scene to scene, so each is worked out once."""
    reads: dict[Expr, tuple[str, ...]] = {}
    known: dict[tuple[Expr, tuple[frozenset[Value], ...]], set[bool] | None] = {}
    judged = []
    for sid, scene in story.scenes.items():
        if sid not in sets:
            continue
        for paragraph in scene.paragraphs:
            condition = paragraph.condition
            if condition is None:
                continue
            tree = condition.tree
            if tree not in reads:
                reads[tree] = (
                    *sorted(names_read(tree)),
                    *sorted(VISITED + v for v in scenes_read(tree)),
                )
            # a visit missing here is to a scene that cannot lead here (liveness._may_vary)
            values = {fact: frozenset(sets[sid].get(fact, UNVISITED)) for fact in reads[tree]}
            memo = (tree, tuple(values[fact] for fact in reads[tree]))
            if memo not in known:
                known[memo] = _text_verdicts(condition, values)
            judged.append((sid, condition, known[memo]))
    return judged


TEXT_COMBINATIONS = 4096
"""Text conditions reading more combinations than this are not judged (never wrongly)."""


def _text_verdicts(
    condition: Condition, values: Mapping[str, frozenset[Value]]
) -> set[bool] | None:
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


UNVISITED: frozenset[Value] = frozenset({False})


def value_sets(
    story: Story, edges_taken: frozenset[tuple[str, str]] | set[tuple[str, str]]
) -> dict[str, dict[str, set[Value]]]:
    """For each reached scene, the values each fact that a text condition there or further on
    reads (a variable, or `visited:` a scene) may hold on arrival.

    A forward data-flow over the moves the explorer actually made, keeping each fact's values
    apart: cheap, and enough to judge text conditions, which the state key leaves out. Each
    scene carries only the facts still live for text there (`liveness.text_live`): carrying
    every fact any text condition reads to every scene grows with the square of a story's
    length (a thousand scenes that each ask whether the one before was visited took 240 MB).
    """
    live = text_live(story)
    first = start(story)
    sets: dict[str, dict[str, set[Value]]] = {
        first.scene: {fact: {_initially(first, fact)} for fact in live[first.scene]}
    }
    moves = _moves(story, edges_taken, live)
    work = deque([first.scene])
    queued = {first.scene}
    while work:
        sid = work.popleft()
        queued.discard(sid)
        here = sets[sid]
        for target, effects in moves.get(sid, ()):
            # A fact live at the target is live here too unless this move sets it, or it is a
            # visit dropped here since its scene cannot lead here (so it is false).
            after = {
                fact: set(here.get(fact, UNVISITED if fact.startswith(VISITED) else ()))
                for fact in live[target]
            }
            for effect in effects:
                after[effect.name] = _after(story, effect, after[effect.name])
            if VISITED + target in after:
                after[VISITED + target] = {True}
            known = sets.get(target)
            if known is None:
                sets[target] = after
            elif any(not after[name] <= known[name] for name in after):
                for name in after:
                    known[name] |= after[name]
            else:
                continue
            if target not in queued:
                queued.add(target)
                work.append(target)
    return sets


def _initially(first: GameState, fact: str) -> Value:
    if fact.startswith(VISITED):
        return fact.removeprefix(VISITED) in first.visits
    return first.vars[fact]


def _moves(
    story: Story,
    edges_taken: frozenset[tuple[str, str]] | set[tuple[str, str]],
    live: Mapping[str, frozenset[str]],
) -> dict[str, list[tuple[str, tuple[Effect, ...]]]]:
    """Each scene's moves taken: where each leads, and its effects on facts live there."""
    moves: dict[str, list[tuple[str, tuple[Effect, ...]]]] = {}
    for sid, choice_id in edges_taken:
        scene = story.scenes[sid]
        effects: tuple[Effect, ...] = ()
        if choice_id == CONTINUE and scene.next is not None:
            target = scene.next
        else:
            choice = next(c for c in scene.choices if c.id == choice_id)
            target, effects = choice.target, choice.effects
        wanted = live[target]
        effects = tuple(e for e in (*effects, *story.scenes[target].effects) if e.name in wanted)
        moves.setdefault(sid, []).append((target, effects))
    return moves


def _after(story: Story, effect: Effect, values: set[Value]) -> set[Value]:
    if isinstance(effect, SetEffect):
        return {effect.value}
    var = story.variables[effect.name]
    assert isinstance(var, Counter) and isinstance(effect, AddEffect)
    return {min(var.maximum, max(var.minimum, int(v) + effect.amount)) for v in values}
