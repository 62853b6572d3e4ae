"""What an entry of the story cache must prove before it is used: that it is ours (a regular
file, owned by us, in a folder only we can write), that it is whole (its digests), and that
the story is unchanged (every file of the story folders, found by listing them, not by
believing the entry). Whatever it cannot prove is a miss; pruning removes only what is
provably ours."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from her_if.analysis.check import report
from her_if.cli import main
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.loading.yaml_source import MAX_FILE_BYTES
from her_if.persistence import story_cache
from her_if.persistence.story_cache import KEEP, cache_dir, cached_report, cached_story
from tests.conftest import ACT, MANIFEST, ROOT, WriteStory
from tests.support.story_cache import (
    entries,
    header_and_story,
    signed,
    story_lines,
    the_entry,
    write_entry,
    yaml_counted,
    yaml_forbidden,
)

POSIX_OWNERS = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")


def check_output(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", "--story", str(root)]) == 0
    return capsys.readouterr().out


def is_ours(path: Path) -> bool:
    return path.read_bytes().startswith(b"her-if-story-cache ")


# -- it is a regular file, opened without blocking --------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_entry_replaced_by_a_named_pipe_is_a_miss_not_a_hang(write_story: WriteStory) -> None:
    root = write_story()
    cached_story(root)
    entry = the_entry()
    entry.unlink()
    os.mkfifo(entry)  # opening it to read would wait for a writer forever
    done = subprocess.run(  # in a process of its own, so that a hang fails the test, not CI
        [sys.executable, "-m", "her_if", "check", "--story", str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Tiny: 3 scenes" in done.stdout
    assert stat.S_ISREG(entry.lstat().st_mode) and is_ours(entry)  # rebuilt in its place


def test_an_entry_that_is_a_link_is_a_miss(write_story: WriteStory, tmp_path: Path) -> None:
    """We never write a link; one in our place may lead anywhere (here: a good entry kept
    elsewhere, which is still not read through the link)."""
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    entry = the_entry()
    elsewhere = entry.rename(tmp_path / "kept-elsewhere")
    entry.symlink_to(elsewhere)
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read
    assert not entry.is_symlink()


# -- it is whole: a digest of each part, checked before the part is used ------------------------


def test_a_hand_edited_story_in_an_entry_is_a_miss(write_story: WriteStory) -> None:
    """Well-formed, well-typed, sound: the edit could only be told by the digest."""
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    entry = the_entry()
    lines = entry.read_bytes().split(b"\n")
    assert b'"It ends."' in lines[3]
    lines[3] = lines[3].replace(b'"It ends."', b'"It never ends."')
    entry.write_bytes(b"\n".join(lines))
    with yaml_counted() as read:
        story = cached_story(root)
    assert read and story == fresh
    assert "It ends." in str(story.scenes["one.end"].paragraphs)
    with yaml_forbidden():  # the entry was written again, whole
        assert cached_story(root) == fresh


def test_a_hand_edited_report_in_an_entry_is_a_miss(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    first = check_output(root, capsys)
    assert "Tiny: 3 scenes" in first
    entry = the_entry()
    entry.write_bytes(entry.read_bytes().replace(b'"scenes":3,', b'"scenes":4,', 1))
    with yaml_counted() as read:
        assert check_output(root, capsys) == first
    assert read


# -- the story is unchanged: decided from the folders, not from what the entry says ------------


def test_an_entry_claiming_other_files_does_not_outlive_an_edit(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """A forger who lists some other file in place of the act, digests and all: the act is
    found by listing the story folder, so its edit is seen all the same."""
    root = write_story({"notes.txt": "unrelated\n"})
    cached_story(root)
    header, story = header_and_story(the_entry())
    act = root / "one.yaml"
    act.write_text(act.read_text().replace("title: The hall", "title: The great hall"))
    claimed = [root / "story.yaml", root / "notes.txt"]
    header["outside"] = [str(p) for p in claimed]
    header["sources"] = hashlib.sha256(
        json.dumps([[str(p), hashlib.sha256(p.read_bytes()).hexdigest()] for p in claimed]).encode()
    ).hexdigest()
    write_entry(the_entry(), header, story)
    with yaml_counted() as read:
        edited = cached_story(root)
    assert read and edited.scenes["one.hall"].title == "The great hall"


def test_an_edit_to_a_file_read_from_outside_the_story_folder_is_a_miss(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """Her's beat sheet lives in `seeds/`, beside the story folder: it is hashed too."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    sheet = seeds / "plot.yaml"
    sheet.write_text("beats:\n  - {id: arrival, act: one, summary: He arrives., sources: [a]}\n")
    staged = ACT.replace("    title: The hall\n", "    title: The hall\n    beats: [arrival]\n")
    root = write_story(
        {"story.yaml": MANIFEST + "beat_sheet: ../seeds/plot.yaml\n", "one.yaml": staged}
    )
    before = cached_story(root)
    header, _ = header_and_story(the_entry())
    assert header["outside"] == [str(sheet.resolve())]
    sheet.write_text(sheet.read_text().replace("He arrives.", "He comes in."))
    with yaml_counted() as read:
        after = cached_story(root)
    assert read and after == load_story(root) and after.beats != before.beats


