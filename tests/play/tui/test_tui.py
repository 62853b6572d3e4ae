"""The interactive front end, driven through real prompt_toolkit apps with pipe input."""

from __future__ import annotations

import asyncio
import io
import itertools
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.application.current import set_app
from prompt_toolkit.data_structures import Size
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from prompt_toolkit.utils import get_cwidth

from her_if import choose, load_story, start, view
from her_if.core.engine import GameState, Offer
from her_if.core.model import Story
from her_if.persistence.saves import AUTOSAVE, list_saves, read_save, snapshot, write_save
from her_if.play.hangup import Hangup
from her_if.play.reload import Reloading
from her_if.play.session import Saving, load_game
from her_if.play.title import title_options
from her_if.play.transcript import Transcript, render_view
from her_if.play.tui.help import help_fragments
from her_if.play.tui.markup import is_direction, marked, speakers, wrap_fragments
from her_if.play.tui.menu import POLL_SECONDS, ChoiceMenu, Resized, window
from her_if.play.tui.pace import HINT, Pace
from her_if.play.tui.pager import Pager
from her_if.play.tui.play import play_interactive
from her_if.play.tui.render import (
    MEASURE,
    Laid,
    measure,
    note_fragments,
    scene_fragments,
    title_card,
)
from her_if.play.tui.slots import ask_slot, save_hints
from her_if.play.tui.terminal import Terminal, shown
from her_if.play.tui.toolbar import toolbar
from tests.conftest import ACT, MANIFEST, STORY, WriteStory
from tests.support.stories import WITH_PORCH

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


def test_a_digit_takes_that_choice(tiny: Story) -> None:
    assert play(tiny, "2").history == ("wait",)


def test_arrows_and_enter_take_the_highlighted_choice(tiny: Story) -> None:
    assert play(tiny, DOWN + ENTER).history == ("wait",)
    assert play(tiny, DOWN + UP + ENTER).history == ("room",)
    assert play(tiny, UP + ENTER).history == ("wait",)  # the highlight wraps around


def test_vi_keys_move_too(tiny: Story) -> None:
    assert play(tiny, "j" + ENTER).history == ("wait",)


def test_enter_passes_a_pause_and_the_story_ends(tiny: Story) -> None:
    state = play(tiny, "1" + ENTER + "3", close=False)  # 3: Quit, on the ending's own screen
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
    play(tiny, "1" + ENTER + "3", close=False, transcript=Transcript(out, 60))
    text = out.getvalue()
    assert "## The hall" in text and "> Open the door." in text and "*** The end: Fin ***" in text


def test_the_real_story_plays_through_its_opening(tiny: Story) -> None:
    story = load_story(STORY)
    state = play(story, "1" + "1" + ENTER)
    assert state.history == ("memory", "close-home", "continue")
    assert state.vars["letter_line"] == "memory"


@pytest.mark.parametrize("width", [130, 100, 80, 60, 40, 24, 12])
def test_toolbar_names_act_scene_and_slot_and_fits(tiny: Story, width: int) -> None:
    text = "".join(t for _s, t, *_ in toolbar(view(tiny, start(tiny)), width, slot="mine"))
    assert len(text) == width
    if width >= 24:
        assert "q: quit" in text or "q:quit" in text
    if width >= 40:  # at 40 columns: act, scene, and the key that lists all the keys
        assert "Act I" in text and "The hall" in text and "?" in text
    if width >= 60:
        assert "Act I: One · The hall · mine" in text
    if width >= 130:
        assert "s: save  l: load  u: undo  h: history  ?: help  q: quit" in text


def test_scene_text_wraps_to_the_width_under_an_act_card(tiny: Story) -> None:
    shown = view(tiny, start(tiny))
    text = "".join(t for _s, t, *_ in scene_fragments(shown, 24, new_act=True))
    assert "ACT I" in text and "ONE" in text and "The hall" in text
    assert all(len(line) <= 24 for line in text.splitlines())
    assert "ACT I" not in "".join(t for _s, t, *_ in scene_fragments(shown, 24, new_act=False))


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


def flat(text: str) -> str:
    """`text` with every run of white space one space: a message as words, however the
    terminal's width broke its lines."""
    return " ".join(text.split())


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
    assert flat(f"Progress saved to {saves_dir / 'autosave.json'}.\nGoodbye.") in flat(
        printed(shown)
    )


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
        # Load, the bad one; back at the title: New, yes to starting it beside `good`'s
        # unfinished game, wait
        pipe.send_text("3" + "2" + "2" + "1" + "2")
        pipe.close()
        state = play_interactive(tiny, saving=Saving(saves_dir))
    assert state.history == ("wait",)
    assert flat(f"{bad}: the file is cut short (its JSON stops at line 1)") in flat(printed(shown))
    assert (bad.read_bytes(), bad.stat().st_mtime_ns) == before


