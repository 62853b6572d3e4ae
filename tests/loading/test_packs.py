"""Scene packs: layering on a base story, every clash named in both files, and what saves,
`check`, `playtest`, `graph` and `play` make of them.

The fixture (tests/fixtures/packs/) is a tiny harbour story, `lantern` (a pack adding two scenes
and a choice on the pier), and `rival` (a pack that clashes with both in every way a pack can).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from her_if import choose, load_story, start, view
from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.analysis.playtest import exploration_lines
from her_if.cli import main
from her_if.core.engine import GameState
from her_if.core.model import CONTINUE, Pack, Story
from her_if.loading.diagnostics import StoryError, display_path
from her_if.persistence.saves import SaveError, fingerprint, list_saves, read_save
from her_if.play.session import Game, load_game, save_game
from tests.conftest import ACT, MANIFEST, ROOT, STORY, WriteStory
from tests.support.saves import WHEN

FIXTURE = ROOT / "tests" / "fixtures" / "packs"
BASE = FIXTURE / "story"
LANTERN = FIXTURE / "lantern"
RIVAL = FIXTURE / "rival"
WALKTHROUGHS = FIXTURE / "walkthroughs"

WritePack = Callable[..., Path]


def at(path: Path, line: int, column: int) -> str:
    """A place as the loader names it (relative to the working folder when inside it)."""
    return f"{display_path(path)}:{line}:{column}"


def errors(root: Path, *packs: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root, packs=packs)
    return [str(d) for d in caught.value.diagnostics]


def play(story: Story, *choices: str) -> GameState:
    """Follow choices as a walkthrough does: pauses pass by themselves."""
    state = start(story)
    for choice in choices:
        while view(story, state).pause:
            state = choose(story, state, CONTINUE)
        state = choose(story, state, choice)
    return state


@pytest.fixture(scope="module")
def layered() -> Story:
    return load_story(BASE, packs=[LANTERN])


@pytest.fixture
def write_pack(tmp_path: Path) -> WritePack:
    """Write a pack folder `name` in tmp_path from file name -> YAML text (dedented)."""

    def write(name: str, **files: str) -> Path:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        for file, text in files.items():
            (root / file.replace("__", ".")).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


def manifest(pack: str = "extra", files: str = "[extra.yaml]", more: str = "") -> str:
    return f"pack: {pack}\ntitle: Extra\nversion: 0.1.0\nextends: harbor\nfiles: {files}\n" + more


# -- layering --------------------------------------------------------------------------------


def test_a_pack_adds_its_scenes_state_and_choices(layered: Story) -> None:
    assert layered.packs == (
        Pack(
            "lantern",
            "The Lantern",
            "1.0.0",
            str(LANTERN),
            (display_path(LANTERN / "lighthouse.yaml"),),
            "A detour up the lighthouse.",
        ),
    )
    assert layered.full_title == "The Harbor + The Lantern 1.0.0"
    assert list(layered.variables) == ["brave", "coins", "lit_lamp"]  # the story's first
    assert {"dock.lighthouse", "dock.lit"} <= set(layered.scenes)
    pier = layered.scenes["dock.pier"]
    assert [c.id for c in pier.choices] == ["boat", "home", "climb"]  # appended, in order
    climb = pier.choices[2]
    assert str(climb.pos) == at(LANTERN / "lighthouse.yaml", 19, 9)  # it points into the pack
    assert climb.target == "dock.lighthouse"
    assert str(layered.scenes["dock.lit"].pos) == at(LANTERN / "lighthouse.yaml", 12, 3)


def test_the_story_alone_is_untouched_by_its_packs() -> None:
    alone = load_story(BASE)
    assert alone.packs == () and alone.full_title == "The Harbor"
    assert [c.id for c in alone.scenes["dock.pier"].choices] == ["boat", "home"]
    assert "dock.lighthouse" not in alone.scenes and "lit_lamp" not in alone.variables


def test_play_goes_from_the_story_into_the_pack_and_back(layered: Story) -> None:
    state = play(layered, "climb")
    assert state.scene == "dock.lighthouse"
    state = play(layered, "climb", "lit")
    assert state.vars["lit_lamp"] is True
    state = choose(layered, state, CONTINUE)  # the pack's pause leads back into the story
    assert state.scene == "dock.pier"
    offered = [o.id for o in view(layered, state).choices]
    assert offered == ["boat", "home"]  # the pack's state now hides its own choice
    state = play(layered, "climb", "lit", "boat", "steady", "sea")
    shown = view(layered, state)
    assert shown.ending is not None and shown.ending.id == "sailed"


def test_the_playtester_finds_no_defect_and_reaches_the_pack(layered: Story) -> None:
    found = explore(layered)
    assert found.complete and found.defects == 0
    assert {"dock.lighthouse", "dock.lit"} <= found.scenes_reached
    assert ("dock.pier", "climb") in found.edges_taken
    assert summarize(layered).warnings == ()


def test_a_finding_about_an_extended_choice_points_into_the_pack(write_pack: WritePack) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="""\
            act: dock
            extend:
              dock.boat:
                choices:
                  - id: swim
                    text: Swim for it.
                    to: home
                    if: coins > 2
            """,
    )
    story = load_story(BASE, packs=[pack])
    found = explore(story)
    assert [f.choice for f in found.always_false] == ["swim"]
    lines = "\n".join(exploration_lines(story, found))
    assert f"  {at(pack / 'extra.yaml', 5, 9)}: dock.boat, choice 'swim': condition " in lines


def test_extend_keeps_the_scene_and_may_name_it_within_the_files_act(
    write_pack: WritePack,
) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="""\
            act: dock
            extend:
              boat:                     # bare: a scene of this file's act
                choices:
                  - id: wave
                    text: Wave at the shore, {coins} coins in hand.
                    to: pier            # bare too
            """,
    )
    story = load_story(BASE, packs=[pack])
    boat, alone = story.scenes["dock.boat"], load_story(BASE).scenes["dock.boat"]
    assert boat.choices[:3] == alone.choices
    assert (boat.title, boat.paragraphs, boat.pos) == (alone.title, alone.paragraphs, alone.pos)
    assert boat.choices[3].id == "wave" and boat.choices[3].target == "dock.pier"


def test_two_packs_extend_one_scene_in_load_order(write_pack: WritePack) -> None:
    second = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="""\
            act: dock
            extend:
              dock.pier:
                choices:
                  - {id: whistle, text: Whistle., to: pier}
            """,
    )
    story = load_story(BASE, packs=[LANTERN, second])
    assert [c.id for c in story.scenes["dock.pier"].choices] == ["boat", "home", "climb", "whistle"]


def test_a_numeric_version_is_taken_as_written(write_pack: WritePack) -> None:
    text = manifest().replace("version: 0.1.0", "version: 1.10")
    pack = write_pack(
        "extra",
        pack__yaml=text,
        extra__yaml="act: dock\nscenes:\n  nook: {title: Nook, text: A nook., continue: pier}\n",
    )
    assert load_story(BASE, packs=[pack]).packs[0].version == "1.10"


# -- clashes -----------------------------------------------------------------------------------


def test_every_clash_names_both_files_at_their_places() -> None:
    rival_pack, rival = RIVAL / "pack.yaml", RIVAL / "rival.yaml"
    assert errors(BASE, LANTERN, RIVAL) == [
        f"{at(rival_pack, 2, 7)}: pack id 'lantern' is also the id of the pack at "
        f"{at(LANTERN / 'pack.yaml', 2, 7)}; two packs cannot share an id: rename one, or load "
        "only one of them",
        f"{at(rival_pack, 8, 3)}: state 'brave' is already declared by the story at "
        f"{at(BASE / 'story.yaml', 8, 3)}; a pack uses the story's state as it is: remove "
        "this declaration",
        f"{at(rival_pack, 9, 3)}: state 'lit_lamp' is already declared by the pack 'lantern' "
        f"at {at(LANTERN / 'pack.yaml', 9, 3)}; rename one of them",
        f"{at(rival, 3, 3)}: scene 'dock.boat' is already defined by the story at "
        f"{at(BASE / 'dock.yaml', 11, 3)}; a pack cannot replace a scene: give this one a new "
        "id, or add choices to that one with 'extend:'",
        f"{at(rival, 7, 3)}: scene 'dock.lighthouse' is already defined by the pack 'lantern' "
        f"at {at(LANTERN / 'lighthouse.yaml', 3, 3)}; a pack cannot replace a scene: give this "
        "one a new id, or add choices to that one with 'extend:'",
        f"{at(rival, 14, 9)}: choice id 'climb' is already in scene 'dock.pier' at "
        f"{at(LANTERN / 'lighthouse.yaml', 19, 9)}; give this choice another 'id:'",
        f"{at(rival, 17, 9)}: choice id 'boat' is already in scene 'dock.pier' at "
        f"{at(BASE / 'dock.yaml', 7, 9)}; give this choice another 'id:'",
    ]


def test_the_same_pack_twice_is_named_as_such() -> None:
    assert errors(BASE, LANTERN, LANTERN) == [
        f"{at(LANTERN / 'pack.yaml', 2, 7)}: the pack 'lantern' is loaded twice; give it once"
    ]


def test_a_scene_defined_twice_within_a_pack(write_pack: WritePack) -> None:
    scene = "act: dock\nscenes:\n  nook: {title: Nook, text: A nook., continue: pier}\n"
    pack = write_pack(
        "extra", pack__yaml=manifest(files="[a.yaml, b.yaml]"), a__yaml=scene, b__yaml=scene
    )
    assert errors(BASE, pack) == [
        f"{at(pack / 'b.yaml', 3, 3)}: scene 'dock.nook' is defined twice in this pack "
        f"(also at {at(pack / 'a.yaml', 3, 3)}); rename one"
    ]


def test_a_pack_for_another_story_is_refused_whole(write_pack: WritePack) -> None:
    pack = write_pack(
        "extra", pack__yaml=manifest().replace("extends: harbor", "extends: harbour")
    )  # its file is missing too, but that would be noise: the pack is not for this story
    assert errors(BASE, pack) == [
        f"{at(pack / 'pack.yaml', 4, 10)}: this pack extends the story 'harbour', but the story "
        f"loaded is 'harbor' (at {at(BASE / 'story.yaml', 2, 5)}); a pack is made for one "
        "story: load it with that one, or correct 'extends'"
    ]


def test_what_a_pack_cannot_extend(write_pack: WritePack) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="""\
            act: dock
            scenes:
              nook:
                title: Nook
                text: A nook.
                choices: [{text: Leave., to: pier}]
            extend:
              dock.lit: {choices: [{text: Stay., to: nook}]}
              dock.sea: {choices: [{text: Swim back., to: pier}]}
              dock.peir: {choices: [{text: Wait., to: pier}]}
              nook: {choices: [{text: Rest., to: pier}]}
              dock.pier:
                text: New text.
                choice: []
            """,
    )
    place = pack / "extra.yaml"
    assert errors(BASE, LANTERN, pack) == [
        f"{at(place, 8, 3)}: scene 'dock.lit' is a pause (continue: or return:), which offers "
        "no choices to add to; extend a scene with choices, or add a scene with choices",
        f"{at(place, 9, 3)}: scene 'dock.sea' is an ending, where the story stops, so it takes "
        "no choices; extend the scene before it, or add a scene with choices",
        f"{at(place, 10, 3)}: extend names unknown scene 'dock.peir' (did you mean 'dock.pier'?)",
        f"{at(place, 11, 3)}: scene 'dock.nook' is this pack's own: write the choice in its "
        "'choices' instead of extending it",
        f"{at(place, 13, 5)}: extend may only add choices; a pack cannot change a scene's "
        "'text' (write a new scene for new text)",
        f"{at(place, 13, 5)}: extend 'dock.pier' is missing 'choices'",
        f"{at(place, 14, 5)}: unknown key 'choice' in extend 'dock.pier' (did you mean 'choices'?)",
    ]


def test_a_pack_extends_only_packs_loaded_before_it(write_pack: WritePack) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="act: dock\nextend:\n  dock.lighthouse:\n    choices: [{id: up, text: Up., to: pier}]\n",
    )
    assert errors(BASE, pack, LANTERN) == [
        f"{at(pack / 'extra.yaml', 3, 3)}: scene 'dock.lighthouse' comes from the pack "
        "'lantern', which is loaded after this pack; a pack extends only the story and packs "
        "loaded before it: give that pack's --story first"
    ]
    assert "dock.lighthouse" in load_story(BASE, packs=[LANTERN, pack]).scenes


def test_the_loaders_checks_apply_to_pack_files(write_pack: WritePack) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(more="titel: x\nstate:\n  lit_lamp: {type: flag, default: false}\n"),
        extra__yaml="""\
            act: dokc
            """,
    )
    found = errors(BASE, pack)
    assert found == [
        f"{at(pack / 'pack.yaml', 6, 1)}: unknown key 'titel' in the pack manifest (did you "
        "mean 'title'?)",
        f"{at(pack / 'extra.yaml', 1, 1)}: a pack file needs 'scenes' (new scenes), 'extend' "
        "(new choices), or both",
        f"{at(pack / 'extra.yaml', 1, 6)}: act 'dokc' is not an act of the story (did you mean "
        "'dock'?); a pack file's act must be one of the story's: dock",
    ]


def test_conditions_targets_and_effects_see_the_story_and_the_pack_only(
    write_pack: WritePack,
) -> None:
    pack = write_pack(
        "extra",
        pack__yaml=manifest(more="state:\n  rowed: {type: flag, default: false}\n"),
        extra__yaml="""\
            act: dock
            scenes:
              shore:
                title: The shore
                text: Sand.
                choices:
                  - text: Row.
                    to: lighthous
                    if: rowed and lit_lamp
                  - id: back
                    text: Back.
                    to: pier
                    set: {rowd: true, brave: true}
            extend:
              dock.pier:
                choices:
                  - id: climb
                    text: To the shore.
                    to: shore
            """,
    )
    place = pack / "extra.yaml"
    # `lighthouse` and `lit_lamp` are the lantern pack's: this pack cannot see them, and its
    # own choice id `climb` clashes with nothing, since the lantern pack is not loaded
    assert errors(BASE, pack) == [
        f"{at(place, 8, 13)}: choice 1 of scene 'shore' goes to unknown scene 'lighthous'",
        f"{at(place, 9, 23)}: unknown state 'lit_lamp'",
        f"{at(place, 13, 15)}: unknown state 'rowd' (did you mean 'rowed'?); declare it in "
        "the manifest",
    ]


def test_pack_scenes_stage_beats_of_the_story_beat_sheet(
    write_story: WriteStory, write_pack: WritePack
) -> None:
    base = write_story(
        {
            "story.yaml": MANIFEST + "beat_sheet: plot.yaml\n",
            "one.yaml": ACT.replace("title: The hall", "title: The hall\n    beats: [arrive]"),
            "plot.yaml": "beats:\n  - {id: arrive, act: one, summary: In., sources: [x]}\n",
        }
    )
    pack = write_pack(
        "extra",
        pack__yaml=manifest().replace("harbor", "tiny"),
        extra__yaml="act: one\nscenes:\n  nook: {title: N, text: N., beats: [arive], continue: hall}\n",
    )
    assert errors(base, pack) == [
        f"{at(pack / 'extra.yaml', 3, 38)}: unknown beat 'arive' (did you mean 'arrive'?)"
    ]


def test_errors_in_the_story_and_its_packs_come_in_one_report(
    tmp_path: Path, write_pack: WritePack
) -> None:
    base = tmp_path / "base"
    shutil.copytree(BASE, base)
    dock = base / "dock.yaml"
    dock.write_text(dock.read_text().replace("to: home", "to: hoem"))
    pack = write_pack(
        "extra",
        pack__yaml=manifest(),
        extra__yaml="act: dock\nscenes:\n  nook: {title: N, text: N., continue: peir}\n",
    )
    assert errors(base, pack) == [
        f"{at(dock, 10, 13)}: choice 2 of scene 'pier' goes to unknown scene 'hoem' (did you "
        "mean 'home'?)",
        f"{at(pack / 'extra.yaml', 3, 40)}: scene 'nook' continues to unknown scene 'peir' "
        "(did you mean 'pier'?)",
    ]


def test_a_folder_that_is_not_a_pack_or_a_story(tmp_path: Path) -> None:
    assert errors(BASE, FIXTURE) == [
        f"{at(FIXTURE / 'pack.yaml', 1, 1)}: neither a story nor a pack; expected a pack folder "
        "(with pack.yaml)"
    ]
    assert errors(BASE, BASE) == [
        f"{at(BASE / 'pack.yaml', 1, 1)}: a story (story.yaml), not a pack: only the first "
        "--story is the story; every later one is a pack folder (with pack.yaml)"
    ]
    assert errors(LANTERN) == [
        f"{at(LANTERN / 'story.yaml', 1, 1)}: a pack (pack.yaml), not a story: give the story "
        f"first, then its packs: --story STORY --story {display_path(LANTERN)}"
    ]


def test_an_unlisted_pack_file_warns_and_listed_ones_do_not(tmp_path: Path) -> None:
    pack = tmp_path / "lantern"
    shutil.copytree(LANTERN, pack)
    (pack / "draft.yaml").write_text("act: dock\n")
    story = load_story(BASE, packs=[pack])
    assert [str(w) for w in summarize(story).warnings] == [
        f"{at(pack / 'draft.yaml', 1, 1)}: warning: 'draft.yaml' is in the pack folder but its "
        "pack.yaml 'files' do not list it"
    ]


def test_a_pack_file_in_the_story_folder_is_outside_the_pack_and_refused(tmp_path: Path) -> None:
    """A pack's files travel with it: one it lists from the story's folder is not its own."""
    base = tmp_path / "base"
    shutil.copytree(BASE, base)
    shutil.copytree(LANTERN, base / "lantern")
    (base / "lantern" / "lighthouse.yaml").rename(base / "lighthouse.yaml")
    text = (base / "lantern" / "pack.yaml").read_text()
    (base / "lantern" / "pack.yaml").write_text(
        text.replace("[lighthouse.yaml]", "[../lighthouse.yaml]")
    )
    [found] = errors(base, base / "lantern")
    assert found.startswith(f"{at(base / 'lantern' / 'pack.yaml', 7, 9)}: pack file ")
    assert "'../lighthouse.yaml' is outside the pack's folder" in found


SECRET = "ghp_SECRET_TOKEN_123: {user: me}\n"
"""A file of the player's own, outside every story folder: what no message may ever quote."""


