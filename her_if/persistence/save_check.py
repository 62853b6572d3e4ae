"""`check-saves`: what loading each save in a folder would do on the story as it is now.

An author about to publish an edit has players with saves of the old version. Each save is
brought onto the current story exactly as `her-if play` loads one (`session.load_game`: read
the save, compare fingerprints, `replay.resume` its history), and told as continuing exactly,
falling back (to where, after how many of its moves, and why), or not readable at all. The
replay says where its history stopped applying; the save itself says the rest, since the old
story is gone: its visits tell a retargeted choice (the scene it leads to now is one the saved
game never went to) from a removed one, and its values tell a variable removed or of another
type.

"Exactly" means the player is where they were with everything the save holds: the same
scene, and every value, visit and mark in the save the same after the replay. State the save
does not know (a variable added since) takes the value the replay gives it, as for a new game,
which moves no one, so it is named beside the line and not counted against it.

Read-only: the folder is listed and each file read as `saves` lists them, and nothing is ever
written, moved or locked there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from her_if.core.engine import GameState, moves
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, Story, Value
from her_if.core.replay import Resumed, Stop, replay, resume
from her_if.core.wording import count, short
from her_if.loading.diagnostics import a, as_written, did_you_mean, display_path
from her_if.persistence.save_format import Save, pack_json
from her_if.persistence.saves import (
    Unreadable,
    fingerprint,
    list_saves,
    pack_changes,
    packs_of,
    same_story,
)

Outcome = Literal["continues exactly", "falls back", "cannot be read"]
Change = Literal["removed", "type", "value", "new"]


@frozen
class Cause:
    """One reason a save falls back: `kind` for a report to sort by, `text` for the author."""

    kind: str
    text: str


@frozen
class Difference:
    """One entry of state (`part`: variable, visits, shown, used, stack, draws, returned)
    that the replay gives otherwise than the save holds. A `new` one is state the save never
    knew; it does not count against the save."""

    part: str
    name: str
    saved: Value | None
    now: Value | None
    change: Change
    text: str


@frozen
class Checked:
    """A save that reads: where loading it lands (`resumed`), and why it is not where it was."""

    path: Path
    slot: str
    save: Save
    resumed: Resumed
    story_changed: bool
    packs: tuple[str, ...]
    """How the packs it was made with differ from those loaded now; () when alike."""
    causes: tuple[Cause, ...]
    state: tuple[Difference, ...]
    offered: tuple[str, ...]
    """The choices on offer where its history stopped applying (empty if it did not stop)."""

    @property
    def outcome(self) -> Outcome:
        return "falls back" if self.causes else "continues exactly"

    @property
    def line(self) -> str:
        where, scene = display_path(self.path), self.resumed.state.scene
        if not self.causes:
            notes = [f"made with other packs: {'; '.join(self.packs)}"] if self.packs else []
            notes += [d.text for d in self.state if d.change == "new"]
            return f"{where}: continues exactly at {scene}" + (
                f" ({'; '.join(notes)})" if notes else ""
            )
        said = [f"made with other packs ({'; '.join(self.packs)})"] if self.packs else []
        said += [cause.text for cause in self.causes]
        moved = f"{self.applied} of {count(len(self.save.history), 'move')}"
        return f"{where}: falls back to {scene} after {moved}: {'; '.join(said)}"

    @property
    def applied(self) -> int:
        stop = self.resumed.stop
        return len(self.save.history) if stop is None else stop.step - 1

    def as_json(self, story: Story) -> dict[str, object]:
        state = self.resumed.state
        return {
            "path": str(self.path),
            "slot": self.slot,
            "outcome": self.outcome,
            "scene": state.scene,
            "scene_title": story.scenes[state.scene].title,
            "saved_scene": self.save.scene,
            "applied": self.applied,
            "moves": len(self.save.history),
            "story_changed": self.story_changed,
            "packs": list(self.packs),
            "why": [{"kind": c.kind, "text": c.text} for c in self.causes],
            "stop": _stop_json(self.resumed.stop, self.offered),
            "state": [
                {"part": d.part, "name": d.name, "saved": d.saved, "now": d.now, "change": d.change}
                for d in self.state
            ],
        }


@frozen
class SaveCheck:
    """Every save in `folder`, in the order of their file names."""

    folder: Path
    story: Story
    saves: tuple[Checked | Unreadable, ...]

    def counts(self) -> dict[Outcome, int]:
        found: dict[Outcome, int] = {"continues exactly": 0, "falls back": 0, "cannot be read": 0}
        for save in self.saves:
            found[_outcome(save)] += 1
        return found

    @property
    def status(self) -> int:
        """0 when every save continues exactly, 1 when any falls back or cannot be read."""
        return 0 if all(_outcome(s) == "continues exactly" for s in self.saves) else 1

    def lines(self) -> list[str]:
        where = display_path(self.folder)
        if not self.saves:
            return [f"no saves in {where}"]
        found = self.counts()
        summary = (
            f"{count(len(self.saves), 'save')} in {where}: "
            f"{found['continues exactly']} {_verb(found['continues exactly'], 'continue')} "
            f"exactly, {found['falls back']} {_verb(found['falls back'], 'fall')} back, "
            f"{found['cannot be read']} cannot be read"
        )
        return [_line(save) for save in self.saves] + [summary]

    def as_json(self) -> dict[str, object]:
        found = self.counts()
        return {
            "folder": str(self.folder),
            "story": self.story.id,
            "packs": [pack_json(p) for p in packs_of(self.story)],
            "saves": [_json(save, self.story) for save in self.saves],
            "continue_exactly": found["continues exactly"],
            "fall_back": found["falls back"],
            "cannot_be_read": found["cannot be read"],
        }


def check_saves(story: Story, folder: Path) -> SaveCheck:
    """Each save in `folder` as loading it in play would bring it onto `story`."""
    listing = list_saves(folder, story)
    now = fingerprint(story)
    found: list[Checked | Unreadable] = [
        check_save(story, entry.path, entry.slot, entry.save, now) for entry in listing.entries
    ]
    found += listing.unreadable
    found.sort(key=lambda save: (save.path.name, str(save.path)))
    return SaveCheck(folder, story, tuple(found))


def check_save(story: Story, path: Path, slot: str, save: Save, now: str) -> Checked:
    """One save, `now` being the story's fingerprint: resumed as `session.load_game` does."""
    unchanged = same_story(save.fingerprint, now)
    resumed = resume(story, save.state, same_story=unchanged)
    state: tuple[Difference, ...] = ()  # told only where the save lands where it was
    causes: list[Cause] = []
    if save.scene not in story.scenes:
        causes.append(
            Cause("scene removed", f"the scene '{short(save.scene)}' it was saved at is gone")
        )
    stop = resumed.stop
    if stop is not None:
        causes.append(_stop_cause(story, save, resumed.state, stop))
    elif resumed.state.scene != save.scene:
        causes.append(_led_elsewhere(story, save, resumed.state))
    else:
        state = differences(story, save.state, resumed.state)
        causes += [Cause("state", d.text) for d in state if d.change != "new"]
        if causes and unchanged:  # the same files, so the save's own values were changed
            causes.insert(0, Cause("save edited", "the story is as saved, so the save was edited"))
    offered = () if stop is None else _offered(story, resumed.state)
    packs = pack_changes(save.packs, packs_of(story))
    return Checked(path, slot, save, resumed, not unchanged, packs, tuple(causes), state, offered)


