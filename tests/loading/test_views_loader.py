"""The manifest's `stats:` and `journal:`, and an ending's `hint:`: what loads, and every
mistake reported at once, each at its own place, naming the fix."""

from __future__ import annotations

import pytest

from her_if.core.model import Story
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ACT, MANIFEST, WriteStory

GOOD = """\
stats:
  - {name: trust, label: Trust, recap: true}
  - {name: doubt, label: Doubt, form: pair, left: cold, right: warm}
  - {name: mood, label: Mood, words: {wild: restless}, if: visited("one.room")}
  - {name: met, label: Met, words: {true: yes indeed}}
journal:
  - id: hall
    title: In the hall
    text: You stood in the hall {= visits("one.hall")} times.
  - id: room
    title: In the room
    if: visited("one.room")
    text:
      - The room was bright.
      - {text: "You were {mood}.", if: met}
"""


def _errors(write_story: WriteStory, files: dict[str, str]) -> list[str]:
    """Every message, its path from the story's folder."""
    root = write_story(files)
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [str(d).replace(f"{root.parent}/", "") for d in caught.value.diagnostics]


def test_stats_and_journal_load_with_their_defaults(write_story: WriteStory) -> None:
    manifest = MANIFEST.replace(
        "state:\n", "state:\n  doubt: {type: counter, min: -2, max: 2, default: 0}\n"
    )
    story = load_story(write_story({"story.yaml": manifest + GOOD}))
    assert [(s.name, s.form, s.recap) for s in story.stats] == [
        ("trust", "bar", True),
        ("doubt", "pair", False),
        ("mood", "word", False),
        ("met", "word", False),
    ]
    assert (story.stats[1].left, story.stats[1].right) == ("cold", "warm")
    assert dict(story.stats[3].words) == {"yes": "yes indeed"}
    assert story.stats[2].condition is not None
    assert [(e.id, e.title, len(e.paragraphs)) for e in story.journal] == [
        ("hall", "In the hall", 1),
        ("room", "In the room", 2),
    ]


def test_every_mistake_in_the_views_is_reported_at_once_at_its_place(
    write_story: WriteStory,
) -> None:
    found = _errors(
        write_story,
        {
            "story.yaml": MANIFEST
            + """\
stats:
  - {name: trsut, label: Trust}
  - {name: mood, label: Mood, form: bar}
  - {name: trust, label: Trust, form: word}
  - {name: trust, label: Trust, form: pie}
  - {name: mood, label: Mood, words: {wilder: wild}}
  - {name: trust, label: "{trust}"}
  - {name: trust, label: A label far longer than a column of labels}
  - {name: trust, label: Trust, form: pair, left: cold}
  - {name: met, label: Met, if: "trust >"}
journal:
  - {id: a, title: A, text: "Hello {nobody}."}
  - {id: a, title: Again, text: Twice.}
  - {id: b, title: B, if: visited("one.nowhere"), text: Somewhere.}
"""
        },
    )
    assert found == [
        "story/story.yaml:11:12: stat names 'trsut', which is not declared state (did you mean 'trust'?)",
        "story/story.yaml:12:37: stat form 'bar' draws a counter, but 'mood' is an enum: use 'form: word'",
        "story/story.yaml:13:39: stat form 'word' shows an enum or a flag, but 'trust' is a counter: use 'form: bar' (or 'pair' with 'left:' and 'right:')",
        "story/story.yaml:14:39: stat form 'pie' is not one of bar, pair, word",
        "story/story.yaml:15:39: 'wilder' is not a value of 'mood' (calm, wild) (did you mean 'wild'?)",
        "story/story.yaml:16:26: stat label holds a brace; it is shown as it is, so write plain words (text forms belong in a journal entry's text)",
        "story/story.yaml:17:26: stat label is 42 characters; it is one short line, so keep it to 24",
        "story/story.yaml:18:39: a pair needs 'right:', the word for the counter's maximum",
        "story/story.yaml:19:41: cannot parse condition: invalid syntax",
        "story/story.yaml:21:36: {nobody} in journal entry 'a' is not declared state (did you mean 'mood'?)",
        "story/story.yaml:22:10: journal entry 'a' is listed twice (first at line 21); give each entry its own id",
        "story/story.yaml:23:35: visited() names unknown scene 'one.nowhere'",
    ]


def test_a_stat_listed_twice_is_refused(write_story: WriteStory) -> None:
    found = _errors(
        write_story,
        {
            "story.yaml": MANIFEST
            + "stats:\n  - {name: trust, label: Trust}\n  - {name: trust, label: Again}\n"
        },
    )
    assert found == [
        "story/story.yaml:12:12: stat 'trust' is listed twice (first at line 11); show each "
        "piece of state once"
    ]


def test_an_endings_hint_is_read_and_kept_plain(write_story: WriteStory) -> None:
    hinted = ACT.replace("{id: fin, title: Fin}", "{id: fin, title: Fin, hint: Open the door.}")
    story: Story = load_story(write_story({"one.yaml": hinted}))
    ending = story.scenes["one.end"].ending
    assert ending is not None and ending.hint == "Open the door."
    braced = ACT.replace("{id: fin, title: Fin}", '{id: fin, title: Fin, hint: "{trust}"}')
    assert _errors(write_story, {"one.yaml": braced}) == [
        "story/one.yaml:29:41: ending hint holds a brace; it is shown as it is, so write plain "
        "words (text forms belong in a journal entry's text)"
    ]
