"""Where the story is, what the open buffers say, and what `check` would say of both.

The story and its packs are found as `check` finds them, from the editor's side: its settings
(`story`, `packs`, `walkthroughs`, as initializationOptions or the workspace configuration's
`her-if` section), else `her-if lsp --story`, else the workspace folder that holds
`story.yaml` (or holds it in `story/`). The analysis is `check`'s own: the same loader,
reading the buffers' unsaved text in place of the files (`loading.story_reads.overlaid`),
each file's parts kept in memory (`memory_parts`) so that an edit reads and builds one file
again, and the warnings made from each scene's facts (`analysis.check_facts`), which the parts
keep. Walkthroughs are read against the story as `playtest` reads them, so a renamed scene
shows in the walkthrough that still names it.

Nothing here knows the protocol (`server` does): an `Analysis` is plain values, and
`analyse` never raises, since a server that dies on a half-typed file helps no one.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from her_if.analysis.check_facts import summary_from
from her_if.analysis.script import load_script
from her_if.core.frozen import frozen
from her_if.core.model import Position, Story
from her_if.loading.diagnostics import Diagnostic, StoryError, display_path
from her_if.loading.loader import link_story
from her_if.loading.locate import MANIFEST, PACK_MANIFEST
from her_if.loading.story_reads import MAX_FILE_BYTES, overlaid
from her_if.lsp.memory_parts import MemoryParts

SECTION = "her-if"
"""The settings' section in the editor's configuration."""
WALKTHROUGH_FOLDERS = ("tests/walkthroughs", "walkthroughs")
"""Where walkthroughs are looked for, below the workspace folder and the story's, when no
setting names them (the first is the pytest plugin's default)."""
MAX_FILES = 2_000
"""Files of a story folder listed when no story has loaded yet (a story may have 400 acts)."""


@frozen
class Settings:
    """The story folder (None: no story found), its packs in order, its walkthroughs folder."""

    story: Path | None
    packs: tuple[Path, ...] = ()
    walkthroughs: Path | None = None


@frozen(eq=False)
class Analysis:
    """What one analysis found. `story` is the last story that loaded (this analysis's when
    `loaded`): what navigation reads while a file is being mended."""

    story: Story | None
    loaded: bool
    diagnostics: Mapping[Path, Sequence[Diagnostic]]
    """Every file's problems (errors, or `check`'s warnings), by resolved path; a file with
    none is absent."""
    texts: Mapping[Path, str]
    """The text of every file of the story, its packs, its beat sheet and its walkthroughs:
    an open buffer's, else the file's."""
    files: tuple[Path, ...]
    root: Path | None
    packs: tuple[Path, ...]
    walkthroughs: tuple[Path, ...]


def find_settings(
    folders: Sequence[Path], options: Mapping[str, object] | None, stories: Sequence[Path] = ()
) -> Settings:
    """The settings, from the editor's `options` (relative paths from the first workspace
    folder), else `her-if lsp --story` (`stories`: the story, then its packs), else the
    first workspace folder holding a story."""
    options = dict(options or {})
    nested = options.get(SECTION)
    if isinstance(nested, Mapping):
        options = {**options, **nested}
    base = folders[0] if folders else Path.cwd()

    def path(value: object) -> Path | None:
        return (base / value).resolve() if isinstance(value, str) and value else None

    story = path(options.get("story"))
    packs = [p for p in map(path, _listed(options.get("packs"))) if p is not None]
    if story is None and stories:
        story, packs = stories[0].resolve(), packs or [p.resolve() for p in stories[1:]]
    if story is None:
        story = next(_stories_in(folders), None)
    walkthroughs = path(options.get("walkthroughs"))
    if walkthroughs is None:
        near = [*folders, *([story, story.parent] if story is not None else [])]
        found = (f / name for f in near for name in WALKTHROUGH_FOLDERS)
        walkthroughs = next((w.resolve() for w in found if w.is_dir()), None)
    return Settings(story, tuple(packs), walkthroughs)


def _listed(value: object) -> list[object]:
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list | tuple) else []


def _stories_in(folders: Iterable[Path]) -> Iterator[Path]:
    for folder in folders:
        for candidate in (folder, folder / "story"):
            if (candidate / MANIFEST).is_file():
                yield candidate.resolve()


@lru_cache(maxsize=4096)
def file_of(display: str) -> Path:
    """The file a message's place names: its path as `display_path` wrote it, made whole
    (once per name: a story's hundreds of warnings name a few dozen files)."""
    path = Path(display)
    try:
        return path.absolute().resolve()
    except (OSError, RuntimeError):
        return path.absolute()


