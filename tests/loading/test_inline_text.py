"""The loader's reading of reactive text: the forms inside a text (`{name}`, `{= expr}`, `{if}`,
`{case}`, `{seq:}` and its kin) and the whole-paragraph forms of a scene's `text:` list, into
the model's parts; and every mistake in them, at its character, all in one load, with the fix
(the habits of ink, ChoiceScript and SugarCube writers named as such)."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.core.model import (
    Alternatives,
    Branch,
    Case,
    Paragraph,
    Printed,
    Slot,
    Story,
    Switch,
    Template,
)
from her_if.core.text import alternatives_in
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import MANIFEST, WriteStory

END = """\
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


def act(text: str, choices: str = "      - text: On.\n        to: end\n") -> str:
    """One scene, `hall`, whose `text:` is `text` (indented as a list or block under it)."""
    return (
        "act: one\nscenes:\n  hall:\n    title: The hall\n    text:"
        + text
        + "    choices:\n"
        + choices
        + END
    )


def errors(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [f"{d.pos.line}:{d.pos.column}: {d.message}" for d in caught.value.diagnostics]


def paragraphs(write_story: WriteStory, text: str) -> tuple[Paragraph, ...]:
    story: Story = load_story(write_story({"one.yaml": act(text)}))
    return story.scenes["one.hall"].paragraphs


def test_text_without_braces_is_taken_whole(write_story: WriteStory) -> None:
    [first, second] = paragraphs(write_story, " |\n      A line\n      folded.\n\n      Two.\n")
    assert first.text == Template(("A line folded.",))
    assert second.text == Template(("Two.",))


def test_each_form_is_read_into_its_part(write_story: WriteStory) -> None:
    text = (
        '\n      - \'{trust} {= trust + 1} {visits("end")} {if met: yes | no} '
        "{case mood | calm: c | wild: w} {seq: a | b}'\n"
    )
    [paragraph] = paragraphs(write_story, text)
    slot, printed, counted, branch, switch, seq = paragraph.text.parts[::2]
    assert slot == Slot("trust")
    assert isinstance(printed, Printed) and printed.expression.source == "trust + 1"
    assert (printed.expression.pos.line, printed.expression.pos.column) == (6, 18)
    assert printed.expression.evaluate({"trust": 2}, {}) == 3
    assert isinstance(counted, Printed)  # no `=`: still an expression, since it calls visits()
    assert counted.expression.evaluate({}, {"one.end": 4}) == 4  # "end" is the act's scene
    assert isinstance(branch, Branch) and branch.condition.source == "met"
    assert (branch.condition.pos.line, branch.condition.pos.column) == (6, 52)
    assert (branch.then, branch.otherwise) == (Template(("yes",)), Template(("no",)))
    assert switch == Switch(
        "mood", (Case("calm", Template(("c",))), Case("wild", Template(("w",)))), None
    )
    assert seq == Alternatives("one.hall#1", "seq", (Template(("a",)), Template(("b",))))
    assert seq.pos is not None and (seq.pos.line, seq.pos.column) == (6, 99)


def test_an_if_without_else_shows_nothing_when_false(write_story: WriteStory) -> None:
    [paragraph] = paragraphs(write_story, "\n      - 'A{if met: , met,}.'\n")
    [_, branch, _] = paragraph.text.parts
    assert isinstance(branch, Branch)
    assert branch.then == Template((", met,",)) and branch.otherwise == Template(())


def test_forms_nest_and_keep_their_spaces_inside(write_story: WriteStory) -> None:
    text = (
        "\n      - '{if met: {case mood | calm: {seq: x | {= trust}} | else: z} | {once: q |}}'\n"
    )
    [paragraph] = paragraphs(write_story, text)
    [branch] = paragraph.text.parts
    assert isinstance(branch, Branch)
    [switch] = branch.then.parts
    assert isinstance(switch, Switch) and switch.otherwise == Template(("z",))
    [seq] = switch.cases[0].text.parts
    assert isinstance(seq, Alternatives) and seq.key == "one.hall#1"
    assert isinstance(seq.options[1].parts[0], Printed)
    [once] = branch.otherwise.parts
    assert once == Alternatives("one.hall#2", "once", (Template(("q",)), Template(())))


def test_alternatives_are_keyed_in_document_order_paragraphs_included(
    write_story: WriteStory,
) -> None:
    text = """
      - "{cycle: a | b} {seq: {once: c | d} | e}"
      - {seq: ["One {shuffle: f | g}.", "Two."]}
      - {if: met, text: "{once: h}", else: "{cycle: i | j}"}
"""
    found = [
        part.key
        for paragraph in paragraphs(write_story, text)
        for part in alternatives_in(paragraph.text)
    ]
    assert found == [f"one.hall#{n}" for n in range(1, 8)]


def test_whole_paragraph_forms(write_story: WriteStory) -> None:
    text = """
      - {seq: ["First.", ""], if: met}
      - text: |
          Held.

          Also held.
        if: met
        else: Not held.
"""
    seq, held, also = paragraphs(write_story, text)
    assert seq.condition is not None and seq.condition.source == "met"
    assert seq.text == Template(
        (Alternatives("one.hall#1", "seq", (Template(("First.",)), Template(()))),)
    )
    assert held.condition is None and also.condition is None
    [branch] = held.text.parts
    assert isinstance(branch, Branch) and branch.condition.source == "met"
    assert (branch.then, branch.otherwise) == (Template(("Held.",)), Template(("Not held.",)))
    [second] = also.text.parts  # paragraph by paragraph: the else has no second one
    assert isinstance(second, Branch)
    assert (second.then, second.otherwise) == (Template(("Also held.",)), Template(()))


def test_a_choice_text_holds_conditions_and_expressions(
    write_story: WriteStory,
) -> None:
    choices = "      - text: '{if met: Again | First} {= trust}'\n        to: end\n"
    story = load_story(write_story({"one.yaml": act(" Here.\n", choices)}))
    [choice] = story.scenes["one.hall"].choices
    branch, _, printed = choice.text.parts
    assert isinstance(branch, Branch) and isinstance(printed, Printed)


FLAWED = """
      - "A {&one|two} b {!x|y} c {~p|q}."
      - "{stopping: a | b} {met: yes | no} {trust > 1: up}"
      - "@{met here|gone} and <<if $met>>x<</if>> $trust"
      - "{seqq: a | b} {sequence: a} {foo: b} {a | b}"
      - "{case mood | calm: a | wlid: b} {case mood | calm: a}"
      - "{case trust | 0: a | 0: b | 9: c | x: d | else: e | else: f}"
      - "{case met | yes: a} {case moood | a: b} {if met a | b} {case trust | 1: a}"
      - '{if met: a | b | c} {if trust: a} {= trust +} {= visits("nowhere")}'
      - "{if met: {{x}} } {} {0} {undeclared} {if: a}"
      - {seq: ["a", "b"], text: "c"}
      - {seq: []}
      - {text: "a", else: "b"}
      - {stopping: ["a"]}
      - {once: ["a\\n\\nb"]}
      - |
        Before {if met: a

        b} after.

        A fine {trust} paragraph.
      - "{ {{ {"
"""
FLAWED_CHOICES = """\
      - text: "Go {seq: a | b}"
        to: end
      - text: "Stay {shuffle: a}"
        echo: "{once: stayed}"
        to: end
"""


def test_every_mistake_in_text_is_reported_at_its_character(write_story: WriteStory) -> None:
    found = errors(write_story({"one.yaml": act(FLAWED, FLAWED_CHOICES)}))
    forms = "the forms are {if ...}, {case ...}, {seq: ...}, {cycle: ...}, {once: ...} and {shuffle: ...}"
    choice = "alternatives are for a scene's text; a choice's text is shown whenever the menu is: use {if ...}"
    assert found == [
        "6:12: ink's {&a|b} is written {cycle: a | b} here",
        "6:25: ink's {!a|b} is written {once: a | b} here",
        "6:34: ink's {~a|b} is written {shuffle: a | b} here",
        "7:10: ink's {stopping: a|b} is written {seq: a | b} here (it stays on its last)",
        "7:28: ink's {cond: a|b} is written {if met: a | b} here (the '|' text is optional)",
        "7:44: ink's {cond: a|b} is written {if trust > 1: a | b} here (the '|' text is optional)",
        "8:10: ChoiceScript's @{met a|b} is written {if met: a | b} here",
        "8:31: SugarCube's <<if ...>> is written {if cond: text | other text} here",
        "8:43: SugarCube's <</if>> is written {if cond: text | other text} here",
        "8:51: SugarCube's $trust is written {trust} here",
        f"9:10: unknown form '{{seqq: ...}}' (did you mean 'seq'?); {forms}",
        f"9:24: unknown form '{{sequence: ...}}' (did you mean 'seq'?); {forms}",
        f"9:38: unknown form '{{foo: ...}}'; {forms}",
        "9:47: ink's {a|b} is written {seq: a | b} here (or {cycle: ...}, {once: ...}, "
        "{shuffle: ...}); a bare '|' cannot appear in a form",
        "10:33: 'wlid' is not a value of mood (one of \"calm\", \"wild\") (did you mean 'wild'?)",
        "10:42: {case mood} has no text for \"wild\": add one for each, or an 'else:' text",
        "11:31: {case trust} has two texts for 0; keep one",
        "11:38: 9 is outside trust's range (0 to 3)",
        "11:45: trust is a counter: its texts are for whole numbers (0 to 3), not 'x:'",
        "11:62: {case trust} has two 'else:' texts; keep one",
        "12:22: met is a flag: its texts are for 'true:' and 'false:', not 'yes:'",
        "12:36: {case moood ...}: 'moood' is not declared state (did you mean 'mood'?)",
        "12:50: {if ...} needs a ':' after its condition: {if met: She waves. | She does not.}",
        "12:65: {case trust} has no text for 0, 2 to 3: add one for each, or an 'else:' text",
        "13:25: {if ...} has two texts split by one '|': the text shown when its condition "
        "holds, then the one shown when not; for more, put another {if ...} in the second, "
        "or use {case ...}",
        "13:34: condition must be true or false, but this is a number; compare it, e.g. `trust > 0`",
        "13:54: cannot parse expression: invalid syntax",
        "13:66: visits() names unknown scene 'nowhere'",
        "14:19: '{{' cannot be a brace inside a form, where braces open and close forms",
        "14:27: {} in scene 'hall' is not declared state",
        "14:30: {0} in scene 'hall' is not declared state",
        "14:34: {undeclared} in scene 'hall' is not declared state",
        "14:47: {if ...} needs a condition before its ':', e.g. {if met: She waves.}",
        "15:10: a paragraph of scene 'hall' has both 'text' and 'seq'; keep one (a paragraph is "
        "its 'text:', or one of the list of a 'seq:', 'cycle:', 'once:' or 'shuffle:')",
        "16:15: 'seq:' in scene 'hall' is an empty list: list the paragraphs it shows",
        "17:21: a paragraph of scene 'hall' has 'else' but no 'if': add the condition under "
        "which its 'text' is shown instead",
        "18:10: ink's 'stopping' is written 'seq:' here (it stays on its last)",
        "19:17: an item of 'once:' in scene 'hall' is one paragraph, and this one has a blank "
        "line: join it, or put the rest in a paragraph of its own",
        "21:16: a form in scene 'hall' runs past a blank line (to its '}' on line 23); a form is "
        "part of one paragraph: close it before the blank line, or give each paragraph a form "
        "of its own",
        "26:10: unclosed '{' in scene 'hall'; write '{{' for a brace",
        f"28:19: {choice}",
        f"30:21: {choice}",
        f"31:16: {choice}",
    ]


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("Hi {&a|b}.", 4, "ink's {&a|b} is written {cycle: a | b} here"),
        ("{met: a|b}", 1, "ink's {cond: a|b} is written {if met: a | b} here"),
        ('{visited("end"): a}', 1, 'written {if visited("end"): a | b} here'),
        (
            "@{mood a|b}",
            1,
            "ChoiceScript's @{mood a|b} is written {case mood | value: a | value: b}",
        ),
        ("{mood: a | b}", 1, "a text for each value of mood is written {case mood | value: a"),
        ("{$trust}", 1, "state names have no '$': write {trust}, not {$trust}"),
        ("<<set $trust to 2>>", 1, "SugarCube's <<set ...>> is written a 'set:' on the scene"),
        ("<<print $trust>>", 1, "SugarCube's <<print ...>> is written {= expression} here"),
        ("It costs $5 and $HOME <3.", 0, ""),
        ("{cylce: a | b}", 1, "unknown form '{cylce: ...}' (did you mean 'cycle'?)"),
        ("{random: a | b}", 1, "unknown form '{random: ...}' (did you mean 'shuffle'?)"),
    ],
)
def test_habits_of_other_languages_are_named_with_ours(
    write_story: WriteStory, text: str, column: int, message: str
) -> None:
    root = write_story({"one.yaml": act(f"\n      - '{text}'\n")})
    if not message:  # prose that only looks like a habit loads
        assert load_story(root).scenes["one.hall"].paragraphs[0].text == Template((text,))
        return
    [found] = errors(root)
    assert found.startswith(f"6:{9 + column}: ") and message in found


