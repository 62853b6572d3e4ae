"""The compiled story cache: a hit is the very story the loader builds, any change to what it
was built from is a miss, and no cache file, however damaged or hand-made, is ever more than a
miss."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from her_if.analysis.check import report, summarize
from her_if.cli import main
from her_if.core.model import Position
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.persistence import story_cache
from her_if.persistence.story_cache import KEEP, cache_dir, cached_report, cached_story
from tests.conftest import ACT, MANIFEST, ROOT, STORY, WriteStory
from tests.support.paths import EXAMPLE_PACK, PACKS
from tests.support.story_cache import (
    entries,
    header_and_story,
    signed,
    the_entry,
    write_entry,
    yaml_counted,
    yaml_forbidden,
)

BELL = {
    "pack.yaml": (
        "pack: bell\ntitle: The Bell\nversion: 1.0.0\nextends: harbor\nfiles: [bell.yaml]\n"
    ),
    "bell.yaml": (
        "act: dock\n"
        "scenes:\n"
        "  belfry:\n"
        "    title: The belfry\n"
        "    text: The bell is cold.\n"
        "    continue: pier\n"
        "extend:\n"
        "  dock.pier:\n"
        "    choices:\n"
        "      - {id: ring, text: Ring the bell., to: belfry}\n"
    ),
}


def positions(value: object) -> list[Position]:
    """Every source position in a story, in order: equality skips some of them (compare=False),
    so a test of positions gathers them itself."""
    found: list[Position] = []
    if isinstance(value, Position):
        found.append(value)
    elif is_dataclass(value):
        for field in fields(value):
            found += positions(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            found += positions(item)
    elif hasattr(value, "values"):
        for item in value.values():
            found += positions(item)
    return found


def copy_packs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The pack fixtures' story and the lantern pack, and a second pack (bell), all in tmp."""
    story = shutil.copytree(PACKS / "story", tmp_path / "harbor")
    lantern = shutil.copytree(PACKS / "lantern", tmp_path / "lantern")
    bell = tmp_path / "bell"
    bell.mkdir()
    for name, text in BELL.items():
        (bell / name).write_text(text, encoding="utf-8")
    return story, lantern, bell


# -- a hit is the story -------------------------------------------------------------------------


def test_a_hit_gives_the_story_the_loader_builds(write_story: WriteStory) -> None:
    root = write_story()
    fresh = load_story(root)
    with yaml_counted() as read:  # the first load reads the files...
        first = cached_story(root)
    assert first == fresh and len(read) == 2 and len(entries()) == 1
    with yaml_forbidden():  # ...the second reads none
        second = cached_story(root)
    assert second == fresh
    assert second is not first


@pytest.mark.parametrize(
    ("root", "packs"),
    [
        (STORY, []),
        (STORY, [EXAMPLE_PACK]),
        (PACKS / "story", [PACKS / "lantern"]),
        (ROOT / "tests" / "fixtures" / "flawed", []),
    ],
    ids=["her", "her+amys-documentary", "harbor+lantern", "flawed"],
)
def test_every_story_we_ship_round_trips_with_its_positions_and_warnings(
    root: Path, packs: list[Path]
) -> None:
    """Every field of the model has a place in an entry: a field the cache could not hold, or
    held wrongly, shows here as a miss or an inequality."""
    fresh = load_story(root, packs)
    cached_story(root, packs)
    cached_report(root, packs)
    with yaml_forbidden():
        story = cached_story(root, packs)
        checked = cached_report(root, packs)
    assert story == fresh
    assert positions(story) == positions(fresh) and positions(story)
    assert checked == report(fresh)


def test_a_cached_story_plays_as_the_loaded_one(write_story: WriteStory) -> None:
    """Conditions are compiled again from their trees: the same choices are offered."""
    from her_if.core.engine import choose, start, view

    root = write_story()
    cached_story(root)
    with yaml_forbidden():
        story = cached_story(root)
    fresh = load_story(root)
    state, other = start(story), start(fresh)
    for choice in ("wait", "room"):
        assert view(story, state) == view(fresh, other)
        state, other = choose(story, state, choice), choose(fresh, other, choice)
    assert view(story, state) == view(fresh, other)
    assert "You feel wild." in view(story, state).paragraphs  # a condition that held


