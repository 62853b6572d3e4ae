"""The condition language: what it accepts, how it evaluates, and what it refuses (with where)."""

from __future__ import annotations

import pytest

from her_if.core.expr import Compare, Literal, Var, compile_expr, names_read, scenes_read
from her_if.core.model import Counter, Enum, Flag, Value, Variable
from her_if.loading.conditions import ConditionError, parse_condition, parse_expression
from tests.conftest import ACT, WriteStory
from tests.support.load_errors import load_errors

VARIABLES: dict[str, Variable] = {
    "trust": Counter("trust", 2, 0, 10),
    "doubt": Counter("doubt", 1, 0, 10),
    "met": Flag("met", False),
    "voice": Enum("voice", "warm", ("warm", "bright")),
}
SCENES = {"one.hall", "one.room", "two.dinner"}
FUNCTIONS = 'the functions are visited("act.scene"), visits("act.scene"), min() and max()'


def resolve(name: str) -> str | None:
    qualified = name if "." in name else f"one.{name}"
    return qualified if qualified in SCENES else None


def parse(source: str):
    return parse_condition(source, VARIABLES, resolve)


def evaluate(
    source: str, values: dict[str, Value] | None = None, visits: dict[str, int] | None = None
) -> Value:
    state: dict[str, Value] = {
        "trust": 2,
        "doubt": 1,
        "met": False,
        "voice": "warm",
        **(values or {}),
    }
    return compile_expr(parse(source))(state, visits or {})


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("met", {}, False),
        ("not met", {}, True),
        ("trust >= 2", {}, True),
        ("trust > 2", {}, False),
        ("1 <= trust < 3", {}, True),
        ("1 <= trust < 3", {"trust": 3}, False),
        ('voice == "warm"', {}, True),
        ('voice != "warm"', {"voice": "bright"}, True),
        ("trust + doubt > 2", {}, True),
        ("trust - doubt >= 2", {}, False),
        ("trust - -1 == 3", {}, True),
        ("met or trust == 2", {}, True),
        ("met and trust == 2", {}, False),
        ("not (met or trust < 0)", {}, True),
        ("met == false", {}, True),
        ("met == True", {"met": True}, True),
        ("trust * doubt * 3 == 6", {}, True),
        ("7 // trust == 3", {}, True),
        ("-7 // trust == -4", {}, True),  # floor division, as Python's: towards minus infinity
        ("7 % trust == 1", {}, True),
        ("trust // 0 == 0 and trust % 0 == 0", {}, True),  # dividing by zero gives 0
        ("trust - trust // doubt * 2 < 0", {}, True),  # * and // bind tighter than -
        ("min(trust, doubt) == 1", {}, True),
        ("max(trust, 5, doubt) == 5", {}, True),
        ("min(trust + 2, 3) == 3", {}, True),
        ("max(doubt) == 1", {}, True),
    ],
)
def test_conditions_evaluate(source: str, values: dict[str, Value], expected: bool) -> None:
    assert evaluate(source, values) is expected


def test_visited_reads_visits_with_bare_and_qualified_ids() -> None:
    assert evaluate('visited("hall")', visits={"one.hall": 1}) is True
    assert evaluate('visited("two.dinner")', visits={"one.hall": 1}) is False
    assert scenes_read(parse('visited("hall") or visited("two.dinner")')) == {
        "one.hall",
        "two.dinner",
    }


def test_visits_counts_arrivals_and_is_a_number() -> None:
    assert evaluate('visits("hall") >= 2', visits={"one.hall": 2}) is True
    assert evaluate('visits("two.dinner") == 0', visits={"one.hall": 2}) is True
    assert evaluate('visits("hall") * 2 == 6', visits={"one.hall": 3}) is True
    assert scenes_read(parse('visits("hall") > 1')) == {"one.hall"}


@pytest.mark.parametrize(
    ("source", "type_"),
    [
        ("trust * 2", "int"),
        ('visits("hall")', "int"),
        ("min(trust, 3) - 1", "int"),
        ("met or trust >= 3", "bool"),
        ("voice", "str"),
        ('"bright"', "str"),
    ],
)
def test_an_expression_of_any_type_is_parsed_with_its_type(source: str, type_: str) -> None:
    assert parse_expression(source, VARIABLES, resolve)[1] == type_


def test_a_refusal_in_an_expression_says_expressions() -> None:
    with pytest.raises(ConditionError) as caught:
        parse_expression("trust[0]", VARIABLES, resolve)
    assert caught.value.message == "indexing (`[...]`) is not allowed in expressions"
    with pytest.raises(ConditionError) as caught:
        parse_expression("", VARIABLES, resolve, what="value")
    assert caught.value.message == "value is empty"


