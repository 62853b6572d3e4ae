"""The commands layer: each player command's outcome and words, the one table that help, the
bar and typed play come from, and the one cleaning point on every way out."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from her_if.core.engine import choose, start, view
from her_if.core.model import Story
from her_if.loading.loader import load_story
from her_if.persistence.saves import SaveError, snapshot, write_save
from her_if.play import command_table, commands
from her_if.play.command_table import COMMANDS, HELP, Command, help_text, keyed, typed
from her_if.play.commands import Outcome, Playing
from her_if.play.piped import play_lines
from her_if.play.plain import play_plain
from her_if.play.reload import Reloading
from her_if.play.session import Saving, new_game
from her_if.play.transcript import Transcript
from her_if.play.tui.help import help_fragments
from her_if.play.tui.play import play_interactive
from her_if.play.tui.toolbar import toolbar
from tests.conftest import ACT, WriteStory

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
HOSTILE = "\x1b]0;pwned\x07\x1b[2J"
"""An escape a save's problem might carry, were it not cleaned where it is raised."""


def playing(story: Story, folder: Path | None = None, *choices: str) -> Playing:
    game = new_game(story)
    for choice in choices:
        game = replace(game, state=choose(story, game.state, choice))
    return Playing(story, game, Saving(folder) if folder is not None else None)


def keep(story: Story, folder: Path, slot: str, *choices: str) -> None:
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    write_save(folder, slot, snapshot(story, state, created=WHEN, updated=WHEN, play_time=5))


def text(fragments: list[tuple[str, str]] | list) -> str:  # type: ignore[type-arg]
    return "".join(fragment[1] for fragment in fragments)


# -- each command: what it does, and what it says --------------------------------------------


def test_undo_at_the_start_says_so_and_after_a_choice_goes_back(tiny: Story) -> None:
    at_start = commands.undo(playing(tiny))
    assert at_start.said == ("Nothing to undo: this is the start of the story.",)
    assert not at_start.moved
    after = commands.undo(playing(tiny, None, "wait"))
    assert after.said == ("Undone: back to The hall.",) and after.moved
    assert after.playing.game.state.history == ()


def test_save_writes_the_slot_named_and_says_where(tiny: Story, saves_dir: Path) -> None:
    outcome = commands.save(playing(tiny, saves_dir, "wait"), "mine")
    assert outcome.said == (f"Saved to {saves_dir / 'mine.json'}.",)
    assert outcome.playing.game.named == "mine" and (saves_dir / "mine.json").exists()


def test_save_refuses_a_slot_holding_another_game_until_told_to_replace_it(
    tiny: Story, saves_dir: Path
) -> None:
    keep(tiny, saves_dir, "other", "room")
    refused = commands.save(playing(tiny, saves_dir, "wait"), "other")
    assert refused.occupied is not None and refused.occupied.slot == "other"
    assert refused.said == ()
    assert commands.holds_line(refused.occupied).startswith("other already holds Act I: One")
    typed_refusal = commands.save_typed(playing(tiny, saves_dir, "wait"), "other")
    assert "type 'save other!' to replace it" in typed_refusal.said[0]
    replaced = commands.save_typed(playing(tiny, saves_dir, "wait"), "other!")
    assert replaced.said == (f"Saved to {saves_dir / 'other.json'}.",)


def test_save_under_a_bad_name_is_not_saved(tiny: Story, saves_dir: Path) -> None:
    outcome = commands.save(playing(tiny, saves_dir), "../x")
    assert outcome.said[0].startswith("Not saved: ") and not list(saves_dir.glob("*.json"))


def test_load_needs_a_name_names_a_problem_and_loads_a_slot(tiny: Story, saves_dir: Path) -> None:
    game = playing(tiny, saves_dir)
    assert commands.load(game, "").said == (
        "Load which slot? Type 'load NAME'; 'saves' lists them.",
    )
    missing = commands.load(game, "nothing")
    assert missing.said == (f"Not loaded: {saves_dir / 'nothing.json'}: no such file",)
    assert missing.loaded is None and not missing.moved
    keep(tiny, saves_dir, "mine", "wait")
    loaded = commands.load(game, "mine")
    assert loaded.said == (f"Loaded {saves_dir / 'mine.json'}.",)
    assert loaded.moved and loaded.loaded is not None
    assert loaded.playing.game.state.history == ("wait",)


