"""Checking a story again from the parts its files left (`loading.parts`, kept by
`persistence.part_cache`) gives what a cold check gives, after any edit: the same report, the
same errors in the same order, the same story; and reads again only what the edit touched."""

from __future__ import annotations

import copy
import json
import random
import shutil
from pathlib import Path

import pytest

from her_if import __version__
from her_if.analysis.check import error_report, report
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.persistence import story_cache
from her_if.persistence.story_cache import cache_dir, cached_report, cached_story
from tests.support.edited_story import edited_story
from tests.support.story_cache import entries, yaml_counted

REPO = Path(__file__).resolve().parents[2]
EVERY_LOAD = ["a0.yaml", "more.yaml", "pack.yaml", "story.yaml"]
"""What every load of `edited_story` reads: the manifests, the pack's file of `extend:` and
the file holding the scene it extends."""


def _cold(root: Path, packs: list[Path]) -> tuple[str, object]:
    try:
        return "report", report(load_story(root, packs))
    except StoryError as err:
        return "errors", (error_report(err), [str(d) for d in err.diagnostics])


def _warm(root: Path, packs: list[Path]) -> tuple[str, object]:
    """`her-if check` with the parts kept so far, the whole-story entry gone."""
    for entry in entries():
        entry.unlink()
    try:
        return "report", cached_report(root, packs)
    except StoryError as err:
        return "errors", (error_report(err), [str(d) for d in err.diagnostics])


def _same_story(root: Path, packs: list[Path]) -> None:
    for entry in entries():
        entry.unlink()
    warm = cached_story(root, packs)
    assert dict(warm.scenes) == dict(load_story(root, packs).scenes)
    assert warm == load_story(root, packs)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_check_as_a_cold_check_does(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    pristine = edited_story()
    story = copy.deepcopy(pristine)
    root, pack = story.write(tmp_path)
    kinds: dict[str, int] = {}
    read_warm = read_cold = 0
    for step in range(40):
        kind = story.edit(rng, pristine)
        story.write(tmp_path)
        with yaml_counted() as read:
            cold = _cold(root, [pack])
        read_cold += len(read)
        with yaml_counted() as read:
            warm = _warm(root, [pack])
        read_warm += len(read)
        assert json.dumps(warm) == json.dumps(cold), f"step {step}: {kind}"
        kinds[f"{kind} {cold[0]}"] = kinds.get(f"{kind} {cold[0]}", 0) + 1
        if cold[0] == "report":
            _same_story(root, [pack])
    assert any(k.endswith("report") for k in kinds) and any(k.endswith("errors") for k in kinds)
    assert read_warm < read_cold * 0.8, "the parts were not used"


def test_the_shipped_story_checks_the_same_after_edits(tmp_path: Path) -> None:
    shutil.copytree(REPO / "story", tmp_path / "story")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    root = tmp_path / "story"
    rng = random.Random(7)
    files = sorted(p for p in root.glob("0*.yaml"))
    _warm(root, [])
    for step in range(12):
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        where = rng.randrange(len(lines))
        match step % 4:
            case 0:  # a word of text
                lines[where] = lines[where].replace(" the ", " a ", 1)
            case 1:  # a target to an unknown scene
                at = next((i for i in range(where, len(lines)) if "to: " in lines[i]), None)
                if at is not None:
                    lines[at] = lines[at].split("to: ")[0] + "to: nowhere\n"
            case 2:  # a line that is not YAML
                lines.insert(where, "  : [\n")
            case _:  # back as shipped
                lines = (REPO / "story" / path.name).read_text(encoding="utf-8").splitlines(True)
        path.write_text("".join(lines), encoding="utf-8")
        cold, warm = _cold(root, []), _warm(root, [])
        assert json.dumps(warm) == json.dumps(cold), f"step {step}"
        if cold[0] == "report":
            _same_story(root, [])


def test_only_the_edited_file_is_read_again(tmp_path: Path) -> None:
    story = edited_story()
    root, pack = story.write(tmp_path)
    _warm(root, [pack])
    story.acts["a2"]["s3"]["text"] = "You count the tiles."
    story.write(tmp_path)
    with yaml_counted() as read:
        warm = _warm(root, [pack])
    # the manifests, the edited file, the pack's file of `extend:` and the file it extends
    # (both always read: a pack's choices are added to the scene as written)
    assert sorted(p.name for p in read) == sorted([*EVERY_LOAD, "a2.yaml"])
    assert warm == _cold(root, [pack])


def test_a_context_change_rebuilds_the_files_built_in_it(tmp_path: Path) -> None:
    story = edited_story()
    root, pack = story.write(tmp_path)
    _warm(root, [pack])
    story.state["met"]["default"] = True  # every file's scenes are built against the state
    story.write(tmp_path)
    with yaml_counted() as read:
        warm = _warm(root, [pack])
    assert len(read) == len(story.acts) + 4
    assert warm == _cold(root, [pack])


def test_a_scene_removed_rebuilds_the_files_that_named_it(tmp_path: Path) -> None:
    story = edited_story()
    root, pack = story.write(tmp_path)
    _warm(root, [pack])
    del story.pack["p1"]  # named by p0 alone, in the same file
    story.pack["p0"]["choices"].pop()
    story.write(tmp_path)
    with yaml_counted() as read:
        warm = _warm(root, [pack])
    assert sorted(p.name for p in read) == sorted([*EVERY_LOAD, "side.yaml"])
    assert warm == _cold(root, [pack])
    del story.acts["a2"]["s0"]  # named by a1.s5, in another file: that file is read again
    story.write(tmp_path)
    with yaml_counted() as read:
        warm = _warm(root, [pack])
    assert warm == _cold(root, [pack]) and warm[0] == "errors"
    assert sorted(p.name for p in read) == sorted([*EVERY_LOAD, "a1.yaml", "a2.yaml"])


def _parts() -> list[Path]:
    folder = cache_dir()
    assert folder is not None
    return sorted((folder / "parts").glob("her-if-part-*"))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: data[:-5],
        lambda data: data.replace(b'"You', b'"Yuo', 1),
        lambda data: b"her-if-part 99" + data[len(b"her-if-part 1") :],
    ],
)
def test_a_damaged_part_is_a_miss(tmp_path: Path, spoil: object) -> None:
    story = edited_story()
    root, pack = story.write(tmp_path)
    cold = _cold(root, [pack])
    _warm(root, [pack])
    assert callable(spoil)
    for part in _parts():
        part.write_bytes(spoil(part.read_bytes()))
    with yaml_counted() as read:
        assert _warm(root, [pack]) == cold
    assert len(read) == len(story.acts) + 4  # every file read again


