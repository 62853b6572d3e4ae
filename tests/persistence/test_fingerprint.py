"""The save's fingerprint of the story reads the story's files as the loader does: regular files
only, never blocking, never past the loader's limit (issue 22). A story file swapped for a named
pipe mid-play hung the next autosave (and SIGTERM with it); one swapped for /dev/zero was read
without end. Such a file makes the fingerprint unknown, and the game still saves.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from her_if import load_story
from her_if.loading.yaml_source import MAX_FILE_BYTES
from her_if.persistence.saves import STORY_FILE_BYTES, fingerprint, read_save, same_story
from her_if.play.session import Game, Saving, autosave_game
from tests.conftest import ROOT, WriteStory
from tests.support.cli import start_play
from tests.support.saves import WHEN, wait_for_history
from tests.support.stories import play

pytestmark = pytest.mark.skipif(os.name != "posix", reason="named pipes and /dev/zero")

SWAPS = ["a named pipe", "a link to /dev/zero", "a 300 MB file"]

CHILD = """
import json, os, resource, sys
from pathlib import Path
from her_if import load_story
from her_if.persistence.saves import fingerprint
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
root, swap = Path(sys.argv[1]), sys.argv[2]
story = load_story(root)
act = root / "one.yaml"
act.unlink()
if swap == "a named pipe":
    os.mkfifo(act)
elif swap == "a link to /dev/zero":
    act.symlink_to("/dev/zero")
else:
    with open(act, "wb") as big:
        big.truncate(300_000_000)
print(json.dumps(fingerprint(story)))
"""


@pytest.mark.parametrize("swap", SWAPS)
def test_a_story_file_swapped_mid_play_makes_the_fingerprint_unknown_at_once(
    write_story: WriteStory, swap: str
) -> None:
    """In a process of its own, with a memory limit, since the fault is a hang or a read
    without end."""
    if swap == "a named pipe" and not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    root = write_story()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), swap],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ""


def test_the_fingerprint_reads_no_more_than_the_loader_does() -> None:
    assert STORY_FILE_BYTES == MAX_FILE_BYTES
    assert not same_story("", "") and same_story("sha256:ab", "sha256:ab")


def test_the_game_still_saves_when_a_story_file_is_no_longer_a_file(
    write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    story = load_story(root)
    first = autosave_game(story, Saving(tmp_path), Game(play(story, "wait"), WHEN))
    assert read_save(first.path, story).fingerprint == fingerprint(story) != ""
    with open(root / "one.yaml", "r+b") as act:  # past the loader's limit (and sparse)
        act.truncate(300_000_000)
    later = autosave_game(story, Saving(tmp_path), Game(play(story, "wait", "room"), WHEN))
    saved = read_save(later.path, story)
    assert saved.history == ("wait", "room") and saved.fingerprint == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("then", ["a choice to the end", "SIGTERM"])
def test_a_story_file_swapped_for_a_named_pipe_mid_play(
    write_story: WriteStory, saves_dir: Path, then: str
) -> None:
    """The issue's case, in a real game: the autosaves after the swap happen (the door, then
    the pause to the end), or SIGTERM while the game waits for a line saves and exits."""
    root = write_story()
    story = load_story(root)
    game = start_play(root)
    try:
        assert game.stdin is not None
        game.stdin.write(b"2\n")  # wait: back in the hall
        game.stdin.flush()
        autosave = saves_dir / "autosave.json"
        wait_for_history(story, autosave, ("wait",))
        (root / "one.yaml").unlink()
        os.mkfifo(root / "one.yaml")
        history: tuple[str, ...] = ("wait",)
        if then == "SIGTERM":
            game.send_signal(signal.SIGTERM)
            status, line = 143, b""
        else:  # the door, then the pause passes to the end
            status, history, line = 0, ("wait", "room", "continue"), b"1\n"
        _, err = game.communicate(line, timeout=20)
        assert game.returncode == status, err.decode()
        assert "Not saved" not in err.decode() and "Traceback" not in err.decode()
        saved = read_save(autosave, story)
        assert saved.history == history and saved.fingerprint == ""
    finally:
        if game.poll() is None:
            game.kill()
            game.wait()