def test_tree_is_our_own_nodes() -> None:
    assert parse("trust > 1") == Compare((">",), (Var("trust"), Literal(1)))
    assert names_read(parse('met and voice == "warm" or trust + doubt > 1')) == {
        "met",
        "voice",
        "trust",
        "doubt",
    }


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("trus > 1", "unknown state 'trus' (did you mean 'trust'?)", 0),
        ('trust == "yes"', "cannot compare a number with a string", 9),
        ('voice == "warmm"', "'warmm' is not a value of voice", 9),
        ("trust", "condition must be true or false, but this is a number", 0),
        ("met > met", "`>` compares numbers, not flags", 0),
        ("met > 1", "cannot compare a flag with a number", 6),
        ("not trust", "`not` needs a flag or a comparison, not a number", 4),
        ("met and 3", "`and` joins flags and comparisons, not a number", 8),
        ("trust ** 2 > 1", "only `+`, `-`, `*`, `//` and `%` work on numbers", 0),
        ("trust / 2 > 1", "`/` would make fractions, and state holds whole numbers: write `//`", 0),
        ("+trust > 1", "a leading `+` is not in the language", 0),
        ("trust.real > 1", "attribute access (`.`) is not allowed", 0),
        ("__import__('os') == 1", f"there is no function __import__(): {FUNCTIONS}", 0),
        ("met[0]", "indexing (`[...]`) is not allowed", 0),
        ("(lambda: met)()", FUNCTIONS, 0),
        ("min() > 1", "min() takes one or more numbers, e.g. min(trust, 3)", 0),
        ("max(met, 1) > 1", "max() works on counters and numbers, not a flag", 4),
        ('visits("nowhere") > 1', "visits() names unknown scene 'nowhere'", 7),
        ("visits(trust) > 1", "visits() takes a quoted scene id", 7),
        ('turns_since("hall") > 2', "turns_since() is not in the language", 0),
        ("[x for x in met]", "a comprehension is not allowed in conditions", 0),
        ("met if met else met", "`x if y else z` is not allowed", 0),
        ("trust in (1, 2)", "`in` is not allowed in conditions; use `==` or `!=`", 0),
        ("trust > 1.5", "1.5 is not a flag, whole number or string", 8),
        ('visited("nowhere")', "visited() names unknown scene 'nowhere'", 8),
        ("visited(trust)", "visited() takes a quoted scene id", 8),
        ("trust >", "cannot parse condition", 7),
        ("", "condition is empty", 0),
    ],
)
def test_refusals_say_what_and_where(source: str, message: str, offset: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse(source)
    assert message in caught.value.message
    assert caught.value.offset == offset


def test_length_and_depth_are_bounded() -> None:
    with pytest.raises(ConditionError, match="characters long"):
        parse("met or " * 100 + "met")
    with pytest.raises(ConditionError, match="nested"):
        parse("not " * 40 + "met")


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("met = true", "to compare, write `==`"),
        ("met && trust > 1", "write `and`, not `&&`"),
        ("met || trust > 1", "write `or`, not `||`"),
        ("!met", "write `not`, not `!`"),
    ],
)
def test_habits_from_other_languages_get_a_hint(source: str, hint: str) -> None:
    with pytest.raises(ConditionError, match="cannot parse condition") as caught:
        parse(source)
    assert hint in str(caught.value)


def with_room_key(name: str) -> str | None:
    """`resolve`, in a story that also has the scene `one.room-key`."""
    return "one.room-key" if name in ("room-key", "one.room-key") else resolve(name)


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        # a scene of the story written bare: Python reads room minus key, or one's attribute
        (
            "not room-key",
            "'room-key' is a scene, not state: to ask whether the player has been there, "
            'write visited("room-key")',
            4,
        ),
        # compared with a number, it is its count that is meant
        (
            "room-key == 2",
            "'room-key' is a scene, not state: to count the player's visits there, "
            'write visits("room-key") == 2',
            0,
        ),
        ("met and 2 <= room-key", 'write 2 <= visits("room-key")', 13),
        ("one.hall", """'one.hall' is a scene, not state: """, 0),
        ("met and two.dinner", """write visited("two.dinner")""", 8),
        # one that only looks like a scene id: said, with where a scene id goes
        (
            "not paul-desk",
            "unknown state 'paul-desk': '-' and '.' are not part of state names, so it reads as "
            'paul minus desk; a scene id goes inside visited("..."), as visited("paul-desk")',
            4,
        ),
        (
            "paul-desk >= 2",
            "unknown state 'paul-desk': '-' and '.' are not part of state names, so it reads as "
            'paul minus desk; a scene id goes inside visits("..."), as visits("paul-desk") >= 2',
            0,
        ),
        ("not blind-date.paul-desk", 'as visited("blind-date.paul-desk")', 4),
        # arithmetic on declared state stays arithmetic
        ("trust-desk > 1", "unknown state 'desk'", 6),
        ("trust.real > 1", "attribute access (`.`) is not allowed", 0),
    ],
)
def test_a_scene_id_written_bare_is_said_to_go_inside_visited(
    source: str, message: str, offset: int
) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(source, VARIABLES, with_room_key)
    assert message in caught.value.message
    assert caught.value.offset == offset