class Workspace:
    """The story of one workspace: its settings, and its parts between analyses. `analyse` is
    called with the buffers as they are at that moment, from one thread at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = MemoryParts()
        self.last_story: Story | None = None
        self._disk: dict[Path, tuple[int, int, str | None]] = {}
        """Files' texts read from disk, with the modification time and size they had."""

    def analyse(self, buffers: Mapping[Path, str]) -> Analysis:
        """The story as the buffers (by resolved path) and the files say; never raises."""
        root = self.settings.story
        try:
            return self._analysed(buffers)
        except Exception as err:  # a bug of ours: said where the author looks, not fatal
            traceback.print_exc(file=sys.stderr)
            where = (root / MANIFEST) if root is not None else Path.cwd() / MANIFEST
            message = (
                f"the her-if language server hit a bug analysing this story ({type(err).__name__}: "
                f"{err}); `her-if check` gives the story's own diagnostics. Please report it, "
                "with the story if you can"
            )
            bug = Diagnostic(Position(display_path(where), 1, 1), message)
            return self._analysis(None, {file_of(bug.pos.path): [bug]}, buffers, [where])

    def _analysed(self, buffers: Mapping[Path, str]) -> Analysis:
        settings, root = self.settings, self.settings.story
        if root is None:
            return self._analysis(None, {}, buffers, [])
        self.store.begin()
        found: dict[Path, list[Diagnostic]] = {}
        overlay = {path: text.encode("utf-8", "surrogatepass") for path, text in buffers.items()}
        story: Story | None = None
        with overlaid(overlay):
            try:
                linked = link_story(root, settings.packs, self.store)
            except StoryError as err:
                _add(found, [*err.diagnostics, *err.following])
            else:
                story = self.last_story = linked.story
                facts = self.store.facts(linked)
                _add(found, summary_from(story, facts).warnings)
            walkthroughs = self._walkthroughs()
            if story is not None:
                _add(found, _walkthrough_problems(walkthroughs, story))
        known = story or self.last_story
        files = [Path(f.path) for f in known.files] if known is not None else []
        if story is None:
            files += _story_files(root, settings.packs, self.last_story is not None)
        return self._analysis(story, found, buffers, [*files, *walkthroughs])

    def _analysis(
        self,
        story: Story | None,
        found: Mapping[Path, Sequence[Diagnostic]],
        buffers: Mapping[Path, str],
        files: Iterable[Path],
    ) -> Analysis:
        every = dict.fromkeys([*(file_of(str(f)) for f in files), *found, *buffers])
        texts = {}
        for path in every:
            text = buffers[path] if path in buffers else self._disk_text(path)
            if text is not None:
                texts[path] = text
        settings = self.settings
        return Analysis(
            story or self.last_story,
            story is not None,
            found,
            texts,
            tuple(every),
            settings.story,
            settings.packs,
            tuple(self._walkthroughs()),
        )

    def _walkthroughs(self) -> list[Path]:
        folder = self.settings.walkthroughs
        if folder is None or not folder.is_dir():
            return []
        try:
            return sorted(p.resolve() for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
        except OSError:
            return []

    def _disk_text(self, path: Path) -> str | None:
        """The file's text on disk (None: not a readable UTF-8 file of a sensible size), read
        again only when its modification time or size changed."""
        try:
            info = path.stat()
        except OSError:
            return None
        held = self._disk.get(path)
        if held is not None and held[:2] == (info.st_mtime_ns, info.st_size):
            return held[2]
        text: str | None = None
        if info.st_size <= MAX_FILE_BYTES:
            try:
                text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
            except (OSError, UnicodeDecodeError):
                text = None
        self._disk[path] = (info.st_mtime_ns, info.st_size, text)
        return text


def _add(found: dict[Path, list[Diagnostic]], diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        found.setdefault(file_of(diagnostic.pos.path), []).append(diagnostic)


def _walkthrough_problems(walkthroughs: Iterable[Path], story: Story) -> list[Diagnostic]:
    """What `playtest --walkthroughs` would refuse in each walkthrough before playing it: a
    scene, a choice or a value of state that the story does not have."""
    found: list[Diagnostic] = []
    for path in walkthroughs:
        try:
            load_script(path, story)
        except StoryError as err:
            found += err.diagnostics
    return found


def _story_files(root: Path, packs: Sequence[Path], seen: bool) -> list[Path]:
    """The files of a story that has not loaded: its manifests, and, while none has ever
    loaded (so no list of its files is known), the YAML below its folders."""
    files = [root / MANIFEST, *(pack / PACK_MANIFEST for pack in packs)]
    if seen:
        return files
    for folder in (root, *packs):
        for dirpath, _, names in os.walk(folder):
            files += [Path(dirpath) / n for n in names if n.endswith((".yaml", ".yml"))]
            if len(files) > MAX_FILES:
                return files[:MAX_FILES]
    return files
