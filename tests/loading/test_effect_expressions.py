"""Effects from expressions and draws, at load: `set:` and `add:` from an expression over
state, `random()` and `pick()` as a set's whole value, each typed against its variable, and
every mistake said at its character with what to write instead."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from her_if.core.expr import Arith, Compare, Extreme, Literal, Var, Visits
from her_if.core.model import AddEffect, ComputeEffect, DrawEffect, Effect, SetEffect
from her_if.loading.loader import load_story
from her_if.loading.story_limits import MAX_EFFECTS
from tests.conftest import WriteStory
from tests.support.load_errors import load_errors

MANIFEST = """\
id: fx
title: Effects
start: one.hall
acts:
  - {id: one, title: One, file: one.yaml}
  - {id: two, title: Two, file: two.yaml}
state:
  trust: {type: counter, min: 0, max: 3, default: 1}
  roll: {type: counter, min: 1, max: 6, default: 1}
  met: {type: flag, default: false}
  mood: {type: enum, values: [calm, wild], default: calm}
  weather: {type: enum, values: [wild, calm], default: wild}
  tone: {type: enum, values: [calm, wild, sad], default: calm}
"""

ACT = """\
act: one
scenes:
  hall:
    title: The hall
    text: A hall.
    choices:
      - id: go
        text: Go.
        to: two.end
{effects}
"""
"""One choice, whose effects (indented under it) are under test."""

TWO = """\
act: two
scenes:
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


def write(write_story: WriteStory, effects: str) -> Path:
    """The story with `effects` under the one choice; they start on line 10, column 9."""
    lines = "\n".join(f"        {line}" for line in textwrap.dedent(effects).strip().splitlines())
    return write_story(
        {"story.yaml": MANIFEST, "one.yaml": ACT.format(effects=lines), "two.yaml": TWO}
    )


def effects_of(write_story: WriteStory, effects: str) -> tuple[Effect, ...]:
    story = load_story(write(write_story, effects))
    return story.scenes["one.hall"].choices[0].effects


def test_an_expression_value_is_a_computed_effect_and_a_plain_value_stays_a_set(
    write_story: WriteStory,
) -> None:
    found = effects_of(
        write_story,
        """
        set:
          trust: "min(trust * 2, 3)"
          met: "trust >= 2"
          mood: weather
          tone: "mood"
          roll: 4
        add: {trust: 'visits("hall")', roll: -1}
        """,
    )
    computed = {(e.name, e.add): e.expression for e in found if isinstance(e, ComputeEffect)}
    trust = computed["trust", False]
    assert trust.tree == Extreme("min", (Arith("*", Var("trust"), Literal(2)), Literal(3)))
    assert trust.source == "min(trust * 2, 3)"
    assert trust.evaluate({"trust": 1}, {}) == 2  # compiled from the tree
    assert computed["met", False].tree == Compare((">=",), (Var("trust"), Literal(2)))
    assert computed["mood", False].tree == Var("weather")  # an enum from an enum of its values
    assert computed["tone", False].tree == Var("mood")
    assert computed["trust", True].tree == Visits("one.hall")  # resolved within the act
    assert SetEffect("roll", 4) in found and AddEffect("roll", -1) in found
    assert [e.name for e in found] == ["trust", "met", "mood", "tone", "roll", "trust", "roll"]


def test_a_word_the_enum_holds_is_its_value_even_where_state_has_that_name(
    write_story: WriteStory,
) -> None:
    """`set: {mood: wild}` sets the value "wild"; only a word the enum cannot hold is read as
    an expression, so a story written before expressions means what it meant."""
    assert effects_of(write_story, "set: {mood: wild, weather: mood}")[0] == SetEffect(
        "mood", "wild"
    )


def test_visits_in_an_effect_names_a_scene_of_another_act_in_full(
    write_story: WriteStory,
) -> None:
    [effect] = effects_of(write_story, """add: {trust: 'visits("two.end") + 1'}""")
    assert isinstance(effect, ComputeEffect) and effect.add
    assert effect.expression.tree == Arith("+", Visits("two.end"), Literal(1))


@pytest.mark.parametrize(
    ("effect", "drawn"),
    [
        ('set: {roll: "random(1, 6)"}', DrawEffect("roll", (1, 2, 3, 4, 5, 6))),
        ('set: {trust: "random(2, 2)"}', DrawEffect("trust", (2,))),
        ('set: {trust: " random( 0 , 3 ) "}', DrawEffect("trust", (0, 1, 2, 3))),
        ("""set: {tone: 'pick("sad", "calm")'}""", DrawEffect("tone", ("sad", "calm"))),
        ('set: {met: "pick(true, false)"}', DrawEffect("met", (True, False))),
        ('set: {roll: "pick(6, 1, 3)"}', DrawEffect("roll", (6, 1, 3))),
        ("set:\n  roll: random(1, 2)", DrawEffect("roll", (1, 2))),  # a block needs no quotes
    ],
)
def test_a_draw_is_the_whole_value_of_a_set(
    write_story: WriteStory, effect: str, drawn: DrawEffect
) -> None:
    assert effects_of(write_story, effect) == (drawn,)


