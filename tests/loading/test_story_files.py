"""`Story.files`: the loader records every file a story was built from, where it reads it, and
what depends on the story's files uses that list rather than working it out again: the save's
fingerprint, `check`'s unlisted files, the story cache and --watch (issue 15)."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

from her_if.analysis.check import summarize
from her_if.core.model import Story, StoryFile
from her_if.loading.loader import load_story
from her_if.persistence.saves import fingerprint
from her_if.persistence.story_cache import cached_story
from her_if.play.watch import Watch, watched
from tests.conftest import ACT, MANIFEST, ROOT, STORY, WriteStory
from tests.support.paths import PACKS

BEATS = """\
beats:
  - {id: arrival, act: one, summary: Someone arrives., sources: [notes]}
"""


def roles(story: Story) -> list[tuple[str, Path]]:
    return [(file.role, Path(file.path).resolve()) for file in story.files]


def harbor(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the test story and its lantern pack, to edit."""
    root, pack = tmp_path / "harbor", tmp_path / "lantern"
    shutil.copytree(PACKS / "story", root)
    shutil.copytree(PACKS / "lantern", pack)
    return root, pack


def with_beat_sheet(write_story: WriteStory, sheet: Path) -> Path:
    """The tiny story with a beat sheet at `sheet` (which may lie outside its folder)."""
    hall = "    title: The hall\n"
    root = write_story(
        {
            "story.yaml": MANIFEST + f"beat_sheet: {sheet}\n",
            "one.yaml": ACT.replace(hall, hall + "    beats: [arrival]\n"),
        }
    )
    sheet.write_text(BEATS, encoding="utf-8")
    return root


def test_the_shipped_story_lists_its_manifest_its_acts_and_its_beat_sheet() -> None:
    story = load_story(STORY)
    assert roles(story) == [
        ("manifest", STORY / "story.yaml"),
        *(
            ("act", (STORY / name).resolve())
            for name in sorted(p.name for p in STORY.glob("0*.yaml"))
        ),
        ("beat sheet", ROOT / "seeds" / "plot.yaml"),
    ]


def test_a_story_with_packs_lists_each_pack_after_the_story() -> None:
    story = load_story(PACKS / "story", packs=[PACKS / "lantern"])
    assert roles(story) == [
        ("manifest", PACKS / "story" / "story.yaml"),
        ("act", PACKS / "story" / "dock.yaml"),
        ("pack manifest", PACKS / "lantern" / "pack.yaml"),
        ("pack file", PACKS / "lantern" / "lighthouse.yaml"),
    ]


def test_each_file_carries_the_digest_of_the_bytes_read() -> None:
    for file in load_story(STORY, packs=[ROOT / "examples" / "packs" / "amys-documentary"]).files:
        data = Path(file.path).read_bytes()
        assert (file.sha256, file.size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_a_beat_sheet_in_the_folder_is_listed_and_an_unlisted_file_is_reported(
    write_story: WriteStory, tmp_path: Path
) -> None:
    root = with_beat_sheet(write_story, tmp_path / "story" / "plot.yaml")
    (root / "notes.yaml").write_text("act: two\nscenes: {}\n", encoding="utf-8")
    story = load_story(root)
    assert roles(story) == [
        ("manifest", root / "story.yaml"),
        ("act", root / "one.yaml"),
        ("beat sheet", root / "plot.yaml"),
    ]
    warnings = [str(d) for d in summarize(story).warnings if "folder" in d.message]
    assert len(warnings) == 1 and "'notes.yaml' is in the story folder" in warnings[0]


def every_file(tmp_path: Path, write_story: WriteStory) -> list[tuple[list[Path], int]]:
    """Every file of a story with a pack, and of a story with a beat sheet outside its folder:
    the folders to load, and the file's place in `Story.files`."""
    layered = list(harbor(tmp_path))
    sheeted = [with_beat_sheet(write_story, tmp_path / "plot.yaml")]
    return [
        (folders, index)
        for folders in (layered, sheeted)
        for index in range(len(load_story(folders[0], folders[1:]).files))
    ]


def edit(file: StoryFile) -> None:
    path = Path(file.path)
    path.write_bytes(path.read_bytes() + b"\n# edited\n")


def test_editing_any_file_misses_the_cache_and_any_played_file_changes_the_fingerprint(
    tmp_path: Path, write_story: WriteStory
) -> None:
    seen: set[str] = set()
    for folders, index in every_file(tmp_path, write_story):
        story = load_story(folders[0], folders[1:])
        file = story.files[index]
        seen.add(file.role)
        before = fingerprint(story)
        assert before and cached_story(folders[0], folders[1:]) == story  # an entry now
        edit(file)
        after = cached_story(folders[0], folders[1:]).files[index]
        assert after.sha256 != file.sha256, f"{file.role} {file.path}: served from the cache"
        # the beat sheet is the author's notes: play never reads it, nor does the fingerprint
        assert (fingerprint(story) != before) == (file.role != "beat sheet"), file
    assert seen == {"manifest", "act", "beat sheet", "pack manifest", "pack file"}


def test_watch_notices_every_file_the_story_was_built_from(
    tmp_path: Path, write_story: WriteStory
) -> None:
    for folders, index in every_file(tmp_path, write_story):
        story = load_story(folders[0], folders[1:])
        watch = Watch(watched(story))
        edit(story.files[index])
        assert watch.changed(), f"{story.files[index]} was not watched"


def test_watch_notices_a_new_file_in_a_pack_folder_and_a_listed_file_of_any_name(
    tmp_path: Path, write_story: WriteStory
) -> None:
    root, pack = harbor(tmp_path)
    watch = Watch(watched(load_story(root, packs=[pack])))
    (pack / "more.yaml").write_text("act: dock\n", encoding="utf-8")
    assert watch.changed()
    odd = write_story(
        {"story.yaml": MANIFEST.replace("file: one.yaml", "file: one.act"), "one.act": ACT}
    )
    (odd / "one.yaml").unlink()
    story = load_story(odd)
    assert [f.role for f in story.files] == ["manifest", "act"]
    watch = Watch(watched(story))
    (odd / "one.act").write_text(textwrap.dedent(ACT) + "\n", encoding="utf-8")
    assert watch.changed()
