"""The loader: a good story becomes a model; each kind of mistake is reported at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.core.model import Counter, Enum, Flag, SetEffect, Slot
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ACT, MANIFEST, WriteStory


def errors(root: Path) -> list[str]:
    """Every diagnostic as `file:line:col: message`, with the file's bare name."""
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [
        f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.column}: {d.message}"
        for d in caught.value.diagnostics
    ]


def act_with(scenes: str) -> str:
    return "act: one\nscenes:\n" + scenes


def test_a_good_story_becomes_a_model(write_story: WriteStory) -> None:
    story = load_story(write_story())
    assert story.id == "tiny" and story.start == "one.hall"
    assert set(story.scenes) == {"one.hall", "one.room", "one.end"}
    assert story.variables["trust"] == Counter("trust", 1, 0, 3)
    assert story.variables["met"] == Flag("met", False)
    assert story.variables["mood"] == Enum("mood", "calm", ("calm", "wild"))
    hall = story.scenes["one.hall"]
    assert [c.id for c in hall.choices] == ["room", "wait"]  # derived from the target, explicit
    assert hall.choices[0].target == "one.room"
    assert SetEffect("met", True) in hall.choices[0].effects
    assert hall.choices[1].once
    assert story.scenes["one.room"].next == "one.end"
    ending = story.scenes["one.end"].ending
    assert ending is not None and ending.id == "fin"


def test_text_splits_paragraphs_folds_lines_and_finds_slots(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": ACT.replace(
                "You stand in the hall. Trust is {trust}.",
                "You stand\n      in the hall. Trust is {trust}. {{braces}}",
            )
        }
    )
    hall = load_story(root).scenes["one.hall"]
    assert len(hall.paragraphs) == 2
    assert hall.paragraphs[0].text.parts == (
        "You stand in the hall. Trust is ",
        Slot("trust"),
        ". {braces}",
    )
    assert hall.paragraphs[1].text.parts == ("A second paragraph.",)


def test_yaml_syntax_error_has_its_position(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": "act: one\nscenes:\n  hall: [unclosed\n  room: {}\n"})
    [message] = errors(root)
    assert message.startswith("one.yaml:4:")
    assert "YAML syntax" in message


def test_wrong_types(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": ACT.replace("title: The hall", "title: [a, list]").replace(
                "once: true", "once: 3"
            )
        }
    )
    assert errors(root) == [
        "one.yaml:4:12: scene 'hall' title must be a string, not a list",
        "one.yaml:17:15: choice 2 of scene 'hall' once must be true or false, not a whole number",
    ]


def test_missing_fields(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": act_with(
                "  hall:\n    title: A\n    choices:\n      - text: Go\n    ending: {id: x}\n"
            )
        }
    )
    assert errors(root) == [
        "one.yaml:4:5: scene 'hall' is missing 'text'",
        "one.yaml:6:9: choice 1 of scene 'hall' needs one of 'to', 'call' or 'return: true'",
        "one.yaml:7:5: scene 'hall' has both 'choices' and 'ending'; keep one",
        "one.yaml:7:13: scene 'hall' ending is missing 'title'",
    ]


def test_unknown_fields_are_refused_with_a_suggestion(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT.replace("    continue: end", "    contnue: end")})
    assert errors(root) == [
        "one.yaml:20:5: scene 'room' needs one of 'choices', 'continue', 'ending' or 'return'",
        "one.yaml:25:5: unknown key 'contnue' in scene 'room' (did you mean 'continue'?)",
    ]


def test_duplicate_keys_are_caught(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": ACT.replace(
                "    title: The room\n", "    title: The room\n    title: Again\n"
            )
        }
    )
    assert errors(root) == [
        "one.yaml:21:5: duplicate key 'title' in scene 'room' (first at line 20); "
        "YAML would silently keep only the last one"
    ]


