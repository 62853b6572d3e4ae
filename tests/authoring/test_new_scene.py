"""`her-if new-scene ACT.SCENE`: a skeleton that loads, put where it belongs, nothing else moved."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from her_if.analysis.check import summarize
from her_if.authoring.new_scene import NewSceneError, draft_scene, write_scene
from her_if.authoring.skeleton import scene_skeleton, title_from_id
from her_if.cli import main
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ACT, ROOT, WriteStory


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def warnings(root: Path) -> list[str]:
    return [w.message for w in summarize(load_story(root)).warnings]


def test_without_write_it_prints_the_skeleton_and_says_where_it_goes(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    root = write_story()
    before = (root / "one.yaml").read_bytes()
    code, out, err = run(capsys, "new-scene", "one.cellar", "--story", root)
    assert code == 0
    assert out == scene_skeleton("cellar", "hall")
    assert out.startswith("  cellar:\n    title: Cellar")
    assert "one.yaml" in err and "--write" in err
    assert (root / "one.yaml").read_bytes() == before


def test_write_appends_a_scene_that_loads_and_is_only_unreachable(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    root = write_story()
    assert warnings(root) == []
    before = (root / "one.yaml").read_bytes()
    code, out, _ = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code == 0
    after = (root / "one.yaml").read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == b"\n" + scene_skeleton("cellar", "hall").encode()
    line = after.decode().splitlines().index("  cellar:") + 1
    assert out.startswith(f"{root / 'one.yaml'}:{line}: new scene 'one.cellar'; ")
    assert "nothing leads to it yet" in out and "'to: one.cellar'" in out
    story = load_story(root)
    assert story.scenes["one.cellar"].pos.line == line
    assert warnings(root) == [
        "scene 'one.cellar' is unreachable: no choice or continue leads to it"
    ]


def test_every_commented_out_key_of_the_skeleton_loads_once_switched_on(
    write_story: WriteStory,
) -> None:
    """The comments are the documentation; each `# key:` line must be right as it stands."""
    skeleton = scene_skeleton("cellar", "hall")
    switched = re.sub(r"^(\s*)# (?=[a-z_]+:)", r"\1", skeleton, flags=re.MULTILINE)
    switched = switched.replace("a_flag", "met").replace("a_counter", "trust")
    switched = switched.replace("[beat-id]", "[]")
    assert switched.count("# ") == skeleton.count("# ") - 11  # eleven keys were switched on
    root = write_story()
    text = (root / "one.yaml").read_text() + switched
    (root / "one.yaml").write_text(text)
    cellar = load_story(root).scenes["one.cellar"]
    [choice] = cellar.choices
    assert (choice.id, choice.target, choice.once) == ("a-choice-id", "one.hall", True)
    assert choice.condition is not None and choice.condition.source == "met"
    assert {e.name for e in cellar.effects} == {e.name for e in choice.effects} == {"met", "trust"}
    assert choice.open_if is not None and choice.open_if.source == "trust >= 2"
    assert choice.closed is not None and choice.echo is not None


def test_each_commented_out_choice_of_the_skeleton_loads_once_switched_on(
    write_story: WriteStory,
) -> None:
    """The three choices at its end (a call, a return, a fallback), each taken out of its
    comment line by line, as the skeleton tells an author to; its `then:` too."""
    skeleton = scene_skeleton("cellar", "hall")
    switched = re.sub(r"^(\s*)# (- |  )", r"\1\2", skeleton, flags=re.MULTILINE)
    switched = re.sub(r"^(\s*)# (then:)", r"\1\2", switched, flags=re.MULTILINE)
    assert "call: hall" in switched and "\n        then: hall" in switched
    root = write_story()
    (root / "one.yaml").write_text((root / "one.yaml").read_text() + switched)
    first, call, back, fallback = load_story(root).scenes["one.cellar"].choices
    assert (call.id, call.call, call.target, call.then) == ("look", True, "one.hall", "one.hall")
    assert (back.returns, back.id) == (True, "return")
    assert (fallback.id, fallback.fallback, fallback.target) == ("done", True, "one.hall")
    assert first.target == "one.hall" and not (first.call or first.returns or first.fallback)


def test_the_skeleton_as_it_stands_has_one_choice_and_no_new_key(write_story: WriteStory) -> None:
    root = write_story()
    (root / "one.yaml").write_text(
        (root / "one.yaml").read_text() + scene_skeleton("cellar", "hall")
    )
    [choice] = load_story(root).scenes["one.cellar"].choices
    assert choice.open_if is None and choice.echo is None and not choice.call


def test_write_follows_the_files_indentation_line_ends_and_byte_order_mark(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    act = (
        "act: one\r\n"
        "scenes:\r\n"
        "    hall:\r\n"
        "        title: The hall\r\n"
        "        text: Trust is {trust}. Caf\u00e9.\r\n"
        "        ending: {id: fin, title: Fin}"  # no line end at the end of the file
    )
    root = write_story()
    before = b"\xef\xbb\xbf" + act.encode()
    (root / "one.yaml").write_bytes(before)
    code, out, _ = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code == 0, out
    after = (root / "one.yaml").read_bytes()
    assert after.startswith(before)
    added = after[len(before) :].decode()
    assert added == "\r\n\r\n" + scene_skeleton("cellar", "hall", indent=4, step=4).replace(
        "\n", "\r\n"
    )
    assert out.startswith(f"{root / 'one.yaml'}:8: ")
    assert load_story(root).scenes["one.cellar"].pos.line == 8


def test_write_goes_to_the_end_of_the_scenes_even_when_a_key_follows_them(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    act = (
        "scenes:\n"
        "  hall:\n"
        "    title: The hall\n"
        "    text: Trust is {trust}.\n"
        "    ending: {id: fin, title: Fin}\n"
        "# the act comes last in this file\n"
        "act: one\n"
    )
    root = write_story({"one.yaml": act})
    code, out, _ = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code == 0, out
    head = act.removesuffix("act: one\n")
    skeleton = scene_skeleton("cellar", "hall")
    assert (root / "one.yaml").read_text() == head + "\n" + skeleton + "\nact: one\n"
    assert out.startswith(f"{root / 'one.yaml'}:8: ")
    assert "one.cellar" in load_story(root).scenes


@pytest.mark.parametrize(
    ("scene", "message"),
    [
        ("on.cellar", "the story has no act 'on' (did you mean 'one'?)"),
        ("seven.cellar", "the story has no act 'seven' (its acts: one)"),
        ("one.room", "scene 'one.room' already exists at "),
        ("cellar", "name the new scene with its act, as act.scene, e.g. 'one.cellar'"),
        ("one.Cellar", "scene id 'Cellar' must be lower-case letters, digits, '-' or '_'"),
        ("One.cellar", "act 'One' must be lower-case letters"),
        ("one.wine cellar", "scene id 'wine cellar' must be lower-case letters"),
    ],
)
def test_a_bad_request_is_refused_in_one_line_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory, scene: str, message: str
) -> None:
    root = write_story()
    before = (root / "one.yaml").read_bytes()
    for write in ([], ["--write"]):
        code, out, err = run(capsys, "new-scene", scene, "--story", root, *write)
        assert code == 2 and out == ""
        assert err.startswith(f"her-if: new-scene: {message}") and err.count("\n") == 1
    assert (root / "one.yaml").read_bytes() == before


def test_an_existing_scene_is_named_with_its_place(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    root = write_story()
    _, _, err = run(capsys, "new-scene", "one.room", "--story", root)
    assert f"already exists at {root / 'one.yaml'}:19:3; choose another id" in err


def test_a_broken_story_is_refused_with_every_error(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    broken = ACT.replace("to: room", "to: rom").replace("continue: end", "continue: ned")
    assert broken.count("rom\n") == broken.count("ned\n") == 1
    root = write_story({"one.yaml": broken})
    code, out, err = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[-1] == "2 errors"
    assert all(re.match(r".*one\.yaml:\d+:\d+: ", line) for line in lines[:-1])
    assert (root / "one.yaml").read_text() == broken


def test_a_flow_style_scenes_block_is_printed_but_not_written(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    act = "act: one\nscenes: {hall: {title: Hall, text: A hall., ending: {id: fin, title: Fin}}}\n"
    root = write_story({"one.yaml": act})
    code, out, _ = run(capsys, "new-scene", "one.cellar", "--story", root)
    assert code == 0 and out == scene_skeleton("cellar", "hall")
    code, _, err = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code == 2 and "flow style" in err and "without --write" in err
    assert (root / "one.yaml").read_text() == act


def test_a_scene_added_to_a_copy_of_the_shipped_story_lands_where_it_says(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "story", tmp_path / "story")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    act = tmp_path / "story" / "03-surrogate.yaml"
    before = act.read_bytes()
    code, out, _ = run(
        capsys, "new-scene", "surrogate.laundry-night", "--story", tmp_path / "story", "--write"
    )
    assert code == 0
    assert act.read_bytes().startswith(before)
    where = re.match(r"(.*03-surrogate\.yaml):(\d+): ", out)
    assert where and Path(where.group(1)) == act
    line = int(where.group(2))
    assert act.read_text().splitlines()[line - 1] == "  laundry-night:"
    story = load_story(tmp_path / "story")
    assert story.scenes["surrogate.laundry-night"].choices[0].target == "surrogate.sunday"
    assert [w.message for w in summarize(story).warnings] == [
        "scene 'surrogate.laundry-night' is unreachable: no choice or continue leads to it"
    ]


def test_the_skeleton_is_titled_after_its_id() -> None:
    assert title_from_id("laundry-night") == "Laundry night"
    assert title_from_id("the_roof") == "The roof"
    assert title_from_id("os1") == "Os1"


def test_a_written_skeleton_is_still_checked_like_any_scene(write_story: WriteStory) -> None:
    """Nothing special about a skeleton: break it and the loader says where."""
    root = write_story()
    broken = scene_skeleton("cellar", "nowhere")
    (root / "one.yaml").write_text((root / "one.yaml").read_text() + broken)
    with pytest.raises(StoryError, match=r"one\.yaml:\d+:13: choice 1 of scene 'cellar' goes"):
        load_story(root)


def test_a_file_changed_after_drafting_is_not_written_over(write_story: WriteStory) -> None:
    root = write_story()
    draft = draft_scene(load_story(root), "one.cellar")
    edited = (root / "one.yaml").read_text() + "# the author was quicker\n"
    (root / "one.yaml").write_text(edited)
    with pytest.raises(NewSceneError, match="changed while the scene was drafted; run again"):
        write_scene(draft)
    assert (root / "one.yaml").read_text() == edited


def test_write_goes_through_a_symbolic_link_to_the_file_it_names(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory
) -> None:
    """The link stays a link, and the file it names gets the scene: replacing the link with a
    file of its own would leave the real act without it."""
    root = write_story()
    real = root / "acts" / "one.yaml"
    real.parent.mkdir()
    (root / "one.yaml").rename(real)
    (root / "one.yaml").symlink_to(Path("acts") / "one.yaml")
    code, _, err = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert (code, err) == (0, "")
    assert (root / "one.yaml").is_symlink()
    assert (root / "one.yaml").readlink() == Path("acts") / "one.yaml"
    assert "  cellar:\n    title: Cellar" in real.read_text()
    assert "one.cellar" in load_story(root).scenes
    assert [p.name for p in real.parent.iterdir()] == ["one.yaml"]  # no temporary file left


def test_write_refuses_a_hard_linked_act_file_and_changes_neither_name(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    other = tmp_path / "backup.yaml"
    other.hardlink_to(root / "one.yaml")
    before = other.read_bytes()
    code, out, err = run(capsys, "new-scene", "one.cellar", "--story", root, "--write")
    assert code != 0 and out == ""
    assert "one.yaml has 2 hard links: writing the scene would either split them" in err
    assert "print the skeleton without --write and paste it" in err
    assert (root / "one.yaml").read_bytes() == other.read_bytes() == before
    assert (root / "one.yaml").stat().st_ino == other.stat().st_ino


# -- with packs: the scene goes into the last pack given, never the story -------------------


def make_pack(
    tmp_path: Path, name: str, manifest_files: str, files: dict[str, str], *, state: bool = False
) -> Path:
    """A pack `name` for the tiny story, its manifest's `files:` written as given."""
    root = tmp_path / name
    root.mkdir()
    (root / "pack.yaml").write_text(
        "# yaml-language-server: $schema=../schema/pack.schema.json\n"
        f"pack: {name}\ntitle: {name.title()}\nversion: 1.0.0\nextends: tiny\n"
        f"files:{manifest_files}\n"
        + ("state:\n  lamp: {type: flag, default: false}\n" if state else "")
    )
    for file, text in files.items():
        (root / file).write_text(text)
    return root


