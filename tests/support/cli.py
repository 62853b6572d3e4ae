"""Running the `her-if` command line from a test: in this process (`run_cli`, quick, with the
same exit codes) or as the real process a user starts (`her_if` to its end, `start_play` to
signal or feed while it runs)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from her_if import cli
from tests.conftest import ROOT

ASCII_LOCALES = {
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "LC_ALL=C": {"LC_ALL": "C"},
}
"""Two ways a user's streams end up unable to carry anything but ASCII."""


def run_cli(*argv: str) -> tuple[str, str, int]:
    """`her-if ARGV` in this process: what it printed on out and err, and its exit code. Its
    input is empty, so that a command that reads it ends rather than waiting for the test."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch.object(sys, "stdin", io.StringIO("")),
    ):
        status = cli.main(list(argv))
    return out.getvalue(), err.getvalue(), status


def her_if(
    *args: str | Path, stdin: str = "", cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """`her-if ARGS` as a process of its own, run to its end, 72 columns wide."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "72"}
    return subprocess.run(
        [sys.executable, "-m", "her_if", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def start_play(
    root: Path, stdout: int = subprocess.PIPE, stderr: int = subprocess.PIPE
) -> subprocess.Popen[bytes]:
    """Piped play of the story at `root`, saving to the test's folder ($HER_IF_SAVES), its
    output buffered as a player's is (not as under PYTHONUNBUFFERED, which CI may set)."""
    return subprocess.Popen(
        [sys.executable, "-m", "her_if", "play", "--story", str(root)],
        stdin=subprocess.PIPE,
        stdout=stdout,
        stderr=stderr,
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
