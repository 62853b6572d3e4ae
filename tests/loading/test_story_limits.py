"""The limits on a story as a whole and on the work of one scene (`her_if/loading/story_limits.py`,
`yaml_source.MAX_STORY_BYTES`): each is refused where it is passed, with the fix, however many
files it takes to pass it; and the real story and the benchmark's graphs are far inside them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.loading.story_limits import (
    MAX_CHOICES,
    MAX_EFFECTS,
    MAX_SCENE_CHOICES,
    MAX_SCENE_TERMS,
    MAX_SCENES,
    MAX_VARIABLES,
)
from her_if.loading.yaml_source import MAX_FILE_BYTES, MAX_STORY_BYTES
from tests.conftest import MANIFEST, STORY, WriteStory
from tests.support.bounds import time_limit

CONDITION = " and ".join(["trust >= 0"] * 33)
"""A condition of 490 characters (500 are allowed) and 100 terms."""


def errors(root: Path, packs: tuple[Path, ...] = ()) -> list[str]:
    """Every diagnostic shown, as `file:line:col: message` with the file's bare name; a load
    past a limit must end well within the time the limit is there to bound."""
    with time_limit(30), pytest.raises(StoryError) as caught:
        load_story(root, packs)
    return [
        f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.column}: {d.message}"
        for d in caught.value.diagnostics
    ]


def hub(count: int, condition: str | None = None, effects: str = "") -> str:
    """An act of one scene that loops to itself, with `count` choices."""
    lines = [
        "act: one",
        "scenes:",
        "  hall:",
        "    title: The hall",
        "    text: A hall.",
        "    choices:",
    ]
    for n in range(count):
        lines += [f"      - id: c{n}", f"        text: Choice {n}.", "        to: hall"]
        if condition:
            lines.append(f"        if: {condition}")
        if effects:
            lines.append(f"        {effects}")
    return "\n".join(lines) + "\n"


def test_a_scene_of_more_choices_than_a_player_can_read_is_refused_at_the_first_over(
    write_story: WriteStory,
) -> None:
    root = write_story({"one.yaml": hub(MAX_SCENE_CHOICES + 1)})
    line = 7 + 3 * MAX_SCENE_CHOICES
    assert errors(root) == [
        f"one.yaml:{line}:9: scene 'hall' has 101 choices; a scene may offer at most 100 (those "
        "its packs add included), more than a player can read through: split it into scenes"
    ]
    assert "one.hall" in load_story(write_story({"one.yaml": hub(MAX_SCENE_CHOICES)})).scenes


def pack(root: Path, count: int, condition: str | None = None) -> Path:
    """A pack adding `count` choices to the scene `one.hall`."""
    folder = root.parent / "extra"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "pack: extra\ntitle: Extra\nversion: 1\nextends: tiny\nfiles: [extra.yaml]\n"
    )
    lines = ["act: one", "extend:", "  hall:", "    choices:"]
    for n in range(count):
        lines += [f"      - id: p{n}", f"        text: More {n}.", "        to: hall"]
        if condition:
            lines.append(f"        if: {condition}")
    (folder / "extra.yaml").write_text("\n".join(lines) + "\n")
    return folder


def test_a_pack_adding_thousands_of_long_conditions_to_a_looped_scene_is_refused(
    write_story: WriteStory,
) -> None:
    """The issue's case: 6,000 choices of 500-character conditions made every step of a
    replay cost 70 ms. Refused at the pack's first choice past the limit."""
    root = write_story({"one.yaml": hub(3)})
    found = errors(root, (pack(root, 6_000, CONDITION),))
    assert found == [
        "extra.yaml:48:13: with this pack's choices, the conditions of scene 'one.hall' come to "
        "more than 1,000 terms with this one (each name, value, visited(...) and operator is a "
        "term); a scene's conditions may have at most 1,000 together, since every one is "
        "tested each time the scene is shown: simplify them, or split the scene in two",
        "extra.yaml:" + str(5 + 4 * (MAX_SCENE_CHOICES - 3)) + ":9: with this pack's choices, "
        "scene 'one.hall' has 6,003 choices; a scene may offer at most 100 (those its packs add "
        "included), more than a player can read through: split it into scenes",
    ]