REFUSED = [
    # typed against the variable, said at the expression's first character
    (
        'met: "trust"',
        17,
        "'met' is a flag, and this expression gives a number: compare it to make one, "
        "e.g. trust > 0",
    ),
    (
        'met: "tone"',
        17,
        "'met' is a flag, and this expression gives an enum's value: compare it, "
        'e.g. tone == "calm"',
    ),
    (
        'trust: "met"',
        19,
        "'trust' is a counter, and this expression gives true or false: it takes a number, "
        "such as trust + 1",
    ),
    (
        'mood: " trust + 1"',
        19,  # past the space, at the expression
        "'mood' is an enum, and this expression gives a number: set it to one of its values "
        '("calm", "wild") or to an enum whose values are all its own',
    ),
    (
        'mood: "tone"',
        18,
        """'tone' can be "sad", which mood cannot hold (mood is one of "calm", "wild"): add """
        "those values to mood, or set mood in each case with a choice or scene of its own",
    ),
    # a value in quotes, a word that is nothing, a value out of range
    (
        'trust: "2"',
        19,
        "the value is quoted, so it reads as an expression; write it plainly: set: {trust: 2}",
    ),
    (
        'met: "true"',
        17,
        "the value is quoted, so it reads as an expression; write it plainly: set: {met: true}",
    ),
    ('trust: "-1"', 19, "-1 is outside trust's range 0..3; to take 1 away, write add: {trust: -1}"),
    ('met: "yes"', 16, "'met' is a flag: set it to true or false, not 'yes'"),
    (
        "mood: wyld",
        17,
        """'wyld' is not a value of mood (one of "calm", "wild") (did you mean 'wild'?)""",
    ),
    # inside the expression, at the very character
    ('trust: "trust * trsut"', 27, "unknown state 'trsut' (did you mean 'trust'?)"),
    (
        'trust: "trust / 2"',
        19,
        "`/` would make fractions, and state holds whole numbers: write `//`",
    ),
    ("trust: 'visits(\"nowhere\")'", 26, "visits() names unknown scene 'nowhere'"),
    ('trust: "random(1, 3) + 1"', 19, "random() draws a value, and a draw must be the whole"),
    ('trust: ""', 18, "set trust is empty; write a value"),
]
"""(an entry of a `set:` block, the column the loader names, the start of what it says)."""


def said_in_one_load(
    write_story: WriteStory, refused: list[tuple[str, int, str]], block: str = "set"
) -> None:
    """All the bad entries are reported in one load, in order, each at the character its
    message is about: each is the `set:` (or `block`) of a choice of its own, five lines a
    choice, so the n-th entry is on line 11 + 5n."""
    choices = "".join(
        f"      - id: c{index}\n        text: C.\n        to: two.end\n        {block}:\n"
        f"          {entry}\n"
        for index, (entry, _, _) in enumerate(refused)
    )
    act = ACT.format(effects="").replace(
        "      - id: go\n        text: Go.\n        to: two.end\n", choices
    )
    found = load_errors(write_story({"story.yaml": MANIFEST, "one.yaml": act, "two.yaml": TWO}))
    assert len(found) == len(refused)
    for index, (said, (_, column, message)) in enumerate(zip(found, refused, strict=True)):
        assert said.startswith(f"one.yaml:{11 + 5 * index}:{column}: {message}")


def test_every_refusal_of_an_expression_is_said_at_its_place_in_one_load(
    write_story: WriteStory,
) -> None:
    said_in_one_load(write_story, REFUSED)


DRAWS_REFUSED = [
    (
        'met: "random(0, 1)"',
        17,
        "random() draws a whole number, and 'met' is a flag: draw it with pick(), as "
        "set: {met: 'pick(true, false)'}",
    ),
    (
        'mood: "random(0, 1)"',
        18,
        "random() draws a whole number, and 'mood' is an enum: draw it with pick(), as "
        """set: {mood: 'pick("calm", "wild")'}""",
    ),
    (
        'roll: "random(0, 6)"',
        25,
        "random(0, 6) can draw 0, outside roll's range 1..6: draw within it, e.g. random(1, 6)",
    ),
    ('roll: "random(2, 9)"', 28, "random(2, 9) can draw 9, outside roll's range 1..6"),
    ('roll: "random(6, 1)"', 18, "random(6, 1) names the highest first: write random(1, 6)"),
    (
        'roll: "random(0, 1000)"',
        18,
        "random(0, 1000) has 1,001 outcomes; at most 1,000, since the explorer follows each",
    ),
    ('roll: "random(1, trust)"', 28, "random() takes whole numbers written out, not trust"),
    ('roll: "random(1)"', 18, "random() takes two whole numbers, the lowest and the highest"),
    ('roll: "random(1, hi=3)"', 31, "random() takes its values in order, without names"),
    ('roll: "pick(2)"', 18, "pick() draws one of two or more values, e.g. pick(1, 6)"),
    ('roll: "pick(2, 3, 2)"', 29, "pick() lists 2 twice: list each value once"),
    ('roll: "pick(2, 7)"', 26, "7 is outside roll's range 1..6"),
    ('roll: "pick(trust, 1)"', 23, "pick() draws among values written out, not state ('trust')"),
    ('mood: "pick(calm, wild)"', 23, 'quote the values: pick("calm", "wild")'),
    (
        """tone: 'pick("wild", "sadd")'""",
        31,
        """'sadd' is not a value of tone (one of "calm", "wild", "sad") (did you mean 'sad'?)""",
    ),
    ('met: "pick(true, 1)"', 28, "'met' is a flag: set it to true or false, not 1"),
]