PACK_SCENES = (
    "act: one\n"
    "scenes:\n"
    "  porch:\n"
    "    title: The porch\n"
    "    text: A lamp is {lamp}.\n"
    "    choices:\n"
    "      - text: In.\n"
    "        to: hall\n"
    "        set: {lamp: true}\n"
    "extend:\n"
    "  hall:\n"
    "    choices:\n"
    "      - text: Out to the porch.\n"
    "        to: porch\n"
)
EXTEND_ONLY = (
    "act: one\n"
    "extend:\n"
    "  hall:\n"
    "    choices:\n"
    "      - id: again\n"
    "        text: Once more.\n"
    "        to: hall\n"
)


def snapshot(*folders: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in folders for p in sorted(folder.iterdir())}


def test_with_a_pack_the_scene_is_written_into_the_packs_file_for_the_act(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    pack = make_pack(tmp_path, "porch", " [porch.yaml]", {"porch.yaml": PACK_SCENES}, state=True)
    story_before, manifest_before = snapshot(root), (pack / "pack.yaml").read_bytes()
    code, out, err = run(
        capsys, "new-scene", "one.cellar", "--story", root, "--story", pack, "--write"
    )
    assert code == 0, err
    assert snapshot(root) == story_before  # the one thing a pack promises
    assert (pack / "pack.yaml").read_bytes() == manifest_before
    after = (pack / "porch.yaml").read_text()
    head, skeleton = PACK_SCENES.split("extend:\n")[0], scene_skeleton("cellar", "hall")
    assert after == head + "\n" + skeleton + "\nextend:\n" + PACK_SCENES.split("extend:\n")[1]
    line = after.splitlines().index("  cellar:") + 1
    assert out == (
        f"{pack / 'porch.yaml'}:{line}: new scene 'one.cellar' in the pack 'porch'; nothing "
        "leads to it yet: add a choice with 'to: one.cellar' (or 'to: cellar' in its own act) "
        "to a scene of the pack, or under 'extend:' to one of the story's\n"
    )
    cellar = load_story(root, [pack]).scenes["one.cellar"]
    assert (Path(cellar.pos.path), cellar.pos.line) == (pack / "porch.yaml", line)


@pytest.mark.parametrize(
    ("listed", "relisted"),
    [
        (" [extend.yaml]", " [extend.yaml, one.yaml]"),
        (
            "\n  - extend.yaml  # choices on the hall",
            "\n  - extend.yaml  # choices on the hall\n  - one.yaml",
        ),
        ("\n- extend.yaml", "\n- extend.yaml\n- one.yaml"),
    ],
)
def test_a_pack_without_scenes_for_the_act_gets_a_file_of_its_own_listed_in_its_manifest(
    capsys: pytest.CaptureFixture[str],
    write_story: WriteStory,
    tmp_path: Path,
    listed: str,
    relisted: str,
) -> None:
    root = write_story()
    pack = make_pack(tmp_path, "porch", listed, {"extend.yaml": EXTEND_ONLY})
    story_before, manifest = snapshot(root), (pack / "pack.yaml").read_text()
    code, out, err = run(capsys, "new-scene", "one.cellar", "--story", root, "--story", pack)
    assert code == 0 and not (pack / "one.yaml").exists()  # printed only: nothing written
    assert err == (
        f"her-if: save it as {pack / 'one.yaml'} (in the pack 'porch', the last --story given) "
        f"and add 'one.yaml' to the files of {pack / 'pack.yaml'}, or add --write to do both\n"
    )
    code, out, err = run(
        capsys, "new-scene", "one.cellar", "--story", root, "--story", pack, "--write"
    )
    assert code == 0, err
    assert snapshot(root) == story_before
    assert (pack / "pack.yaml").read_text() == manifest.replace(listed, relisted)
    assert (pack / "one.yaml").read_text() == (
        "# yaml-language-server: $schema=../schema/pack-act.schema.json\n"
        "act: one\nscenes:\n" + scene_skeleton("cellar", "hall")
    )
    assert out.startswith(f"{pack / 'one.yaml'}:4: new scene 'one.cellar' in the pack 'porch' ")
    assert f"(a new file, listed in {pack / 'pack.yaml'})" in out
    layered = load_story(root, [pack])
    assert layered.scenes["one.cellar"].pos.line == 4
    assert [w.message for w in summarize(layered).warnings] == [
        "scene 'one.cellar' is unreachable: no choice or continue leads to it"
    ]


def test_with_two_packs_the_scene_goes_into_the_last_one(
    capsys: pytest.CaptureFixture[str], write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    first = make_pack(tmp_path, "porch", " [porch.yaml]", {"porch.yaml": PACK_SCENES}, state=True)
    last = make_pack(tmp_path, "shed", " [shed.yaml]", {"shed.yaml": EXTEND_ONLY})
    untouched = snapshot(root, first)
    code, _, err = run(
        capsys,
        "new-scene",
        "one.cellar",
        "--story",
        root,
        "--story",
        first,
        "--story",
        last,
        "--write",
    )
    assert code == 0, err
    assert snapshot(root, first) == untouched
    assert "files: [shed.yaml, one.yaml]\n" in (last / "pack.yaml").read_text()
    assert "one.cellar" in load_story(root, [first, last]).scenes


def test_a_manifest_changed_after_drafting_leaves_no_new_file(
    write_story: WriteStory, tmp_path: Path
) -> None:
    root = write_story()
    pack = make_pack(tmp_path, "porch", " [extend.yaml]", {"extend.yaml": EXTEND_ONLY})
    draft = draft_scene(load_story(root, [pack]), "one.cellar")
    edited = (pack / "pack.yaml").read_text() + "about: quicker\n"
    (pack / "pack.yaml").write_text(edited)
    with pytest.raises(NewSceneError, match=r"pack\.yaml changed while the scene was drafted"):
        write_scene(draft)
    assert (pack / "pack.yaml").read_text() == edited
    assert not (pack / "one.yaml").exists()