def test_s_saves_under_the_name_typed_or_the_one_offered(tiny: Story, saves_dir: Path) -> None:
    play_saving(tiny, "2" + "s" + "mine\r" + "s" + "\r", saves_dir, new=True)
    assert autosaved(tiny, saves_dir, "mine") == ("wait",)
    # the game's own slot is offered once it has one
    assert {p.name for p in saves_dir.iterdir()} - {"profile"} == {"autosave.json", "mine.json"}
    play_saving(tiny, "s" + "\r", saves_dir, new=True)
    assert autosaved(tiny, saves_dir, "save-1") == ()


def test_a_bad_slot_name_is_refused_at_the_prompt(tiny: Story, saves_dir: Path) -> None:
    play_saving(tiny, "2" + "s" + "../x\r", saves_dir, new=True)
    assert {p.name for p in saves_dir.iterdir()} - {"profile"} == {"autosave.json"}


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
    assert "at step 1 of 2 the scene 'The hall' no longer has a choice 'wait'" in flat(
        printed(shown)
    )
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
    assert "s: save  l: load  u: undo  h: history  ?: help  q: quit" in with_saves
    assert "u: undo  h: history  ?: help  q: quit" in without and "s: save" not in without


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
    assert flat(
        f"{root / 'one.yaml'}:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooms' "
        "(did you mean 'room'?)\n"
        "Not reloaded: the story has 1 error; the version loaded before keeps running.\n"
    ) in flat(text)
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
    assert "u: undo  r: reload  h: history" in "".join(
        t for _s, t, *_ in toolbar(shown, 150, reload=True)
    )
    assert "s/l/u/r/h  ?: help  q: quit" in "".join(
        t for _s, t, *_ in toolbar(shown, 60, reload=True)
    )


# -- the title screen, markup, pacing, resizing, the pager, help, leaving ----------------------

PREMISED = MANIFEST.replace(
    "start: one.hall\n",
    "premise: A man, a hall, a door.\ncharacters: [Amy, Alan Watts]\nstart: one.hall\n",
)
SPOKEN = ACT.replace(
    "A second paragraph.",
    '"Hi," Amy says. Alan Watts says *nothing*.\n\n      [The hall goes quiet.]',
)


@pytest.fixture
def spoken(write_story: WriteStory) -> Story:
    return load_story(write_story({"story.yaml": PREMISED, "one.yaml": SPOKEN}))


class Resizable(PlainTextOutput):
    """Plain text output whose terminal width a test can change, as a window resize does."""

    def __init__(self, stdout: io.StringIO, columns: int = 80, rows: int = 40) -> None:
        super().__init__(stdout)
        self.columns = columns
        self.rows = rows

    def get_size(self) -> Size:
        return Size(rows=self.rows, columns=self.columns)


def styled(fragments: StyleAndTextTuples, piece: str) -> str:
    """The style of the fragment holding `piece`."""
    return next(style for style, text, *_ in fragments if piece in text)


def test_markup_styles_speech_speakers_emphasis_and_stacks_them() -> None:
    names = speakers(["Amy", "Alan Watts", "Alan"])
    runs = marked('"Hi, Amy," says Alan Watts, *softly*. Amygdala.', names, "class:text")
    assert "".join(text for _s, text, *_ in runs) == '"Hi, Amy," says Alan Watts, softly. Amygdala.'
    assert styled(runs, '"Hi, ') == "class:text class:speech"
    assert styled(runs, "Amy") == "class:text class:speech class:speaker"  # a name in speech
    assert styled(runs, "Alan Watts") == "class:text class:speaker"  # the longest name wins
    assert styled(runs, "softly") == "class:text class:emphasis"
    assert styled(runs, "Amygdala") == "class:text"  # whole words only


def test_a_bracketed_paragraph_is_a_direction_without_its_brackets() -> None:
    runs = marked("  [The screen stays dark for a while.]  ", None, "class:text")
    assert runs == [("class:text class:direction", "The screen stays dark for a while.")]
    assert is_direction("[A.]") and not is_direction("[A.] And then.")
    assert marked("See [this] here.", None, "x") == [("x", "See [this] here.")]


def test_markup_left_open_is_kept_or_runs_on() -> None:
    assert marked("a * b", None, "x") == [("x", "a * b")]  # a lone star is a star
    runs = marked('She says, "and it goes on', None, "x")  # speech into the next paragraph
    assert runs == [("x", "She says, "), ("x class:speech", '"and it goes on')]


def test_markup_strips_escape_sequences_from_the_text_and_the_names() -> None:
    runs = marked("Amy\x1b]0;owned\x07 waves.\x1b[2J", speakers(["Amy\x1b[31m"]), "x")
    assert "".join(text for _s, text, *_ in runs) == "Amy waves."
    assert styled(runs, "Amy") == "x class:speaker"


@settings(max_examples=200)
@given(
    text=st.text(alphabet=st.sampled_from(list('ab A"*[]. 語\t')), max_size=120),
    width=st.integers(min_value=1, max_value=40),
    indent=st.sampled_from(["", "  "]),
)
def test_wrapping_never_loses_moves_or_restyles_a_character(
    text: str, width: int, indent: str
) -> None:
    runs = marked(text, speakers(["A"]), "x")
    wrapped = wrap_fragments(runs, width, indent)
    before = [(c, s) for s, t, *_ in runs for c in t if not c.isspace()]
    after = [(c, s) for s, t, *_ in wrapped for c in t if not c.isspace()]
    assert after == before
    lines = "".join(t for _s, t, *_ in wrapped).split("\n")
    assert all(get_cwidth(line) <= max(width, get_cwidth(indent) + 2) for line in lines)