def outside_pack(tmp_path: Path, write_pack: WritePack, files: str) -> tuple[Path, Path]:
    """A pack listing `files`, and beside it a secret a listed path or link may lead to."""
    secret = tmp_path / "home" / ".config" / "tool" / "hosts.yml"
    secret.parent.mkdir(parents=True)
    secret.write_text(SECRET, encoding="utf-8")
    pack = write_pack("extra", pack__yaml=manifest(pack="extra", files=files))
    return pack, secret


def test_a_pack_file_outside_the_pack_is_refused_unread_and_never_quoted(
    tmp_path: Path, write_pack: WritePack
) -> None:
    pack, _ = outside_pack(tmp_path, write_pack, "[../home/.config/tool/hosts.yml]")
    found = errors(BASE, pack)
    assert found == [
        f"{at(pack / 'pack.yaml', 5, 9)}: pack file '../home/.config/tool/hosts.yml' is outside "
        f"the pack's folder {display_path(pack)} (links followed); a pack's files must be "
        "inside its own folder: move the file into it and list it by its path there"
    ]
    assert "ghp_SECRET" not in " ".join(found)


def test_a_link_out_of_the_pack_is_refused_and_never_quoted(
    tmp_path: Path, write_pack: WritePack, capsys: pytest.CaptureFixture[str]
) -> None:
    pack, secret = outside_pack(tmp_path, write_pack, "[hosts.yml]")
    (pack / "hosts.yml").symlink_to(secret)
    [found] = errors(BASE, pack)
    assert "pack file 'hosts.yml' is outside the pack's folder" in found
    # and the pack's manifest itself may not be such a link
    (pack / "pack.yaml").unlink()
    (pack / "pack.yaml").symlink_to(secret)
    assert errors(BASE, pack) == [
        f"{at(pack / 'pack.yaml', 1, 1)}: this is a link to a file outside the pack's folder; "
        "a pack's files must be inside its own folder, so it is not read: put the file itself "
        "there"
    ]
    assert main(["check", "--story", str(BASE), "--story", str(pack)]) == 2
    assert "ghp_SECRET" not in "".join(capsys.readouterr())