def test_a_story_file_over_the_loaders_limit_is_not_read_to_hash_it(
    write_story: WriteStory,
) -> None:
    """With an entry present, a huge act file is refused on its size, as the loader refuses
    it, before a byte of it is read (it was read whole: 318 MB for a 300 MB file)."""
    assert story_cache.MAX_SOURCE_BYTES == MAX_FILE_BYTES  # the very limit of the loader
    root = write_story()
    cached_story(root)
    with open(root / "one.yaml", "r+b") as act:
        act.truncate(64 * MAX_FILE_BYTES)  # sparse: 256 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(StoryError) as caught:
            cached_story(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "one.yaml:1:1:" in str(caught.value)
    assert peak < 2 * MAX_FILE_BYTES, f"{peak:,} bytes allocated"


# -- nothing from an entry reaches the terminal by itself ---------------------------------------


def test_a_poisoned_report_never_reaches_the_terminal(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry forged whole, digests and all, whose report names a file with an OSC title
    sequence in it: refused on read, so `check` answers from the story files."""
    root = write_story({"notes.yaml": "x: 1\n"})
    first = check_output(root, capsys)
    assert "'notes.yaml' is in the story folder" in first
    header, story = header_and_story(the_entry())
    poisoned = json.dumps(header).replace("notes.yaml", "notes\\u001b]0;pwned\\u0007.yaml")
    assert poisoned != json.dumps(header)
    the_entry().write_text(signed(poisoned, story_lines(story)))
    with yaml_counted() as read:
        out = check_output(root, capsys)
    assert read and out == first and "\x1b" not in out


def test_a_report_that_would_not_print_as_it_reads_is_never_kept(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title written with YAML's `\\e` loads (the front ends clean it as they print it),
    but a report holding it is made afresh each time rather than kept."""
    root = write_story({"story.yaml": MANIFEST.replace("title: Tiny", 'title: "Tiny\\e[2J"')})
    fresh = report(load_story(root))
    assert "\x1b" in fresh["title"]
    assert cached_report(root) == fresh
    header, _ = header_and_story(the_entry())
    assert header["report"] is None
    before = the_entry().stat()
    assert cached_report(root) == fresh
    assert the_entry().stat().st_mtime_ns == before.st_mtime_ns  # nothing new, nothing written
    with yaml_forbidden():  # the story itself is still cached
        cached_story(root)


# -- pruning removes only what is provably ours -------------------------------------------------


def test_pruning_removes_only_files_that_prove_to_be_ours(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder shared with another program that names its files by a sha256 too."""
    root = write_story()
    folder = cache_dir()
    assert folder is not None
    folder.mkdir(mode=0o700, parents=True)
    theirs = {
        folder / f"{hashlib.sha256(bytes([n])).hexdigest()}.json": os.urandom(64) for n in range(40)
    }
    theirs[folder / f"her-if-{'a' * 64}.cache"] = b"another program's file, named as ours"
    theirs[folder / f"{'b' * 64}.json"] = b'{"format":"her-if-story-cache","key":["other"]}'
    for path, data in theirs.items():
        path.write_bytes(data)
        os.utime(path, (0, 0))  # the oldest in the folder: pruned first, if at all
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = folder / f"her-if-{'c' * 64}.cache"
    link.symlink_to(target)
    os.utime(link, (0, 0), follow_symlinks=False)
    legacy = folder / f"{'d' * 64}.json"  # an entry of the last version: provably ours
    legacy.write_bytes(b'{"format":"her-if-story-cache","key":["her-if-story-cache",1,"0.1"]}\n[]')
    for n in range(KEEP + 3):  # each working folder is an entry of its own
        place = tmp_path / f"from-{n}"
        place.mkdir()
        monkeypatch.chdir(place)
        cached_story(root)
    assert {p: p.read_bytes() for p in theirs} == theirs
    assert link.is_symlink() and target.read_text() == "keep me"
    assert not legacy.exists()
    assert len([p for p in entries() if not p.is_symlink() and is_ours(p)]) == KEEP


# -- it is ours: owner and mode ------------------------------------------------------------------


@POSIX_OWNERS
def test_the_cache_folder_is_made_for_us_alone(write_story: WriteStory) -> None:
    cached_story(write_story())
    folder = cache_dir()
    assert folder is not None
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(the_entry().stat().st_mode) == 0o600


@POSIX_OWNERS
def test_an_entry_others_can_write_is_not_used(write_story: WriteStory) -> None:
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    the_entry().chmod(0o666)
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read
    assert stat.S_IMODE(the_entry().stat().st_mode) == 0o600  # written again, ours alone
    with yaml_forbidden():
        assert cached_story(root) == fresh


@POSIX_OWNERS
def test_a_cache_folder_others_can_write_is_neither_read_nor_written(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    first = check_output(root, capsys)
    folder = cache_dir()
    assert folder is not None
    folder.chmod(0o777)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    with yaml_counted() as read:
        assert check_output(root, capsys) == first  # nothing said to the player
        assert cached_story(root) == load_story(root)
    assert len(read) == 2 * 3
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before
    assert story_cache.folder_problem(folder) == (
        "others can write to it (mode drwxrwxrwx): chmod go-w"
    )


@POSIX_OWNERS
def test_our_default_folder_left_group_writable_is_tightened(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older her-if made `~/.cache/her-if` under the umask, 0775 under a umask of 002:
    being ours by name and by owner, it is tightened, not given up."""
    monkeypatch.delenv("HER_IF_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "her-if"
    folder.mkdir(parents=True)
    folder.chmod(0o775)
    root = write_story()
    cached_story(root)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    with yaml_forbidden():
        cached_story(root)


@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a file away needs root"
)
def test_an_entry_or_a_folder_owned_by_another_user_is_not_used(write_story: WriteStory) -> None:
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    entry = the_entry()
    os.chown(entry, 65534, 65534)  # nobody
    entry.chmod(0o600)
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read and entry.stat().st_uid == os.getuid()  # ours again
    folder = cache_dir()
    assert folder is not None
    os.chown(folder, 65534, 65534)
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read and entry.stat().st_uid == os.getuid()
    assert story_cache.folder_problem(folder) == (
        f"it is owned by user 65534, not by you (user {os.getuid()})"
    )