def _stop_cause(story: Story, save: Save, state: GameState, stop: Stop) -> Cause:
    """Why the history stopped applying at `stop`, `state` being where it stopped."""
    retargeted = _retargeted(story, save, state, stop)
    if retargeted is not None:
        return retargeted
    text = f"at step {stop.step}, {stop.reason}"
    if stop.kind == "removed":  # renamed, perhaps: the scene's choices are the candidates
        ids = [choice.id for choice in story.scenes[stop.scene].choices]
        return Cause("choice removed", text + did_you_mean(stop.choice, ids))
    return Cause(stop.kind, text)


def _retargeted(story: Story, save: Save, state: GameState, stop: Stop) -> Cause | None:
    """The move before the stop, when it now leads to a scene the saved game never went to:
    the history stopped because a choice on its way was pointed elsewhere."""
    if state.scene in save.visits:
        return None
    here = _title(story, state.scene)
    if stop.step == 1:
        return Cause("retargeted", f"the story now starts at {here}, where this game never went")
    before = replay(story, save.history[: stop.step - 2], save.seed).state
    move = short(save.history[stop.step - 2])
    return Cause(
        "retargeted",
        f"at step {stop.step - 1}, '{move}' in {_title(story, before.scene)} now leads to "
        f"{here}, where this game never went (it has no '{short(stop.choice)}' for step "
        f"{stop.step})",
    )


def _led_elsewhere(story: Story, save: Save, state: GameState) -> Cause:
    """Every move applies, yet they end elsewhere: the last of them leads somewhere new."""
    now = _title(story, state.scene)
    was = _title(story, save.scene) if save.scene in story.scenes else f"'{short(save.scene)}'"
    if not save.history:
        return Cause("retargeted", f"the story now starts at {now} rather than {was}")
    before = replay(story, save.history[:-1], save.seed).state
    move = short(save.history[-1])
    return Cause(
        "retargeted",
        f"the last move, '{move}' in {_title(story, before.scene)}, now leads to {now} "
        f"rather than {was}",
    )