def test_a_link_within_the_pack_is_followed(tmp_path: Path) -> None:
    pack = tmp_path / "lantern"
    shutil.copytree(LANTERN, pack)
    (pack / "real").mkdir()
    (pack / "lighthouse.yaml").rename(pack / "real" / "lighthouse.yaml")
    (pack / "lighthouse.yaml").symlink_to(pack / "real" / "lighthouse.yaml")
    assert "dock.lighthouse" in load_story(BASE, packs=[pack]).scenes


# -- the command line ---------------------------------------------------------------------------


def test_check_names_the_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--story", str(BASE), "--story", str(LANTERN)]) == 0
    assert capsys.readouterr().out == (
        "The Harbor + The Lantern 1.0.0: 6 scenes, 8 choices, 2 endings, 73 words; "
        "0 errors, 0 warnings\n"
    )
    assert main(["check", "--json", "--story", str(BASE), "--story", str(LANTERN)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["packs"] == [
        {"id": "lantern", "title": "The Lantern", "version": "1.0.0", "folder": str(LANTERN)}
    ]
    assert report["scenes"] == 6 and report["errors"] == []


def test_check_reports_clashes_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["check", "--story", str(BASE), "--story", str(LANTERN), "--story", str(RIVAL)]) == 2
    )
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "7 errors"
    assert lines[0].startswith(at(RIVAL / "pack.yaml", 2, 7))


