"""The rule of saves, as a stateful property test: no sequence of play ever loses a game.

Hypothesis plays the shipped story through piped play (`play_lines`, the loop `her-if play`
runs when its input is not a terminal, which plain play runs too), one line at a time over one
saves folder: choices, `save`, `save NAME`, `save NAME!`, `load NAME`, `undo`, `redo`,
`back N` (going back to a decision, the game left kept where it lives), `quit`, the end of the
input, and new runs (a fresh session reading the folder, as `her-if play --new` or
`her-if play --slot NAME` starts one). Each run plays on a thread of its own, so that the
folder can be looked at between two lines, when everything the last line did is on disk.

After every step, every save that was in the folder before it is still in some slot, as itself
or continued (a history that begins with it), unless the step dropped it in a way the rules
allow: the rotation of a slot's backups (the game in `S-3`, once three newer games are kept
from `S`), a replace the player confirmed (`save NAME!`), or an undo, which takes back the
game's own last choice in its slot (which then holds the game one choice back). And
"Progress saved to" always names the slot the game lives in: the one it was started in or
loaded from, never a slot it was saved to by name.

The budget is a quarter of `--fuzz-examples` (tests/conftest.py): 25 sequences of up to STEPS
steps by default, some seconds; at least CI_EXAMPLES (tests/support/save_rules.py) when `CI` is set, as CI sets it (some
20 seconds).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from her_if.core.model import Story
from her_if.persistence.saves import AUTOSAVE
from her_if.play.session import Saving, resume_slot
from tests.support.save_rules import (
    SLOTS,
    Folder,
    Run,
    examples,
    goes_on_from,
    held,
    named_slot,
)

STEPS = 30
EVENTS = {
    "before this one is kept in": "a game kept by the rotation",
    "does not go on from": "a save refused: the slot holds another game",
    "Undone: back to": "a choice undone",
    "Loaded ": "a slot loaded",
    "Redone: on to": "a choice redone",
    "This game goes on in": "gone back to a decision, in a slot of its own",
}
"""What the runs said, counted as Hypothesis events, to show what was tried."""


class SaveRules(RuleBasedStateMachine):
    story: Story
    """Set on a subclass, by the test: the story played."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="her-if-rules-"))
        self.run: Run | None = None
        self.home = AUTOSAVE
        """Where the game of the run lives, by the rules: its progress must be saved there."""
        self.choices = 0
        self.before: Folder = {}
        self.said = ""
        self.step = ""

    def teardown(self) -> None:
        if self.run is not None and self.run.alive:
            self.run.send(None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def playing(self) -> bool:
        return self.run is not None and self.run.alive

    # -- the steps ----------------------------------------------------------------------------

    @precondition(lambda self: not self.playing())
    @rule(slot=st.none() | st.sampled_from(SLOTS), new=st.booleans())
    def start(self, slot: str | None, new: bool) -> None:
        """A new process: `her-if play --new [--slot NAME]`, or `--slot NAME` to resume."""
        self.begin(f"start slot={slot} new={new}")
        saving = Saving(self.folder, slot or AUTOSAVE)
        resumed = None if new or slot is None else resume_slot(self.story, self.folder, slot)
        self.home = slot or AUTOSAVE
        self.run = Run(self.story, saving, resumed)
        self.end(self.run.first)

    @precondition(playing)
    @rule(picks=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6))
    def choose(self, picks: list[int]) -> None:
        """A few choices (each a step of its own), so that games go somewhere."""
        for pick in picks:
            if self.playing():
                self.send(str(pick % max(self.choices, 1) + 1))

    @precondition(playing)
    @rule()
    def save(self) -> None:
        self.send("save")

    @precondition(playing)
    @rule(slot=st.sampled_from(SLOTS), confirmed=st.booleans())
    def save_as(self, slot: str, confirmed: bool) -> None:
        self.send(f"save {slot}{'!' if confirmed else ''}")

    @precondition(playing)
    @rule(slot=st.sampled_from(SLOTS))
    def load(self, slot: str) -> None:
        self.send(f"load {slot}")

    @precondition(playing)
    @rule()
    def undo(self) -> None:
        self.send("undo")

    @precondition(playing)
    @rule()
    def redo(self) -> None:
        self.send("redo")

    @precondition(playing)
    @rule(number=st.integers(min_value=1, max_value=4))
    def back(self, number: int) -> None:
        """Go back to a decision of this game: the game left stays where it lives."""
        self.send(f"back {number}")

    @precondition(playing)
    @rule(line=st.sampled_from(["quit", None]))
    def leave(self, line: str | None) -> None:
        """`quit`, or the end of the input (None): either way the run saves and ends."""
        self.send(line)

    def send(self, line: str | None) -> None:
        assert self.run is not None
        self.begin(f"send {line!r}")
        self.end(self.run.send(line))

    def begin(self, step: str) -> None:
        self.step, self.before = step, held(self.folder)

    def end(self, said: str) -> None:
        """After a step: follow where the game lives by what the run said, then check."""
        self.said = said
        for words, happened in EVENTS.items():
            if words in said:
                event(happened)
        numbers = re.findall(r"(?m)^  (\d+)\. ", said)
        if numbers:
            self.choices = int(numbers[-1])
        for line in said.splitlines():
            if line.startswith(("Loaded ", "This game goes on in ")):  # a load, a going back
                self.home = named_slot(line)
            if line.startswith("Progress saved to "):
                assert named_slot(line) == self.home, f"{self.step}: saved to the wrong slot"
            if "does not go on from" in line:  # a refusal says how to confirm
                assert re.search(r"type 'save \S+!' to replace it", line), line
        self.check_nothing_lost()

    # -- the rule ------------------------------------------------------------------------------

    def check_nothing_lost(self) -> None:
        after = held(self.folder)
        for slot, history in self.before.items():
            if goes_on_from(history, after) or self.dropped_by_the_rules(slot, history, after):
                continue
            pytest.fail(
                f"{self.step}: the game in {slot} ({len(history)} choices: "
                f"{', '.join(history)}) is in no slot now, as itself or continued.\n"
                f"Before: {self.before}\nAfter: {after}\nThe run said:\n{self.said}"
            )

    def dropped_by_the_rules(self, slot: str, history: tuple[str, ...], after: Folder) -> bool:
        rotated = re.findall(
            r"(?m)^The game that was in (\S+) before this one is kept in", self.said
        )
        for kept_from in rotated:  # its oldest backup, once three newer games are kept
            backups = [f"{kept_from}-{n}" for n in (1, 2, 3)]
            if slot == backups[-1] and all(b in after for b in backups):
                return True
        if (
            self.step == f"send 'save {slot}!'"
            and f"Saved to {self.folder / slot}.json." in self.said
        ):
            return True  # the player confirmed replacing it, and the game was saved there
        taken_back = after.get(slot)  # by the game in it, whose last choice was undone
        return (
            self.step == "send 'undo'"
            and "Undone: back to" in self.said
            and taken_back is not None
            and history[: len(taken_back)] == taken_back
        )


def test_no_sequence_of_play_loses_a_game(shipped: Story, request: pytest.FixtureRequest) -> None:
    class OnTheShippedStory(SaveRules):
        story = shipped

    run_state_machine_as_test(
        OnTheShippedStory,
        settings=settings(
            max_examples=examples(request.config),
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