def test_the_scene_shows_speech_speakers_and_directions(spoken: Story) -> None:
    shown = view(spoken, start(spoken))
    fragments = scene_fragments(shown, 60, new_act=False, names=speakers(spoken.characters))
    assert styled(fragments, '"Hi,"') == "class:text class:speech"
    assert styled(fragments, "Amy") == "class:text class:speaker"
    assert styled(fragments, "nothing") == "class:text class:emphasis"
    assert styled(fragments, "The hall goes quiet.") == "class:text class:direction"
    text = "".join(t for _s, t, *_ in fragments)
    assert "[" not in text and "*" not in text
    # plain text (transcripts, --plain, pipes) keeps the markup as written
    plain = render_view(shown, 60, new_act=False)
    assert "[The hall goes quiet.]" in plain and "*nothing*" in plain


def test_the_title_screen_shows_the_title_premise_and_its_options(
    spoken: Story, saves_dir: Path
) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("3")  # no saves: New game, Help, Quit
        assert play_interactive(spoken, saving=Saving(saves_dir)) == start(spoken)
    text = printed(shown)
    assert "T I N Y" in text and "A man, a hall, a door." in text
    assert "1. New game" in text and "2. Help: the keys and commands" in text
    assert text.rstrip().endswith("Goodbye.")


@pytest.mark.parametrize("key", ["2", "?"])
def test_help_from_the_title_screen_lists_keys_and_typed_commands(
    spoken: Story, saves_dir: Path, key: str
) -> None:
    shown = io.StringIO()
    output = Resizable(shown, columns=80, rows=80)  # tall enough for the whole help at once
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(key + "q" + "1" + "q")  # help, close it, New game, quit
        state = play_interactive(spoken, saving=Saving(saves_dir))
    text = printed(shown)
    assert state == start(spoken, seed=state.seed)  # a new game, with a seed of its own
    helped = text.index("Help · lines 1-")
    for words in ("h ", "history", "Ctrl-Z", "save [NAME]", "--no-pace", "NO_COLOR"):
        assert words in text[:helped], words
    assert text.index("> New game") > helped  # the title menu came back after the help


def test_question_mark_during_play_shows_the_help_and_play_goes_on(tiny: Story) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("?" + "q" + "2" + "q")
        state = play_interactive(tiny)
    assert state.history == ("wait",)
    text = printed(shown)
    assert "Help · lines" in text and "undo the last choice" in text
    assert "s: save" not in text.split("Help · lines")[0].rsplit("The hall", 1)[1]  # not saving


def test_h_pages_through_everything_shown_starting_at_the_end(tiny: Story, saves_dir: Path) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("2" + "s" + "mine\r" + "h" + "q" + "q")
        play_interactive(tiny, saving=Saving(saves_dir), new=True)
    text = printed(shown)
    paged = flat(text)[flat(text).index(flat(f"Saved to {saves_dir / 'mine.json'}.")) :]
    # the pager shows the scenes, the choice taken and the note, and starts at the bottom
    assert "History · lines 1-" in paged
    for piece in ("The hall", "> Wait.", "Saved to"):
        assert piece in paged.split("History · lines")[0], piece


def lines_of(count: int) -> Callable[[int], StyleAndTextTuples]:
    return lambda width: [("", "\n".join(f"line {n}" for n in range(1, count + 1)))]


@pytest.mark.parametrize(
    ("keys", "top"),
    [
        ("", 61),  # starts at the end: 100 lines, 39 rows of them (one row is the status)
        ("k", 60),
        ("kkj", 60),
        ("b", 23),  # a page back keeps a line of the last one
        ("g", 0),
        ("gj\x1b[6~", 39),  # down a line, then PgDn
        ("g" + "\x1b[6~" * 9, 61),  # never past the end
        ("gG", 61),
        ("\x1b[H", 0),  # Home
        ("g\x1b[F", 61),  # End
    ],
)
def test_the_pager_scrolls_with_its_keys(keys: str, top: int) -> None:
    with keyboard() as pipe:
        pipe.send_text(keys + "q")
        pager = Pager(lines_of(100), "History", at_end=True)
        pager.run()
    assert (pager.top, pager.height) == (top, 39)


def test_the_pager_closes_with_escape_and_help_starts_at_the_top() -> None:
    with keyboard() as pipe:
        pipe.send_text("\x1b")
        pager = Pager(lines_of(100), "Help")
        pager.run()
    assert pager.top == 0