def test_a_bad_story_folder_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "playtest", "graph", "play", "saves"):
        assert main([command, "--story", str(BASE), "--story", str(FIXTURE)]) == 2
        assert capsys.readouterr().err == (
            f"her-if: --story {FIXTURE}: neither a story nor a pack; expected a pack folder "
            "(with pack.yaml)\n"
        )


def test_playtest_and_graph_take_the_packs(capsys: pytest.CaptureFixture[str]) -> None:
    stories = ["--story", str(BASE), "--story", str(LANTERN)]
    args = ["playtest", *stories, "--exhaustive", "--walkthroughs", str(WALKTHROUGHS), "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exhaustive"]["defects"] == 0
    assert [w["failures"] for w in report["walkthroughs"]] == [[]]
    assert main(["graph", *stories]) == 0
    graph = capsys.readouterr().out
    assert 'label="The Harbor + The Lantern 1.0.0";' in graph
    assert '"dock.pier" -> "dock.lighthouse" [label="climb", style=dashed];' in graph


def test_play_a_script_through_the_pack(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    script = WALKTHROUGHS / "lantern.yaml"
    out = tmp_path / "transcript.txt"
    stories = ["--story", str(BASE), "--story", str(LANTERN)]
    assert main(["play", *stories, "--script", str(script), "--transcript", str(out)]) == 0
    assert "## The lighthouse" in out.read_text(encoding="utf-8")
    assert "ok, 5 choices, stopped at dock.sea" in capsys.readouterr().err
    assert main(["play", "--story", str(BASE), "--script", str(script)]) == 2  # no pack, no climb
    assert "unknown state 'lit_lamp'" in capsys.readouterr().err


# -- saves ----------------------------------------------------------------------------------


def save(story: Story, folder: Path, slot: str, *choices: str) -> Path:
    return save_game(story, folder, slot, Game(play(story, *choices), WHEN))


def test_a_save_records_its_packs(layered: Story, tmp_path: Path) -> None:
    path = save(layered, tmp_path, "one", "climb")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["packs"] == [{"id": "lantern", "title": "The Lantern", "version": "1.0.0"}]
    assert read_save(path, layered).packs[0].label == "The Lantern 1.0.0"
    loaded = load_game(layered, tmp_path, "one")
    assert loaded.change is None and loaded.game.state.scene == "dock.lighthouse"


def test_loading_without_the_pack_says_so_then_replays_as_after_an_edit(
    layered: Story, tmp_path: Path
) -> None:
    save(layered, tmp_path, "one", "climb", "lit")
    alone = load_story(BASE)
    loaded = load_game(alone, tmp_path, "one")
    assert loaded.change == (
        "This save was made with other packs: The Lantern 1.0.0 is not loaded now. "
        "The story has changed since this save: at step 1 of 2 the scene 'The pier' no longer "
        "has a choice 'climb'. The furthest point your choices still reach is the start of "
        "the story, 'The pier'."
    )
    assert loaded.stop is not None and loaded.game.state == start(alone)


def test_loading_with_a_new_pack_or_another_version_says_so(layered: Story, tmp_path: Path) -> None:
    alone = load_story(BASE)
    save(alone, tmp_path / "saves", "one", "boat", "steady")
    loaded = load_game(layered, tmp_path / "saves", "one")
    assert loaded.change == (
        "This save was made with other packs: The Lantern 1.0.0 was not loaded then. "
        "The story has changed since this save; you continue where you were, with the state "
        "your choices give now."  # the pack's state, at its default
    )
    assert loaded.game.state.vars["lit_lamp"] is False
    newer = tmp_path / "lantern"
    shutil.copytree(LANTERN, newer)
    text = (newer / "pack.yaml").read_text()
    (newer / "pack.yaml").write_text(text.replace("1.0.0", "1.1.0"))
    save(layered, tmp_path / "saves", "two", "climb")
    loaded = load_game(load_story(BASE, packs=[newer]), tmp_path / "saves", "two")
    assert loaded.change == (
        "This save was made with other packs: The Lantern was 1.0.0 and is 1.1.0 now. "
        "The story has changed since this save; your place in it has not."
    )


def test_a_save_without_packs_is_read_as_made_with_none(layered: Story, tmp_path: Path) -> None:
    path = save(load_story(BASE), tmp_path, "old", "boat")
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["packs"]  # as saved before packs existed
    data["version"] = 1  # which was within version 1
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_save(path, layered).packs == ()
    assert load_game(load_story(BASE), tmp_path, "old").change is None


@pytest.mark.parametrize(
    ("packs", "problem"),
    [
        ("{}", '"packs" should be a list, not a JSON object'),
        ('["lantern"]', '"packs" item 1 should be a JSON object, not a text'),
        ('[{"id": "lantern"}]', '"packs" item 1 should have a text "version", not nothing'),
        ('[{"id": 1, "version": "1"}]', '"packs" item 1 should have a text "id", not a number'),
    ],
)
def test_a_bad_packs_list_is_one_line(
    layered: Story, tmp_path: Path, packs: str, problem: str
) -> None:
    path = save(layered, tmp_path, "one", "boat")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["packs"] = json.loads(packs)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError) as caught:
        read_save(path, layered)
    assert str(caught.value) == f"{display_path(path)}: {problem}"


