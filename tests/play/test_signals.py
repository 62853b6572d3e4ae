"""The process: SIGTERM and SIGHUP save the game and exit with the shell's status for them, even
when the terminal is gone; SIGKILL at any moment leaves every save whole, old or new.

These start real processes, since a process being signalled is the point. POSIX only.
"""

from __future__ import annotations

import os
import pty
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from her_if import load_story
from her_if.core.model import Story
from her_if.persistence.saves import STALE_SECONDS, list_saves, read_save, write_save
from her_if.play.session import Game, load_game, save_game
from tests.conftest import WriteStory
from tests.support.cli import start_play
from tests.support.saves import WHEN, save_of, wait_for_history
from tests.support.stories import play

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def choose_then_save(game: subprocess.Popen[bytes], story: Story, saves_dir: Path) -> None:
    """Make a choice, then save to the slot `mine`, whose "Saved to ..." line then waits in
    the output buffer (a pipe's is flushed only with each scene) when the signal comes."""
    assert game.stdin is not None
    game.stdin.write(b"2\n")
    game.stdin.flush()
    wait_for_history(story, saves_dir / "autosave.json", ("wait",))
    game.stdin.write(b"save mine\n")
    game.stdin.flush()
    wait_for_history(story, saves_dir / "mine.json", ("wait",))


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_while_waiting_for_input_saves_and_exits_with_its_status(
    write_story: WriteStory, saves_dir: Path, signum: int, status: int
) -> None:
    root = write_story()
    story = load_story(root)
    game = start_play(root)
    assert game.stdin is not None
    game.stdin.write(b"2\n")  # wait: back in the hall, with a choice made
    game.stdin.flush()
    autosave = saves_dir / "autosave.json"
    wait_for_history(story, autosave, ("wait",))
    game.send_signal(signum)
    out, err = game.communicate(timeout=20)
    assert game.returncode == status, err.decode()
    assert err.decode() == f"Progress saved to {autosave}.\n"
    assert b"## The hall" in out
    loaded = load_game(story, saves_dir, "autosave")
    assert loaded.game.state.history == ("wait",) and loaded.change is None


def test_a_hangup_with_the_readers_gone_still_saves_and_exits_quietly(
    write_story: WriteStory, saves_dir: Path
) -> None:
    """The pipes the game writes to are closed (EPIPE): the save is made, and neither the
    message nor the output still buffered ends in a traceback (that would exit 1, or 120 for
    a failed flush at exit)."""
    root = write_story()
    story = load_story(root)
    game = start_play(root)
    assert game.stdin is not None and game.stdout is not None and game.stderr is not None
    choose_then_save(game, story, saves_dir)
    game.stdout.close()
    game.stderr.close()
    before = (saves_dir / "autosave.json").stat().st_mtime_ns
    game.send_signal(signal.SIGTERM)
    assert game.wait(timeout=20) == 143
    game.stdin.close()
    assert (saves_dir / "autosave.json").stat().st_mtime_ns != before  # saved once more
    assert read_save(saves_dir / "autosave.json", story).history == ("wait",)


def test_a_closed_terminal_still_saves_and_exits_quietly(
    write_story: WriteStory, saves_dir: Path
) -> None:
    """The terminal the game writes to is closed (writes fail with EIO) and the game gets
    SIGHUP, as when a terminal window is closed: it saves and exits 129, no traceback."""
    root = write_story()
    story = load_story(root)
    terminal, screen = pty.openpty()
    game = start_play(root, stdout=screen, stderr=screen)
    os.close(screen)
    assert game.stdin is not None
    choose_then_save(game, story, saves_dir)
    before = (saves_dir / "autosave.json").stat().st_mtime_ns
    os.close(terminal)
    game.send_signal(signal.SIGHUP)
    assert game.wait(timeout=20) == 129
    game.stdin.close()
    assert (saves_dir / "autosave.json").stat().st_mtime_ns != before
    assert read_save(saves_dir / "autosave.json", story).history == ("wait",)


# -- SIGKILL -----------------------------------------------------------------------------------

KILL_SECONDS = 2.0


def test_sigkill_at_any_moment_leaves_every_save_old_or_new(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """A child saves two games in turn to one slot, as fast as it can; it is killed at a
    random moment, again and again. After every kill each file in the folder is a whole save,
    one of the two exactly; temporary files of writes killed half-way are never listed, and
    the next save removes them once they are old."""
    story = load_story(write_story())
    folder = tmp_path / "saves"
    games = [save_of(story, play(story, "wait")), save_of(story, play(story, "room"))]
    contents = set()
    for number, game in enumerate(games):
        contents.add(write_save(folder, f"g{number}", game).read_bytes())
    for path in folder.iterdir():
        path.unlink()
    write_save(folder, "slot", games[0])
    rng = random.Random(5)
    kills = mid_write = 0
    began = time.monotonic()
    while time.monotonic() - began < KILL_SECONDS:
        before = {p.name for p in folder.iterdir() if p.name.endswith(".tmp")}
        child = os.fork()
        if child == 0:  # pragma: no cover (the child is killed, never reports)
            try:
                while True:
                    for game in games:
                        write_save(folder, "slot", game)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.015))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        kills += 1
        left = {p.name for p in folder.iterdir() if p.name.endswith(".tmp")} - before
        mid_write += len(left)
        assert (folder / "slot.json").read_bytes() in contents
        listing = list_saves(folder, story)
        assert listing.unreadable == () and [e.slot for e in listing.entries] == ["slot"]
    print(f"\n{kills} kills in {KILL_SECONDS} s, {mid_write} of them mid-write")
    assert kills >= 20
    temporaries = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(temporaries) == mid_write
    long_ago = time.time() - STALE_SECONDS - 1
    for path in temporaries:
        os.utime(path, (long_ago, long_ago))
    save_game(story, folder, "slot", Game(play(story, "wait"), WHEN))
    assert sorted(p.name for p in folder.iterdir()) == ["slot.json"]