def test_duplicate_scene_ids_across_files_are_caught(write_story: WriteStory) -> None:
    """Scene ids are act-qualified, so two files can only collide by claiming the same act."""
    from tests.conftest import MANIFEST

    manifest = MANIFEST.replace(
        "  - {id: one, title: One, file: one.yaml}\n",
        "  - {id: one, title: One, file: one.yaml}\n  - {id: one, title: Again, file: two.yaml}\n",
    )
    root = write_story({"story.yaml": manifest, "two.yaml": ACT})
    assert errors(root) == ["story.yaml:6:10: act 'one' is listed twice"]


def test_a_file_claiming_another_act_is_caught(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": ACT.replace("act: one", "act: two")})
    assert errors(root) == [
        "one.yaml:1:6: this file says act 'two' but the manifest lists it as act 'one'"
    ]


def test_unknown_target_names_the_choice_and_suggests(write_story: WriteStory) -> None:
    root = write_story(
        {
            "one.yaml": ACT.replace(
                "      - id: wait\n        text: Wait.\n        to: hall",
                "      - id: promise\n        text: Wait.\n        to: rom",
            )
        }
    )
    assert errors(root) == [
        "one.yaml:16:13: choice 'promise' goes to unknown scene 'rom' (did you mean 'room'?)"
    ]


def test_unknown_continue_and_start(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    root = write_story(
        {
            "story.yaml": MANIFEST.replace("start: one.hall", "start: one.hal"),
            "one.yaml": ACT.replace("continue: end", "continue: two.end"),
        }
    )
    assert errors(root) == [  # the manifest first, then the acts
        "story.yaml:3:8: start names unknown scene 'one.hal' (did you mean 'one.hall'?)",
        "one.yaml:25:15: scene 'room' continues to unknown scene 'two.end' (did you mean 'one.end'?)",
    ]


def test_undeclared_state_in_effects_conditions_and_text(write_story: WriteStory) -> None:
    act = (
        ACT.replace("add: {trust: 1}", "add: {trst: 1}")
        .replace("set: {mood: wild}", "set: {moood: wild}")
        .replace('if: mood == "wild"', "if: not mett")
        .replace("Trust is {trust}.", "Trust is {trusty}.")
    )
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:6:39: {trusty} in scene 'hall' is not declared state (did you mean 'trust'?)",
        "one.yaml:12:15: unknown state 'trst' (did you mean 'trust'?); declare it in the manifest",
        "one.yaml:18:15: unknown state 'moood' (did you mean 'mood'?); declare it in the manifest",
        "one.yaml:24:17: unknown state 'mett' (did you mean 'met'?)",
    ]


def test_bad_conditions_point_inside_the_expression(write_story: WriteStory) -> None:
    act = ACT.replace('if: mood == "wild"', 'if: trust == "yes"')
    act = act.replace("        once: true", "        once: true\n        if: met.__class__")
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:18:13: attribute access (`.`) is not allowed in conditions",
        "one.yaml:25:22: cannot compare a number with a string",
    ]


def test_wrong_values_in_effects(write_story: WriteStory) -> None:
    act = ACT.replace("set: {met: true}", "set: {met: 1}").replace(
        "set: {mood: wild}", "set: {mood: wyld}"
    )
    act = act.replace("add: {trust: 1}", "add: {trust: one}")
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:12:22: add trust must be a whole number, not a string",
        "one.yaml:13:20: 'met' is a flag: set it to true or false, not 1",
        "one.yaml:18:21: 'wyld' is not a value of mood (one of \"calm\", \"wild\") (did you mean 'wild'?)",
    ]