def test_the_pager_lays_its_text_out_again_for_a_new_width_keeping_the_end() -> None:
    pager = Pager(lambda width: [("", f"{width}\n" * 50)], "History", at_end=True)
    pager.layout(80, 20)
    assert pager.lines[-1] == [("", "78")] and pager.top == 50 - 19
    pager.layout(40, 30)
    assert pager.lines[-1] == [("", "38")] and pager.top == 50 - 29


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D])
def test_ctrl_c_or_d_in_the_pager_or_a_dialog_leaves_saving_the_game(
    tiny: Story, saves_dir: Path, key: str
) -> None:
    for keys in ("2" + "h" + key, "2" + "s" + key, "2" + "l" + key):
        with screen() as (pipe, shown):
            pipe.send_text(keys)
            state = play_interactive(tiny, saving=Saving(saves_dir), new=True)
        assert state.history == ("wait",), keys
        assert flat(printed(shown)).endswith(
            flat(f"Progress saved to {saves_dir / 'autosave.json'}. Goodbye.")
        )


def test_escape_cancels_saving_and_q_goes_back_from_the_load_list(
    tiny: Story, saves_dir: Path
) -> None:
    saved(tiny, saves_dir, "mine", "room")
    with screen() as (pipe, shown):
        pipe.send_text("2" + "s" + "\x1b" + "l" + "q" + "q")
        state = play_interactive(tiny, saving=Saving(saves_dir), new=True)
    assert state.history == ("wait",)  # not loaded
    assert "Not saved." in printed(shown)
    assert {p.name for p in saves_dir.iterdir()} - {"profile"} == {"autosave.json", "mine.json"}


def test_the_transcript_records_the_title_choice_scenes_choices_and_notes(
    spoken: Story, saves_dir: Path
) -> None:
    out = io.StringIO()
    with keyboard() as pipe:
        pipe.send_text("1" + "2" + "s" + "mine\r" + "1" + "u" + "q")
        play_interactive(spoken, saving=Saving(saves_dir), transcript=Transcript(out, 60))
    text = out.getvalue()
    order = [
        "Tiny\n====",
        "A man, a hall, a door.",
        "> New game",
        "## The hall",
        "[The hall goes quiet.]",
        "> Wait.",
        f"Saved to {saves_dir / 'mine.json'}.",
        "> Open the door.",
        "Undone: back to The hall.",
        f"Progress saved to {saves_dir / 'autosave.json'}.",
        "Goodbye.",
    ]
    places = [text.index(piece) for piece in order]
    assert places == sorted(places)


# pacing: a sleep of the test's own, so that nothing really waits


class Sleeps:
    """A `Pace` sleep that records each pause and (optionally) does something at one."""

    def __init__(self, at: dict[int, Callable[[], object]] | None = None) -> None:
        self.pauses: list[float] = []
        self.at = at or {}

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        action = self.at.get(len(self.pauses))
        if action is not None:
            action()
            await asyncio.Event().wait()  # wait for the key: only it can end this pause


def test_a_pause_grows_with_the_paragraph_within_bounds() -> None:
    pace = Pace()
    assert pace.after(0) == pace.shortest
    assert pace.shortest < pace.after(100) < pace.after(300) <= pace.longest
    assert pace.after(100_000) == pace.longest


def test_pacing_reveals_each_scene_a_paragraph_at_a_time(spoken: Story) -> None:
    sleeps = Sleeps()
    with screen() as (pipe, shown):
        clock = menus(pipe, "2", "q")  # keys go in only once the choices are up
        state = play_interactive(spoken, clock=clock, pace=Pace(sleep=sleeps, settle=0))
    assert state.history == ("wait",)
    paragraphs = view(spoken, state).paragraphs
    pause = [Pace().after(len(p)) for p in paragraphs[:-1]]
    assert sleeps.pauses == pause + pause  # the first scene, then the scene `wait` led to
    text = printed(shown)
    assert text.count("The hall goes quiet.") == 2 and text.count(HINT.strip()) >= 2


def test_any_key_shows_the_rest_of_the_scene_at_once(spoken: Story) -> None:
    with screen() as (pipe, shown):
        sleeps = Sleeps(at={1: lambda: pipe.send_text("x")})
        clock = menus(pipe, "q")
        state = play_interactive(spoken, clock=clock, pace=Pace(sleep=sleeps, settle=0))
    assert state == start(spoken, seed=state.seed)  # the key was used up by the pacing
    assert len(sleeps.pauses) == 1  # one pause, then the rest at once
    assert "The hall goes quiet." in printed(shown)


@pytest.mark.parametrize("tap", [" ", ENTER])
def test_a_double_tap_during_the_reveal_never_takes_a_choice(spoken: Story, tap: str) -> None:
    with screen() as (pipe, shown):
        sleeps = Sleeps(at={1: lambda: pipe.send_text(tap + tap)})  # both while it unfolds
        state = play_interactive(spoken, clock=menus(pipe, "q"), pace=Pace(sleep=sleeps, settle=0))
    assert state == start(spoken, seed=state.seed)  # the first tap showed the rest, the second
    # was dropped
    assert "> Open the door." not in printed(shown)


