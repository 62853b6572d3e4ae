"""Piped play: choices and commands a line at a time, autosaving as it goes."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from her_if import load_story
from her_if.core.model import Story
from her_if.persistence.saves import fingerprint, read_save
from her_if.play.piped import play_lines
from her_if.play.reload import Reloading
from her_if.play.session import Saving, load_game
from tests.conftest import ACT, WriteStory
from tests.support.cli import her_if
from tests.support.stories import WITH_PORCH


def pipe(story: Story, text: str, folder: Path | None, **options: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    saving = Saving(folder) if folder is not None else None
    play_lines(story, io.StringIO(text), out, 72, saving=saving, err=err, **options)  # type: ignore[arg-type]
    return out.getvalue(), err.getvalue()


def test_every_choice_is_autosaved_and_the_end_of_input_says_where(
    tiny: Story, saves_dir: Path
) -> None:
    out, err = pipe(tiny, "2\n", saves_dir)
    assert read_save(saves_dir / "autosave.json", tiny).history == ("wait",)
    assert out.rstrip().endswith("(input ended)")
    assert err == f"Progress saved to {saves_dir / 'autosave.json'}.\n"


def test_a_game_that_has_not_moved_saves_nothing(tiny: Story, saves_dir: Path) -> None:
    out, err = pipe(tiny, "quit\n", saves_dir)
    assert out.rstrip().endswith("Goodbye.") and err == ""
    assert not saves_dir.exists()


def test_save_load_undo_and_saves_commands(tiny: Story, saves_dir: Path) -> None:
    out, _ = pipe(tiny, "2\nsave mine\nundo\nsaves\nload mine\nsave\nquit\n", saves_dir)
    assert f"Saved to {saves_dir / 'mine.json'}.\n" in out
    assert "Undone: back to The hall.\n" in out
    assert "Saves in " in out and "  mine      Act I: One · The hall · " in out
    assert f"Loaded {saves_dir / 'mine.json'}.\n\nPreviously, in The hall:" in out
    assert out.count(f"Saved to {saves_dir / 'mine.json'}.") == 2  # plain `save`: the loaded slot
    assert out.rstrip().endswith("Goodbye.")
    # the undo was autosaved where that game lives; the game loaded from `mine` lives there
    assert read_save(saves_dir / "autosave.json", tiny).history == ()
    assert read_save(saves_dir / "mine.json", tiny).history == ("wait",)


def test_save_without_a_name_uses_the_games_slot_or_a_free_one(
    tiny: Story, saves_dir: Path
) -> None:
    out, _ = pipe(tiny, "save\nsave\n", saves_dir)
    assert out.count(f"Saved to {saves_dir / 'save-1.json'}.") == 2
    out, _ = pipe(tiny, "save\n", saves_dir)  # another game: save-1 is taken
    assert f"Saved to {saves_dir / 'save-2.json'}." in out


def test_bad_commands_are_answered_and_play_goes_on(tiny: Story, saves_dir: Path) -> None:
    (saves_dir).mkdir()
    broken = saves_dir / "broken.json"
    broken.write_text("{")
    out, _ = pipe(tiny, "save ../x\nload\nload nothing\nload broken\nundo\n7\n2\n", saves_dir)
    assert "Not saved: '../x' is not a slot name: use 1 to 40 letters, digits, '-' or '_'" in out
    assert "Load which slot? Type 'load NAME'; 'saves' lists them." in out
    assert f"Not loaded: {saves_dir / 'nothing.json'}: no such file" in out
    assert f"Not loaded: {broken}: the file is cut short (its JSON stops at line 1)" in out
    assert "Nothing to undo: this is the start of the story." in out
    assert "'7' is not a choice here: type a number from 1 to 2 or a choice id." in out
    assert "> Wait." in out and broken.read_text() == "{"


def test_a_choice_named_like_a_command_is_taken_as_the_choice(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": ACT.replace("id: wait", "id: undo")}))
    out, _ = pipe(story, "undo\nundo\n", None)
    assert out.count("> Wait.") == 1  # the first `undo` is the choice, the second the command
    assert "Undone: back to The hall." in out


def test_without_saving_the_save_commands_say_so(tiny: Story) -> None:
    out, _ = pipe(tiny, "save\nload x\nsaves\n", None)
    assert out.count("Saving is off in this game.") == 3


def test_resuming_shows_what_changed_and_what_led_here(
    write_story: WriteStory, saves_dir: Path
) -> None:
    before = load_story(write_story())
    pipe(before, "2\n1\n", saves_dir)  # wait, the door: the game ends and is autosaved
    after = load_story(write_story({"one.yaml": ACT.replace("It ends.", "It is over.")}))
    out, _ = pipe(after, "", saves_dir, resumed=load_game(after, saves_dir, "autosave"))
    assert out.startswith(
        "The story has changed since this save; your place in it has not.\n\n"
        "Previously, in The room:\n\n  You feel wild.\n"
    )
    assert "It is over." in out


def test_an_autosave_that_cannot_be_written_is_reported_on_err(
    tiny: Story, saves_dir: Path
) -> None:
    saves_dir.mkdir()
    (saves_dir / "autosave.json").write_text('{"format": "ink"}')
    out, err = pipe(tiny, "2\n", saves_dir)
    assert "> Wait." in out
    assert err.startswith(f"Not saved: {saves_dir / 'autosave.json'}: not saving over it, since ")
    assert (saves_dir / "autosave.json").read_text() == '{"format": "ink"}'


def test_piped_play_counts_play_time(tiny: Story, saves_dir: Path) -> None:
    ticks = iter([0.0, 42.0])
    pipe(tiny, "2\n", saves_dir, clock=lambda: next(ticks, 42.0))
    assert read_save(saves_dir / "autosave.json", tiny).play_time == 42.0


# -- reloading the story: the `reload` command and --watch ------------------------------------

PACED = ACT.replace("You stand in the hall.", "You pace the hall, back and forth.")
BROKEN = ACT.replace("It ends.", "It is over.").replace("to: room", "to: rooms")
FIXED = ACT.replace("It ends.", "It is over.")


def live(root: Path, *, watch: bool = False) -> Reloading:
    return Reloading(partial(load_story, root), (root,) if watch else ())


def feed(*steps: str | Callable[[], object]) -> Iterator[str]:
    """Lines to play, with story edits between them: an edit runs when the line after it is
    read, as when an author saves while the player is typing."""
    for step in steps:
        if isinstance(step, str):
            yield step + "\n"
        else:
            step()


def play_live(story: Story, lines: Iterable[str], folder: Path | None, **options: Any) -> str:
    out = io.StringIO()
    saving = Saving(folder) if folder is not None else None
    play_lines(story, lines, out, 72, saving=saving, err=io.StringIO(), **options)
    return out.getvalue()


def test_reload_shows_a_text_edit_in_the_same_scene_with_state_kept(
    write_story: WriteStory, saves_dir: Path
) -> None:
    root = write_story()
    story = load_story(root)
    before = fingerprint(story)  # of the files as they are now
    lines = feed("2", lambda: write_story({"one.yaml": PACED}), "reload", "1")
    out = play_live(story, lines, saves_dir, reloading=live(root))
    after = out.split("> Wait.\n")[1]
    assert (
        "Reloaded: 3 scenes.\n\n## The hall\n\nYou pace the hall, back and forth. Trust is 1."
        in after
    )
    # the place and the state held: `wait` was taken (so is gone) and its mood shows in the room
    assert "2. Wait." not in after and "You feel wild." in after
    # the autosave after the next choice records the story as it is now
    saved = read_save(saves_dir / "autosave.json", story)
    assert saved.fingerprint == fingerprint(load_story(root)) != before
    assert load_game(load_story(root), saves_dir, "autosave").change is None


def test_reload_after_the_current_scene_is_removed_falls_back_with_a_message(
    write_story: WriteStory,
) -> None:
    root = write_story({"one.yaml": WITH_PORCH})
    lines = feed("2", "porch", lambda: write_story({"one.yaml": ACT}), "reload", "1")
    out = play_live(load_story(root), lines, None, reloading=live(root))
    assert "## The porch" in out
    after = out.split("Reloaded: 3 scenes.\n")[1]
    assert after.startswith("Scene 'one.porch' was removed; back at 'The hall'.\n\n## The hall\n")
    assert "You feel wild." in after  # `wait` still counts: the history replays up to the porch


def test_reload_of_a_broken_story_lists_the_errors_and_plays_on_the_old_one(
    write_story: WriteStory,
) -> None:
    root = write_story()
    lines = feed("2", lambda: write_story({"one.yaml": BROKEN}), "reload", "1")
    out = play_live(load_story(root), lines, None, reloading=live(root))
    assert (
        f"{root / 'one.yaml'}:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooms' "
        "(did you mean 'room'?)\n"
        "Not reloaded: the story has 1 error; the version loaded before keeps running.\n"
        "\n> Open the door.\n"
    ) in out
    assert "It ends." in out and "It is over." not in out


def test_a_later_fix_reloads_from_where_the_player_is(write_story: WriteStory) -> None:
    root = write_story()
    lines = feed(
        "2",
        lambda: write_story({"one.yaml": BROKEN}),
        "reload",
        lambda: write_story({"one.yaml": FIXED}),
        "reload",
        "1",
    )
    out = play_live(load_story(root), lines, None, reloading=live(root))
    assert out.index("Not reloaded:") < out.index("Reloaded: 3 scenes.") < out.index("It is over.")
    assert "You feel wild." in out and "It ends." not in out


def test_watch_reloads_before_reading_the_next_line_and_reports_a_break_once(
    write_story: WriteStory,
) -> None:
    root = write_story()
    lines = feed(
        "2",
        lambda: write_story({"one.yaml": BROKEN}),
        "help",
        "help",
        "help",
        lambda: write_story({"one.yaml": FIXED}),
        "help",
        "1",
    )
    out = play_live(load_story(root), lines, None, reloading=live(root, watch=True))
    assert out.count("Not reloaded: the story has 1 error;") == 1
    assert out.count("Reloaded: 3 scenes.") == 1
    assert out.index("Not reloaded:") < out.index("Reloaded:") < out.index("It is over.")
    assert "You feel wild." in out and "It ends." not in out


def test_a_reload_asked_for_while_watching_is_not_repeated_by_the_watch(
    write_story: WriteStory,
) -> None:
    root = write_story()
    lines = feed("2", lambda: write_story({"one.yaml": PACED}), "reload", "help", "1")
    out = play_live(load_story(root), lines, None, reloading=live(root, watch=True))
    assert out.count("Reloaded: 3 scenes.") == 1


def test_without_watch_a_change_waits_for_reload(write_story: WriteStory) -> None:
    root = write_story()
    lines = feed("2", lambda: write_story({"one.yaml": FIXED}), "help", "1")
    out = play_live(load_story(root), lines, None, reloading=live(root))
    assert "Reloaded" not in out and "It ends." in out


def test_reload_is_in_the_help_and_says_when_it_is_off(tiny: Story) -> None:
    out = play_live(tiny, feed("help", "reload"), None)
    assert "  reload       read the story again from disk, keeping your place\n" in out
    assert "Reloading is off in this game.\n" in out


LISTEN = ACT.replace(
    "    choices:\n      - text: Open the door.",
    "    choices:\n      - id: listen\n        text: Listen at the door.\n        to: room\n"
    "      - text: Open the door.",
)


def test_a_line_typed_after_an_edit_is_read_against_the_reloaded_story(
    write_story: WriteStory,
) -> None:
    """With --watch, a number typed after the author saved means what the new story shows."""
    root = write_story()
    lines = feed(lambda: write_story({"one.yaml": LISTEN}), "1", "q")
    out = play_live(load_story(root), lines, None, reloading=live(root, watch=True))
    assert out.index("Reloaded: 3 scenes.") < out.index("> Listen at the door.")
    assert "> Open the door." not in out


def test_a_new_piped_game_keeps_the_game_autosaved_before_it(tiny: Story, saves_dir: Path) -> None:
    """Piped play without --slot starts a new game; its first autosave must not cost the
    player the game that was in `autosave`: that one moves to `autosave-1`, and err says so."""
    pipe(tiny, "2\n", saves_dir)  # an earlier game: it waited
    before = (saves_dir / "autosave.json").read_bytes()
    _, err = pipe(tiny, "1\n", saves_dir)  # a new one: it opens the door, and so ends
    assert err == (
        "The game that was in autosave before this one is kept in "
        f"{saves_dir / 'autosave-1.json'}.\n"
    )
    assert (saves_dir / "autosave-1.json").read_bytes() == before
    assert read_save(saves_dir / "autosave.json", tiny).history[0] != "wait"
    out, _ = pipe(tiny, "saves\n", saves_dir)
    assert "  autosave-1  Act I: One · The hall · " in out


def test_strict_play_goes_on_past_a_refused_line_and_then_fails_naming_it(
    tiny: Story, saves_dir: Path
) -> None:
    """A tester's piped script must not go wrong unseen: the game still plays the lines that
    are choices, and at the end the status is 1 and err's last line names each refused one."""
    text = "funny-line\n2\n7\n\n1\n"  # line 4 is blank: skipped, but not refused
    out, err = io.StringIO(), io.StringIO()
    status = play_lines(
        tiny, io.StringIO(text), out, 72, saving=Saving(saves_dir), err=err, strict=True
    )
    assert status == 1
    assert "'funny-line' is not a choice here" in out.getvalue()
    assert "The end" in out.getvalue()  # play went on to the ending
    assert err.getvalue().splitlines()[-1] == (
        "her-if: 2 lines were neither a choice on offer nor a command: "
        "line 1 'funny-line', line 3 '7'"
    )
    clean_run = io.StringIO()
    assert (
        play_lines(tiny, io.StringIO("2\n1\n"), io.StringIO(), 72, err=clean_run, strict=True) == 0
    )
    assert clean_run.getvalue() == ""
    lenient = io.StringIO()  # --plain at a terminal: a typo is answered, not held against you
    assert play_lines(tiny, io.StringIO(text), io.StringIO(), 72, err=lenient) == 0
    assert "neither a choice" not in lenient.getvalue()


def test_strict_play_names_ten_refused_lines_and_counts_the_rest(tiny: Story) -> None:
    err = io.StringIO()
    lines = "".join(f"nope-{n}\n" for n in range(1, 13)) + "quit\n"
    assert play_lines(tiny, io.StringIO(lines), io.StringIO(), 72, err=err, strict=True) == 1
    last = err.getvalue().splitlines()[-1]
    assert last.startswith("her-if: 12 lines were neither a choice on offer nor a command: ")
    assert "line 10 'nope-10'" in last and "nope-11" not in last
    assert last.endswith(" and 2 more")


def test_a_piped_run_with_a_refused_line_exits_1(write_story: WriteStory) -> None:
    root = write_story()
    result = her_if("play", "--story", root, stdin="2\nfunny-line\n1\n")
    assert result.returncode == 1
    assert "The end" in result.stdout
    assert result.stderr.splitlines()[-1] == (
        "her-if: 1 line was neither a choice on offer nor a command: line 2 'funny-line'"
    )
    assert her_if("play", "--story", root, stdin="2\n1\n").returncode == 0