def test_a_scene_whose_conditions_are_too_much_to_test_is_refused_where_they_pass(
    write_story: WriteStory,
) -> None:
    # 100 terms a condition: the eleventh takes the scene past 1,000
    root = write_story({"one.yaml": hub(11, CONDITION)})
    [found] = errors(root)
    assert found.startswith("one.yaml:50:13: the conditions of scene 'hall' come to more than")
    assert f"may have at most {MAX_SCENE_TERMS:,} together" in found
    assert "one.hall" in load_story(write_story({"one.yaml": hub(10, CONDITION)})).scenes


def test_a_choice_setting_more_values_than_a_step_should_apply_is_refused(
    write_story: WriteStory,
) -> None:
    names = [f"v{n}" for n in range(MAX_EFFECTS + 1)]
    state = "".join(f"  {name}: {{type: flag, default: false}}\n" for name in names)
    sets = "set: {" + ", ".join(f"{name}: true" for name in names) + "}"
    root = write_story({"story.yaml": MANIFEST + state, "one.yaml": hub(1, effects=sets)})
    [found] = errors(root)
    column = len("        set: {") + sum(len(f"{n}: true, ") for n in names[:-1]) + 1
    assert found == (
        f"one.yaml:10:{column}: choice 1 of scene 'hall' sets and adds {MAX_EFFECTS + 1} values; "
        f"at most {MAX_EFFECTS} are allowed together, since each is applied at every step that takes it: keep the "
        "state it changes small"
    )


def test_more_state_than_a_story_may_declare_is_refused_at_the_first_over(
    write_story: WriteStory,
) -> None:
    state = "".join(f"  v{n}: {{type: flag, default: false}}\n" for n in range(MAX_VARIABLES))
    root = write_story({"story.yaml": MANIFEST + state})
    # the manifest declares three before them: v997 is the 1,001st
    line = (MANIFEST + state).splitlines().index("  v997: {type: flag, default: false}") + 1
    assert errors(root) == [
        f"story.yaml:{line}:3: state 'v997' is past the 1,000 state variables a story and "
        "its packs may declare together (every step of play copies them all): keep the state "
        "small"
    ]


def many_acts(write_story: WriteStory, files: int, scenes: int, choices: int = 1) -> Path:
    """A story of `files` acts of `scenes` scenes each, every file within its own limits."""
    acts = "".join(f"  - {{id: a{n}, title: A{n}, file: a{n}.yaml}}\n" for n in range(files))
    manifest = MANIFEST.replace("  - {id: one, title: One, file: one.yaml}\n", acts)
    manifest = manifest.replace("start: one.hall", "start: a0.s0")
    go = "".join(f"\n      - {{id: c{k}, text: Go., to: s0}}" for k in range(choices))
    texts = {"story.yaml": manifest}
    for n in range(files):
        body = "".join(
            f"  s{k}:\n    title: S\n    text: A room.\n    choices:{go}\n" for k in range(scenes)
        )
        texts[f"a{n}.yaml"] = f"act: a{n}\nscenes:\n" + body
    return write_story(texts)


def test_a_story_of_more_scenes_than_allowed_in_many_files_is_refused_where_it_passes(
    write_story: WriteStory,
) -> None:
    """Each file is far within its limits; together they pass the story's, which is reported
    at the first scene over, and nothing more is built."""
    files = MAX_SCENES // 1_000 + 1
    root = many_acts(write_story, files, 1_000)
    assert errors(root) == [
        f"a{files - 1}.yaml:3:3: scene 'a{files - 1}.s0' is past the 20,000 scenes a story and "
        "its packs may have together: shorten the story, or load fewer packs"
    ]


