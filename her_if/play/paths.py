"""The map of the player's paths, and going back to a decision of this game to choose again.

The map is drawn act by act, in the story's order, from what this player has seen in any
playthrough (the profile's scenes and choices, with this game's added, since the profile may
not hold its latest step yet) and this game's own history. It never spoils: a scene or
choice the player has not seen is only counted ("2 scenes of this act not yet seen"), never
named, and an act not yet reached is not even titled. This game's decisions are numbered, so
that `back N` (or, at the terminal, picking one under the map) can go back to one.

Going back replays the game's history, with its seed, up to just before that decision
(`her_if.core.replay.replay`): the very state the player chose in. The game left behind is
not the rewound one's to replace: it is saved in its own slot first, and the rewound game
goes on in a new slot (`session.suggest_slot`), so both games are kept and the player is told
where each is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from her_if.core.engine import GameState, view
from her_if.core.frozen import frozen
from her_if.core.model import Act, Scene, Story
from her_if.core.replay import replay, steps
from her_if.core.text import render
from her_if.core.wording import count, roman, short
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import SaveError
from her_if.play.commands import Outcome, Playing, default_slot, saved_notes
from her_if.play.session import Game, autosave_game, lives_in

TITLE = "Map of your paths"
TYPED_HINT = "Type 'back N' to go back to decision N of this game and choose again."
TEXT_LIMIT = 60
"""A choice's text is cut to this many characters on the map: it is a reminder, not the text."""


@frozen
class Decision:
    """A choice the player made in this game (a pause's Continue is none), numbered from 1:
    `step` is its place in the history, the number of moves before it."""

    number: int
    step: int
    scene: str
    chosen: str
    """Its text as the player saw it (its echo, when the author gave one)."""


def decisions(story: Story, state: GameState) -> list[Decision]:
    """This game's decisions, in the order they were made (as far as the history applies)."""
    found: list[Decision] = []
    for step, (before, choice) in enumerate(steps(story, state.history, state.seed)):
        if story.scenes[before.scene].pause:
            continue
        offer = view(story, before).offer(choice)
        chosen = offer.echoed if offer is not None else choice
        found.append(Decision(len(found) + 1, step, before.scene, chosen))
    return found


def map_command(playing: Playing, _rest: str = "") -> Outcome:
    """`map`: the map, as typed play shows it."""
    return Outcome(playing, title=TITLE, screen=tuple(map_lines(playing, TYPED_HINT)))


def map_lines(playing: Playing, hint: str) -> Iterator[str]:
    """The map's lines: a line of what it shows, then each act (`hint` says how to go back)."""
    story, state = playing.story, playing.game.state
    made = decisions(story, state)
    path = frozenset(_path_scenes(story, state))
    profile = playing.profile
    seen = path | (profile.scenes if profile is not None else frozenset())
    taken = frozenset((d.scene, _id(state, d)) for d in made)
    if profile is not None:
        taken |= profile.choices
    yield "Scenes of this game are marked *, and its decisions numbered."
    yield hint if made else "This game has made no decision yet."
    for act in story.acts:
        yield ""
        yield from _act_lines(story, state, act, _Seen(seen, path, taken, made))


@frozen
class _Seen:
    """What the map is drawn from: the scenes seen in any game, this game's path, every
    (scene, choice) taken in any game, and this game's decisions."""

    scenes: frozenset[str]
    path: frozenset[str]
    taken: frozenset[tuple[str, str]]
    made: list[Decision]


def _act_lines(story: Story, state: GameState, act: Act, seen: _Seen) -> Iterator[str]:
    scenes = [s for s in story.scenes.values() if s.act == act.id]
    shown = [s for s in scenes if s.id in seen.scenes]
    if not shown:
        yield f"Act {roman(act.number)}: not yet reached ({count(len(scenes), 'scene')})"
        return
    yield f"Act {roman(act.number)}: {act.title}"
    for scene in shown:
        yield f"  {'*' if scene.id in seen.path else ' '} {scene.title}"
        yield from _scene_lines(story, state, scene, seen)
    unseen = len(scenes) - len(shown)
    if unseen:
        yield f"  {count(unseen, 'scene')} of this act not yet seen"