@pytest.mark.parametrize(("settle", "history"), [(600.0, ()), (0.0, ("room",))])
def test_a_key_just_after_a_reveal_is_the_double_tap_not_a_choice(
    spoken: Story, settle: float, history: tuple[str, ...]
) -> None:
    # the second tap of a double tap comes a moment after the first has shown the rest: the
    # choices are drawn by then, but not read; within `settle` they take no key (but Ctrl-C)
    with screen() as (pipe, _shown):
        clock = menus(pipe, "1" + CTRL_C)
        state = play_interactive(spoken, clock=clock, pace=Pace(sleep=Sleeps(), settle=settle))
    assert state.history == history


def test_keys_typed_before_a_one_paragraph_scene_is_drawn_are_dropped(tiny: Story) -> None:
    # `room` is one paragraph: nothing to reveal, but a key typed ahead still must not choose
    with screen() as (pipe, shown):
        state = play_interactive(
            tiny, clock=menus(pipe, "1" + ENTER, "q"), pace=Pace(sleep=Sleeps(), settle=0)
        )
    assert state.history == ("room",)  # the Enter typed with the 1 did not pass the pause
    assert "The end" not in printed(shown)


def test_ctrl_c_while_a_scene_is_revealed_saves_and_says_where(
    spoken: Story, saves_dir: Path
) -> None:
    with screen() as (pipe, shown):
        sleeps = Sleeps(at={3: lambda: pipe.send_text(CTRL_C)})  # in the second scene
        clock = menus(pipe, "2")
        state = play_interactive(
            spoken,
            saving=Saving(saves_dir),
            new=True,
            clock=clock,
            pace=Pace(sleep=sleeps, settle=0),
        )
    assert state.history == ("wait",)
    assert autosaved(spoken, saves_dir) == ("wait",)
    assert flat(printed(shown)).endswith(
        flat(f"Progress saved to {saves_dir / 'autosave.json'}. Goodbye.")
    )


def test_no_pace_means_no_pauses(spoken: Story) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("2" + "q")
        play_interactive(spoken)
    assert HINT.strip() not in printed(shown)


# resizing


def test_a_resize_lays_the_scene_out_again_for_the_new_width(tiny: Story) -> None:
    shown = io.StringIO()
    output = Resizable(shown, columns=80)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        narrow = lambda: setattr(output, "columns", 30)  # noqa: E731
        state = play_interactive(tiny, clock=menus(pipe, narrow, "2", "q"))
    assert state.history == ("wait",)
    text = printed(shown)
    first, again = text.split("You stand in the hall.")[1:3]
    assert "A second paragraph." in first and "A second paragraph." in again
    # the scene was shown again, wrapped to 30 columns, before the choice was taken
    again_lines = again.split("> Wait.")[0].splitlines()
    assert again_lines and all(len(line) <= 30 for line in again_lines)
    assert text.count("The hall") >= 3  # shown, shown again, shown after `wait`


def test_the_menu_reports_a_new_width_with_the_highlighted_choice(tiny: Story) -> None:
    offers = view(tiny, start(tiny)).choices
    with keyboard():
        picked = ChoiceMenu(offers, lambda width: [], selected=1, laid_out_at=Laid(100, 40)).run()
    assert picked == Resized(1)  # DummyOutput is 80 columns wide, not 100
    with keyboard():
        picked = ChoiceMenu(offers, lambda width: [], selected=1, laid_out_at=Laid(80, 24)).run()
    assert picked == Resized(1)  # and 40 rows high, not 24: the bar must go back to the bottom
    with keyboard() as pipe:
        pipe.send_text(ENTER)
        menu = ChoiceMenu(offers, lambda width: [], selected=1, laid_out_at=Laid(80, 40))
        assert menu.run() == "wait"


def test_a_hangup_saves_the_game_says_where_and_goes_on_up(tiny: Story, saves_dir: Path) -> None:
    def hang_up() -> None:
        raise Hangup(signal.SIGTERM)

    with screen() as (pipe, shown):
        clock = menus(pipe, "2", hang_up)
        with pytest.raises(Hangup):
            play_interactive(tiny, saving=Saving(saves_dir), new=True, clock=clock)
    assert autosaved(tiny, saves_dir) == ("wait",)
    assert flat(printed(shown)).endswith(
        flat(f"Progress saved to {saves_dir / 'autosave.json'}. Goodbye.")
    )


# short and wide terminals: the menu shows the highlighted choice, wrapped at the text's measure

SECOND_QUESTION = (
    "memory",
    "close-home",
    "continue",
    "catherine",
    "look-papers",
    "continue",
    "honest-social",
)


def menu_shots(offers: list[Offer], columns: int, rows: int) -> list[list[str]]:
    """The menu's lines as drawn with each choice highlighted in turn, as Down moves it."""
    output = Resizable(io.StringIO(), columns, rows)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        menu = ChoiceMenu(offers, lambda width: [])
        shots = []
        with set_app(menu.app):
            for _ in offers:
                shots.append(text_of(menu._choice_fragments()).split("\n"))
                menu.selected += 1  # what Down does
    return shots


def text_of(fragments: StyleAndTextTuples) -> str:
    return "".join(text for _s, text, *_ in fragments)