def differences(story: Story, saved: GameState, now: GameState) -> tuple[Difference, ...]:
    """What the replay gives otherwise than the save holds, variables first."""
    found = list(_variables(story, saved.vars, now.vars))
    found += _counts("visits", saved.visits, now.visits, "visits to")
    found += _counts("shown", saved.shown, now.shown, "showings of the text alternative")
    for mark in sorted(saved.used - now.used):
        found.append(_other("used", mark, f"the once choice '{short(mark)}' is no longer used"))
    for mark in sorted(now.used - saved.used):
        found.append(_other("used", mark, f"the once choice '{short(mark)}' is now used"))
    if saved.stack != now.stack:
        calls = ", ".join(frame.scene for frame in now.stack) or "none"
        found.append(_other("stack", "stack", f"the calls not yet returned from are now {calls}"))
    if saved.draws != now.draws:
        found.append(
            _other("draws", "draws", f"{now.draws} random draws made, {saved.draws} in the save")
        )
    if saved.returned != now.returned:
        text = "whether the scene was come back to by a return differs"
        found.append(_other("returned", "returned", text))
    return tuple(found)


def _variables(
    story: Story, saved: Mapping[str, Value], now: Mapping[str, Value]
) -> list[Difference]:
    found: list[Difference] = []
    for name, was in saved.items():
        quoted = f"the variable '{short(name)}'"
        if name not in now:
            text = f"{quoted} is no longer in the story ({as_written(was)} in the save)"
            found.append(Difference("variable", name, was, None, "removed", text))
            continue
        value = now[name]
        if type(value) is not type(was):
            kind = type(story.variables[name]).__name__.lower()
            text = (
                f"{quoted} is now {a(kind)} ({as_written(value)}), not {a(_kind(was))} "
                f"({as_written(was)} in the save)"
            )
            found.append(Difference("variable", name, was, value, "type", text))
        elif value != was:
            text = f"{quoted} is {as_written(value)} now, {as_written(was)} in the save"
            found.append(Difference("variable", name, was, value, "value", text))
    for name in now.keys() - saved.keys():
        text = f"new state: '{name}' = {as_written(now[name])}"
        found.append(Difference("variable", name, None, now[name], "new", text))
    return sorted(found, key=lambda d: (d.change == "new", d.name))


def _counts(
    part: str, saved: Mapping[str, int], now: Mapping[str, int], what: str
) -> list[Difference]:
    """Counts kept by key (visits, showings) that differ. A showing only the replay has is
    of a text alternative added since, and left out; a new visit means another path."""
    found: list[Difference] = []
    for key in sorted(saved.keys() | now.keys()):
        was, value = saved.get(key), now.get(key)
        if was == value or (was is None and part == "shown"):
            continue
        text = f"{what} '{short(key)}': {value or 0} now, {was or 0} in the save"
        found.append(Difference(part, key, was, value, "value", text))
    return found


def _other(part: str, name: str, text: str) -> Difference:
    return Difference(part, name, None, None, "value", text)


def _kind(value: Value) -> str:
    """The kind of variable a saved value belongs to."""
    if isinstance(value, bool):
        return "flag"
    return "counter" if isinstance(value, int) else "enum"


def _offered(story: Story, state: GameState) -> tuple[str, ...]:
    return tuple(CONTINUE if c is None else c.id for c in moves(story, state))


def _title(story: Story, scene: str) -> str:
    return f"'{story.scenes[scene].title}'"


def _verb(number: int, verb: str) -> str:
    return f"{verb}s" if number == 1 else verb


def _outcome(save: Checked | Unreadable) -> Outcome:
    return save.outcome if isinstance(save, Checked) else "cannot be read"


def _why(unreadable: Unreadable) -> str:
    """What is wrong with the file, without the file's name the message begins with."""
    named = f"{display_path(unreadable.path)}: "
    problem = unreadable.problem
    return problem[len(named) :] if problem.startswith(named) else problem


def _line(save: Checked | Unreadable) -> str:
    if isinstance(save, Checked):
        return save.line
    return f"{display_path(save.path)}: cannot be read: {_why(save)}"


def _json(save: Checked | Unreadable, story: Story) -> dict[str, object]:
    if isinstance(save, Checked):
        return save.as_json(story)
    return {
        "path": str(save.path),
        "slot": save.slot,
        "outcome": "cannot be read",
        "why": [{"kind": "unreadable", "text": _why(save)}],
    }


def _stop_json(stop: Stop | None, offered: tuple[str, ...]) -> dict[str, object] | None:
    if stop is None:
        return None
    return {
        "step": stop.step,
        "choice": stop.choice,
        "scene": stop.scene,
        "kind": stop.kind,
        "reason": stop.reason,
        "offered": list(offered),
    }
