"""The interactive front end, driven through real prompt_toolkit apps with pipe input."""

from __future__ import annotations

import io
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from her_if import choose, load_story, start, view
from her_if.engine import GameState
from her_if.model import Story
from her_if.plain import Transcript
from her_if.reload import Reloading
from her_if.saves import AUTOSAVE, read_save, snapshot, write_save
from her_if.session import Saving, load_game
from her_if.tui.menu import POLL_SECONDS
from her_if.tui.play import play_interactive, toolbar
from her_if.tui.render import emphasised, scene_fragments
from tests.conftest import ACT, STORY, WriteStory
from tests.test_reload import WITH_PORCH

DOWN, UP, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\x1b[A", "\r", "\x03", "\x04"


@contextmanager
def keyboard() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def play(
    story: Story, keys: str, *, close: bool = True, transcript: Transcript | None = None
) -> GameState:
    with keyboard() as pipe:
        pipe.send_text(keys)
        if close:
            pipe.close()  # when the keys run out the game quits, rather than waiting forever
        return play_interactive(story, transcript=transcript)


@pytest.fixture
def tiny(write_story: WriteStory) -> Story:
    return load_story(write_story())


def test_a_digit_takes_that_choice(tiny: Story) -> None:
    assert play(tiny, "2").history == ("wait",)


def test_arrows_and_enter_take_the_highlighted_choice(tiny: Story) -> None:
    assert play(tiny, DOWN + ENTER).history == ("wait",)
    assert play(tiny, DOWN + UP + ENTER).history == ("room",)
    assert play(tiny, UP + ENTER).history == ("wait",)  # the highlight wraps around


def test_vi_keys_move_too(tiny: Story) -> None:
    assert play(tiny, "j" + ENTER).history == ("wait",)


def test_enter_passes_a_pause_and_the_story_ends(tiny: Story) -> None:
    state = play(tiny, "1" + ENTER, close=False)
    assert state.history == ("room", "continue")
    assert state.scene == "one.end"


@pytest.mark.parametrize("key", ["q", CTRL_C, CTRL_D])
def test_quit_keys_leave_without_a_traceback(tiny: Story, key: str) -> None:
    state = play(tiny, "2" + key, close=False)
    assert state.history == ("wait",)
    assert state.scene == "one.hall"


def test_closed_input_is_a_quit(tiny: Story) -> None:
    assert play(tiny, "").history == ()


def test_digits_beyond_the_choices_do_nothing(tiny: Story) -> None:
    assert play(tiny, "7" + "1").history[:1] == ("room",)


def test_interactive_play_writes_a_transcript(tiny: Story) -> None:
    out = io.StringIO()
    play(tiny, "1" + ENTER, close=False, transcript=Transcript(out, 60))
    text = out.getvalue()
    assert "## The hall" in text and "> Open the door." in text and "*** The end: Fin ***" in text


def test_the_real_story_plays_through_its_opening(tiny: Story) -> None:
    story = load_story(STORY)
    state = play(story, "1" + "1" + ENTER)
    assert state.history == ("memory", "close-home", "continue")
    assert state.vars["letter_line"] == "memory"


@pytest.mark.parametrize("width", [100, 40, 24])
def test_toolbar_names_act_and_scene_and_fits(tiny: Story, width: int) -> None:
    text = "".join(t for _s, t, *_ in toolbar(view(tiny, start(tiny)), width))
    assert len(text) <= width and "q: quit" in text
    if width >= 40:
        assert "Act I: One" in text and "The hall" in text


def test_scene_text_wraps_to_the_width_and_marks_emphasis(tiny: Story) -> None:
    shown = view(tiny, start(tiny))
    text = "".join(t for _s, t, *_ in scene_fragments(shown, 24, new_act=True))
    assert "ACT I: ONE" in text
    assert all(len(line) <= 24 for line in text.splitlines())
    assert emphasised("a *b* c", "x") == [("x", "a "), ("x class:emphasis", "b"), ("x", " c")]
    assert emphasised("a * b", "x") == [("x", "a * b")]


# -- saves: the title menu, s / l / u / q, autosave -------------------------------------------

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def play_saving(
    story: Story, keys: str, folder: Path, *, autosave: str = AUTOSAVE, **options: Any
) -> GameState:
    with keyboard() as pipe:
        pipe.send_text(keys)
        pipe.close()
        return play_interactive(story, saving=Saving(folder, autosave), **options)


@contextmanager
def screen() -> Iterator[tuple[PipeInput, io.StringIO]]:
    """Like `keyboard`, but keeping what is printed, for the few tests about the words shown."""
    shown = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(shown)):
        yield pipe, shown


