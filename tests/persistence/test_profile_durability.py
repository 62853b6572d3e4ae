"""The profile survives what saves survive: SIGKILL at any moment of its write leaves the old
profile or the new one, whole (the proof tests/play/test_signals.py gives saves); and a
profile that is damaged, another story's or of a later version costs nothing but itself, in
real play: it is set aside, told in one line, and no save is touched. POSIX only."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.persistence.profile import (
    FOLDER,
    ActEntry,
    Profile,
    encode,
    ended,
    entered,
    profile_path,
    read_profile,
    write_profile,
)
from her_if.play.piped import play_lines
from her_if.play.session import Saving

KILLS = 40
WHEN = "2026-12-07T10:00:00+00:00"


def _two(story_id: str) -> tuple[Profile, Profile]:
    small = ended(Profile(story_id), "sea", "The sea at dusk", WHEN)
    large = small
    for n in range(300):  # big enough that a kill often lands inside its write
        large = entered(large, ActEntry(f"act-{n}", ("knock",) * 50, n, WHEN))
    return small, large


def test_sigkill_during_a_write_leaves_the_old_profile_or_the_new_whole(tmp_path: Path) -> None:
    profiles = _two("forks")
    write_profile(tmp_path, profiles[0])
    folder = tmp_path / FOLDER
    rng = random.Random(18)
    mid_write = 0  # kills that left a temporary file: each write sweeps those before it
    for _ in range(KILLS):
        child = os.fork()
        if child == 0:  # pragma: no cover (the child is killed, never reports)
            try:
                while True:
                    for profile in profiles:
                        write_profile(tmp_path, profile)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.0, 0.01))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        mid_write += any(p.name.endswith(".tmp") for p in folder.iterdir())
        read = read_profile(tmp_path, "forks")
        assert read.said is None and read.profile in profiles
        assert [p.name for p in folder.iterdir() if not p.name.endswith(".tmp")] == ["forks.json"]
    write_profile(tmp_path, profiles[0])  # the next write sweeps what killed ones left
    assert sorted(p.name for p in folder.iterdir()) == ["forks.json"]
    print(f"\n{KILLS} kills, {mid_write} of them mid-write")


DAMAGE = {
    "torn": b'{"format": "her-if-profile", "vers',
    "not ours": b'{"format": "someone-else"}',
    "another story": None,
    "a later version": None,
}


def _damaged(kind: str, story: Story) -> bytes:
    raw = DAMAGE[kind]
    if raw is not None:
        return raw
    data = encode(Profile(story.id))
    if kind == "another story":
        data["story"] = "her"
    else:
        data["version"] = 99
    return json.dumps(data).encode()


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_profile_that_cannot_be_read_costs_nothing_but_itself_in_play(
    forks: Story, saves_dir: Path, kind: str
) -> None:
    out, err = io.StringIO(), io.StringIO()
    play_lines(forks, io.StringIO("knock\nsave mine\n"), out, 72, saving=Saving(saves_dir), err=err)
    mine = (saves_dir / "mine.json").read_bytes()
    path = profile_path(saves_dir, forks.id)
    path.write_bytes(_damaged(kind, forks))
    out, err = io.StringIO(), io.StringIO()
    play_lines(forks, io.StringIO("leave\n"), out, 72, saving=Saving(saves_dir), err=err)
    told = [line for line in err.getvalue().splitlines() if "the profile" in line]
    assert len(told) == 1 and "damaged" in told[0] and "no save is touched" in told[0]
    assert (saves_dir / "mine.json").read_bytes() == mine
    aside = [p.name for p in path.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and (path.parent / aside[0]).read_bytes() == _damaged(kind, forks)
    kept = read_profile(saves_dir, forks.id)
    assert kept.said is None and kept.profile.ending("quiet") is not None  # kept afresh
