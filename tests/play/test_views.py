"""The story-declared views: the stats, the journal and the recap drawn for a state, exactly,
on the constructs fixture; the `stats` and `journal` commands in typed play; and the shipped
story's views after real walkthroughs."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from her_if.analysis.script import load_script, run_script
from her_if.core.engine import GameState, start
from her_if.core.model import Story
from her_if.core.wording import columns
from her_if.loading.loader import load_story
from her_if.play import views
from her_if.play.command_table import typed
from her_if.play.commands import Playing
from her_if.play.piped import play_lines
from her_if.play.session import new_game
from tests.conftest import WALKTHROUGHS, WriteStory
from tests.support.paths import CONSTRUCTS


@pytest.fixture(scope="module")
def constructs_story() -> Story:
    """tests/fixtures/constructs, whose manifest declares a stat of each form and a journal."""
    return load_story(CONSTRUCTS)


def later(story: Story) -> GameState:
    """The hall, come back to with trust 4, the dice at 3, a bright mood, Amy met and the
    letter sent."""
    first = start(story)
    return replace(
        first,
        vars={**first.vars, "trust": 4, "roll": 3, "mood": "bright", "met": True},
        visits={**first.visits, "flat.sent": 1, "flat.hall": 2},
    )


def test_the_stats_of_a_new_game_are_those_whose_condition_holds(constructs_story: Story) -> None:
    assert views.stats_lines(constructs_story, start(constructs_story)) == [
        "Trust  [--------------------] 0/9",
        "Mood   calm",
    ]


def test_each_form_is_drawn_with_the_labels_aligned(constructs_story: Story) -> None:
    assert views.stats_lines(constructs_story, later(constructs_story), 40) == [
        "Trust     [#########-----------] 4/9",
        "The dice  low ----------o--------- high",
        "Mood      golden",
        "Amy       met",
    ]


def test_a_narrow_screen_puts_a_value_under_its_label(constructs_story: Story) -> None:
    lines = views.stats_lines(constructs_story, later(constructs_story), 20)
    assert lines == [
        "Trust",
        "  [##---] 4/9",
        "The dice",
        "  low --o-- high",
        "Mood      golden",
        "Amy       met",
    ]
    assert all(columns(line) <= 20 for line in lines)


def test_the_recap_is_the_stats_marked_recap(constructs_story: Story) -> None:
    assert views.recap_lines(constructs_story, later(constructs_story)) == [
        "Trust  [#########-----------] 4/9",
        "Mood   golden",
    ]


def test_a_story_without_stats_or_journal_says_so(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = start(story)
    assert views.stats_lines(story, state) == [views.NO_STATS]
    assert views.recap_lines(story, state) == []
    assert views.journal_lines(story, state) == [views.NO_JOURNAL]


def test_the_journal_shows_the_entries_whose_condition_holds_rendered(
    constructs_story: Story,
) -> None:
    assert views.journal_lines(constructs_story, start(constructs_story)) == [
        "The hall",
        "  You have stood in the hall 1 times. The dice show 0.",
    ]
    assert views.journal_lines(constructs_story, later(constructs_story)) == [
        "The hall",
        "  You have stood in the hall 2 times. The dice show 3.",
        "",
        "The letter you sent",
        "  You wrote three lines and kept one.",
        "  Amy has read it.",
        "  Trust was high when you sent it.",
    ]
    assert views.journal_lines(constructs_story, later(constructs_story), 30)[1:3] == [
        "  You have stood in the hall 2",
        "  times. The dice show 3.",
    ]


def test_stats_and_journal_are_commands_that_return_a_screen(constructs_story: Story) -> None:
    playing = Playing(constructs_story, new_game(constructs_story))
    shown = typed(playing, "stats")
    assert shown is not None and shown.title == "Stats"
    assert shown.screen == tuple(views.stats_lines(constructs_story, playing.game.state))
    assert shown.playing is playing
    read = typed(playing, "journal")
    assert read is not None and read.title == "Journal"
    assert read.screen[0] == "The hall"


def test_typed_play_prints_the_screens_as_they_are(constructs_story: Story) -> None:
    out = io.StringIO()
    play_lines(constructs_story, ["stats\n", "journal\n"], out, 80)
    text = out.getvalue()
    assert "Stats\n\nTrust  [--------------------] 0/9\nMood   calm\n" in text
    assert "Journal\n\nThe hall\n  You have stood in the hall 1 times. The dice show 0.\n" in text


def _walked(story: Story, name: str) -> GameState:
    outcome = run_script(story, load_script(WALKTHROUGHS / f"{name}.yaml", story))
    assert outcome.ok, outcome.failures
    return outcome.state


def test_the_shipped_story_after_the_films_walkthrough(shipped: Story) -> None:
    state = _walked(shipped, "film")
    assert views.stats_lines(shipped, state) == [
        "Samantha        guarded --------o-- open",
        "Amy             [############------] 4/6",
        "Catherine       you said nothing",
        "The papers      signed, slowly",
        "The stand-in    stopped",
        "The blind date  you hesitated",
        "Her numbers     you were hurt",
        "The cabin       you listened",
    ]
    assert [line for line in views.recap_lines(shipped, state) if "Catherine" in line] == []
    journal = views.journal_lines(shipped, state)
    titles = [line for line in journal if line and not line.startswith(" ")]
    assert titles == [
        "Walter to Dolores",
        "Ray to his granddaughter",
        "June to Bea",
        "Your letter to Catherine",
    ]
    assert "  It opens with the hall clock, and a summer when she first laughed at him." in journal
    assert "  It closes with love, the quiet kind, like music from another room." in journal


def test_the_shipped_journal_follows_the_letters_this_player_wrote(shipped: Story) -> None:
    state = _walked(shipped, "ending-signed")
    journal = views.journal_lines(shipped, state)
    assert "  It opens plainly, with his fear, now that she is home to hear it." in journal
    assert "  It closes by letting her go, gently, and letting yourself go too." in journal
    assert "The papers      still unsigned" in views.recap_lines(shipped, state)
    opening = views.journal_lines(shipped, start(shipped))
    assert opening == [views.NO_ENTRIES_YET]


def test_every_shipped_ending_has_a_hint(shipped: Story) -> None:
    endings = [s.ending for s in shipped.scenes.values() if s.ending is not None]
    assert len(endings) == 5
    assert all(e.hint and len(e.hint) <= 120 for e in endings)