def _scene_lines(story: Story, state: GameState, scene: Scene, seen: _Seen) -> Iterator[str]:
    """Under a scene seen: this game's decisions there, the choices taken there in other
    games, and how many it offers that were never taken (counted, never named)."""
    if scene.pause or scene.ending is not None:
        return
    here = [d for d in seen.made if d.scene == scene.id]
    for made in here:
        yield f"      {made.number}. you chose: {short(made.chosen, TEXT_LIMIT)}"
    this_game = {_id(state, d) for d in here}
    for choice in scene.choices:
        if (scene.id, choice.id) in seen.taken and choice.id not in this_game:
            text = render(choice.echo or choice.text, state)
            yield f"      taken in another game: {short(text, TEXT_LIMIT)}"
    never = sum((scene.id, c.id) not in seen.taken for c in scene.choices)
    if never:
        noun = "choice here you have" if never == 1 else "choices here you have"
        yield f"      {never} {noun} never taken"


def _id(state: GameState, decision: Decision) -> str:
    return state.history[decision.step]


def _path_scenes(story: Story, state: GameState) -> set[str]:
    """Every scene this game has been in, pauses and the one it is in now included."""
    return {before.scene for before, _ in steps(story, state.history, state.seed)} | {state.scene}


# -- going back --------------------------------------------------------------------------------


def back_command(playing: Playing, rest: str) -> Outcome:
    """`back N`: go back to decision N of this game (the map numbers them)."""
    made = decisions(playing.story, playing.game.state)
    if not made:
        return Outcome(playing, ("Nothing to go back to: this game has made no decision yet.",))
    number = int(rest) if rest.isascii() and rest.isdecimal() else 0  # never '²'
    if not 1 <= number <= len(made):
        return Outcome(
            playing,
            (
                f"Go back to which decision? Type 'back N', N from 1 to {len(made)}; "
                "'map' numbers them.",
            ),
        )
    return go_back(playing, made[number - 1])


def go_back(playing: Playing, decision: Decision) -> Outcome:
    """The game as it was just before `decision`, to choose again; the game left behind
    saved where it lives, and the rewound one going on in a slot of its own."""
    story, game = playing.story, playing.game
    rewound = replay(story, game.state.history[: decision.step], game.state.seed)
    assert rewound.stop is None, "a prefix of a history that applies applies"
    title = story.scenes[rewound.state.scene].title
    back = f"Back before decision {decision.number}, at {title}: choose again."
    again = Game(rewound.state, game.created, game.play_time)
    saving = playing.saving
    if saving is None:
        said = f"{back} Saving is off, so the game you left is not kept."
        return Outcome(replace(playing, game=again), (said,), moved=True)
    try:
        left = autosave_game(story, saving, game)
        again = replace(again, slot=default_slot(replace(playing, game=again)))
    except SaveError as err:
        return Outcome(playing, (f"Not gone back: {err}",))
    notes = [*saved_notes(left), f"The game you left is kept in {display_path(left.path)}."]
    try:
        saved = autosave_game(story, saving, again)
    except SaveError as err:  # the game left behind is safe; this one saves at its next step
        notes.append(f"Not saved: {err}")
        return Outcome(replace(playing, game=again), (back, *notes), moved=True)
    notes += [*saved_notes(saved), going_on_line(saved.path)]
    playing = replace(playing, game=saved.game)
    assert lives_in(saving, saved.game) == saved.slot
    return Outcome(playing, (back, *notes), moved=True)


def going_on_line(path: Path) -> str:
    """Where the rewound game lives from now on (its autosaves write there)."""
    return f"This game goes on in {display_path(path)}."