def test_a_story_of_more_choices_than_allowed_is_refused_at_the_first_over(
    write_story: WriteStory,
) -> None:
    root = many_acts(write_story, MAX_CHOICES // 5_000 + 1, 1_000, choices=5)
    [found] = errors(root)
    assert found == (
        "a10.yaml:7:9: this choice is past the 50,000 choices a story and its packs may have "
        "together: shorten the story, or load fewer packs"
    )


def test_files_of_more_bytes_together_than_a_story_may_have_are_refused_where_they_pass(
    write_story: WriteStory,
) -> None:
    """Six files each under 4 MB: the sixth passes 20 MB at a byte that is named."""
    filler = "# " + "x" * 97 + "\n"  # 100 bytes a line
    lines = (MAX_FILE_BYTES - 1_000) // len(filler)
    acts = "".join(f"  - {{id: a{n}, title: A{n}, file: a{n}.yaml}}\n" for n in range(6))
    manifest = MANIFEST.replace("  - {id: one, title: One, file: one.yaml}\n", acts)
    manifest = manifest.replace("start: one.hall", "start: a0.s")
    texts = {"story.yaml": manifest}
    for n in range(6):
        act = f"act: a{n}\nscenes:\n  s:\n    title: S\n    text: x\n    ending: {{id: e{n}, title: E}}\n"
        texts[f"a{n}.yaml"] = act + filler * lines
    root = write_story(texts)
    sizes = [len(texts["story.yaml"])] + [len(texts[f"a{n}.yaml"]) for n in range(6)]
    assert sum(sizes[:-1]) <= MAX_STORY_BYTES < sum(sizes)
    over = MAX_STORY_BYTES - sum(sizes[:-1])  # the first byte past the limit, in a5.yaml
    head = texts["a5.yaml"][:over]
    line, column = head.count("\n") + 1, len(head) - head.rfind("\n")
    assert errors(root) == [
        f"a5.yaml:{line}:{column}: the story's files pass 20 MB here (with this file they come "
        f"to {sum(sizes):,} bytes); a story and its packs may have at most 20 MB of files "
        "together: shorten the story, or load fewer packs"
    ]


def test_the_real_story_and_the_benchmark_graph_are_far_inside_every_limit() -> None:
    story = load_story(STORY)
    choices = [len(scene.choices) for scene in story.scenes.values()]
    assert len(story.scenes) * 100 < MAX_SCENES and sum(choices) * 100 < MAX_CHOICES
    assert max(choices) * 10 < MAX_SCENE_CHOICES
    assert len(story.variables) * 10 < MAX_VARIABLES
    size = sum(path.stat().st_size for path in STORY.glob("*.yaml"))
    assert size * 50 < MAX_STORY_BYTES


def test_a_story_within_every_limit_loads(write_story: WriteStory) -> None:
    root = write_story({"one.yaml": textwrap.dedent(hub(MAX_SCENE_CHOICES, "trust >= 0"))})
    assert len(load_story(root).scenes["one.hall"].choices) == MAX_SCENE_CHOICES


def test_the_benchmarks_widest_story_is_within_every_limit_and_its_save_replays_whole(
    tmp_path: Path,
) -> None:
    """bench/widest.py times the costliest load the limits allow: its story must load, and
    the longest save of it must replay to the end, or the bound it keeps means nothing."""
    from bench.widest import history, write_widest
    from her_if.core.replay import replay

    story = load_story(write_widest(tmp_path / "widest"))
    scene = story.scenes[story.start]
    assert len(scene.choices) == MAX_SCENE_CHOICES and len(story.variables) == MAX_VARIABLES
    assert len(scene.effects) == len(scene.choices[0].effects) == MAX_EFFECTS
    done = replay(story, history())
    assert done.stop is None and done.applied == len(history())