def test_a_part_of_another_key_or_a_link_is_a_miss(tmp_path: Path) -> None:
    story = edited_story()
    root, pack = story.write(tmp_path)
    cold = _cold(root, [pack])
    _warm(root, [pack])
    parts = _parts()
    first = parts[0].read_bytes()
    for part in parts[1:]:  # whole, and ours, but holding another key
        part.write_bytes(first)
    parts[0].unlink()
    parts[0].symlink_to(parts[1])
    with yaml_counted() as read:
        assert _warm(root, [pack]) == cold
    assert len(read) == len(story.acts) + 4


def test_a_file_changed_while_it_is_read_loads_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept first part found, then the file changes before it is composed for its second
    pass (its context changed): the load starts again without parts, and sees the change."""
    from her_if.loading.file_parts import SceneFile

    story = edited_story()
    root, pack = story.write(tmp_path)
    _warm(root, [pack])
    story.state["met"]["default"] = True  # every second part misses
    story.write(tmp_path)
    real = SceneFile.stored_first

    def then_edited(self: SceneFile, fits: object) -> object:
        found = real(self, fits)  # type: ignore[arg-type]
        if found is not None and self.source.path.name == "a2.yaml":
            story.acts["a2"]["s1"]["text"] = "You read the new words."
            story.write(tmp_path)
        return found

    from her_if.loading import loader

    stores: list[object] = []
    linked = loader._linked

    def counted(root: Path, packs: list[Path], store: object) -> object:
        stores.append(store)
        return linked(root, packs, store)  # type: ignore[arg-type]

    monkeypatch.setattr(SceneFile, "stored_first", then_edited)
    monkeypatch.setattr(loader, "_linked", counted)
    warm = _warm(root, [pack])
    monkeypatch.undo()
    assert len(stores) == 2 and stores[0] is not None and stores[1] is None
    assert warm == _cold(root, [pack])


def test_the_story_from_parts_is_laid_out_as_the_story_cache_lays_it(tmp_path: Path) -> None:
    """`part_cache` writes the whole-story entry from the scenes' JSON as kept, without
    decoding them: the very bytes `lazy_story.encode_entry` makes of the story."""
    from her_if.persistence.cache_entry import body_chunks
    from her_if.persistence.lazy_story import encode_entry
    from her_if.persistence.part_cache import load_parts

    story = edited_story()
    root, pack = story.write(tmp_path)
    _warm(root, [pack])
    story.acts["a3"]["s2"]["text"] = "You hum."
    story.write(tmp_path)
    folder = cache_dir()
    assert folder is not None
    code = [__version__, story_cache._code()]  # the parts the check before kept
    with yaml_counted() as read:
        parted = load_parts(root, [pack], folder, code, lambda: load_story(root, [pack]))
    assert "a1.yaml" not in {p.name for p in read}
    assert parted.body is not None
    assert b"".join(body_chunks(parted.body)) == encode_entry(load_story(root, [pack]))
