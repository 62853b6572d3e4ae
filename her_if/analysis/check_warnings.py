"""The warnings of `her-if check`: things that load but are probably mistakes.

A scene no choice leads to, a return no call reaches, a fallback never offered, `once` on a
choice whose scene can never come round again, state that nothing reads or nothing changes,
a YAML file in the story folder (or a pack's folder) that its manifest forgets. All found
statically, from the facts of each scene (`check_facts`) and the story's own fields, on the
scene graph as plain edges: each scene's successors, worked out once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from her_if.analysis.cycles import cyclic, graph_components
from her_if.analysis.flow import Call, Places, return_targets
from her_if.core.model import Position, Story
from her_if.loading.diagnostics import Diagnostic, display_path
from her_if.loading.locate import MANIFEST, PACK_MANIFEST

if TYPE_CHECKING:  # check_facts, which makes the facts, imports this module
    from her_if.analysis.check_facts import SceneFacts, SceneWarning

Facts = Mapping[str, "SceneFacts"]
Graph = Mapping[str, Sequence[str]]
"""Each scene's successors."""


def warnings(story: Story, facts: Facts) -> tuple[Diagnostic, ...]:
    """Every warning, kind by kind, each kind in the order of the story's scenes."""
    order = list(story.scenes)
    returns_to = _return_targets(order, facts)
    graph = {sid: _successors(facts[sid], returns_to.get(sid, ())) for sid in order}
    local = [_warning(w) for sid in order for w in facts[sid].warnings]
    return (
        *_unreachable(story.start, graph, facts),
        *_returns_unreached(order, facts, returns_to),
        *local,
        *_needless_once(order, facts, graph),
        *_unused_state(story, facts),
        *_unlisted_files(story),
    )


def _return_targets(order: list[str], facts: Facts) -> dict[str, Places]:
    """`flow.return_targets` from the facts."""
    calls = [Call(sid, call.scene, call.then) for sid in order for call in facts[sid].calls]

    def onward(sid: str) -> Iterator[str]:
        scene = facts[sid]
        yield from scene.goes
        yield from (call.then or sid for call in scene.calls)

    return return_targets(calls, onward, lambda sid: bool(facts[sid].returns_at))


def _successors(scene: SceneFacts, returns_to: Places) -> Sequence[str]:
    """The scenes a scene may lead to (or come back to), as `flow.successors` gives them, but
    in no particular order (nothing here depends on it)."""
    if not scene.calls and not scene.returns_at:
        return scene.goes  # most scenes
    found = [*scene.goes, *(call.scene for call in scene.calls)]
    if scene.returns_at:
        found += [target for target, _ in returns_to]
    return found


def _unreachable(start: str, graph: Graph, facts: Facts) -> list[Diagnostic]:
    seen = {start}
    work = [start]
    while work:
        for target in graph[work.pop()]:
            if target not in seen:
                seen.add(target)
                work.append(target)
    return [
        Diagnostic(
            facts[sid].pos,
            f"scene '{sid}' is unreachable: no choice or continue leads to it",
            "warning",
        )
        for sid in graph
        if sid not in seen
    ]


def _returns_unreached(
    order: list[str], facts: Facts, returns_to: Mapping[str, Places]
) -> list[Diagnostic]:
    """A return that no call's subroutine reaches (`flow`): wherever it is offered, there is
    no call to return to, so it is never on offer, and a scene with nothing else dead-ends."""
    return [
        Diagnostic(
            pos,
            f"scene '{sid}' returns, but no called scene leads to it, so there is never a call "
            f"to return to: call it ('call: {sid}') rather than go to it, or go on "
            "from it with 'to:'",
            "warning",
        )
        for sid in order
        if sid not in returns_to
        for pos in facts[sid].returns_at
    ]


def _warning(found: SceneWarning) -> Diagnostic:
    return Diagnostic(found.pos, found.message, "warning")


def _needless_once(order: list[str], facts: Facts, graph: Graph) -> list[Diagnostic]:
    """`once: true` where it cannot matter: a scene on no cycle is shown at most once, so its
    choices are offered at most once anyway; the author probably expected the scene to recur."""
    if not any(facts[sid].once for sid in order):
        return []  # the cycles are needed for nothing else
    cycles = cyclic(graph_components(graph), graph.__getitem__)
    return [
        Diagnostic(
            once.pos,
            f"choice '{once.choice}' of scene '{sid}' has 'once: true', but no path leads back "
            f"to '{sid}', so it can never be offered twice: remove 'once', or lead back to the "
            "scene if it is meant to come round again",
            "warning",
        )
        for sid in order
        if sid not in cycles
        for once in facts[sid].once
    ]


def _unused_state(story: Story, facts: Facts) -> list[Diagnostic]:
    read: set[str] = set()
    written: set[str] = set()
    for sid in story.scenes:
        read.update(facts[sid].reads)
        written.update(facts[sid].writes)
    warnings = []
    for name, var in story.variables.items():
        pos = var.pos or Position(display_path(Path(story.root) / MANIFEST), 1, 1)
        if name not in read:
            warnings.append(
                Diagnostic(pos, f"state '{name}' is never read by a condition or text", "warning")
            )
        elif name not in written:
            warnings.append(
                Diagnostic(
                    pos,
                    f"state '{name}' is never set, so it is always {_yaml(var.default)}",
                    "warning",
                )
            )
    return warnings


def _yaml(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _unlisted_files(story: Story) -> list[Diagnostic]:
    """YAML files lying in the story's folder or a pack's folder that the story was not built
    from (`Story.files`): no manifest lists them."""
    known = {Path(file.path).resolve() for file in story.files}
    folders = [(Path(story.root), f"story folder but no act in {MANIFEST} lists it")]
    folders += [
        (Path(p.root), f"pack folder but its {PACK_MANIFEST} 'files' do not list it")
        for p in story.packs
    ]
    warnings: list[Diagnostic] = []
    seen: set[Path] = set()
    for folder, why in folders:
        for path in sorted(folder.glob("*.y*ml")):
            if path.resolve() in known or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            warnings.append(
                Diagnostic(
                    Position(display_path(path), 1, 1),
                    f"'{path.name}' is in the {why}",
                    "warning",
                )
            )
    return warnings