def test_warnings_are_reported_the_same_on_a_hit(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = MANIFEST.replace(
        "  met: {type: flag, default: false}\n",
        "  met: {type: flag, default: false}\n  lonely: {type: flag, default: false}\n",
    )
    act = ACT.replace(
        "  end:\n", "  attic:\n    title: The attic\n    text: Dust.\n    continue: end\n  end:\n"
    )
    root = write_story({"story.yaml": manifest, "one.yaml": act, "notes.yaml": "x: 1\n"})
    assert main(["check", "--story", str(root)]) == 0
    first = capsys.readouterr()
    assert "warning: scene 'one.attic' is unreachable" in first.out
    assert "warning: state 'lonely' is never read" in first.out
    assert "warning: 'notes.yaml' is in the story folder" in first.out
    with yaml_forbidden():
        assert main(["check", "--story", str(root)]) == 0
        assert capsys.readouterr() == first
        assert main(["check", "--story", str(root), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [w["message"] for w in report["warnings"]] == [
        w.message for w in summarize(load_story(root)).warnings
    ]
    assert [(w["file"], w["line"], w["column"]) for w in report["warnings"]] == [
        (w.pos.path, w.pos.line, w.pos.column) for w in summarize(load_story(root)).warnings
    ]


def test_a_story_played_then_checked_keeps_one_entry(write_story: WriteStory) -> None:
    """`check` after play adds the summary to the entry play wrote, without loading again."""
    root = write_story()
    cached_story(root)
    with yaml_forbidden():
        checked = cached_report(root)
        story = cached_story(root)
    assert checked == report(load_story(root))
    assert story == load_story(root)
    assert len(entries()) == 1


# -- any change is a miss ---------------------------------------------------------------------


def edit_title(root: Path) -> None:
    path = root / "one.yaml"
    path.write_text(path.read_text().replace("title: The hall", "title: The great hall"))


def edit_manifest(root: Path) -> None:
    path = root / "story.yaml"
    path.write_text(path.read_text().replace("default: 1}", "default: 2}"))


def add_a_file(root: Path) -> None:
    (root / "draft.yaml").write_text("act: one\n")


def remove_a_file(root: Path) -> None:
    (root / "old.yaml").unlink()


def same_size_edit(root: Path) -> None:
    """Same length, same modification time: only the content says it changed."""
    path = root / "one.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("Wait.", "Stay."))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def edit_the_beat_sheet(root: Path) -> None:
    path = root / "plot.yaml"
    path.write_text(path.read_text().replace("He arrives.", "He comes in."))


@pytest.mark.parametrize(
    "edit",
    [edit_title, edit_manifest, add_a_file, remove_a_file, same_size_edit, edit_the_beat_sheet],
)
def test_every_edit_is_a_miss(write_story: WriteStory, edit: Callable[[Path], None]) -> None:
    sheet = "beats:\n  - {id: arrival, act: one, summary: He arrives., sources: [a]}\n"
    root = write_story(
        {
            "story.yaml": MANIFEST + "beat_sheet: plot.yaml\n",
            "plot.yaml": sheet,
            "old.yaml": "act: one\n",
            "one.yaml": ACT.replace(
                "    title: The hall\n", "    title: The hall\n    beats: [arrival]\n"
            ),
        }
    )
    before = cached_story(root), cached_report(root)
    edit(root)
    with yaml_counted() as read:
        after = cached_story(root), cached_report(root)
    fresh = load_story(root)
    assert after == (fresh, report(fresh))
    assert after != before
    assert read  # the files were read again, not only compared


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_file_replaced_by_a_named_pipe_is_a_miss_not_a_hang(write_story: WriteStory) -> None:
    root = write_story()
    cached_story(root)
    (root / "one.yaml").unlink()
    os.mkfifo(root / "one.yaml")  # reading it would wait for a writer forever
    with pytest.raises(StoryError) as caught:
        cached_story(root)
    assert "one.yaml" in str(caught.value)


def test_an_edit_to_a_pack_and_a_new_pack_order_are_misses(tmp_path: Path) -> None:
    story, lantern, bell = copy_packs(tmp_path)
    one = cached_story(story, [lantern, bell])
    other = cached_story(story, [bell, lantern])
    assert [p.id for p in other.packs] == ["bell", "lantern"]
    assert other == load_story(story, [bell, lantern]) and other != one
    path = lantern / "lighthouse.yaml"
    path.write_text(path.read_text().replace("The lamp at the top is dark.", "It is dark."))
    edited = cached_story(story, [lantern, bell])
    assert edited == load_story(story, [lantern, bell]) and edited != one
    assert cached_story(story, [lantern]) == load_story(story, [lantern])


def test_an_edit_that_breaks_the_story_reports_every_error_each_time(
    write_story: WriteStory,
) -> None:
    root = write_story()
    cached_story(root)
    (root / "one.yaml").write_text(ACT.replace("to: room", "to: rooom"))
    with pytest.raises(StoryError) as loaded:
        load_story(root)
    for _ in range(2):  # broken stories are never cached: both runs read the files
        with pytest.raises(StoryError) as caught:
            cached_story(root)
        assert caught.value.diagnostics == loaded.value.diagnostics
        (error,) = caught.value.diagnostics
        assert str(error).endswith(
            "one.yaml:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooom' "
            "(did you mean 'room'?)"
        )


def test_an_entry_of_the_layout_before_the_reactive_format_misses(
    write_story: WriteStory,
) -> None:
    """Version 3 entries hold the story whole, with no outline: one left by an older her-if
    is read again from the files, even signed as it should be."""
    assert story_cache.VERSION == 4
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    _, head, *body = the_entry().read_bytes().decode().splitlines()
    older = signed(head, "\n".join(body))
    the_entry().write_text(older.replace(f"{story_cache.FORMAT} 4 ", f"{story_cache.FORMAT} 3 ", 1))
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read
    assert the_entry().read_bytes().startswith(f"{story_cache.FORMAT} 4 ".encode())


def test_a_kept_report_without_features_misses(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    assert main(["check", "--json", "--story", str(root)]) == 0
    first = json.loads(capsys.readouterr().out)
    header, story = header_and_story(the_entry())
    assert isinstance(header["report"], dict) and "features" in header["report"]
    del header["report"]["features"]
    write_entry(the_entry(), header, story)
    with yaml_counted() as read:
        assert main(["check", "--json", "--story", str(root)]) == 0
    assert read and json.loads(capsys.readouterr().out) == first


def test_another_version_of_her_if_misses(
    write_story: WriteStory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another her-if, or an edited module, reads every file again; another layout of the
    entry only is a new entry, made from the parts of the files kept (the manifest, which
    has none, is read)."""
    root = write_story()
    cached_story(root)
    for name, value, files in (
        ("__version__", "99.0", 2),
        ("VERSION", story_cache.VERSION + 1, 1),
        ("_code", lambda: [["loading/loader.py", 1, 2]], 2),  # an edited module of the package
    ):
        with monkeypatch.context() as patch, yaml_counted() as read:
            patch.setattr(story_cache, name, value)
            assert cached_story(root) == load_story(root)
            assert len(read) == files + 2, f"{name} changed: {read}"
    assert len(entries()) == 4


def test_the_same_folders_asked_from_elsewhere_are_another_entry(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Positions are written relative to the working folder, so an entry is for one."""
    root = write_story()
    monkeypatch.chdir(tmp_path)
    here = cached_story(root)
    monkeypatch.chdir(root)
    there = cached_story(root)
    assert here.scenes["one.hall"].pos.path != there.scenes["one.hall"].pos.path
    assert there == load_story(root)


# -- a damaged or foreign entry is a miss, never an error -------------------------------------


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def pickle_payload(path: Path) -> None:
    """What a pickle-based cache would run; here, bytes that are not JSON."""
    marker = path.parent / "pwned"
    path.write_bytes(f"cos\nsystem\n(S'touch {marker}'\ntR.".encode())


def a_foreign_class(path: Path) -> None:
    """A variable that names a class outside the model, as a tagged value does."""
    header, story = header_and_story(path)
    outline = story[0]
    assert isinstance(outline, list)
    variables = outline[4]
    assert isinstance(variables, dict)
    name = next(iter(variables))
    variables[name] = ["subprocess.Popen", ["touch", str(path.parent / "pwned")]]
    write_entry(path, header, story)


def a_wrong_type(path: Path) -> None:
    header, story = header_and_story(path)
    outline = story[0]
    assert isinstance(outline, list)
    outline[0] = 42  # the story's id
    write_entry(path, header, story)


def a_dangling_target(path: Path) -> None:
    """Well-formed, well-typed, and wrong: a choice leads to a scene that is not there."""
    header, story = header_and_story(path)
    text = json.dumps(story[1], separators=(",", ":"))
    assert '"one.room"' in text
    write_entry(
        path,
        header,
        [story[0], json.loads(text.replace('"one.room"', '"one.cellar"', 1)), story[2]],
    )


def an_ill_typed_condition(path: Path) -> None:
    """A comparison of a flag with a number would raise during play: the loader refuses it."""
    header, story = header_and_story(path)
    text = json.dumps(story[1], separators=(",", ":"))
    assert '["Var","met"]' in text
    write_entry(
        path,
        header,
        [story[0], json.loads(text.replace('["Var","met"]', '["Literal",3]', 1)), story[2]],
    )


def deep_nesting(path: Path) -> None:
    header, _ = header_and_story(path)
    path.write_text(signed(json.dumps(header), "[" * 100_000 + "]" * 100_000))


def another_key(path: Path) -> None:
    header, story = header_and_story(path)
    assert isinstance(header["key"], list)
    header["key"][-2] = "/elsewhere"
    write_entry(path, header, story)


def forged_sources(path: Path) -> None:
    header, story = header_and_story(path)
    assert isinstance(header["sources"], str)
    header["sources"] = "0" * 64
    write_entry(path, header, story)


def a_made_up_report(path: Path) -> None:
    """`check`'s report, kept in the header, is checked for its shape as the story is."""
    header, story = header_and_story(path)
    header["report"] = {"story": "tiny", "warnings": "none"}
    write_entry(path, header, story)


def a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize(
    "damage",
    [
        truncate,
        empty,
        garbage,
        pickle_payload,
        a_foreign_class,
        a_wrong_type,
        a_dangling_target,
        an_ill_typed_condition,
        deep_nesting,
        another_key,
        forged_sources,
        a_made_up_report,
        a_folder,
    ],
)
def test_a_damaged_or_hostile_entry_is_a_miss(
    write_story: WriteStory, damage: Callable[[Path], None]
) -> None:
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    entry = the_entry()
    damage(entry)
    with yaml_counted() as read:
        assert cached_story(root) == fresh
    assert read
    assert cached_report(root) == report(fresh)
    assert not (entry.parent / "pwned").exists()
    if damage is not a_folder:  # written again: the next load is a hit
        with yaml_forbidden():
            assert cached_story(root) == fresh


# -- where it lives, how big it grows, and when it is off ---------------------------------------


def test_an_unwritable_cache_folder_is_skipped(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HER_IF_CACHE", str(blocker / "cache"))
    root = write_story()
    assert cached_story(root) == load_story(root)
    assert cached_report(root) == report(load_story(root))
    assert main(["check", "--story", str(root)]) == 0
    assert blocker.read_text() == "not a folder"


def test_off_turns_it_off(write_story: WriteStory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HER_IF_CACHE", "off")
    root = write_story()
    with yaml_counted() as read:
        assert cached_story(root) == cached_story(root) == load_story(root)
    assert len(read) == 2 * 3  # the manifest and the act, each time
    assert cache_dir() is None


def test_the_folder_is_chosen_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HER_IF_CACHE", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("HER_IF_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "her-if"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid by the XDG spec: ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "her-if"


def test_the_newest_entries_are_kept_and_nothing_else_is_touched(
    write_story: WriteStory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_story()
    folder = cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    (folder / "notes.json").write_text("mine")
    for n in range(KEEP + 3):  # each working folder is an entry of its own
        place = tmp_path / f"from-{n}"
        place.mkdir()
        monkeypatch.chdir(place)
        cached_story(root)
    assert len(entries()) == KEEP
    assert (folder / "notes.json").read_text() == "mine"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    with yaml_forbidden():  # the newest survived
        cached_story(root)


def test_an_entry_lists_only_the_files_read_outside_the_story_folders(tmp_path: Path) -> None:
    """The files in the story and pack folders are found by listing the folders at each
    lookup; the entry names only what the manifests reach outside them (Her's beat sheet)."""
    story, lantern, bell = copy_packs(tmp_path)
    cached_story(story, [lantern, bell])
    header, _ = header_and_story(the_entry())
    assert header["outside"] == []
    the_entry().unlink()
    cached_story(STORY)
    header, _ = header_and_story(the_entry())
    assert header["outside"] == [str(ROOT / "seeds" / "plot.yaml")]


def test_the_check_command_answers_from_the_cache(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story()
    assert main(["check", "--story", str(root)]) == 0
    first = capsys.readouterr().out
    assert "Tiny: 3 scenes" in first
    with yaml_forbidden():
        assert main(["check", "--story", str(root)]) == 0
        assert capsys.readouterr().out == first
        story = cached_story(root)
    assert story == load_story(root)
