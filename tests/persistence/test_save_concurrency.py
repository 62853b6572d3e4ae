"""Two games at once (issue 22): two windows or piped runs sharing one saves folder never lose a
game. Every save holds the folder's lock from its read to its last write; a game whose own slot
another process has saved another game in moves to a free slot rather than take it back.

The issue's two cases are here as they were found (two piped new games started together with
game A autosaved: A, C or D lost, 4 of 4 trials; a second window's new game rotating the first
window's game to autosave-1, and the first window's next autosave replacing it), and so is a
two-process version of the property test in tests/persistence/test_save_rules.py: Hypothesis plays two
real processes line by line over one folder, interleaved, and after every line every game that
was on disk is still on disk (as itself or continued) unless the rules dropped it; and a game
that has saved where it lives never rotates that slot again of itself (only when the player
saves there by name), since two windows doing so in turn fill the backups with their own
earlier copies and push the games kept there out, each drop one the rotation's rule allows.
"""

from __future__ import annotations

import errno
import io
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)

from her_if import choose, load_story, start
from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.persistence.folder_lock import LOCK_NAME
from her_if.persistence.saves import AUTOSAVE, SaveError, list_saves, read_save
from her_if.play.piped import play_lines
from her_if.play.session import (
    Game,
    Occupied,
    Saving,
    autosave_game,
    resume_slot,
    save_game,
    save_over,
    save_to,
)
from tests.conftest import ROOT, STORY
from tests.support.cli import run_cli
from tests.support.save_rules import (
    SLOTS,
    WAIT,
    Folder,
    Run,
    examples,
    goes_on_from,
    held,
    named_slot,
)
from tests.support.saves import WHEN

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork and flock"
)
MOVED = re.compile(r"(?m)^Another game has been saved in (\S+) since .* now lives in (\S+)\.$")


def histories(folder: Path) -> list[tuple[str, ...]]:
    return list(held(folder).values())


def kept(history: tuple[str, ...], folder: Path) -> bool:
    """Whether some slot holds the game `history`, as it is or further on."""
    return goes_on_from(history, held(folder))


def piped_alone(story: Story, lines: list[str], folder: Path) -> tuple[str, ...]:
    """The history a run of these lines ends with, played alone in a folder of its own."""
    out = io.StringIO()
    play_lines(story, [f"{line}\n" for line in lines], out, 100, saving=Saving(folder), err=out)
    return read_save(folder / "autosave.json", story).history


# -- the lock ----------------------------------------------------------------------------------

HOLDER = """
import sys
from pathlib import Path
from her_if.persistence.folder_lock import acquire
held = acquire(Path(sys.argv[1]), 10.0)
print("held", flush=True)
sys.stdin.read()
"""


def test_a_save_waits_for_another_her_if_saving_then_gives_up_in_a_line(
    shipped: Story, tmp_path: Path
) -> None:
    """Another process holds the saves folder (stuck mid-save): the save waits as long as the
    Saving says, then writes nothing and says so; the game goes on, and saves once the other
    lets go. The lock file never shows as a save, and is gone once nobody holds it."""
    folder = tmp_path / "saves"
    first = save_game(shipped, folder, AUTOSAVE, Game(start(shipped), WHEN))
    before = first.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        saving = Saving(folder, lock_wait=0.3)
        game = Game(choose(shipped, start(shipped), "memory"), WHEN)
        began = time.monotonic()
        with pytest.raises(SaveError) as caught:
            autosave_game(shipped, saving, game)
        assert time.monotonic() - began >= 0.3
        assert str(caught.value) == (
            f"{display_path(first)}: could not save: another her-if (process {holder.pid}) has "
            f"been saving in {display_path(folder)} for over 0.3 s; the previous save is "
            "unchanged; the next save tries again (end that process if it is stuck)"
        )
        assert first.read_bytes() == before
        # nothing else is held up: the lock file is no save, and listings never show it
        listing = list_saves(folder, shipped)
        assert [e.slot for e in listing.entries] == [AUTOSAVE] and listing.unreadable == ()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("her_if.cli._load", lambda stories: shipped)
            out, _, status = run_cli("saves", "--saves", str(folder))
        assert status == 0 and LOCK_NAME not in out and "autosave" in out
        # piped play goes on in memory, saying why it did not save
        said = io.StringIO()
        run = Run(shipped, saving, None)
        said.write(run.send("1"))
        assert (
            "Not saved: " in said.getvalue() and "could not save: another her-if" in said.getvalue()
        )
        assert first.read_bytes() == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=20)
    # let go: the next choice saves, and the folder holds saves only
    run.send("1")
    assert read_save(first, shipped).history[:2] == ("memory", "close-home")
    run.send(None)
    assert sorted(p.name for p in folder.iterdir() if p.name != "profile") == ["autosave.json"]


