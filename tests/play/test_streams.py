"""The command's own streams lost: standard output or input closed (`>&-`, `<&-`), a full disk
under standard output or a transcript (`/dev/full`), the reader of a pipe gone. Each is one line
on stderr and exit status 2, never a traceback (not even the interpreter's own "Exception
ignored" as it exits), with the game saved where there is one.

These start real processes through a POSIX shell, since what the shell hands the process is
the point.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from her_if import load_story
from her_if.persistence.saves import read_save
from tests.conftest import ROOT, WriteStory

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX shell redirections")
FULL = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")

CLOSED_OUT = (
    "her-if: cannot write to standard output: it is closed (>&-); send it somewhere, "
    "if only to >/dev/null\n"
)
CLOSED_IN = (
    "her-if: cannot read standard input: it is closed (<&-); give the choices there, "
    "or </dev/null for none\n"
)
FULL_OUT = (
    "her-if: cannot write to standard output: no space is left on the device; free some, "
    "or write elsewhere\n"
)
GONE = (
    "her-if: cannot write to standard output: the program reading it has stopped (a closed pipe)\n"
)


def shell(redirections: str, *args: str | Path, stdin: str = "") -> tuple[int, str]:
    """`her-if ARGS REDIRECTIONS` run by sh; the exit status and what reached stderr."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        ["sh", "-c", f'exec "$@" {redirections}', "sh", sys.executable, "-m", "her_if"]
        + [str(arg) for arg in args],
        input=stdin.encode(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    return done.returncode, done.stderr.decode()


def test_play_with_stdout_closed(write_story: WriteStory) -> None:
    root = write_story()
    assert shell("</dev/null >&-", "play", "--plain", "--story", root) == (2, CLOSED_OUT)
    assert shell("</dev/null >&-", "play", "--story", root) == (2, CLOSED_OUT)


def test_play_with_stdin_closed(write_story: WriteStory) -> None:
    root = write_story()
    assert shell("<&-", "play", "--plain", "--story", root) == (2, CLOSED_IN)
    assert shell("<&-", "play", "--story", root) == (2, CLOSED_IN)
    assert shell("<&-", "check", "--story", root) == (0, "")  # which reads nothing there


def test_check_and_graph_with_stdout_closed(write_story: WriteStory) -> None:
    root = write_story()
    assert shell(">&-", "check", "--story", root) == (2, CLOSED_OUT)
    assert shell(">&-", "graph", "--story", root) == (2, CLOSED_OUT)


@FULL
@pytest.mark.parametrize("command", ["play", "check", "graph", "saves", "playtest"])
def test_stdout_on_a_full_disk(command: str, write_story: WriteStory) -> None:
    root = write_story()
    assert shell(">/dev/full", command, "--story", root, stdin="2\n") == (2, FULL_OUT)


@FULL
def test_a_transcript_on_a_full_disk(write_story: WriteStory, tmp_path: Path) -> None:
    """Named as the transcript, in piped play and for a walkthrough; the file is closed
    once, with no second report as it is."""
    root = write_story()
    told = (
        "her-if: cannot write to the transcript /dev/full: no space is left on the device; "
        "free some, or write elsewhere\n"
    )
    args = ("play", "--story", root, "--transcript", "/dev/full")
    assert shell("", *args, stdin="2\n") == (2, told)
    script = tmp_path / "walk.yaml"
    script.write_text("choices: [wait]\n", encoding="utf-8")
    assert shell("", *args, "--script", script) == (2, told)


def closed_pipe() -> int:
    """The write end of a pipe whose reader has already gone."""
    read, write = os.pipe()
    os.close(read)
    return write


def test_new_scene_into_a_closed_pipe(write_story: WriteStory) -> None:
    """It used to say `her-if: new-scene: None: Broken pipe`."""
    root = write_story()
    gone = closed_pipe()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "her_if", "new-scene", "one.new", "--story", str(root)],
            stdout=gone,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
    finally:
        os.close(gone)
    assert (done.returncode, done.stderr.decode()) == (2, GONE)


def test_a_game_whose_reader_goes_away_is_saved_first(
    write_story: WriteStory, saves_dir: Path
) -> None:
    """The reader of piped play reads the hall after a choice, then closes the pipe; the next
    choice shows a scene nobody reads: the game, with both choices, is saved and said to be,
    then what was lost is told."""
    root = write_story()
    story = load_story(root)
    game = subprocess.Popen(
        [sys.executable, "-m", "her_if", "play", "--story", str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
    assert game.stdin is not None and game.stdout is not None and game.stderr is not None
    game.stdin.write(b"wait\n")
    game.stdin.flush()
    seen = b""
    deadline = time.monotonic() + 20
    while seen.count(b"## The hall") < 2 and time.monotonic() < deadline:
        seen += os.read(game.stdout.fileno(), 4096)
    game.stdout.close()
    game.stdin.write(b"1\n")  # to the room, shown to no one
    game.stdin.close()
    assert game.wait(timeout=20) == 2
    autosave = saves_dir / "autosave.json"
    assert game.stderr.read().decode() == f"Progress saved to {autosave}.\n{GONE}"
    assert read_save(autosave, story).history == ("wait", "room")