@pytest.mark.parametrize("source", ["trust-doubt > 1", "trust-1 > 0", 'visited("room-key")'])
def test_arithmetic_on_state_is_not_taken_for_a_scene_id(source: str) -> None:
    parse_condition(source, VARIABLES, with_room_key)


def test_state_written_with_a_dash_for_an_underscore_is_named() -> None:
    variables = {**VARIABLES, "paul_desk": Flag("paul_desk", False)}
    with pytest.raises(ConditionError) as caught:
        parse_condition("not paul-desk", variables, resolve)
    assert caught.value.message == "unknown state 'paul-desk'; state names use '_': write paul_desk"
    assert caught.value.offset == 4


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        (
            'visited("hall") >= 3',
            "cannot compare a flag with a number: visited() says whether the player has been "
            'there; to count the visits, write visits("hall") >= 3',
            0,
        ),
        ('met and 2 < visited("two.dinner")', 'write 2 < visits("two.dinner")', 12),
        ('visited("hall") == 1', 'write visits("hall") == 1', 0),
        (
            "random(1, 3) == 2",
            "random() draws a value, and only effects draw, not conditions: draw in a scene's "
            """or a choice's effect, set: {n: "random(1, 3)"}, and test the value here""",
            0,
        ),
        ('met or pick("warm", "bright") == voice', "pick() draws a value, and only effects", 7),
    ],
)
def test_habits_of_the_trial_author_are_answered_with_what_to_write(
    source: str, message: str, offset: int
) -> None:
    """`visited()` compared with a number meant the count; a draw belongs to an effect."""
    with pytest.raises(ConditionError) as caught:
        parse(source)
    assert message in caught.value.message
    assert caught.value.offset == offset


def test_a_draw_inside_an_effects_expression_is_said_to_be_the_whole_value() -> None:
    with pytest.raises(ConditionError) as caught:
        parse_expression("random(1, 3) + trust", VARIABLES, resolve)
    assert caught.value.message.startswith(
        'random() draws a value, and a draw must be the whole value of a set (set: {n: "random('
    )
    assert "not part of an expression" in caught.value.message


def test_the_trial_authors_habits_are_all_answered_in_one_load(write_story: WriteStory) -> None:
    """The pack of issue 16's trial author, as written: a scene named bare and compared with
    a number, `visited()` compared with a number, a draw in a condition, and `random(1, 3)`
    unquoted in a flow mapping; each is said at its place, with what to write."""
    act = (
        ACT.replace('if: mood == "wild" and met', "if: paul-desk == 2")
        .replace(
            "        once: true\n", '        once: true\n        if: visited("paul-desk") >= 3\n'
        )
        .replace("add: {trust: 1}", "add: {trust: 1}\n        if: random(1, 3) == 2")
        .replace("set: {mood: wild}", "set: {trust: random(1, 3)}")
        .replace(
            "  end:\n",
            "  paul-desk:\n    title: Desk\n    text: A desk.\n    continue: end\n  end:\n",
        )
    )
    assert load_errors(write_story({"one.yaml": act})) == [
        "one.yaml:13:13: random() draws a value, and only effects draw, not conditions: draw in "
        """a scene's or a choice's effect, set: {n: "random(1, 3)"}, and test the value here""",
        "one.yaml:19:13: cannot compare a flag with a number: visited() says whether the player "
        'has been there; to count the visits, write visits("paul-desk") >= 3',
        "one.yaml:20:22: YAML split {trust: random(1, 3)} at the comma: in a {...} mapping a "
        "comma ends an entry, so it read 'random(1' as the value of trust and '3)' as another "
        'key; quote the value to keep it whole: set: {trust: "random(1, 3)"}',
        "one.yaml:26:13: 'paul-desk' is a scene, not state: to count the player's visits "
        'there, write visits("paul-desk") == 2',
    ]
