"""The `her-if` command as a user runs it: a real process, real files, real exit codes.

Where a second process is not the point (argument checks, listings), `main` is called in this
one, which is quicker and reports the same exit codes.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from her_if import choose, load_story, start
from her_if.cli import main
from her_if.persistence.saves import read_save
from her_if.play.session import Game, save_game
from tests.conftest import ACT, ROOT, STORY, WALKTHROUGHS, WriteStory
from tests.support.cli import ASCII_LOCALES, her_if
from tests.support.saves import WHEN

FILM = WALKTHROUGHS / "installation-film.yaml"


def test_script_with_transcript_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "transcript.txt"
    result = her_if("play", "--script", FILM, "--transcript", out)
    assert result.returncode == 0, result.stderr
    assert "ok, " in result.stderr and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.count("Act I: Installation") == 1
    assert "## The letter desk" in text and "Act II: Blind Date" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "\x1b" not in text


def test_transcript_to_stdout(tmp_path: Path) -> None:
    result = her_if("play", "--script", FILM, "--transcript", "-")
    assert result.returncode == 0
    assert result.stdout.startswith("\n===")
    assert "\n> " in result.stdout


def test_a_failed_expectation_exits_1_and_says_which(tmp_path: Path) -> None:
    script = tmp_path / "wrong.yaml"
    script.write_text(FILM.read_text().replace("openness: 5", "openness: 4"))
    result = her_if("play", "--script", script)
    assert result.returncode == 1
    assert "expected openness = 4, got 5" in result.stderr


def test_a_bad_script_exits_2_with_positions(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text("choices: [memory]\nexpect:\n  ending: no-such-end\n  state: {opennes: 2}\n")
    result = her_if("play", "--script", script)
    assert result.returncode == 2
    assert "bad.yaml:3:11: the story has no ending 'no-such-end'" in result.stderr
    assert "bad.yaml:4:11: unknown state 'opennes' (did you mean 'openness'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_json_on_the_shipped_story() -> None:
    result = her_if("check", "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert {"scenes", "choices", "endings", "words", "errors", "warnings"} <= set(report)
    assert report["errors"] == [] and report["warnings"] == []
    assert report["scenes"] >= 12 and report["words"] > 3000


def test_check_plain_summary() -> None:
    result = her_if("check", "--story", STORY)
    assert result.returncode == 0
    assert "0 errors, 0 warnings" in result.stdout


def test_check_reports_every_error_with_position_and_exit_2(write_story: WriteStory) -> None:
    act = ACT.replace("to: room", "to: rom").replace("continue: end", "continue: ned")
    root = write_story({"one.yaml": act})
    result = her_if("check", "--story", root)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "2 errors"
    assert lines[0].endswith(
        "one.yaml:11:13: choice 1 of scene 'hall' goes to unknown scene 'rom' (did you mean 'room'?)"
    )
    assert lines[1].endswith(
        "one.yaml:25:15: scene 'room' continues to unknown scene 'ned' (did you mean 'end'?)"
    )
    as_json = json.loads(her_if("check", "--json", "--story", root).stdout)
    assert [e["line"] for e in as_json["errors"]] == [11, 25]
    assert as_json["scenes"] is None


def test_a_missing_story_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = her_if("check", "--story", tmp_path / "nowhere")
    assert result.returncode == 2
    assert result.stderr == (
        f"her-if: --story {tmp_path / 'nowhere'}: no such folder; "
        "expected a story folder (with story.yaml)\n"
    )


def test_piped_input_plays_numbers_and_ids() -> None:
    result = her_if("play", stdin="1\nclose-home\n")
    assert result.returncode == 0
    assert '> "The house has been so quiet' in result.stdout
    assert '> "Welcome home.' in result.stdout
    assert "## The long way home" in result.stdout
    assert result.stdout.rstrip().endswith("(input ended)")


def test_piped_input_explains_a_bad_line_and_quits_on_q() -> None:
    result = her_if("play", stdin="7\nq\n")
    assert result.returncode == 1  # a refused line fails a piped run (tests/play/test_piped.py)
    assert "'7' is not a choice here: type a number from 1 to 3 or a choice id." in result.stdout
    assert result.stdout.rstrip().endswith("Goodbye.")


def test_piped_play_wraps_to_columns() -> None:
    result = her_if("play", stdin="q\n")
    assert max(len(line) for line in result.stdout.splitlines()) <= 72


def test_control_sequences_in_a_story_never_reach_the_output(write_story: WriteStory) -> None:
    act = ACT.replace("A second paragraph.", 'A second "\\e]52;c;aGk=\\a\\e[2J" paragraph.')
    act = (
        act.replace("    text: |\n      You stand", '    text: "You stand')
        .replace("Trust is {trust}.\n\n", "Trust is {trust}.\\n\\n")
        .replace(
            'A second "\\e]52;c;aGk=\\a\\e[2J" paragraph.\n',
            'A second \\e]52;c;aGk=\\a\\e[2J paragraph."\n',
        )
    )
    root = write_story({"one.yaml": act})
    result = her_if("play", "--story", root, stdin="q\n")
    assert result.returncode == 0, result.stderr
    assert "A second  paragraph." in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_non_interactive_commands_do_not_import_prompt_toolkit() -> None:
    """One process runs every non-interactive command, then says whether prompt_toolkit loaded."""
    probe = (
        "import contextlib, io, sys\n"
        "from her_if.cli import main\n"
        f"for args in ({['check']!r}, {['play', '--script', str(FILM)]!r}, "
        f"{['playtest', '--random', '3']!r}, {['graph']!r}, {['saves']!r}):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(args)\n"
        "print('PTK' if 'prompt_toolkit' in sys.modules else 'NO-PTK', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.stderr.strip().endswith("NO-PTK"), result.stderr


def test_no_arguments_means_play_and_help_lists_commands() -> None:
    assert "play" in her_if("--help").stdout and "check" in her_if("--help").stdout
    assert her_if(stdin="q\n").stdout.rstrip().endswith("Goodbye.")


def test_unknown_option_is_a_usage_error() -> None:
    result = her_if("play", "--bogus")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: her-if play [-h]")
    assert result.stderr.endswith(
        "her-if play: error: unrecognized option '--bogus'\n"
        "  'her-if play --help' lists its options\n"
    )


def usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines of the usage error `her-if ARGS` gives; each must fit 80 columns."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert max(len(line) for line in lines) <= 80, lines
    return lines


def test_a_mistyped_command_is_suggested_and_the_commands_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = usage_error(["plya"], capsys)
    assert lines[0].startswith("usage: her-if [-h]")
    assert lines[1:] == [
        "her-if: error: no command 'plya' (did you mean 'play'?)",
        "  the commands are play, check, playtest, graph, saves, check-saves, new-scene",
        "  and lsp;",
        "  'her-if --help' says what each one does",
    ]
    assert usage_error(["chek", "--json"], capsys)[1] == (
        "her-if: error: no command 'chek' (did you mean 'check'?)"
    )
    assert usage_error(["--new", "xyzzy"], capsys)[1] == "her-if: error: no command 'xyzzy'"


def test_an_unknown_option_is_reported_for_its_command_with_the_nearest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = usage_error(["play", "--nopace"], capsys)
    assert lines[0].startswith("usage: her-if play [-h] [--story DIR]")
    assert (
        lines[-1]
        == "her-if play: error: unrecognized option '--nopace' (did you mean '--no-pace'?)"
    )
    assert usage_error(["--nopace"], capsys)[-1] == lines[-1]  # play, the default command
    assert usage_error(["graph", "--formt=dot"], capsys)[-1].endswith("(did you mean '--format'?)")
    assert usage_error(["--json"], capsys)[-2:] == [
        "her-if play: error: unrecognized option '--json'",
        "  --json is an option of saves, check-saves, check and playtest, not of play",
    ]
    assert usage_error(["check", "extra"], capsys)[-2:] == [
        "her-if check: error: unexpected argument 'extra'",
        "  'her-if check --help' lists what it takes",
    ]


def test_every_option_and_command_has_help() -> None:
    """Walks the whole parser: an option without help is one `--help` says nothing about."""
    from her_if.cli.parser import build_parser as _parser

    top = _parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    parsers = {"her-if": top, **{f"her-if {n}": p for n, p in commands.choices.items()}}
    assert len(parsers) == 9
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, parser in parsers.items()
        for action in [*parser._actions, *_command_choices(parser)]
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []


def _command_choices(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The line `--help` gives each command."""
    return [
        choice
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    ]