@pytest.mark.parametrize(("columns", "rows"), [(40, 8), (20, 8), (80, 5)])
def test_on_a_short_terminal_the_highlighted_choice_is_shown_with_signs_of_more(
    columns: int, rows: int
) -> None:
    story = load_story(STORY)
    state = start(story)
    for choice in SECOND_QUESTION:
        state = choose(story, state, choice)
    shown = view(story, state)
    assert shown.title == "The second question" and len(shown.choices) == 3
    for number, lines in enumerate(menu_shots(list(shown.choices), columns, rows), 1):
        assert len(lines) <= rows - 1, lines  # the bar keeps the last row
        assert any(line.startswith(f"> {number}.") for line in lines), (number, lines)
        assert all(get_cwidth(line) <= columns for line in lines)
        hidden_above = not any(line.startswith(("> 1.", "  1.")) for line in lines)
        hidden_below = not any(line.startswith(("> 3.", "  3.")) for line in lines)
        assert ("▲" in lines[0]) == hidden_above and ("▼" in lines[-1]) == hidden_below


def test_the_title_menu_at_twenty_by_eight_shows_each_option_as_it_is_highlighted(
    saves_dir: Path,
) -> None:
    story = load_story(STORY)
    saved(story, saves_dir, AUTOSAVE, *SECOND_QUESTION)
    options = title_options(list_saves(saves_dir, story))
    offers = [Offer(key, text, n) for n, (key, text) in enumerate(options, 1)]
    assert [o.id for o in offers] == ["continue", "new", "load", "help", "quit"]
    for offer, lines in zip(offers, menu_shots(offers, 20, 8), strict=True):
        assert len(lines) <= 7 and any(line.startswith(f"> {offer.number}.") for line in lines)


def test_all_the_choices_show_when_they_fit() -> None:
    story = load_story(STORY)
    offers = list(view(story, start(story)).choices)
    for lines in menu_shots(offers, 80, 24):
        assert not any("more" in line and ("▲" in line or "▼" in line) for line in lines)
        assert len([line for line in lines if line[2:3].isdigit()]) == len(offers)


@given(
    heights=st.lists(st.integers(1, 6), min_size=1, max_size=12),
    data=st.data(),
    room=st.integers(1, 30),
)
def test_the_window_holds_the_selected_item_and_fits_when_it_can(
    heights: list[int], data: st.DataObject, room: int
) -> None:
    selected = data.draw(st.integers(0, len(heights) - 1))
    before = data.draw(st.integers(0, len(heights) - 1))
    first, last = window(heights, selected, before, room)
    assert 0 <= first <= selected < last <= len(heights)
    needs = sum(heights[first:last]) + (first > 0) + (last < len(heights))
    if last - first > 1 or needs <= room:
        assert needs <= room
    if sum(heights) <= room:
        assert (first, last) == (0, len(heights))


def test_at_two_hundred_columns_choices_wrap_at_the_measure_and_cards_centre_on_the_text(
    saves_dir: Path,
) -> None:
    story = load_story(STORY)
    state = start(story)
    for choice in SECOND_QUESTION:
        state = choose(story, state, choice)
    for lines in menu_shots(list(view(story, state).choices), 200, 50):
        assert max(get_cwidth(line) for line in lines) <= MEASURE
    card = text_of(scene_fragments(view(story, state), measure(200), new_act=True)).split("\n")
    body = [line for line in card if len(line) > 60 and not line.startswith(" ")]
    centre = MEASURE / 2
    assert body and max(len(line) for line in body) <= MEASURE
    for piece in ("ACT I", "INSTALLATION"):
        line = next(line for line in card if piece in line)
        middle = (len(line) - len(line.lstrip()) + len(line.rstrip())) / 2
        assert abs(middle - centre) <= 1, (piece, middle)
    title = text_of(title_card(story, measure(200))).split("\n")
    line = next(line for line in title if "H E R" in line)
    assert abs((len(line) - len(line.lstrip()) + len(line.rstrip())) / 2 - centre) <= 1


# an ending has a screen of its own; Continue knows a game has ended


def test_an_ending_offers_the_title_screen_undo_or_quit(tiny: Story, saves_dir: Path) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("1" + ENTER + "1" + "q")  # at the ending: back to the title, then quit
        state = play_interactive(tiny, saving=Saving(saves_dir), new=True)
    text = printed(shown)
    after = text.split("The end: Fin", 1)[1]
    assert "Back to the title screen" in after and "Undo the last choice" in after
    assert "Continue (ended: Fin)" in after  # the title screen again, which knows
    assert state == start(tiny) and autosaved(tiny, saves_dir) == ("room", "continue")


def test_undo_from_an_ending_goes_back_to_the_last_choice(tiny: Story, saves_dir: Path) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("1" + ENTER + "2" + "q")
        state = play_interactive(tiny, saving=Saving(saves_dir), new=True)
    assert state.history == () and state.scene == "one.hall"  # the pause is stepped over
    assert "Undone: back to The hall." in printed(shown)
    assert autosaved(tiny, saves_dir) == ()


