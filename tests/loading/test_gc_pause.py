"""The cycle collector is held off while a command starts, and only then (`her_if.__main__`)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from her_if.loading.gc_pause import pause_for_start_up, start_up_over


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone after it."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_start_up_pauses_the_collector_and_lets_it_run_again_frozen(collector: None) -> None:
    gc.enable()
    gc.unfreeze()
    pause_for_start_up()
    assert not gc.isenabled()
    start_up_over()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what start-up made is out of later collections
    start_up_over()  # a second time changes nothing
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off(collector: None) -> None:
    gc.disable()
    pause_for_start_up()
    start_up_over()
    assert not gc.isenabled()


def test_the_command_plays_with_the_collector_running(tmp_path: Path) -> None:
    """Through the real entry point, as the `her-if` script calls it: by the time a game is
    played, the collector runs again."""
    probe = (
        "import gc, sys\n"
        "import her_if.play.piped as piped\n"
        "real = piped.play_lines\n"
        "def spy(*args, **kwargs):\n"
        "    print('collector', gc.isenabled(), file=sys.stderr)\n"
        "    return real(*args, **kwargs)\n"
        "piped.play_lines = spy\n"
        "import her_if.cli.play_commands as commands\n"
        "commands.play_lines = spy\n"
        "from her_if.__main__ import run\n"
        f"sys.argv = ['her-if', 'play', '--saves', {str(tmp_path)!r}]\n"
        "sys.exit(run())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], input="", capture_output=True, text=True, timeout=60
    )
    assert "collector True" in done.stderr, done.stderr