def printed(shown: io.StringIO) -> str:
    return shown.getvalue().replace("\r\n", "\n")


def saved(story: Story, folder: Path, slot: str, *choices: str, hours: int = 0) -> GameState:
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    updated = WHEN + timedelta(hours=hours)
    write_save(folder, slot, snapshot(story, state, created=WHEN, updated=updated, play_time=5))
    return state


def autosaved(story: Story, folder: Path, slot: str = AUTOSAVE) -> tuple[str, ...]:
    return read_save(folder / f"{slot}.json", story).history


def test_a_first_game_starts_from_the_title_menu_and_autosaves_each_choice(
    tiny: Story, saves_dir: Path
) -> None:
    # no saves yet: the menu is New game, Quit
    state = play_saving(tiny, "1" + "2", saves_dir)
    assert state.history == ("wait",)
    assert autosaved(tiny, saves_dir) == ("wait",)


def test_quitting_at_the_title_menu_writes_nothing(tiny: Story, saves_dir: Path) -> None:
    assert play_saving(tiny, "2", saves_dir) == start(tiny)
    assert not saves_dir.joinpath(f"{AUTOSAVE}.json").exists()


@pytest.mark.parametrize("key", ["q", CTRL_C, CTRL_D])
def test_quitting_autosaves_and_says_where(tiny: Story, saves_dir: Path, key: str) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("2" + key)
        state = play_interactive(tiny, saving=Saving(saves_dir), new=True)
    assert state.history == ("wait",)
    assert autosaved(tiny, saves_dir) == ("wait",)
    assert f"Progress saved to {saves_dir / 'autosave.json'}.\nGoodbye." in printed(shown)


def test_continue_resumes_the_newest_save_with_a_recap(tiny: Story, saves_dir: Path) -> None:
    saved(tiny, saves_dir, "older", "room", hours=0)
    newest = saved(tiny, saves_dir, "newer", "wait", hours=1)
    with screen() as (pipe, shown):
        pipe.send_text("1" + "q")  # Continue, then quit
        state = play_interactive(tiny, saving=Saving(saves_dir))
    assert state == newest
    text = printed(shown)
    assert "Continue: Act I: One · The hall" in text
    recap = text.index("Previously, in The hall:")
    assert text.index("A second paragraph.", recap) < text.index("> Wait.", recap)
    assert text.index("> Wait.", recap) < text.index("The hall\n", recap + 30)


def test_load_lists_the_slots_and_loads_the_one_picked(tiny: Story, saves_dir: Path) -> None:
    saved(tiny, saves_dir, "older", "room", hours=0)
    saved(tiny, saves_dir, "newer", "wait", hours=1)
    # title: Continue, New game, Load, Quit; the list is newest first, then Back
    state = play_saving(tiny, "3" + "2", saves_dir)
    assert state.history == ("room",)


def test_a_bad_save_picked_from_load_is_reported_and_the_menu_comes_back(
    tiny: Story, saves_dir: Path
) -> None:
    saved(tiny, saves_dir, "good", "room")
    bad = saves_dir / "bad.json"
    bad.write_text('{"format": "her-if-save", "ver')
    before = bad.read_bytes(), bad.stat().st_mtime_ns
    with screen() as (pipe, shown):
        pipe.send_text("3" + "2" + "2" + "2")  # Load, the bad one; back at the title: New, wait
        pipe.close()
        state = play_interactive(tiny, saving=Saving(saves_dir))
    assert state.history == ("wait",)
    assert f"{bad}: the file is cut short (its JSON stops at line 1)\n" in printed(shown)
    assert (bad.read_bytes(), bad.stat().st_mtime_ns) == before