def test_the_saves_listing_shows_packs_that_differ(
    layered: Story, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "saves"
    save(layered, folder, "with", "climb")
    save(load_story(BASE), folder, "without", "boat")
    assert main(["saves", "--saves", str(folder), "--story", str(BASE)]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["with"].endswith(" · played under a minute · made with The Lantern 1.0.0")
    assert lines["without"].endswith(" · played under a minute")
    stories = ["--story", str(BASE), "--story", str(LANTERN)]
    assert main(["saves", "--saves", str(folder), *stories]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["with"].endswith(" · played under a minute")
    assert lines["without"].endswith(" · played under a minute · made without packs")
    listing = list_saves(folder, layered).as_json()["saves"]
    assert isinstance(listing, list)
    assert {s["slot"]: s["packs"] for s in listing} == {
        "with": [{"id": "lantern", "title": "The Lantern", "version": "1.0.0"}],
        "without": [],
    }


def test_the_fingerprint_covers_the_pack_files(tmp_path: Path) -> None:
    pack = tmp_path / "lantern"
    shutil.copytree(LANTERN, pack)
    first = fingerprint(load_story(BASE, packs=[pack]))
    assert first != fingerprint(load_story(BASE))
    scenes = pack / "lighthouse.yaml"
    scenes.write_text(scenes.read_text().replace("is dark.", "is cold."))
    second = fingerprint(load_story(BASE, packs=[pack]))
    assert second != first
    manifest_file = pack / "pack.yaml"
    manifest_file.write_text(manifest_file.read_text().replace("A detour", "A climb"))
    assert fingerprint(load_story(BASE, packs=[pack])) not in (first, second)


# -- the documentation ----------------------------------------------------------------------------


def test_the_example_pack_in_the_format_docs_loads_on_the_story(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    section = text.split("\n## Scene packs\n", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```yaml sketch\n")[1:]]
    written = {}
    for block in blocks:
        name = Path(block.splitlines()[0].removeprefix("# ")).name
        written[name] = block
        (tmp_path / name).write_text(block, encoding="utf-8")
    assert sorted(written) == ["laundry.yaml", "pack.yaml"]
    story = load_story(STORY, packs=[tmp_path])
    assert story.packs[0].label == "Laundry Night 1.0.0"
    assert story.scenes["upgrade.together"].choices[-1].id == "laundry"
    assert story.scenes["upgrade.laundry-night"].choices[1].target == "upgrade.train"
    pack_files = {display_path(tmp_path / name) for name in written}
    assert [w for w in summarize(story).warnings if w.pos.path in pack_files] == []


def test_a_pack_naming_the_scenes_of_a_broken_act_adds_no_errors_of_its_own(
    write_story: WriteStory, tmp_path: Path
) -> None:
    """The story's act lost its scenes to one error: that a pack extends them, or leads to
    them, only follows from it, so that one error is all the report shows."""
    story = write_story({"one.yaml": "act: one\nscenes: [hall]\n"})
    pack = tmp_path / "porch"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "pack: porch\ntitle: Porch\nversion: 1\nextends: tiny\nfiles: [porch.yaml]\n"
    )
    (pack / "porch.yaml").write_text(
        "act: one\n"
        "scenes:\n  porch:\n    title: Porch\n    text: Rain.\n"
        '    choices:\n      - text: In.\n        to: hall\n        if: visited("room")\n'
        "extend:\n  hall:\n    choices:\n      - text: Out.\n        to: porch\n"
    )
    with pytest.raises(StoryError) as caught:
        load_story(story, packs=[pack])
    [shown] = caught.value.diagnostics
    assert shown.message == "scenes must be a mapping, not a list"
    assert {d.message for d in caught.value.following} >= {
        "extend names unknown scene 'hall'",
        "choice 1 of scene 'porch' goes to unknown scene 'hall'",
        "visited() names unknown scene 'room'",
    }