def test_the_rest_of_a_block_is_read_past_a_form_that_runs_over_a_blank_line(
    write_story: WriteStory,
) -> None:
    text = " |\n      One {if met: a\n\n      b}.\n\n      Three is {trusty}.\n"
    found = errors(write_story({"one.yaml": act(text)}))
    assert [f.split(": ", 1)[0] for f in found] == ["6:11", "10:16"]
    assert "{trusty} in scene 'hall' is not declared state (did you mean 'trust'?)" in found[1]


def test_a_counter_case_lists_the_numbers_it_leaves_out(write_story: WriteStory) -> None:
    manifest = MANIFEST.replace("max: 3, default: 1", "max: 10, default: 1")
    text = "\n      - '{case trust | 2: a | 5: b}'\n"
    found = errors(write_story({"story.yaml": manifest, "one.yaml": act(text)}))
    assert found == [
        "6:10: {case trust} has no text for 0 to 1, 3 to 4, 6 to 10: add one for each, or an "
        "'else:' text"
    ]


def test_a_missing_paragraph_text_keeps_its_message(write_story: WriteStory) -> None:
    assert errors(write_story({"one.yaml": act("\n      - {if: met}\n")})) == [
        "6:9: a paragraph of scene 'hall' is missing 'text'"
    ]