def test_a_lock_file_left_behind_holds_nothing_up(shipped: Story, tmp_path: Path) -> None:
    """A holder killed outright leaves the file, but the kernel has let go of its lock."""
    folder = tmp_path / "saves"
    folder.mkdir()
    (folder / LOCK_NAME).write_text("12345\n")
    save_game(shipped, folder, AUTOSAVE, Game(start(shipped), WHEN), wait=0.2)
    assert sorted(p.name for p in folder.iterdir()) == ["autosave.json"]


def test_a_file_system_that_cannot_lock_still_saves(
    shipped: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network and FUSE mounts refuse flock (ENOLCK): saving matters more than the lock."""
    import fcntl

    def refuse(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", refuse)
    path = save_game(
        shipped, tmp_path, AUTOSAVE, Game(choose(shipped, start(shipped), "memory"), WHEN)
    )
    monkeypatch.undo()
    assert read_save(path, shipped).history == ("memory",)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autosave.json"]


def test_replacing_a_slot_replaces_only_the_game_the_player_was_shown(
    shipped: Story, tmp_path: Path
) -> None:
    """The terminal shows what a slot holds and asks; while it asks, another window saves
    yet another game there. The yes was to replacing the first one: nothing is written."""
    saving = Saving(tmp_path)
    save_game(shipped, tmp_path, "mine", Game(choose(shipped, start(shipped), "memory"), WHEN))
    game = Game(choose(shipped, start(shipped), "plain"), WHEN)
    shown = save_to(shipped, saving, game, "mine")
    assert isinstance(shown, Occupied)
    meanwhile = choose(shipped, start(shipped), "wry")
    save_game(shipped, tmp_path, "mine", Game(meanwhile, WHEN))
    with pytest.raises(SaveError) as caught:
        save_over(shipped, saving, game, "mine", agreed=shown.save)
    assert str(caught.value) == (
        f"{tmp_path / 'mine.json'}: not saved: another game was saved there (by another her-if) "
        "after you chose to replace it; save again to see what it holds"
    )
    assert held(tmp_path) == {"mine": meanwhile.history}
    # with nothing new there, the yes replaces it
    save_game(shipped, tmp_path, "mine", Game(choose(shipped, start(shipped), "memory"), WHEN))
    save_over(shipped, saving, game, "mine", agreed=shown.save)
    assert held(tmp_path) == {"mine": ("plain",)}


# -- the two cases -----------------------------------------------------------------------

C_LINES = ["1", "1", "1", "1", "1", "1", "1", "1"]
D_LINES = ["2", "1", "1", "1", "1", "1", "1", "1"]


def her_if_play(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "her_if", "play", "--new", "--story", str(STORY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "HER_IF_SAVES": str(folder)},
    )


GAPS = (0.05, 0.02, 0.005, 0.0)
"""Seconds between one game's line and the other's: from turn about to all at once."""


def wait_until(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        assert time.monotonic() < deadline, "the games never started"
        time.sleep(0.01)


@pytest.mark.parametrize("trial", range(len(GAPS)))
def test_two_new_games_started_together_keep_every_game(
    shipped: Story, tmp_path: Path, trial: int
) -> None:
    """Game A autosaved, then two piped new games (C and D) at once, their lines interleaved:
    A, C and D are all on disk at the end, each as it last was."""
    a = piped_alone(shipped, ["3", "1", "1"], tmp_path / "a")  # none goes on from another
    c = piped_alone(shipped, C_LINES, tmp_path / "c")
    d = piped_alone(shipped, D_LINES, tmp_path / "d")
    assert len({a, c, d}) == 3
    folder = tmp_path / "saves"
    shutil.copytree(tmp_path / "a", folder)
    games = [her_if_play(folder), her_if_play(folder)]
    gap = GAPS[trial]
    for number, pair in enumerate(zip(C_LINES, D_LINES, strict=True)):
        for game, line in zip(games, pair, strict=True):
            assert game.stdin is not None
            game.stdin.write(f"{line}\n".encode())
            game.stdin.flush()
            time.sleep(gap)
        if number == 0:  # both are up and have taken `autosave` in turn (A is in autosave-2)
            wait_until(lambda: (folder / "autosave-2.json").exists())
    errors = [game.communicate(timeout=60)[1].decode() for game in games]
    assert all("Traceback" not in e and "Not saved" not in e for e in errors), errors
    for name, history in (("A", a), ("C", c), ("D", d)):
        assert kept(history, folder), f"game {name} is in no slot: {held(folder)}\n{errors}"
    assert not (folder / LOCK_NAME).exists()


def test_a_second_windows_new_game_never_costs_the_first_window_its_game(
    shipped: Story, tmp_path: Path
) -> None:
    """Window 2 is told window 1's game is kept in autosave-1; window 1's next autosave then
    replaced it (the rotation again, the other way). Now window 1 finds another game in its
    slot, leaves it there, and moves to a free slot, saying so once."""
    folder = tmp_path / "saves"
    one = Run(shipped, Saving(folder), None)
    one.send("1")
    first = held(folder)["autosave"]
    two = Run(shipped, Saving(folder), None)
    said = two.send("2")
    assert (
        f"The game that was in autosave before this one is kept in {folder / 'autosave-1.json'}.\n"
        in said
    )
    assert held(folder)["autosave-1"] == first
    said = one.send("1")
    moved = MOVED.search(said)
    assert moved is not None, said
    assert moved[1] == AUTOSAVE and moved[2] == f"{folder / 'save-1.json'}"
    after = held(folder)
    assert after["autosave-1"] == first  # what window 2 was told is still true
    assert after["save-1"][: len(first)] == first and len(after["save-1"]) > len(first)
    assert after["autosave"][0] == "plain"  # window 2's game, where it lives
    # from then on each goes on where it lives, with nothing more to say
    assert MOVED.search(one.send("1")) is None and "kept in" not in two.send("1")
    ends = [one.send(None), two.send(None)]
    assert ends[0].endswith(f"Progress saved to {folder / 'save-1.json'}.\n")
    assert ends[1].endswith(f"Progress saved to {folder / 'autosave.json'}.\n")
    assert held(folder)["autosave-1"] == first


# -- many processes, truly at once -----------------------------------------------------------

LOOPS_MANIFEST = """\
id: loops
title: Loops
start: one.hall
acts:
  - {id: one, title: One, file: one.yaml}
state: {}
"""
LOOPS = """\
act: one
scenes:
  hall:
    title: The hall
    text: You pace.
    choices:
      - {id: a, text: A., to: hall}
      - {id: b, text: B., to: hall}
      - {id: c, text: C., to: hall}
      - {id: d, text: D., to: hall}
"""
PROCESSES = 3
"""With game A there before, three new games keep it (in autosave-3) by the rotation's rule."""
CHOICES = 25


def _racer(story: Story, folder: Path, lines: list[str], ready: Any) -> None:
    ready.wait()
    out = io.StringIO()
    play_lines(story, iter(lines), out, 100, saving=Saving(folder), err=out)
    if "Not saved" in out.getvalue():
        raise SystemExit(out.getvalue())


@pytest.mark.parametrize("trial", range(3))
def test_new_games_saving_at_the_same_moment_lose_nothing(tmp_path: Path, trial: int) -> None:
    """Processes let go at once, each a new game of CHOICES choices, each saved as it is
    made, over a folder where game A is autosaved: every game is on disk at the end, as it
    ended, and so is A."""
    root = tmp_path / "loops"
    root.mkdir()
    (root / "story.yaml").write_text(LOOPS_MANIFEST)
    (root / "one.yaml").write_text(LOOPS)
    story = load_story(root)
    folder = tmp_path / "saves"
    a = save_game(story, folder, AUTOSAVE, Game(choose(story, start(story), "d"), WHEN))
    a_history = read_save(a, story).history
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(PROCESSES)
    games = [
        [f"{'abc'[n]}\n", *(f"{'abcd'[(n + k + trial) % 4]}\n" for k in range(CHOICES - 1))]
        for n in range(PROCESSES)
    ]
    racers = [context.Process(target=_racer, args=(story, folder, lines, ready)) for lines in games]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
        assert racer.exitcode == 0
    for lines in [["d\n"], *games]:
        history = tuple(line.strip() for line in lines)
        assert history == a_history or kept(history, folder), f"{history} lost: {held(folder)}"
    assert kept(a_history, folder)
    assert not (folder / LOCK_NAME).exists()


# -- the property test, with two processes -------------------------------------------------------

FORK = "fork" in multiprocessing.get_all_start_methods()
CONTEXT = multiprocessing.get_context("fork") if FORK else None
WHO = st.sampled_from(["one", "two"])


def _play_in_child(
    conn: Connection, story: Story, folder: Path, slot: str | None, new: bool
) -> None:
    """A `her-if play [--new] [--slot SLOT]` run with piped input, in a process of its own, a
    line at a time from `conn`; what it printed goes back with each request for a line."""
    out = io.StringIO()
    sent = 0

    def said() -> str:
        nonlocal sent
        text = out.getvalue()
        sent, text = len(text), text[sent:]
        return text

    def feed() -> Iterator[str]:
        while True:
            conn.send(("turn", said(), None))
            line = conn.recv()
            if line is None:
                return
            yield line + "\n"

    problem = None
    try:
        resumed = None if new or slot is None else resume_slot(story, folder, slot)
        saving = Saving(folder, slot or AUTOSAVE)
        play_lines(story, feed(), out, 100, saving=saving, resumed=resumed, err=out)
    except BaseException:
        problem = traceback.format_exc()
    conn.send(("ended", said(), problem))
    conn.close()


class ProcessRun:
    """`Run` (tests/persistence/test_save_rules.py), with the game in a process of its own."""

    def __init__(self, story: Story, folder: Path, slot: str | None, new: bool) -> None:
        assert CONTEXT is not None
        self._conn, theirs = CONTEXT.Pipe()
        self._process = CONTEXT.Process(
            target=_play_in_child, args=(theirs, story, folder, slot, new), daemon=True
        )
        self._process.start()
        theirs.close()
        self.alive = True
        self.first = self._turn()

    def send(self, line: str | None) -> str:
        self._conn.send(line)
        return self._turn()

    def _turn(self) -> str:
        if not self._conn.poll(WAIT):
            raise AssertionError("the run hangs")
        kind, text, problem = self._conn.recv()
        if kind == "ended":
            self.alive = False
            self._process.join(WAIT)
            self._conn.close()
            if problem is not None:
                raise AssertionError(f"the run failed:\n{problem}")
        return str(text)

    def end(self) -> None:
        if self.alive:
            self.send(None)


class TwoGames(RuleBasedStateMachine):
    """SaveRules (tests/persistence/test_save_rules.py) with two processes playing over one folder."""

    story: Story

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="her-if-two-"))
        self.runs: dict[str, ProcessRun | None] = {"one": None, "two": None}
        self.homes = {"one": AUTOSAVE, "two": AUTOSAVE}
        self.choices = {"one": 0, "two": 0}
        self.claimed = {"one": False, "two": False}
        """Whether the run's game has been written where it lives (or read from there)."""
        self.before: Folder = {}
        self.said = self.step = ""

    def teardown(self) -> None:
        for run in self.runs.values():
            if run is not None:
                run.end()
        shutil.rmtree(self.folder, ignore_errors=True)

    def playing(self, who: str) -> ProcessRun | None:
        run = self.runs[who]
        return run if run is not None and run.alive else None

    @initialize()
    def two_windows(self) -> None:
        """As the issue found it: two new games at once, both living in `autosave`."""
        self.start("one", None, True)
        self.start("two", None, True)

    @rule(who=WHO, slot=st.none() | st.sampled_from(SLOTS), new=st.booleans())
    def start(self, who: str, slot: str | None, new: bool) -> None:
        """A new process for `who` (its last one, if still running, ends first)."""
        if self.playing(who):
            self.send(who, None)
        self.begin(f"{who}: start slot={slot} new={new}")
        self.homes[who] = slot or AUTOSAVE
        self.claimed[who] = slot is not None and not new and slot in self.before
        run = ProcessRun(self.story, self.folder, slot, new)
        self.runs[who] = run
        self.end(who, run.first)

    @rule(who=WHO, picks=st.lists(st.integers(0, 5), min_size=1, max_size=4))
    def choose(self, who: str, picks: list[int]) -> None:
        for pick in picks:
            self.send(who, str(pick % max(self.choices[who], 1) + 1))

    @rule(who=WHO, line=st.sampled_from(["save", "undo", "quit", None]))
    def command(self, who: str, line: str | None) -> None:
        self.send(who, line)

    @rule(who=WHO, slot=st.sampled_from(SLOTS), how=st.sampled_from(["save ", "save!", "load "]))
    def with_slot(self, who: str, slot: str, how: str) -> None:
        self.send(who, f"save {slot}!" if how == "save!" else f"{how}{slot}")

    def send(self, who: str, line: str | None) -> None:
        run = self.playing(who)
        if run is None:
            return
        self.begin(f"{who}: send {line!r}")
        self.end(who, run.send(line))

    def begin(self, step: str) -> None:
        self.step, self.before = step, held(self.folder)

    def end(self, who: str, said: str) -> None:
        self.said = said
        if self.claimed[who] and "save" not in self.step and "before this one is kept" in said:
            pytest.fail(  # the ping-pong that pushed games out of the backups (issue 22)
                f"{self.step}: a game that had saved where it lives rotated the slot again, "
                f"pushing another game into the backups:\n{said}"
            )
        if "Not saved" not in said and ("Loaded " in said or re.search(r"send '\d+'", self.step)):
            self.claimed[who] = True
        numbers = re.findall(r"(?m)^  (\d+)\. ", said)
        if numbers:
            self.choices[who] = int(numbers[-1])
        for line in said.splitlines():
            if line.startswith("Loaded "):
                self.homes[who] = named_slot(line)
            moved = MOVED.match(line)
            if moved is not None:
                event("a game moved: another had been saved in its slot")
                assert moved[1] == self.homes[who], f"{self.step}: moved from the wrong slot"
                self.homes[who] = named_slot(moved[2])
            if line.startswith("Progress saved to "):
                assert named_slot(line) == self.homes[who], f"{self.step}: saved to the wrong slot"
        self.check_nothing_lost(who)

    def check_nothing_lost(self, who: str) -> None:
        after = held(self.folder)
        for slot, history in self.before.items():
            if goes_on_from(history, after) or self.dropped_by_the_rules(who, slot, history, after):
                continue
            pytest.fail(
                f"{self.step}: the game in {slot} ({len(history)} choices: "
                f"{', '.join(history)}) is in no slot now, as itself or continued.\n"
                f"Before: {self.before}\nAfter: {after}\nThe run said:\n{self.said}"
            )

    def dropped_by_the_rules(
        self, who: str, slot: str, history: tuple[str, ...], after: Folder
    ) -> bool:
        """As in SaveRules: the oldest backup of a rotation, a replace confirmed, an undo of
        the run's own last choice."""
        for kept_from in re.findall(r"(?m)^The game that was in (\S+) before this", self.said):
            backups = [f"{kept_from}-{n}" for n in (1, 2, 3)]
            if slot == backups[-1] and all(b in after for b in backups):
                return True
        if (
            self.step == f"{who}: send 'save {slot}!'"
            and f"Saved to {self.folder / slot}.json." in self.said
        ):
            return True
        taken_back = after.get(slot)
        return (
            self.step == f"{who}: send 'undo'"
            and "Undone: back to" in self.said
            and taken_back is not None
            and history[: len(taken_back)] == taken_back
        )


def test_no_interleaving_of_two_processes_loses_a_game(
    shipped: Story, request: pytest.FixtureRequest
) -> None:
    class OnTheShippedStory(TwoGames):
        story = shipped

    run_state_machine_as_test(
        OnTheShippedStory,
        settings=settings(
            max_examples=examples(request.config),
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
