"""Faults while saving: each step of the write failing, a read-only or full disk, a saves folder
that is missing, unwritable or blocked by a file, and a save cut short by a hangup.

Every time: the previous save keeps its bytes, no temporary file is left, and the player reads
what happened in plain words, from the session (what the interactive game prints after "Not
saved:") and from piped play (its "Not saved: ..." line).
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from her_if import load_story
from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import STALE_SECONDS, SaveError, list_saves, read_save
from her_if.play.hangup import Hangup
from her_if.play.piped import play_lines
from her_if.play.session import Game, Saving, autosave_game, load_game, save_game
from tests.conftest import WriteStory
from tests.support.saves import WHEN
from tests.support.stories import play


class Disk:
    """The real file functions, except that the step named fails with `error` every time it
    is reached, and only for saving (everything else the process does goes on as usual).

    Steps: "open" (creating the temporary file), "write" (half the bytes written, then the
    error, as a disk filling up does), "fsync" (the file synced to disk), "close", "replace"
    (the rename over the old save), "sync folder" (the folder synced after the rename),
    "mkdir" (making the saves folder).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, step: str, error: BaseException) -> None:
        self.step, self.error = step, error
        self.files: set[int] = set()
        self.begun: set[int] = set()
        self.failures = 0
        real = {
            "mkstemp": tempfile.mkstemp,
            "write": os.write,
            "fsync": os.fsync,
            "close": os.close,
            "replace": os.replace,
            "mkdir": os.mkdir,
        }

        def mkstemp(*args: object, **named: object) -> tuple[int, str]:
            self.fail_at("open")
            fd, name = real["mkstemp"](*args, **named)  # type: ignore[operator]
            self.files.add(fd)
            return fd, name

        def write(fd: int, data: bytes) -> int:
            if fd in self.files and self.step == "write":
                if fd in self.begun:
                    self.fail_at("write")
                self.begun.add(fd)  # half now; the error at the next call
                data = bytes(data)[: max(len(data) // 2, 1)]
            return real["write"](fd, data)  # type: ignore[no-any-return, operator]

        def fsync(fd: int) -> None:
            self.fail_at("fsync" if fd in self.files else "sync folder")
            real["fsync"](fd)  # type: ignore[operator]

        def close(fd: int) -> None:
            real["close"](fd)  # type: ignore[operator]
            if fd in self.files:
                self.files.discard(fd)
                self.fail_at("close")

        def replace(source: str, target: str) -> None:
            self.fail_at("replace")
            real["replace"](source, target)  # type: ignore[operator]

        def mkdir(path: str, mode: int = 0o777) -> None:
            self.fail_at("mkdir")
            real["mkdir"](path, mode)  # type: ignore[operator]

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
        for name, fake in (
            ("write", write),
            ("fsync", fsync),
            ("close", close),
            ("replace", replace),
            ("mkdir", mkdir),
        ):
            monkeypatch.setattr(os, name, fake)

    @property
    def failed(self) -> bool:
        return self.failures > 0

    def fail_at(self, step: str) -> None:
        if step == self.step:
            self.failures += 1
            raise self.error


def full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


STEPS: dict[str, tuple[BaseException, str]] = {
    "open": (OSError(errno.EMFILE, "Too many open files"), "too many files are open"),
    "write": (full(), "the disk is full"),
    "fsync": (OSError(errno.EIO, "Input/output error"), "the disk reported an error"),
    "close": (OSError(errno.EDQUOT, "Disk quota exceeded"), "the disk is full (your quota"),
    "replace": (OSError(errno.EACCES, "Permission denied"), "permission denied; check the"),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_keeps_the_previous_save_and_says_why(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    folder = tmp_path / "saves"
    path = save_game(tiny, folder, "slot", Game(play(tiny, "wait"), WHEN))
    before = path.read_bytes()
    error, words = STEPS[step]
    disk = Disk(monkeypatch, step, error)
    with pytest.raises(SaveError) as caught:
        save_game(tiny, folder, "slot", Game(play(tiny, "room"), WHEN))
    assert disk.failed
    assert str(caught.value).startswith(f"{display_path(path)}: could not save ({words}")
    assert str(caught.value).endswith("); the previous save is unchanged")
    assert "Errno" not in str(caught.value) and "\n" not in str(caught.value)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["slot.json"]  # no temporary file left


def test_a_failure_writing_a_first_save_leaves_nothing(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "saves"
    folder.mkdir()
    Disk(monkeypatch, "write", full())
    with pytest.raises(SaveError) as caught:
        save_game(tiny, folder, "slot", Game(play(tiny, "wait"), WHEN))
    assert (
        str(caught.value)
        == f"{display_path(folder / 'slot.json')}: could not save (the disk is full)"
    )
    assert list(folder.iterdir()) == []


def test_short_writes_still_write_the_whole_save(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write may take fewer bytes than offered (a signal, a nearly full disk): the rest
    must follow, or the save would be cut short without anyone knowing."""
    real_write = os.write
    calls = []

    def trickle(fd: int, data: bytes) -> int:
        calls.append(fd)
        return real_write(fd, bytes(data)[:7])

    monkeypatch.setattr(os, "write", trickle)
    state = play(tiny, "wait", "room")
    path = save_game(tiny, tmp_path / "saves", "slot", Game(state, WHEN))
    monkeypatch.undo()
    assert len(calls) > 50
    assert read_save(path, tiny).state == state


def test_a_failed_folder_sync_after_the_rename_keeps_the_new_save(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems cannot sync a folder; the save is whole and in place by then."""
    path = save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    disk = Disk(monkeypatch, "sync folder", OSError(errno.EINVAL, "Invalid argument"))
    save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "room"), WHEN))
    assert disk.failed
    monkeypatch.undo()
    assert read_save(path, tiny).history == ("room",)
    assert sorted(p.name for p in (tmp_path / "saves").iterdir()) == ["slot.json"]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.EROFS, "Read-only file system"), "the disk is read-only"),
        (
            OSError(errno.EACCES, "Permission denied"),
            "permission denied; check the folder's permissions",
        ),
        (full(), "the disk is full"),
    ],
)
def test_a_read_only_unwritable_or_full_folder(
    tiny: Story,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: OSError,
    words: str,
) -> None:
    """Simulated where the file cannot even be created (root ignores permissions, so the
    real read-only folder is the next test's)."""
    path = save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    before = path.read_bytes()
    Disk(monkeypatch, "open", error)
    with pytest.raises(SaveError) as caught:
        save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "room"), WHEN))
    assert str(caught.value) == (
        f"{display_path(path)}: could not save ({words}); the previous save is unchanged"
    )
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "saves").iterdir()) == ["slot.json"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_a_real_read_only_folder(tiny: Story, tmp_path: Path) -> None:
    path = save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    before = path.read_bytes()
    path.parent.chmod(0o500)
    try:
        with pytest.raises(SaveError) as caught:
            save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "room"), WHEN))
        assert str(caught.value) == (
            f"{display_path(path)}: could not save (permission denied; check the folder's "
            "permissions); the previous save is unchanged"
        )
        assert path.read_bytes() == before
        assert sorted(p.name for p in path.parent.iterdir()) == ["slot.json"]
    finally:
        path.parent.chmod(0o700)