def test_without_saves_an_ending_can_start_again(tiny: Story) -> None:
    with screen() as (pipe, shown):
        pipe.send_text("1" + ENTER + "1" + "2" + "q")
        state = play_interactive(tiny)
    assert "Play again from the start" in printed(shown)
    assert state.history == ("wait",)  # a new game, played on


def test_continue_on_an_ended_game_says_so_and_opens_its_ending(
    tiny: Story, saves_dir: Path
) -> None:
    saved(tiny, saves_dir, AUTOSAVE, "room", "continue")
    with screen() as (pipe, shown):
        pipe.send_text("1" + "3")  # Continue, then Quit from the ending's screen
        state = play_interactive(tiny, saving=Saving(saves_dir))
    text = printed(shown)
    assert "1. Continue (ended: Fin)" in text
    assert "Quit" in text.split("The end: Fin", 1)[1]  # its screen, not the shell
    assert state.scene == "one.end"


# the history is the game's story from its start, even after Continue


def paged_history(story: Story, saves_dir: Path, keys: str) -> str:
    """What `h` shows after `keys`, on a terminal tall enough for the whole history at once."""
    shown = io.StringIO()
    output = Resizable(shown, columns=80, rows=400)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        pipe.send_text(keys + "h" + "q" + "q")
        play_interactive(story, saving=Saving(saves_dir))
    before = printed(shown).split("History · lines")[0]
    return before[before.rindex("q: quit") :]  # from the bar under the choices, the pager


def test_history_after_continue_tells_the_whole_game_apart_from_the_notes(
    spoken: Story, saves_dir: Path
) -> None:
    saved(spoken, saves_dir, AUTOSAVE, "wait", "room")
    history = paged_history(spoken, saves_dir, "1" + "s" + "mine\r")
    assert history.index("> Wait.") < history.index("> Open the door.") < history.index("wild")
    assert history.count("You stand in the hall.") == 2  # `wait` led back to the hall
    assert history.count("The room is bright.") == history.count("ACT I") == 1
    assert "Previously, in" not in history  # the recap repeats what the history now holds
    assert "Continue" not in history  # a pick on the title screen is not part of the story
    assert "│ Saved to" in flat(history)  # the note, set off from the story


# a terminal that cannot show the game's punctuation gets ASCII stand-ins, at one place


def test_a_terminal_that_cannot_show_the_punctuation_gets_ascii_stand_ins() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", write_through=True)
    terminal = Terminal(stream, lambda: Size(rows=24, columns=80))
    terminal.carries = "ascii"  # what a C locale's reader expects
    story = load_story(STORY)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=terminal):
        pipe.send_text("1" + "h" + "q" + "q")  # a choice, the history pager, quit
        play_interactive(story)
    text = raw.getvalue().decode("ascii")  # never bytes a C-locale terminal cannot show
    assert "Act I: Installation - The letter desk" in text  # the bar's separator
    assert "Act I: Installation ? The" not in text  # not the encoder's own `?`
    assert "History - lines" in text and "---" in text  # the pager's status, the act's rule


def test_a_stand_in_drawn_in_one_cell_keeps_the_width_of_what_it_stands_for() -> None:
    assert shown("Act I \u00b7 The hall \u2014 \u2026", "ascii") == "Act I - The hall -- ..."
    assert shown("\u2026", "ascii") == "."  # a cell of a drawn screen: one column still
    assert shown("\u6f22", "ascii") == "? "  # a wide character: two columns still
    assert shown("\u2026", "utf-8") == "\u2026"


# dialogs: the save field's bar follows what is typed; help says what Esc and q really do


class Answering(PlainTextOutput):
    """Plain text output that types `keys` once `sign` has been drawn: a player who reads
    the screen before going on. (It also says how many rows are below the cursor, as a real
    terminal does, so that a prompt's bar is drawn at all.)"""

    def __init__(self, stdout: io.StringIO, pipe: PipeInput, sign: str, keys: str) -> None:
        super().__init__(stdout)
        self.pipe, self.sign, self.keys = pipe, sign, keys

    def flush(self) -> None:
        super().flush()
        stdout = self.stdout
        assert isinstance(stdout, io.StringIO)
        if self.keys and self.sign in stdout.getvalue():
            self.pipe.send_text(self.keys)
            self.keys = ""

    def get_rows_below_cursor_position(self) -> int:
        return 20


def test_the_save_field_says_what_enter_will_save_as_while_a_name_is_typed() -> None:
    shown = io.StringIO()
    with create_pipe_input() as pipe:
        output = Answering(shown, pipe, "loud  Tab: existing slots  Esc: cancel", ENTER)
        with create_app_session(input=pipe, output=output), deadline(pipe):
            pipe.send_text("loud")
            assert ask_slot("save-1", ["act-one"]) == "loud"  # Enter came: the bar said so
    assert "Enter: save as save-1  Tab: existing slots" in printed(shown)  # before typing


