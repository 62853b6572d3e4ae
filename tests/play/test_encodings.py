"""Streams that cannot carry every character, and input that is not text in the expected
encoding: an ASCII-only stdout (`PYTHONIOENCODING=ascii`, `LC_ALL=C`) gets stand-ins or `?`
from every command, and bytes on stdin that do not decode are a line like any other, never a
traceback. Real processes, since the encodings are set up as the interpreter starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ACT, MANIFEST, ROOT, WriteStory
from tests.support.cli import ASCII_LOCALES

WIDE_ACT = ACT.replace("title: The hall", "title: 長い廊下 — the hall").replace(
    "A second paragraph.", "A pause — then 日本語…"
)
WIDE_MANIFEST = MANIFEST.replace("title: Tiny", "title: Tiny — 小さな話")


def run(
    setting: str, *args: str | Path, stdin: bytes = b"", pty: bool = False
) -> tuple[int, bytes, bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8")
    }
    env.update(PYTHONPATH=str(ROOT), **STREAMS[setting])
    done = subprocess.run(
        [sys.executable, "-m", "her_if", *map(str, args)],
        input=stdin,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("setting", ASCII_LOCALES)
@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--json"],
        ["graph"],
        ["graph", "--format", "mermaid"],
        ["playtest"],
        ["playtest", "--path-to", "one.end"],
        ["new-scene", "one.porch"],
    ],
    ids=" ".join,
)
def test_every_command_writes_ascii_to_an_ascii_stream(
    setting: str, args: list[str], write_story: WriteStory
) -> None:
    """Play and `saves` are tested in test_cli; these print the story's titles and texts too."""
    written = write_story({"story.yaml": WIDE_MANIFEST, "one.yaml": WIDE_ACT})
    root = written.rename(written.with_name("物語—story"))  # new-scene names its act file
    status, out, err = run(setting, *args, "--story", root)
    assert status == 0, err
    assert out.isascii() and err.isascii()
    assert b"Traceback" not in err
    shown = (out + err).decode("ascii")
    if "--path-to" not in args:  # which names no title
        assert any(form in shown for form in ("-- ???", "-- the hall", "\\u2014", "??--story")), (
            shown
        )


STREAMS = {**ASCII_LOCALES, "UTF-8": {"LC_ALL": "C.UTF-8"}}


@pytest.mark.parametrize("setting", STREAMS)
def test_bytes_on_stdin_that_do_not_decode_are_a_line_refused(
    setting: str, write_story: WriteStory
) -> None:
    """UTF-8 typed at an ASCII locale, and bytes that are no text at all (not even UTF-8):
    each is answered as a line that is not a choice, and play goes on to the end."""
    root = write_story({"story.yaml": WIDE_MANIFEST, "one.yaml": WIDE_ACT})
    status, out, err = run(setting, "play", "--story", root, stdin=b"caf\xc3\xa9\nx\xff\n1\n")
    assert b"Traceback" not in err, err.decode("utf-8", "replace")
    assert status == 1  # refused lines, named last
    encoding = "utf-8" if setting == "UTF-8" else "ascii"
    shown, told = out.decode(encoding), err.decode(encoding)
    assert shown.count("' is not a choice here") == 2 and "The end" in shown
    odd = "\ufffd" if setting == "UTF-8" else "?"
    assert "line 1 'caf" in told and f"line 2 'x{odd}'" in told
