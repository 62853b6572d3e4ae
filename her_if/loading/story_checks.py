"""What only the whole story can show: the limits on a story with its packs (after the first
pass, before the work they bound), and after the second, rings of pauses (through calls and
returns too) and beats no scene stages. Each is reported where it shows, in the file of the thing at fault."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from her_if.core.model import MAX_CALL_DEPTH, Beat, Position
from her_if.loading.diagnostics import Diagnostic
from her_if.loading.pack_loader import Defined, RawPack
from her_if.loading.parts import Onward
from her_if.loading.scene_loader import RawScene
from her_if.loading.story_limits import (
    MAX_CHOICES,
    MAX_SCENES,
    MAX_VARIABLES,
    authored_choices,
    past_limit,
)
from her_if.loading.story_reads import StoryBytes
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source


def within_limits(
    defined: Defined,
    packs: list[RawPack],
    tally: StoryBytes,
    errors: list[Diagnostic],
    node_of: Callable[[RawScene], Node],
) -> bool:
    """Whether the story with its packs keeps within the limits on a whole story
    (`story_limits`), each counted from what the first pass found, in the order it was
    read; a limit passed is reported where it is passed (the first thing over it). The
    choices are counted from the first pass's counts; only the scene that passes the limit
    is read again (`node_of`), for the place of its choice."""
    crossed = tally.crossed is not None  # reported where it was read
    var = past_limit(defined.variables.values(), MAX_VARIABLES)
    if var is not None and var.pos is not None:
        errors.append(
            Diagnostic(
                var.pos,
                f"state '{var.name}' is past the {MAX_VARIABLES:,} state variables a story "
                "and its packs may declare together (every step of play copies them all): "
                "keep the state small",
            )
        )
    scene = past_limit(defined.scenes.values(), MAX_SCENES)
    if scene is not None:
        crossed = True
        scene.source.error_at(
            scene.pos,
            f"scene '{scene.id}' is past the {MAX_SCENES:,} scenes a story and its packs "
            "may have together: shorten the story, or load fewer packs",
        )
    choice = _past_choices(defined, packs, node_of)
    if choice is not None:
        crossed = True
        src, node = choice
        src.error(
            node,
            f"this choice is past the {MAX_CHOICES:,} choices a story and its packs may "
            "have together: shorten the story, or load fewer packs",
        )
    return not crossed


def _past_choices(
    defined: Defined, packs: list[RawPack], node_of: Callable[[RawScene], Node]
) -> tuple[Source, Node] | None:
    """The first choice past `MAX_CHOICES`, the scenes' then the packs' `extend:` entries'."""
    left = MAX_CHOICES
    for raw in defined.scenes.values():
        if raw.choices > left:
            return raw.source, authored_choices(node_of(raw))[left]
        left -= raw.choices
    written = (
        (ext.source, item)
        for pack in packs
        for ext in pack.extensions
        for item in authored_choices(ext.node)
    )
    return past_limit(written, left)


def check_pauses(scenes: Mapping[str, Onward], raws: Mapping[str, RawScene]) -> None:
    """A ring of pauses would hold the player forever with no way out.

    A pause goes on to its `continue:`; one that calls goes on to the scene it calls, and a
    pause that returns, to where the call it returns from leads. So each pause is walked with
    the calls made on the way (its own stack, empty where the walk begins: a return past
    them leads wherever the game's own stack says, which the explorer follows). The ring is
    a place met again with the same calls unreturned; calls that only ever nest deeper end
    at the depth limit instead, a dead end the explorer reports. Each place is walked once
    (`done`): a long chain of pauses must not cost its square.
    """
    done: set[tuple[str, tuple[str, ...]]] = set()
    for sid in scenes:
        seen: dict[tuple[str, tuple[str, ...]], None] = {}  # this walk, in order
        current: tuple[str, tuple[str, ...]] | None = (sid, ())
        while current is not None and current not in seen and current not in done:
            seen[current] = None
            current = _continued(scenes, *current)
        done.update(seen)
        if current is not None and current in seen:
            walked = list(seen)
            ring = [place for place, _ in walked[walked.index(current) :]]
            raw = raws[current[0]]
            raw.source.error_at(
                raw.pos,
                "these scenes continue into each other forever with no choice: "
                + " -> ".join([*ring, current[0]]),
            )


def _continued(
    scenes: Mapping[str, Onward], sid: str, calls: tuple[str, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """Where a pause's Continue leads, with the calls still unreturned (each by where its
    return leads); None: not a pause, or where this walk cannot follow."""
    scene = scenes.get(sid)
    if scene is None or not scene.pause:
        return None
    if scene.returns:
        return (calls[-1], calls[:-1]) if calls else None
    if scene.next is None:
        return None
    if not scene.calls:
        return scene.next, calls
    if len(calls) >= MAX_CALL_DEPTH:
        return None
    return scene.next, (*calls, scene.then or sid)


def check_beats_staged(
    beats: Mapping[str, Beat],
    scenes: Mapping[str, Onward],
    broken_acts: Mapping[str, Position],
    errors: list[Diagnostic],
) -> None:
    staged = {beat for scene in scenes.values() for beat in scene.beats}
    for beat in beats.values():
        # An act whose scenes could not be read has already been reported; that its beats
        # are unstaged only follows from it, or one YAML slip would bury its own error.
        if beat.id not in staged:
            errors.append(
                Diagnostic(
                    beat.pos,
                    f"beat '{beat.id}' is staged by no scene; add it to a scene's beats",
                    follows=broken_acts.get(beat.act),
                )
            )
