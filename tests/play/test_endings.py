"""The ending screen, the endings gallery and chapter select (her_if/play/endings.py,
chapters.py), as text and through typed play: piped, and `--plain` with its title screen."""

from __future__ import annotations

import io
from pathlib import Path

from her_if.core.model import Story
from her_if.core.replay import replay
from her_if.persistence.profile import ActEntry, Profile, ended, entered, read_profile
from her_if.persistence.saves import read_save
from her_if.play.chapters import chapters, find_chapter, start_chapter
from her_if.play.commands import Playing
from her_if.play.endings import LOCKED, NOT_KEPT, ending_lines, endings, gallery_lines
from her_if.play.piped import play_lines
from her_if.play.plain import play_plain
from her_if.play.session import Game, Saving, new_game

WHEN = "2026-12-07T10:00:00+00:00"


def test_the_gallery_before_any_ending_shows_every_one_locked_without_hints(
    forks: Story,
) -> None:
    lines = gallery_lines(forks, Profile(forks.id))
    assert lines[0] == "0 of 3 endings found."
    assert lines.count(f"  {LOCKED}") == 3
    assert not any("Hint" in line for line in lines)
    assert lines[-1].startswith("Finish the game once")


def test_the_gallery_names_what_was_found_and_hints_the_rest_once_finished(
    forks: Story,
) -> None:
    profile = ended(Profile(forks.id), "sea", "The sea at dusk", WHEN)
    profile = ended(profile, "sea", "The sea at dusk", "2026-12-08T10:00:00+00:00")
    lines = gallery_lines(forks, profile)
    assert lines[0] == "1 of 3 endings found."
    assert "  The sea at dusk" in lines
    reached = lines[lines.index("  The sea at dusk") + 1]
    assert (
        reached.startswith("    Reached 2 times: first 2026-12-0") and ", last 2026-12-0" in reached
    )
    assert "    Hint: Some doors open if you knock." in lines
    assert lines.count(f"  {LOCKED}") == 2  # `stay` has no hint: only locked
    assert not any("Finish the game" in line for line in lines)


def test_without_saving_the_gallery_says_nothing_is_kept(forks: Story) -> None:
    lines = gallery_lines(forks, None)
    assert lines[:2] == ("0 of 3 endings found.", NOT_KEPT)


def test_the_ending_screen_counts_the_endings_found(forks: Story) -> None:
    state = replay(forks, ("leave",), 1).state
    profile = ended(Profile(forks.id), "quiet", "A quiet night", WHEN)
    playing = Playing(forks, Game(state, new_game(forks).created), profile=profile)
    assert ending_lines(playing)[-1] == "1 of 3 endings found."
    outcome = endings(playing)
    assert outcome.title == "Endings" and outcome.screen[0] == "1 of 3 endings found."


def test_the_ending_screen_recaps_the_stats_the_story_says_shaped_it(forks: Story) -> None:
    state = replay(forks, ("knock", "walk"), 1).state
    playing = Playing(forks, Game(state, new_game(forks).created), profile=Profile(forks.id))
    assert ending_lines(playing) == ("Knocked  yes", "", "0 of 3 endings found.")


def test_chapters_are_the_acts_entered_and_start_as_the_latest_game_entered_them(
    forks: Story, tmp_path: Path
) -> None:
    profile = entered(Profile(forks.id), ActEntry("two", ("knock",), 9, WHEN))
    assert [c.act for c in chapters(forks, profile)] == ["two"]
    assert chapters(forks, None) == ()
    chapter = find_chapter(forks, profile, "II")
    assert chapter is not None and chapter.label == "Act II: The road"
    assert (
        find_chapter(forks, profile, "1") == chapter and find_chapter(forks, profile, "x") is None
    )
    game = start_chapter(forks, Saving(tmp_path), profile, "two")
    assert game.state == replay(forks, ("knock",), 9).state and game.slot == "autosave"
    assert game.state.vars["bold"] is True


def _pipe(story: Story, text: str, folder: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    play_lines(story, io.StringIO(text), out, 72, saving=Saving(folder), err=err)
    return out.getvalue(), err.getvalue()


def test_piped_play_shows_the_ending_screen_and_takes_undo_and_endings_there(
    forks: Story, saves_dir: Path
) -> None:
    out, _err = _pipe(forks, "knock\nwalk\nendings\nundo\nsit\nendings\nquit\n", saves_dir)
    assert "1 of 3 endings found.\nType undo," in out
    assert "Endings\n\n2 of 3 endings found." in out
    assert out.count("  The sea at dusk\n") == 2 and "  Morning on the road\n" in out
    assert out.rstrip().endswith("Goodbye.")
    profile = read_profile(saves_dir, forks.id).profile
    assert {e.id for e in profile.endings} == {"sea", "stay"} and profile.finished == 2


def test_piped_play_that_ends_with_its_input_at_an_ending_says_nothing_more(
    forks: Story, saves_dir: Path
) -> None:
    out, _err = _pipe(forks, "leave\n", saves_dir)
    assert out.rstrip().endswith("*** The end: A quiet night ***")
    assert "endings found" not in out and "input ended" not in out
    assert read_profile(saves_dir, forks.id).profile.ending("quiet") is not None


def _plain(story: Story, text: str, folder: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    play_plain(story, io.StringIO(text), out, err, 72, saving=Saving(folder))
    return out.getvalue()


def test_plain_play_goes_back_to_the_title_from_an_ending_with_the_gallery_there(
    forks: Story, saves_dir: Path
) -> None:
    out = _plain(forks, "new\nknock\nwalk\ntitle\nnew\nleave\ntitle\nendings\nquit\n", saves_dir)
    assert "Type title, undo," in out
    assert "2 of 3 endings found." in out
    gallery = out[out.rindex("2 of 3 endings found.") :]
    assert "  The sea at dusk" in gallery and "  A quiet night" in gallery
    assert "Endings: those you have found" in out
    assert out.rstrip().endswith("Goodbye.")
    # the second new game kept the first in autosave-1: nothing was lost
    assert read_save(saves_dir / "autosave-1.json", forks).history == ("knock", "walk")


def test_plain_continue_of_a_game_at_its_ending_opens_the_ending_screen(
    forks: Story, saves_dir: Path
) -> None:
    _plain(forks, "new\nleave\nquit\n", saves_dir)
    out = _plain(forks, "continue\nquit\n", saves_dir)
    assert "*** The end: A quiet night ***" in out
    assert "1 of 3 endings found.\nType title, undo," in out


def test_plain_chapter_select_starts_the_act_as_the_latest_game_entered_it(
    forks: Story, saves_dir: Path
) -> None:
    _plain(forks, "new\nknock\nsit\nquit\n", saves_dir)
    out = _plain(forks, "chapter\nII\nwalk\nquit\n", saves_dir)
    assert "Chapter select: an act you have reached" in out
    assert "  1. Act I: The door\n  2. Act II: The road\n  3. Back\n" in out
    assert "Your knuckles still remember the door." in out  # the state it had: bold
    assert read_save(saves_dir / "autosave.json", forks).history == ("knock", "walk")
    # the game that was there is another: kept, never lost
    assert read_save(saves_dir / "autosave-1.json", forks).history == ("knock", "sit")