def test_saves_lists_the_slots(tiny: Story, saves_dir: Path) -> None:
    game = playing(tiny, saves_dir)
    assert commands.list_slots(game).said[0].startswith("No saves in ")
    keep(tiny, saves_dir, "mine", "wait")
    said = commands.list_slots(game).said
    assert said[0].startswith("Saves in ") and said[1].startswith("  mine  Act I: One")


def test_reload_carries_the_game_onto_the_story_or_keeps_it_when_broken(
    write_story: WriteStory,
) -> None:
    root = write_story()
    story = load_story(root)
    game = replace(playing(story, None, "wait"), reloading=Reloading(lambda: load_story(root)))
    (root / "one.yaml").write_text(ACT.replace("You stand", "You wait"), encoding="utf-8")
    reloaded = commands.reload(game)
    assert reloaded.news == ("Reloaded: 3 scenes.",) and reloaded.moved
    assert "You wait" in view(reloaded.playing.story, reloaded.playing.game.state).paragraphs[0]
    (root / "one.yaml").write_text(ACT.replace("to: room", "to: rooms"), encoding="utf-8")
    broken = commands.reload(game)
    assert not broken.moved and broken.playing is game
    assert broken.said[-1].startswith("Not reloaded: the story has 1 error")


def test_quit_saves_progress_says_where_and_stops(tiny: Story, saves_dir: Path) -> None:
    outcome = commands.quit_game(playing(tiny, saves_dir, "wait"))
    assert outcome.stop and outcome.said == ("Goodbye.",)
    assert outcome.progress == (f"Progress saved to {saves_dir / 'autosave.json'}.",)
    assert commands.save_progress(playing(tiny, saves_dir)) == ()  # nothing played: no save
    assert commands.save_progress(playing(tiny, None, "wait")) == ()  # saving off


def test_autosave_marks_the_game_as_living_in_its_slot(tiny: Story, saves_dir: Path) -> None:
    outcome = commands.autosave(playing(tiny, saves_dir, "wait"))
    assert outcome.said == () and outcome.playing.game.slot == "autosave"
    assert outcome.playing.game.on_disk == ("wait",)


# -- typed play: words from the table ---------------------------------------------------------


def test_typed_lines_find_their_command_in_the_table(tiny: Story, saves_dir: Path) -> None:
    game = playing(tiny, saves_dir, "wait")
    assert typed(game, "dance") is None  # not a command: the caller refuses it
    assert typed(game, "history") is None  # a key of the terminal's alone
    quit_ = typed(game, "  QUIT ")
    assert quit_ is not None and quit_.stop
    undone = typed(game, "undo")
    assert undone is not None and undone.said == ("Undone: back to The hall.",)
    help_ = typed(game, "help")
    assert help_ is not None and "\n".join(help_.said) + "\n" == HELP


def test_commands_the_game_has_not_switched_on_say_so(tiny: Story) -> None:
    game = playing(tiny)
    for line in ("save", "load x", "saves"):
        assert typed(game, line) == Outcome(game, ("Saving is off in this game.",))
    assert typed(game, "reload") == Outcome(game, ("Reloading is off in this game.",))


# -- help and the bar come from the one table -------------------------------------------------


def test_typed_help_lists_every_form_in_the_table() -> None:
    for command in COMMANDS:
        for form, what in command.usage:
            assert f"  {form}" in HELP and what in HELP
    assert HELP.startswith("Type a choice's number or id, or a command:\n")


def test_the_help_screen_and_the_bar_name_every_key_in_the_table(tiny: Story) -> None:
    shown = text(help_fragments(200, saves=True, reload=True))
    bar = text(toolbar(view(tiny, start(tiny)), 200, saves=True, reload=True))
    for command in keyed(saves=True, reload=True):
        assert command.key_help in shown
        # the screens between playthroughs are keyed, but only help names them (see on_bar)
        assert (f"{command.key}: {command.name}" in bar) == command.on_bar
    for form, what in command_table.help_rows():
        assert form in shown and what in shown  # the typed commands, from the table too


