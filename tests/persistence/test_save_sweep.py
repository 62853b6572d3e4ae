"""The saves folder's sweep of stale temporary files removes only files that are provably ours
(issue 22: it deleted an unrelated `.thesis.draft.tmp`). Ours are named as `replace_whole`
names them, `.<slot>.her-if-<8 random>.tmp`; that real writes killed half-way are swept is
tests/play/test_signals.py's SIGKILL test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from her_if import load_story
from her_if.persistence.atomic_file import temporary_for
from her_if.persistence.folder_lock import LOCK_NAME
from her_if.persistence.saves import STALE_SECONDS, list_saves
from her_if.play.session import Game, save_game
from tests.conftest import WriteStory
from tests.support.saves import WHEN
from tests.support.stories import play

FOREIGN = [
    ".thesis.draft.tmp",  # the issue's: an editor's draft
    ".x.tmp",
    ".slot.k2j4h1x_.tmp",  # the shape of ours, without the mark
    ".slot.her-if-short.tmp",  # the mark, not tempfile's random part
    ".a b.her-if-k2j4h1x_.tmp",  # ours in shape, but not for a slot
    f".{'x' * 41}.her-if-k2j4h1x_.tmp",  # nor this (slot names are at most 40 characters)
    "slot.her-if-k2j4h1x_.tmp",  # no leading dot
    ".slot.her-if-k2j4h1x_.tmp.bak",
]
OURS = ".slot.her-if-k2j4h1x_.tmp"


def test_the_sweep_removes_only_our_old_temporary_files(
    write_story: WriteStory, tmp_path: Path
) -> None:
    story = load_story(write_story())
    folder = tmp_path / "saves"
    save_game(story, folder, "slot", Game(play(story, "wait"), WHEN))
    long_ago = time.time() - STALE_SECONDS - 60
    for name in [*FOREIGN, OURS]:
        (folder / name).write_text("a file someone keeps")
        os.utime(folder / name, (long_ago, long_ago))
    save_game(story, folder, "slot", Game(play(story, "room"), WHEN))
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FOREIGN, "slot.json"])
    assert all((folder / name).read_text() == "a file someone keeps" for name in FOREIGN)
    listing = list_saves(folder, story)
    assert [e.slot for e in listing.entries] == ["slot"] and listing.unreadable == ()


def test_our_temporary_names_are_told_by_their_whole_name() -> None:
    assert temporary_for(OURS) == "slot"
    assert all(temporary_for(name) in (None, "a b", "x" * 41) for name in FOREIGN)
    assert temporary_for(LOCK_NAME) is None  # the saves folder's lock is never swept