def test_s_saves_under_the_name_typed_or_the_one_offered(tiny: Story, saves_dir: Path) -> None:
    play_saving(tiny, "2" + "s" + "mine\r" + "s" + "\r", saves_dir, new=True)
    assert autosaved(tiny, saves_dir, "mine") == ("wait",)
    # the game's own slot is offered once it has one
    assert sorted(p.name for p in saves_dir.iterdir()) == ["autosave.json", "mine.json"]
    play_saving(tiny, "s" + "\r", saves_dir, new=True)
    assert autosaved(tiny, saves_dir, "save-1") == ()


def test_a_bad_slot_name_is_refused_at_the_prompt(tiny: Story, saves_dir: Path) -> None:
    play_saving(tiny, "2" + "s" + "../x\r", saves_dir, new=True)
    assert sorted(p.name for p in saves_dir.iterdir()) == ["autosave.json"]


def test_saving_over_another_slot_asks_first(tiny: Story, saves_dir: Path) -> None:
    kept = saved(tiny, saves_dir, "other", "room")
    play_saving(tiny, "2" + "s" + "other\r" + "2", saves_dir, new=True)  # keep it
    assert read_save(saves_dir / "other.json", tiny).state == kept
    play_saving(tiny, "2" + "s" + "other\r" + "1", saves_dir, new=True)  # replace it
    assert autosaved(tiny, saves_dir, "other") == ("wait",)


def test_l_loads_a_slot_during_play(tiny: Story, saves_dir: Path) -> None:
    mine = saved(tiny, saves_dir, "mine", "wait")
    # a new game, the door (a pause), then l: the list is newest first, so the autosave of the
    # door comes before 'mine'
    state = play_saving(tiny, "1" + "l" + "2", saves_dir, new=True)
    assert state == mine


def test_u_undoes_back_to_the_start_across_pauses(tiny: Story) -> None:
    # wait, the door (a pause), undo twice to the start, once more (nothing), then wait again
    assert play(tiny, "2" + "1" + "u" + "u" + "u" + "2").history == ("wait",)
    assert play(tiny, "2" + "1" + "u").history == ("wait",)


def test_undo_is_autosaved_too(tiny: Story, saves_dir: Path) -> None:
    play_saving(tiny, "2" + "1" + "u", saves_dir, new=True)
    assert autosaved(tiny, saves_dir) == ("wait",)


def test_a_slot_option_resumes_it_and_autosaves_there(tiny: Story, saves_dir: Path) -> None:
    saved(tiny, saves_dir, "mine", "wait")
    state = play_saving(tiny, "1", saves_dir, autosave="mine", slot="mine")
    assert state.history == ("wait", "room")
    assert autosaved(tiny, saves_dir, "mine") == ("wait", "room")
    assert not saves_dir.joinpath(f"{AUTOSAVE}.json").exists()


def test_after_a_story_edit_the_player_may_go_on_from_the_furthest_point(
    write_story: WriteStory, saves_dir: Path
) -> None:
    saves = saves_dir / "saves"
    saved(load_story(write_story()), saves, "mine", "wait", "room")
    edited = load_story(write_story({"one.yaml": ACT.replace("id: wait", "id: linger")}))
    with screen() as (pipe, shown):
        pipe.send_text("1" + "1")  # Continue, Go on from there
        pipe.close()
        state = play_interactive(edited, saving=Saving(saves))
    assert state == start(edited)
    assert "at step 1 of 2 the scene 'The hall' no longer has a choice 'wait'" in printed(shown)
    # Back returns to the title menu, and the save is left as it was
    assert play_saving(edited, "1" + "2" + "4", saves) == start(edited)
    assert autosaved(edited, saves, "mine") == ("wait", "room")


def test_play_time_counts_the_time_between_choices_capped_when_idle(
    tiny: Story, saves_dir: Path
) -> None:
    ticks = iter([0.0, 12.0, 12.0, 5000.0])
    play_saving(tiny, "2" + "1", saves_dir, new=True, clock=lambda: next(ticks, 5000.0))
    assert read_save(saves_dir / "autosave.json", tiny).play_time == 12.0 + 300.0