def test_unknown_beats_and_unstaged_beats(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    sheet = (
        "beats:\n"
        "  - {id: arrival, act: one, summary: He arrives., sources: [a]}\n"
        "  - {id: leaving, act: one, summary: He leaves., sources: [a]}\n"
    )
    root = write_story(
        {
            "story.yaml": MANIFEST + "beat_sheet: plot.yaml\n",
            "plot.yaml": sheet,
            "one.yaml": ACT.replace(
                "    title: The hall\n", "    title: The hall\n    beats: [arival]\n"
            ),
        }
    )
    assert errors(root) == [
        "one.yaml:5:13: unknown beat 'arival' (did you mean 'arrival'?)",
        "plot.yaml:2:5: beat 'arrival' is staged by no scene; add it to a scene's beats",
        "plot.yaml:3:5: beat 'leaving' is staged by no scene; add it to a scene's beats",
    ]


def test_state_declarations_are_checked(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    manifest = MANIFEST.replace("default: 1}", "default: 7}").replace(
        "mood: {type: enum, values: [calm, wild], default: calm}",
        "mood: {type: enumm, values: [calm, wild], default: calm}\n  Bad-Name: {type: flag, default: no}",
    )
    found = errors(
        write_story(
            {
                "story.yaml": manifest,
                "one.yaml": ACT.replace('if: mood == "wild"', "if: met").replace(
                    "set: {mood: wild}", "set: {met: false}"
                ),
            }
        )
    )
    assert found == [
        "story.yaml:7:51: state 'trust' default 7 is outside 0..3",
        "story.yaml:9:16: state 'mood' type 'enumm' is not one of flag, counter, enum (did you mean 'enum'?)",
        "story.yaml:10:3: state name 'Bad-Name' must be lower-case letters, digits and '_' (not '-'), "
        "not starting with a digit, and not a keyword",
    ]


def test_duplicate_choice_ids_need_explicit_ids(write_story: WriteStory) -> None:
    act = ACT.replace(
        "      - id: wait\n        text: Wait.\n        to: hall",
        "      - text: Wait.\n        to: room",
    )
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:14:9: choice id 'room' is used twice in scene 'hall' (first at line 10); "
        "give one of them an explicit 'id:'"
    ]


def test_a_ring_of_pauses_is_refused(write_story: WriteStory) -> None:
    act = (
        ACT
        + "  loop-a:\n    title: A\n    text: a\n    continue: loop-b\n  loop-b:\n    title: B\n    text: b\n    continue: loop-a\n"
    )
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:30:3: these scenes continue into each other forever with no choice: "
        "one.loop-a -> one.loop-b -> one.loop-a"
    ]


def test_python_tags_and_other_tags_are_refused(write_story: WriteStory) -> None:
    act = ACT.replace("title: The hall", "title: !!python/object/apply:os.system [echo hi]")
    [message] = errors(write_story({"one.yaml": act}))
    assert message.startswith("one.yaml:4:12: ")
    assert "the tag !!python/object/apply:os.system is not allowed" in message