@pytest.mark.parametrize(
    ("typed", "bar"),
    [
        ("", "Enter: save as save-1  Tab: existing slots  Esc: cancel"),
        ("quiet", "Enter: save as quiet  Tab: existing slots  Esc: cancel"),
        ("  quiet ", "Enter: save as quiet  Tab: existing slots  Esc: cancel"),
        ("no good!", "a name is 1 to 40 letters, digits, '-' or '_'  Esc: cancel"),
    ],
)
def test_the_save_hints_follow_the_name_typed(typed: str, bar: str) -> None:
    assert save_hints(typed, "save-1", True)[0] == bar


def test_help_says_esc_leaves_the_save_field_where_q_is_a_letter() -> None:
    text = flat(text_of(help_fragments(80, saves=True)))
    assert "Esc cancels (q there is just a letter)" in text
    assert "Esc or q goes back" in text and "In a dialog (saving" not in text
    assert "(or TERM=dumb)" in text and "NO_COLOR keeps this screen" in text


# messages break at word boundaries, and the paths in them stay whole


@pytest.mark.parametrize("columns", [40, 24])
def test_the_replace_question_breaks_at_spaces_on_a_narrow_terminal(
    tiny: Story, saves_dir: Path, columns: int
) -> None:
    saved(tiny, saves_dir, "other", "room")
    shown = io.StringIO()
    with create_pipe_input() as pipe:
        output = Resizable(shown, columns=columns, rows=24)
        with create_app_session(input=pipe, output=output):
            pipe.send_text("2" + "s" + "other\r" + "2" + "q")  # keep the other game
            play_interactive(tiny, saving=Saving(saves_dir), new=True)
    text = printed(shown)
    start_ = text.index("other already holds")
    lines = text[start_:].split("\n")
    note = lines[: next(n for n, line in enumerate(lines) if "minute." in line) + 1]
    assert " ".join(note) == (
        "other already holds Act I: One · The room · "
        f"{WHEN.astimezone():%Y-%m-%d %H:%M} · played under a minute."
    )  # every break at a space, none inside a word
    assert all(get_cwidth(line) <= columns for line in note)


def test_a_note_keeps_a_path_whole_even_one_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "my saves"
    path = f"{folder}/autosave.json"
    text = f"Progress saved to {path}."
    lines = text_of(note_fragments(text, 30, (str(folder),))).splitlines()
    assert lines[0] == "Progress saved to" and lines[1] == f"{path}."  # whole, over the edge
    assert text_of(note_fragments("(while parsing a flow node)", 20)).splitlines() == [
        "(while parsing a",
        "flow node)",
    ]


# the bar: back at the bottom after a resize; a title cut to fit says so


@pytest.mark.parametrize("size", [Size(rows=40, columns=80), Size(rows=24, columns=50)])
def test_after_a_resize_the_scene_is_written_up_from_the_last_row(tiny: Story, size: Size) -> None:
    sizes = [Size(rows=24, columns=80)]
    written_ = io.StringIO()
    output = Vt100_Output(written_, lambda: sizes[0], term="xterm-256color")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        resize = lambda: sizes.__setitem__(0, size)  # noqa: E731
        with deadline(pipe):  # a menu that misses the resize waits for a key: fail, not hang
            play_interactive(tiny, clock=menus(pipe, resize, "q"))
    again = written_.getvalue().split("\x1b[2J", 1)[1]  # the screen cleared for the new size
    assert again.startswith(f"\x1b[{size.rows};1H")  # the cursor to the last row, then the scene
    assert "You stand in the hall." in again


@pytest.mark.parametrize("title", ["The long way home", "長い帰り道の話です"])
def test_a_scene_title_cut_to_fit_the_bar_ends_in_an_ellipsis(
    write_story: WriteStory, title: str
) -> None:
    story = load_story(write_story({"one.yaml": ACT.replace("title: The hall", f"title: {title}")}))
    shown = view(story, start(story))
    for width in (20, 22, 24, 26):
        text = text_of(toolbar(shown, width, slot="autosave"))
        assert get_cwidth(text) == width, (width, text)
        place = text.split("  ?:help")[0].strip()
        assert place.endswith("…") and title.startswith(place[:-1].rstrip()), (width, place)


@pytest.mark.parametrize("title", ["長い廊下の向こうにある部屋", "部屋"])
def test_a_wide_title_never_costs_the_keys_a_letter(write_story: WriteStory, title: str) -> None:
    """At 40 columns (and every width from 24 to 130), with the act and the scene titled in
    wide characters, the bar is exactly the terminal's width in display columns and its keys
    end whole in `q: quit` (or `q:quit`): the title gives way, never the keys."""
    manifest = MANIFEST.replace("title: One", "title: 第一幕の長い長いタイトルです")
    act = ACT.replace("title: The hall", f"title: {title}")
    story = load_story(write_story({"story.yaml": manifest, "one.yaml": act}))
    shown = view(story, start(story))
    for width in range(24, 131):
        text = text_of(toolbar(shown, width, slot="autosave"))
        assert get_cwidth(text) == width, (width, text)
        assert text.rstrip().endswith(("q: quit", "q:quit")), (width, text)