def test_the_installed_console_script_is_the_same_command() -> None:
    script = Path(sys.executable).parent / "her-if"
    if not script.exists():
        found = shutil.which("her-if")
        if found is None:
            pytest.skip("her-if is not installed in this environment")
        script = Path(found)
    result = subprocess.run(
        [str(script), "check"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0 and "0 errors" in result.stdout


def test_playing_a_broken_story_reports_it_and_exits_2(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT.replace("to: room", "to: rom")})
    result = her_if("play", "--story", root, stdin="1\n")
    assert result.returncode == 2
    assert "one.yaml:11:13: choice 1 of scene 'hall' goes to unknown scene 'rom'" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_an_unwritable_transcript_is_a_clear_error(tmp_path: Path) -> None:
    result = her_if("play", "--script", FILM, "--transcript", tmp_path / "missing" / "out.txt")
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


# -- saves -------------------------------------------------------------------------------------


def test_autosave_and_continue_across_two_processes(
    write_story: WriteStory, saves_dir: Path
) -> None:
    root = write_story()
    first = her_if("play", "--story", root, stdin="2\n")
    assert first.returncode == 0, first.stderr
    assert first.stderr == f"Progress saved to {saves_dir / 'autosave.json'}.\n"
    second = her_if("play", "--story", root, "--slot", "autosave", stdin="q\n")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith(
        "\nPreviously, in The hall:\n\n  A second paragraph.\n\n> Wait.\n"
    )
    assert "## The hall" in second.stdout
    assert "  1. Open the door.\n" in second.stdout and "2. Wait." not in second.stdout


def test_new_starts_afresh_even_with_a_slot_to_resume(
    write_story: WriteStory,
    saves_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = write_story()
    story = load_story(root)
    save_game(story, saves_dir, "mine", Game(choose(story, start(story), "wait"), WHEN))
    monkeypatch.setattr(sys, "stdin", io.StringIO("q\n"))
    assert main(["play", "--story", str(root), "--slot", "mine", "--new"]) == 0
    out = capsys.readouterr().out
    assert "Previously" not in out and "  2. Wait." in out
    assert read_save(saves_dir / "mine.json", story).history == ("wait",)  # nothing played


def test_the_saves_command_lists_slots_as_text_and_json(
    write_story: WriteStory, saves_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    assert main(["saves", "--story", str(root)]) == 0
    assert capsys.readouterr().out == f"No saves in {saves_dir}/ yet.\n"
    story = load_story(root)
    save_game(story, saves_dir, "mine", Game(choose(story, start(story), "wait"), WHEN, 3700))
    (saves_dir / "broken.json").write_text("[")
    assert main(["saves", "--story", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Saves in {saves_dir}/, newest first:"
    assert lines[1].startswith("  mine  Act I: One · The hall · ")
    assert lines[1].endswith(" · played 1 h 01 min")
    assert lines[2] == (
        f"cannot read {saves_dir / 'broken.json'}: not a save file: not valid JSON "
        "(line 1 column 2: Expecting value)"
    )
    assert main(["saves", "--story", str(root), "--json", "--saves", str(saves_dir)]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(s["slot"], s["scene_title"], s["choices"]) for s in listing["saves"]] == [
        ("mine", "The hall", 1)
    ]
    assert listing["unreadable"][0]["slot"] == "broken"


@pytest.mark.parametrize("slot", ["../x", "a b", ""])
def test_a_bad_slot_name_exits_2_with_what_is_allowed(
    slot: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["play", "--slot", slot]) == 2
    assert capsys.readouterr().err.endswith("use 1 to 40 letters, digits, '-' or '_'\n")


def test_a_script_saves_only_when_given_a_slot(
    write_story: WriteStory, saves_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    script = tmp_path / "walk.yaml"
    script.write_text("choices: [wait, room]\nexpect: {ending: fin}\n")
    assert main(["play", "--story", str(root), "--script", str(script)]) == 0
    assert not saves_dir.exists()
    assert main(["play", "--story", str(root), "--script", str(script), "--slot", "done"]) == 0
    assert f"Progress saved to {saves_dir / 'done.json'}." in capsys.readouterr().err
    saved = read_save(saves_dir / "done.json", load_story(root))
    assert saved.history == ("wait", "room", "continue") and saved.scene == "one.end"


def test_a_script_from_mid_story_cannot_be_saved(
    write_story: WriteStory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "walk.yaml"
    script.write_text("from: {scene: one.room}\nchoices: []\n")
    assert (
        main(["play", "--story", str(write_story()), "--script", str(script), "--slot", "x"]) == 2
    )
    assert "starts mid-story (from:)" in capsys.readouterr().err


def test_a_broken_slot_in_piped_play_exits_2_and_is_left_alone(
    write_story: WriteStory,
    saves_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    saves_dir.mkdir()
    broken = saves_dir / "mine.json"
    broken.write_text('{"format": "her-if-save", "version": 9}')
    before = broken.read_bytes(), broken.stat().st_mtime_ns
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    assert main(["play", "--story", str(write_story()), "--slot", "mine"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == (
        f"her-if: {broken}: made by a newer her-if (save format version 9; this game reads "
        "version 3); update her-if to load it\n"
    )
    assert (broken.read_bytes(), broken.stat().st_mtime_ns) == before


class _Typing:
    """Piped input whose lines are read one at a time, running an edit before a line when
    asked, as when an author saves a story file while a piped game waits for its next line."""

    def __init__(self, *steps: str | Callable[[], object]) -> None:
        self.steps = steps

    def isatty(self) -> bool:
        return False

    def __iter__(self) -> Iterator[str]:
        for step in self.steps:
            if isinstance(step, str):
                yield step + "\n"
            else:
                step()


def test_play_watch_reloads_the_story_folders_and_the_beat_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(STORY, tmp_path / "story")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    act = tmp_path / "story" / "01-installation.yaml"
    sheet = tmp_path / "seeds" / "plot.yaml"
    text = act.read_text(encoding="utf-8")
    start_title = load_story(tmp_path / "story").scenes["installation.desk"].title
    monkeypatch.setattr(
        sys,
        "stdin",
        _Typing(
            lambda: act.write_text(text.replace(start_title, "The desk, edited"), "utf-8"),
            "help",
            lambda: sheet.write_text(sheet.read_text("utf-8") + "\n# edited\n", "utf-8"),
            "help",
            "quit",
        ),
    )
    assert main(["play", "--story", str(tmp_path / "story"), "--watch"]) == 0
    out = capsys.readouterr().out
    assert out.count("Reloaded: ") == 2
    assert "## The desk, edited" in out.split("Reloaded: ")[1]


def test_watch_is_for_playing_not_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    script = WALKTHROUGHS / "film.yaml"
    assert main(["play", "--script", str(script), "--watch"]) == 2
    assert capsys.readouterr().err == "her-if: --watch is for playing, not for --script\n"


def test_the_saves_listing_names_its_folder_as_a_path(
    write_story: WriteStory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`saves` alone reads as a word ("Saves in saves"): the folder is shown as a path."""
    root = write_story()
    monkeypatch.chdir(tmp_path)
    assert main(["saves", "--story", str(root), "--saves", "saves"]) == 0
    assert capsys.readouterr().out == "No saves in saves/ yet.\n"
    story = load_story(root)
    save_game(story, tmp_path / "saves", "mine", Game(start(story), WHEN))
    assert main(["saves", "--story", str(root), "--saves", "saves"]) == 0
    assert capsys.readouterr().out.startswith("Saves in saves/, newest first:\n  mine  ")


def refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """What `her-if ARGS` says as it refuses to start (exit 2); every line fits 80 columns,
    and the game never began."""
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and max(len(line) for line in err.splitlines()) <= 80
    return " ".join(err.split())


def test_a_saves_folder_that_cannot_hold_saves_is_refused_before_play(
    write_story: WriteStory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Said as it is, with the fix, before the first choice, not as every save then fails
    with "the folder or file went missing"."""
    story = ["--story", str(write_story())]
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    assert refused(["play", *story, "--saves", str(a_file)], capsys) == (
        f"her-if: --saves {a_file}: that is a file, not a folder; name a folder (it is made "
        "at the first save)"
    )
    assert refused(["saves", *story, "--saves", str(a_file)], capsys).startswith(
        f"her-if: --saves {a_file}: that is a file, not a folder"
    )
    assert refused(["play", *story, "--saves", str(a_file / "saves")], capsys) == (
        f"her-if: --saves {a_file / 'saves'}: to make it, {a_file} is a file, not a folder; "
        "name another folder for the saves"
    )
    assert main(["play", *story, "--saves", str(tmp_path / "new" / "saves")]) == 0


@pytest.mark.skipif(
    not os.path.isdir("/proc/1") or os.access("/proc/1", os.W_OK),
    reason="needs a folder no one may write in, as /proc/1 is on Linux",
)
def test_a_saves_folder_no_one_may_write_in_is_refused(
    write_story: WriteStory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    story = ["--story", str(write_story())]
    assert refused(["play", *story, "--saves", "/proc/1"], capsys) == (
        "her-if: --saves /proc/1: the folder is not writable by you; name a folder you can write in"
    )
    assert refused(["play", *story, "--saves", "/proc/1/saves"], capsys) == (
        "her-if: --saves /proc/1/saves: to make it, /proc/1 is not writable by you; name a "
        "folder you can write in"
    )
    assert main(["saves", *story, "--saves", "/proc/1"]) == 0  # listing it is fine


@pytest.mark.parametrize("setting", ASCII_LOCALES)
def test_a_stream_that_cannot_carry_a_character_gets_ascii_stand_ins(
    setting: str, write_story: WriteStory
) -> None:
    """`·` and `—` become `-` and `--`, anything else the stream lacks `?`: never an encoding
    error, and never UTF-8 bytes for a reader expecting ASCII."""
    root = write_story({"one.yaml": ACT.replace("A second paragraph.", "A pause — then ü.")})
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8")
    }
    env.update(PYTHONPATH=str(ROOT), **ASCII_LOCALES[setting])

    def run(*args: str, stdin: str = "") -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "her_if", *args, "--story", str(root)],
            input=stdin.encode(),
            capture_output=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.decode("ascii"), done.stderr.decode("ascii")

    out, err = run("play", stdin="wait\nsave mine\nsaves\nquit\n")
    assert "A pause -- then ?." in out and "Traceback" not in err
    assert "  mine      Act I: One - The hall - " in out
    out, _ = run("saves")
    assert "  mine      Act I: One - The hall - " in out