def test_every_refusal_of_a_draw_is_said_at_its_argument_in_one_load(
    write_story: WriteStory,
) -> None:
    said_in_one_load(write_story, DRAWS_REFUSED)


def test_a_draw_is_not_added_and_the_message_says_how_to_add_one(
    write_story: WriteStory,
) -> None:
    said_in_one_load(
        write_story,
        [
            (
                'trust: "random(1, 3)"',
                19,
                'a draw sets a value, so it goes under set: set: {trust: "random(1, 3)"}; to add '
                "a drawn amount, draw it into a counter of its own and add that: declare "
                'trust_roll, then set: {trust_roll: "random(1, 3)"} and add: {trust: trust_roll}',
            ),
            (
                'trust: "met"',
                19,
                "add moves a counter by a number, and this expression gives true or false",
            ),
            ('trust: "2"', 19, "the value is quoted, so it reads as an expression; write it "),
            ("trust: one", 18, "add trust must be a whole number, not a string"),
            ("trust: trsut", 18, "unknown state 'trsut' (did you mean 'trust'?)"),
            ("met: met", 11, "add works on counters, and 'met' is a flag; use set"),
        ],
        block="add",
    )


HABITS = [
    (
        'roll: "*rand roll 1 6"',
        18,
        "ChoiceScript's *rand is written here as the whole value of a set: "
        'set: {roll: "random(1, 6)"}',
    ),
    ('trust: "*set trust +1"', 19, "ChoiceScript's *set trust +1 is written here add: {trust: 1}"),
    ('trust: "*set trust -2"', 19, "ChoiceScript's *set trust -2 is written here add: {trust: -2}"),
    ('trust: "*set trust 2"', 19, "ChoiceScript's *set is written here set: {trust: 2}"),
    ('trust: "*goto end"', 19, "ChoiceScript's *goto is not written here"),
    (
        'trust: "%+10"',
        19,
        "ChoiceScript's fairmath (%+10) is not in the language: add the amount, and the "
        "counter stays within its range: add: {trust: 10}",
    ),
    ('trust: "%-20"', 19, "ChoiceScript's fairmath (%-20) is not in the language"),
    ('trust: "+1"', 19, "'+1' is ChoiceScript's way to add; here write add: {trust: 1}"),
    (
        "trust: +1",
        18,
        "'+1' reads as the number 1, so this sets trust to 1; to add, write add: {trust: 1}, "
        "and to set, drop the '+'",
    ),
]


def test_choicescripts_ways_are_answered_with_ours(write_story: WriteStory) -> None:
    said_in_one_load(write_story, HABITS)


@pytest.mark.parametrize(
    ("effects", "message"),
    [
        (
            "set: {roll: random(1, 6)}",
            "one.yaml:10:21: YAML split {roll: random(1, 6)} at the comma: in a {...} mapping "
            "a comma ends an entry, so it read 'random(1' as the value of roll and '6)' as "
            'another key; quote the value to keep it whole: set: {roll: "random(1, 6)"}',
        ),
        (
            "add: {trust: random(1, 3)}",
            'quote the value to keep it whole: add: {trust: "random(1, 3)"}; and a draw sets '
            "a value, so write it under set:",
        ),
    ],
)
def test_an_unquoted_draw_in_a_flow_mapping_is_said_to_be_split(
    write_story: WriteStory, effects: str, message: str
) -> None:
    """The trial author's `{n: random(1, 3)}`: YAML's comma, not an unknown state '3)'."""
    [found] = load_errors(write(write_story, effects))
    assert message in found
    assert "unknown state" not in found


def test_the_limit_on_effects_counts_expressions_and_draws_too(write_story: WriteStory) -> None:
    """The limit is on the entries written, counted before any is read (so the repeated key
    here is never reached): an expression or a draw is one entry as a plain value is."""
    sets = ", ".join(f"met: 'trust > {n}'" for n in range(MAX_EFFECTS))
    root = write(write_story, f'set: {{{sets}}}\nadd: {{trust: "random(1, 2)"}}')
    [found] = load_errors(root)
    assert (
        found.startswith("one.yaml:11:")
        and f"sets and adds {MAX_EFFECTS + 1} values; at most {MAX_EFFECTS}" in found
    )