def test_the_toolbar_names_the_save_keys_only_when_saving(tiny: Story) -> None:
    shown = view(tiny, start(tiny))
    with_saves = "".join(t for _s, t, *_ in toolbar(shown, 120))
    without = "".join(t for _s, t, *_ in toolbar(shown, 120, saves=False))
    assert "s: save  l: load  u: undo  q: quit" in with_saves
    assert "u: undo  q: quit" in without and "s: save" not in without


# -- reloading the story: r, and --watch -------------------------------------------------------

PACED = ACT.replace("You stand in the hall.", "You pace the hall, back and forth.")
BROKEN = ACT.replace("It ends.", "It is over.").replace("to: room", "to: rooms")
FIXED = ACT.replace("It ends.", "It is over.")


def live(root: Path, *, watch: bool = False) -> Reloading:
    return Reloading(partial(load_story, root), (root,) if watch else ())


@contextmanager
def deadline(pipe: PipeInput, seconds: float = 5.0) -> Iterator[None]:
    """For tests that wait on the watch rather than on keys: if it never fires, the input
    closes (a quit) after `seconds`, so the test fails instead of hanging."""
    timer = threading.Timer(seconds, pipe.close)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def menus(pipe: PipeInput, *steps: str | Callable[[], object]) -> Callable[[], float]:
    """A clock for `play_interactive` that takes the next step as each choice menu opens (the
    loop reads the clock just before it): keys to type, or an edit to the story. When the
    steps run out the input closes, which quits, so a test that goes wrong fails, not hangs."""
    calls = itertools.count()

    def clock() -> float:
        call = next(calls)
        if call % 2 == 0:  # the loop reads the clock twice a menu: as it opens and as it closes
            step = steps[call // 2] if call // 2 < len(steps) else None
            if step is None:
                pipe.close()
            elif isinstance(step, str):
                pipe.send_text(step)
            else:
                step()
        return 0.0

    return clock


def test_r_reloads_a_text_edit_in_the_same_scene_with_state_kept(
    write_story: WriteStory, saves_dir: Path
) -> None:
    root = write_story()
    story = load_story(root)
    with screen() as (pipe, shown):
        edit = lambda: (write_story({"one.yaml": PACED}), pipe.send_text("r"))  # noqa: E731
        clock = menus(pipe, "2", edit, "1", ENTER)
        state = play_interactive(
            story, saving=Saving(saves_dir), new=True, reloading=live(root), clock=clock
        )
    assert state.history == ("wait", "room", "continue")
    after = printed(shown).split("Reloaded: 3 scenes.\n")[1]
    assert after.startswith("\nThe hall\n\nYou pace the hall, back and forth. Trust is 1.\n")
    assert "You feel wild." in after  # the mood `wait` set was kept
    # the autosave is of the story as reloaded: loading it finds nothing changed
    assert load_game(load_story(root), saves_dir, AUTOSAVE).change is None


def test_r_after_the_current_scene_is_removed_falls_back_with_a_message(
    write_story: WriteStory,
) -> None:
    root = write_story({"one.yaml": WITH_PORCH})
    with screen() as (pipe, shown):
        edit = lambda: (write_story({"one.yaml": ACT}), pipe.send_text("r"))  # noqa: E731
        clock = menus(pipe, "2", "2", edit, "q")  # wait, then the porch
        state = play_interactive(load_story(root), reloading=live(root), clock=clock)
    assert state.scene == "one.hall" and state.history == ("wait",)
    after = printed(shown).split("Reloaded: 3 scenes.\n")[1]
    assert after.startswith("Scene 'one.porch' was removed; back at 'The hall'.\n\nThe hall\n")


def test_r_with_a_broken_story_lists_the_errors_and_plays_on_the_old_one(
    write_story: WriteStory,
) -> None:
    root = write_story()
    with screen() as (pipe, shown):
        edit = lambda: (write_story({"one.yaml": BROKEN}), pipe.send_text("r"))  # noqa: E731
        clock = menus(pipe, "2", edit, "1", ENTER)
        state = play_interactive(load_story(root), reloading=live(root), clock=clock)
    text = printed(shown)
    assert (
        f"{root / 'one.yaml'}:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooms' "
        "(did you mean 'room'?)\n"
        "Not reloaded: the story has 1 error; the version loaded before keeps running.\n"
    ) in text
    assert state.history == ("wait", "room", "continue")
    assert "It ends." in text and "It is over." not in text


def test_r_after_a_fix_reloads_from_where_the_player_is(write_story: WriteStory) -> None:
    root = write_story()
    with screen() as (pipe, shown):
        broken = lambda: (write_story({"one.yaml": BROKEN}), pipe.send_text("r"))  # noqa: E731
        fixed = lambda: (write_story({"one.yaml": FIXED}), pipe.send_text("r"))  # noqa: E731
        clock = menus(pipe, "2", broken, fixed, "1", ENTER)
        state = play_interactive(load_story(root), reloading=live(root), clock=clock)
    text = printed(shown)
    assert state.history == ("wait", "room", "continue")
    assert (
        text.index("Not reloaded:") < text.index("Reloaded: 3 scenes.") < text.index("It is over.")
    )
    assert "You feel wild." in text and "It ends." not in text


def test_watch_reloads_a_change_when_the_menu_polls(write_story: WriteStory) -> None:
    root = write_story()
    with screen() as (pipe, shown):
        # no key at the second menu: the change alone brings the reload
        clock = menus(pipe, "2", lambda: write_story({"one.yaml": PACED}), "q")
        with deadline(pipe):
            state = play_interactive(
                load_story(root), reloading=live(root, watch=True), clock=clock
            )
    text = printed(shown)
    assert state.history == ("wait",)
    assert text.count("Reloaded: 3 scenes.") == 1
    assert "You pace the hall" in text.split("Reloaded: 3 scenes.")[1]


def test_watch_reports_a_break_once_and_reloads_the_fix(write_story: WriteStory) -> None:
    root = write_story()
    with screen() as (pipe, shown):
        clock = menus(
            pipe,
            "2",
            lambda: write_story({"one.yaml": BROKEN}),
            lambda: write_story({"one.yaml": FIXED}),
            "1",
            ENTER,
        )
        with deadline(pipe):
            state = play_interactive(
                load_story(root), reloading=live(root, watch=True), clock=clock
            )
    text = printed(shown)
    assert state.history == ("wait", "room", "continue")
    assert text.count("Not reloaded:") == 1 and text.count("Reloaded: 3 scenes.") == 1
    assert (
        text.index("Not reloaded:") < text.index("Reloaded: 3 scenes.") < text.index("It is over.")
    )


def test_without_watch_a_change_waits_for_r(write_story: WriteStory) -> None:
    root = write_story()
    with screen() as (pipe, shown):
        clock = menus(
            pipe, "2", lambda: (write_story({"one.yaml": FIXED}), pipe.send_text("1")), ENTER
        )
        play_interactive(load_story(root), reloading=live(root), clock=clock)
    assert "Reloaded" not in printed(shown) and "It ends." in printed(shown)


def test_the_real_watcher_fires_while_the_menu_waits(write_story: WriteStory) -> None:
    """The one test that waits: a save made after the menu opened is seen by the next poll."""
    root = write_story()
    later = threading.Timer(0.2, lambda: write_story({"one.yaml": PACED}))
    with screen() as (pipe, shown):
        clock = menus(pipe, later.start, "q")
        began = time.monotonic()
        with deadline(pipe):
            play_interactive(load_story(root), reloading=live(root, watch=True), clock=clock)
        waited = time.monotonic() - began
    later.join()
    assert "You pace the hall" in printed(shown).split("Reloaded: 3 scenes.")[1]
    assert 0.2 <= waited < 2 * POLL_SECONDS + 0.5


def test_the_toolbar_names_r_when_the_story_can_be_reloaded(tiny: Story) -> None:
    shown = view(tiny, start(tiny))
    assert "u: undo  r: reload  q: quit" in "".join(
        t for _s, t, *_ in toolbar(shown, 150, reload=True)
    )
    assert "s/l/u/r  q: quit" in "".join(t for _s, t, *_ in toolbar(shown, 44, reload=True))