def test_a_command_added_to_the_table_is_in_help_the_bar_and_typed_play(
    tiny: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    def look(game: Playing, rest: str) -> Outcome:
        return Outcome(game, (f"You look at {rest or 'nothing'}.",))

    row = Command("look", look, ("look", "l?"), (("look [AT]", "look around"),), "L", "look")
    monkeypatch.setattr(command_table, "COMMANDS", (*COMMANDS, row))
    column = max(len(form) for form, _what in command_table.help_rows())
    assert f"  {'look [AT]':<{column}}  look around\n" in help_text()
    assert "L: look" in text(toolbar(view(tiny, start(tiny)), 200))
    assert "look around" in text(help_fragments(200))
    looked = typed(playing(tiny), "look door")
    assert looked is not None and looked.said == ("You look at door.",)
    out = io.StringIO()
    play_lines(tiny, ["look\n", "help\n"], out, 80)
    assert "You look at nothing.\n" in out.getvalue()
    assert "look [AT]" in out.getvalue()
    shown = io.StringIO()  # the terminal binds its key from the row
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(shown)):
        pipe.send_text("L" + "q")
        pipe.close()
        play_interactive(tiny)
    assert "You look at nothing." in shown.getvalue()


# -- cleaned once, at each way out ------------------------------------------------------------


class RawSaveError(SaveError):
    """A SaveError that leaves its message as it is, escapes and all (as a SaveError may, once
    the persistence layer stops cleaning its messages)."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)


@pytest.fixture
def raw_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Saves that fail with a message quoting an escape: the play layer's outputs must clean
    it, whoever made the message."""

    def fails(*_args: object, **_kwargs: object) -> object:
        raise RawSaveError(f"bad{HOSTILE} save")

    for module in ("her_if.play.title", "her_if.play.commands"):
        for name in ("load_game", "autosave_game"):
            if hasattr(__import__(module, fromlist=[name]), name):
                monkeypatch.setattr(f"{module}.{name}", fails)


def assert_clean(said: str, *visible: str) -> None:
    assert "\x1b" not in said and "\x07" not in said and "pwned" not in said, said
    for shown in visible:
        assert shown in said, (shown, said)


def test_piped_stdout_and_stderr_clean_what_a_save_says(
    tiny: Story, saves_dir: Path, raw_problems: None
) -> None:
    out, err = io.StringIO(), io.StringIO()
    play_lines(tiny, ["load mine\n", "2\n"], out, 80, saving=Saving(saves_dir), err=err)
    assert_clean(out.getvalue(), "Not loaded: bad save")
    assert_clean(err.getvalue(), "Not saved: bad save")


def test_plain_stdout_cleans_what_a_save_says(
    tiny: Story, saves_dir: Path, raw_problems: None
) -> None:
    keep(tiny, saves_dir, "mine", "wait")
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO("1\nquit\n")  # Continue: the save fails to load; then quit
    play_plain(tiny, stdin, out, err, 80, saving=Saving(saves_dir))
    assert_clean(out.getvalue() + err.getvalue(), "Not loaded: bad save")


def test_the_transcript_cleans_a_note() -> None:
    out = io.StringIO()
    Transcript(out, 80).note(f"Not saved: bad{HOSTILE} save")
    assert_clean(out.getvalue(), "Not saved: bad save")


def test_the_terminal_screen_cleans_what_a_save_says(
    tiny: Story, saves_dir: Path, raw_problems: None
) -> None:
    keep(tiny, saves_dir, "mine", "wait")
    shown, record = io.StringIO(), io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(shown)):
        pipe.send_text("1" + "2" + "q")  # Continue (fails), New game, quit
        pipe.close()
        play_interactive(tiny, saving=Saving(saves_dir), transcript=Transcript(record, 80))
    assert_clean(shown.getvalue(), "Not loaded: bad save")
    assert_clean(record.getvalue(), "Not loaded: bad save")