def test_a_saves_folder_that_cannot_be_made(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Disk(monkeypatch, "mkdir", OSError(errno.EACCES, "Permission denied"))
    with pytest.raises(SaveError) as caught:
        save_game(tiny, tmp_path / "missing" / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    assert str(caught.value) == (
        f"{display_path(tmp_path / 'missing' / 'saves' / 'slot.json')}: could not save "
        "(permission denied; check the folder's permissions)"
    )
    monkeypatch.undo()
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("where", ["the folder", "a folder above it"])
def test_a_file_where_a_folder_should_be(tiny: Story, tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a note, not a folder")
    folder = blocker if where == "the folder" else blocker / "deeper" / "saves"
    with pytest.raises(SaveError) as caught:
        save_game(tiny, folder, "slot", Game(play(tiny, "wait"), WHEN))
    assert str(caught.value) == (
        f"{display_path(folder / 'slot.json')}: could not save ({display_path(blocker)} is a "
        "file, not a folder; move it or save elsewhere)"
    )
    assert blocker.read_text() == "a note, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "story"]


def test_a_hangup_in_the_middle_of_a_write_leaves_no_trace(
    tiny: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM arriving while a save is written: the temporary file goes, the old save stays,
    and the Hangup goes on up (so the game can save once more, then exit)."""
    path = save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    before = path.read_bytes()
    Disk(monkeypatch, "fsync", Hangup(15))
    with pytest.raises(Hangup):
        save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "room"), WHEN))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "saves").iterdir()) == ["slot.json"]


# -- what the player reads ---------------------------------------------------------------------


def test_piped_play_says_not_saved_in_plain_words_and_keeps_the_save(
    tiny: Story, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    play_lines(tiny, io.StringIO("2\n"), io.StringIO(), 72, saving=Saving(saves_dir))
    path = saves_dir / "autosave.json"
    before = path.read_bytes()
    resumed = load_game(tiny, saves_dir, "autosave")
    Disk(monkeypatch, "write", full())
    out, err = io.StringIO(), io.StringIO()
    play_lines(
        tiny, io.StringIO("1\n"), out, 72, saving=Saving(saves_dir), resumed=resumed, err=err
    )
    monkeypatch.undo()
    assert "> Open the door." in out.getvalue()
    assert err.getvalue().splitlines()[0] == (
        f"Not saved: {display_path(path)}: could not save (the disk is full); "
        "the previous save is unchanged"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in saves_dir.iterdir() if p.name != "profile") == ["autosave.json"]


def test_a_failure_keeping_the_game_a_new_one_replaces_replaces_nothing(
    tiny: Story, saves_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new game's first autosave copies the game in `autosave` to `autosave-1` first; if
    that copy fails, the autosave is not written either, and the player is told."""
    first = autosave_game(tiny, Saving(saves_dir), Game(play(tiny, "wait"), WHEN)).path
    before = first.read_bytes()
    Disk(monkeypatch, "write", full())
    with pytest.raises(SaveError) as caught:
        autosave_game(tiny, Saving(saves_dir), Game(play(tiny, "room"), WHEN))
    monkeypatch.undo()
    assert str(caught.value) == (
        f"{display_path(saves_dir / 'autosave-1.json')}: could not save (the disk is full)"
    )
    assert first.read_bytes() == before
    assert sorted(p.name for p in saves_dir.iterdir()) == ["autosave.json"]


# -- temporary files left by writes that were killed -------------------------------------------


def test_old_temporary_files_are_swept_on_the_next_save_and_never_listed(
    tiny: Story, tmp_path: Path
) -> None:
    save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "wait"), WHEN))
    old = tmp_path / "saves" / ".slot.her-if-k2j4h1x_.tmp"
    fresh = tmp_path / "saves" / ".other.her-if-abcd1234.tmp"
    mine = tmp_path / "saves" / "notes.tmp"
    for each in (old, fresh, mine):
        each.write_text('{"format": "her-if-save", "ver')  # as a killed write leaves it
    long_ago = time.time() - STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(mine, (long_ago, long_ago))
    listing = list_saves(tmp_path / "saves", tiny)
    assert [e.slot for e in listing.entries] == ["slot"] and listing.unreadable == ()
    save_game(tiny, tmp_path / "saves", "slot", Game(play(tiny, "room"), WHEN))
    # the old one is gone; one that may be another game's write in progress stays, and so
    # does a file that is not the game's at all
    assert sorted(p.name for p in (tmp_path / "saves").iterdir()) == [
        ".other.her-if-abcd1234.tmp",
        "notes.tmp",
        "slot.json",
    ]


# -- two games saving one slot at once -----------------------------------------------------------

OVERLAP_SECONDS = 1.0

WRITER = """
import sys, time
from datetime import datetime, UTC
from pathlib import Path
from her_if import load_story, start, choose
from her_if.persistence.saves import snapshot, write_save
root, folder, seconds, first = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
story = load_story(root)
states = [choose(story, start(story), first), choose(story, start(story), "room")]
when = datetime(2025, 3, 4, tzinfo=UTC)
saves = [snapshot(story, s, created=when, updated=when, play_time=1.0) for s in states]
print("ready", flush=True)
sys.stdin.readline()  # all three begin together
until, count = time.monotonic() + seconds, 0
while time.monotonic() < until:
    write_save(folder, "shared", saves[count % 2])
    count += 1
print(count)
"""

READER = """
import sys, time
from pathlib import Path
from her_if import load_story
from her_if.persistence.saves import read_save
root, folder, seconds = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
story = load_story(root)
print("ready", flush=True)
sys.stdin.readline()
until, count = time.monotonic() + seconds, 0
while time.monotonic() < until:
    read_save(folder / "shared.json", story)  # a SaveError here fails the test
    count += 1
print(count)
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX file replacement")
def test_two_processes_saving_one_slot_and_a_third_reading_it_never_meet_a_partial_file(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """Two processes save the same slot in turn as fast as they can, while a third reads it,
    all for OVERLAP_SECONDS: the reader never meets a partial file, nor the writers each
    other's, and no temporary file is left."""
    root = write_story()
    folder = tmp_path / "saves"
    save_game(load_story(root), folder, "shared", Game(play(load_story(root), "wait"), WHEN))
    seconds = str(OVERLAP_SECONDS)
    runs = [
        [WRITER, str(root), str(folder), seconds, "wait"],
        [WRITER, str(root), str(folder), seconds, "room"],
        [READER, str(root), str(folder), seconds],
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", *run],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for run in runs
    ]
    for process in processes:  # each has loaded the story and waits
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.flush()
    results = [p.communicate(timeout=60) for p in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
    writes_a, writes_b, reads = (int(out) for out, _ in results)
    print(f"\n{writes_a} + {writes_b} writes, {reads} reads in {OVERLAP_SECONDS} s")
    assert writes_a > 10 and writes_b > 10 and reads > 10
    story = load_story(root)
    assert read_save(folder / "shared.json", story).history in {("wait",), ("room",)}
    assert sorted(p.name for p in folder.iterdir()) == ["shared.json"]