def test_every_error_in_every_file_is_reported_together(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    manifest = (
        MANIFEST.replace("default: 1}", "default: 9}") + "  typo: {type: flag, defualt: true}\n"
    )
    act = ACT.replace("to: room", "to: rooom").replace("continue: end", "continue: ned")
    found = errors(write_story({"story.yaml": manifest, "one.yaml": act}))
    assert len(found) == 5
    assert {line.split(":")[0] for line in found} == {"one.yaml", "story.yaml"}


def test_bom_crlf_and_utf8_text_load(write_story: WriteStory, tmp_path: Path) -> None:
    root = write_story()
    text = (root / "one.yaml").read_text(encoding="utf-8").replace("bright", "bright, café-lit")
    (root / "one.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    story = load_story(root)
    assert "café-lit" in story.scenes["one.room"].paragraphs[0].text.parts[0]  # type: ignore[operator]


def test_invalid_utf8_is_reported_at_its_place(write_story: WriteStory) -> None:
    root = write_story()
    (root / "one.yaml").write_bytes(b"act: one\nscenes:\n  hall: \xff\n")
    assert errors(root) == ["one.yaml:3:9: not valid UTF-8; save the file as UTF-8"]


def test_missing_act_file_is_reported_in_the_manifest(write_story: WriteStory) -> None:
    root = write_story()
    (root / "one.yaml").unlink()
    assert errors(root) == ["story.yaml:5:33: act file 'one.yaml' not found in " + str(root)]


def test_a_broken_declaration_is_reported_once_not_at_every_use(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    manifest = MANIFEST.replace("max: 3", "max: lots").replace(
        "values: [calm, wild]", "values: calm"
    )
    assert errors(write_story({"story.yaml": manifest})) == [
        "story.yaml:7:39: state 'trust' max must be a whole number, not a string",
        "story.yaml:9:30: state 'mood' values must be a list, not a string",
    ]


def test_a_huge_number_is_one_short_error(write_story: WriteStory) -> None:
    from tests.conftest import MANIFEST

    [message] = errors(
        write_story({"story.yaml": MANIFEST.replace("max: 3", "max: " + "9" * 6000)})
    )
    assert message.startswith("story.yaml:7:39: state 'trust' max: the number '999")
    assert len(message) < 250


def test_premise_and_characters_are_read_folded_and_optional(write_story: WriteStory) -> None:
    plain = load_story(write_story())
    assert (plain.premise, plain.characters) == ("", ())
    manifest = MANIFEST.replace(
        "start: one.hall\n",
        "premise: >\n  A man,\n  a hall.\ncharacters: [Amy, Alan Watts, O'Neil]\nstart: one.hall\n",
    )
    story = load_story(write_story({"story.yaml": manifest}))
    assert story.premise == "A man, a hall."
    assert story.characters == ("Amy", "Alan Watts", "O'Neil")


def test_premise_and_character_mistakes_are_all_reported_at_their_places(
    write_story: WriteStory,
) -> None:
    manifest = MANIFEST.replace(
        "start: one.hall\n",
        f"premise: {'word ' * 41}\n"
        "characters: [Amy, ' Paul', '\"Amy\"', Amy, 3, '']\nstart: one.hall\n",
    )
    assert errors(write_story({"story.yaml": manifest})) == [
        "story.yaml:3:10: premise is 204 characters; it is one line under the title, so keep "
        "it to 200 at most",
        "story.yaml:4:19: character name ' Paul' must be 1 to 40 characters as the text spells "
        "the name, without surrounding spaces, quotes, '*', brackets or braces",
        "story.yaml:4:28: character name '\"Amy\"' must be 1 to 40 characters as the text "
        "spells the name, without surrounding spaces, quotes, '*', brackets or braces",
        "story.yaml:4:37: character 'Amy' is listed twice (first at line 4)",
        'story.yaml:4:42: character name must be a string, not a whole number; quote it: "3"',
        "story.yaml:4:45: character name is empty",
    ]
    listed = MANIFEST.replace(
        "start: one.hall\n", "characters: Amy\npremise: [a]\nstart: one.hall\n"
    )
    assert errors(write_story({"story.yaml": listed})) == [
        "story.yaml:3:13: characters must be a list, not a string",
        "story.yaml:4:10: premise must be a string, not a list",
    ]


def test_character_names_carry_no_bidi_or_c1_control_and_are_not_too_many(
    write_story: WriteStory,
) -> None:
    """A name is looked for in every paragraph shown, and printed in messages: neither a
    reversed-text control nor thousands of names may come in that way."""
    hostile = MANIFEST.replace(
        "start: one.hall\n", 'characters: ["Amy\\u202e", "Pa\\x85ul"]\nstart: one.hall\n'
    )
    found = errors(write_story({"story.yaml": hostile}))
    assert [line.split(": ")[0] for line in found] == ["story.yaml:3:14", "story.yaml:3:27"]
    assert all("must be 1 to 40 characters" in line for line in found)
    crowd = ", ".join(f"N{n}" for n in range(201))
    many = MANIFEST.replace("start: one.hall\n", f"characters: [{crowd}]\nstart: one.hall\n")
    assert errors(write_story({"story.yaml": many})) == [
        "story.yaml:3:13: characters lists 201 names; list at most 200, the people who speak"
    ]


TWO_ACTS = MANIFEST.replace(
    "  - {id: one, title: One, file: one.yaml}\n",
    "  - {id: one, title: One, file: one.yaml}\n  - {id: two, title: Two, file: two.yaml}\n",
) + ("beat_sheet: plot.yaml\n")
ACT_TWO = """\
act: two
scenes:
  yard:
    title: The yard
    text: A yard.
    choices:
      - text: Back inside.
        to: one.hall
        if: visited("one.room")
      - text: Stay.
        to: yard
        id: stay
"""
BEATS = """\
beats:
  - {id: arrival, act: one, summary: He arrives., sources: [a]}
  - {id: leaving, act: one, summary: He leaves., sources: [a]}
  - {id: outside, act: two, summary: He goes out., sources: [a]}
"""


@pytest.mark.parametrize(
    ("broken", "cause"),
    [
        (  # the act's entry in the manifest: the case
            {"story.yaml": TWO_ACTS.replace("file: one.yaml}", "file: [one.yaml]}")},
            "story.yaml:5:33: act file must be a string, not a list",
        ),
        (
            {"one.yaml": "act: one\nscenes: [hall]\n"},
            "one.yaml:2:9: scenes must be a mapping, not a list",
        ),
        ({"one.yaml": "act: one\nscenes:\n  hall: [\n"}, "one.yaml:4:1: YAML syntax: "),
        ({"one.yaml": "- a list\n"}, "one.yaml:1:1: an act file must be a mapping"),
        ({"one.yaml": "act: one\n"}, "one.yaml:1:1: an act file is missing 'scenes'"),
    ],
)
def test_an_act_that_cannot_be_read_is_the_one_error_shown(
    write_story: WriteStory, broken: dict[str, str], cause: str
) -> None:
    """The start, a choice and a `visited()` of another act, and the beat sheet all name the
    broken act's scenes; each of those errors only follows from its cause, and is left out."""
    files = {"story.yaml": TWO_ACTS, "two.yaml": ACT_TWO, "plot.yaml": BEATS}
    root = write_story({**files, **broken})
    (root / "two.yaml").write_text(
        ACT_TWO.replace("text: A yard.", "text: A yard.\n    beats: [outside]")
    )
    with pytest.raises(StoryError) as caught:
        load_story(root)
    [shown] = caught.value.diagnostics
    assert f"{Path(shown.pos.path).name}:{shown.pos.line}:{shown.pos.column}: {shown.message}".startswith(
        cause
    )
    following = {d.message for d in caught.value.following}
    assert all(d.follows == shown.pos for d in caught.value.following)
    assert "start names unknown scene 'one.hall'" in following
    assert "beat 'arrival' is staged by no scene; add it to a scene's beats" in following
    assert "choice 1 of scene 'yard' goes to unknown scene 'one.hall'" in following
    assert "visited() names unknown scene 'one.room'" in following


def test_an_error_in_a_readable_act_is_still_reported_beside_a_broken_one(
    write_story: WriteStory,
) -> None:
    """Only what refers into the broken act follows from it: a typo elsewhere is its own."""
    root = write_story(
        {
            "story.yaml": TWO_ACTS.replace("file: one.yaml}", "file: [one.yaml]}"),
            "two.yaml": ACT_TWO.replace("to: yard", "to: yrad"),
            "plot.yaml": BEATS,
        }
    )
    assert errors(root) == [
        "story.yaml:5:33: act file must be a string, not a list",
        "two.yaml:11:13: choice 'stay' goes to unknown scene 'yrad' (did you mean 'yard'?)",
        "plot.yaml:4:5: beat 'outside' is staged by no scene; add it to a scene's beats",
    ]


def test_a_consequence_whose_cause_is_not_reported_comes_last_and_says_so() -> None:
    """The mechanism itself: causes first; a consequence is left out only when its cause is
    among the errors, and otherwise listed after them, naming where its cause was."""
    from her_if.core.model import Position
    from her_if.loading.diagnostics import Diagnostic

    cause, elsewhere = Position("b.yaml", 9, 1), Position("z.yaml", 1, 1)
    consequence = Diagnostic(Position("a.yaml", 1, 1), "start names unknown scene", follows=cause)
    orphan = Diagnostic(Position("a.yaml", 2, 1), "goes to unknown scene", follows=elsewhere)
    error = StoryError([consequence, orphan, Diagnostic(cause, "act file must be a string")])
    assert [str(d) for d in error.diagnostics] == [
        "b.yaml:9:1: act file must be a string",
        "a.yaml:2:1: goes to unknown scene (this follows from the error at z.yaml:1:1)",
    ]
    assert error.following == (consequence,)
    assert error.diagnostics[1].as_json()["follows"] == "z.yaml:1:1"


@pytest.mark.parametrize(
    ("effects", "message"),
    [
        (
            "add: {trust: random(1, 3)}",
            "one.yaml:12:22: YAML split {trust: random(1, 3)} at the comma: in a {...} mapping "
            "a comma ends an entry, so it read 'random(1' as the value of trust and '3)' as "
            'another key; quote the value to keep it whole: add: {trust: "random(1, 3)"}',
        ),
        (  # the entries around the split one are read as ever
            "set: {met: true, mood: pick(calm,wild), trust: 2}",
            "one.yaml:12:32: YAML split {mood: pick(calm, wild)} at the comma: ",
        ),
    ],
)
def test_a_flow_mapping_split_at_a_comma_is_said_so_not_an_unknown_state(
    write_story: WriteStory, effects: str, message: str
) -> None:
    act = ACT.replace("add: {trust: 1}\n        set: {met: true}", effects)
    [found] = errors(write_story({"one.yaml": act}))
    assert found.startswith(message)
    assert "unknown state" not in found


def test_a_scene_id_in_a_condition_is_said_to_go_inside_visited(write_story: WriteStory) -> None:
    act = ACT.replace('if: mood == "wild" and met', "if: hall-door == 2").replace(
        "  end:\n", "  hall-door:\n    title: Door\n    text: A door.\n    continue: end\n  end:\n"
    )
    assert errors(write_story({"one.yaml": act})) == [
        "one.yaml:24:13: 'hall-door' is a scene, not state: to count the player's visits "
        'there, write visits("hall-door") == 2'
    ]


def test_an_act_file_outside_the_story_folder_is_refused_unread(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """An error quotes what a file holds: a file of the player's own, outside the story's
    folder (by '..', or by a link), is never read, so never quoted."""
    secret = tmp_path / "hosts.yml"
    secret.write_text("ghp_SECRET_TOKEN_123: {user: me}\n", encoding="utf-8")
    root = write_story({"story.yaml": MANIFEST.replace("file: one.yaml", "file: ../hosts.yml")})
    found = errors(root)
    assert found == [
        "story.yaml:5:33: act file '../hosts.yml' is outside the story's folder "
        f"{root} (links followed); a story's files must be inside its own folder: move the "
        "file into it and name it by its path there"
    ]
    (root / "one.yaml").unlink()
    (root / "one.yaml").symlink_to(secret)
    (root / "story.yaml").write_text(MANIFEST, encoding="utf-8")
    [linked] = errors(root)
    assert "ghp_SECRET" not in linked
    assert "act file 'one.yaml' is outside the story's folder" in linked
    (root / "story.yaml").unlink()
    (root / "story.yaml").symlink_to(secret)
    assert errors(root) == [
        "story.yaml:1:1: this is a link to a file outside the story's folder; a story's files "
        "must be inside its own folder, so it is not read: put the file itself there"
    ]
