"""What `her-if check` says about a story that loads: its size, and what looks wrong.

Errors stop a story from loading (see the loader); warnings here are things that load but are
probably mistakes: a scene no choice leads to, state that nothing reads or nothing changes, a
YAML file in the story folder (or a pack's folder) that its manifest forgets. All are found statically, without
playing; the playtester explores actual play.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from her_if.diagnostics import Diagnostic, display_path
from her_if.expr import names_read
from her_if.loader import MANIFEST, PACK_MANIFEST
from her_if.model import Condition, Position, Scene, Slot, Story, Template


@dataclass(frozen=True)
class Summary:
    scenes: int
    choices: int
    endings: int
    words: int
    warnings: tuple[Diagnostic, ...]


def summarize(story: Story) -> Summary:
    scenes = story.scenes.values()
    return Summary(
        scenes=len(story.scenes),
        choices=sum(len(s.choices) for s in scenes),
        endings=sum(1 for s in scenes if s.ending is not None),
        words=sum(_words(s) for s in scenes),
        warnings=tuple([*_unreachable(story), *_unused_state(story), *_unlisted_files(story)]),
    )


def _words(scene: Scene) -> int:
    texts = [p.text for p in scene.paragraphs] + [c.text for c in scene.choices]
    return sum(
        len(re.findall(r"\S+", part)) for t in texts for part in t.parts if isinstance(part, str)
    )


def successors(scene: Scene) -> list[str]:
    """Scenes a scene can lead to, whatever the conditions say."""
    return [scene.next] if scene.next else [c.target for c in scene.choices]


def _unreachable(story: Story) -> list[Diagnostic]:
    seen = {story.start}
    queue = deque([story.start])
    while queue:
        for target in successors(story.scenes[queue.popleft()]):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return [
        Diagnostic(
            scene.pos, f"scene '{sid}' is unreachable: no choice or continue leads to it", "warning"
        )
        for sid, scene in story.scenes.items()
        if sid not in seen
    ]


def state_usage(story: Story) -> tuple[set[str], set[str]]:
    """The declared state that something reads (condition or text), and that something sets."""
    read: set[str] = set()
    written: set[str] = set()
    for scene in story.scenes.values():
        written.update(e.name for e in scene.effects)
        for paragraph in scene.paragraphs:
            read.update(_template_reads(paragraph.text))
            read.update(_condition_reads(paragraph.condition))
        for choice in scene.choices:
            written.update(e.name for e in choice.effects)
            read.update(_template_reads(choice.text))
            read.update(_condition_reads(choice.condition))
    return read, written


def _unused_state(story: Story) -> list[Diagnostic]:
    read, written = state_usage(story)
    warnings = []
    for name, var in story.variables.items():
        pos = var.pos or Position(display_path(Path(story.root) / MANIFEST), 1, 1)
        if name not in read:
            warnings.append(
                Diagnostic(pos, f"state '{name}' is never read by a condition or text", "warning")
            )
        elif name not in written:
            warnings.append(
                Diagnostic(
                    pos,
                    f"state '{name}' is never set, so it is always {_yaml(var.default)}",
                    "warning",
                )
            )
    return warnings


def _template_reads(template: Template) -> set[str]:
    return {part.name for part in template.parts if isinstance(part, Slot)}


def _condition_reads(condition: Condition | None) -> set[str]:
    return names_read(condition.tree) if condition else set()


def _unlisted_files(story: Story) -> list[Diagnostic]:
    """YAML files lying in the story's folder or a pack's folder that no manifest lists."""
    listed = {Path(story.root) / MANIFEST, *(Path(act.path) for act in story.acts)}
    listed |= {Path(beat.pos.path) for beat in story.beats[:1]}  # a beat sheet kept alongside
    for pack in story.packs:
        listed |= {Path(pack.root) / PACK_MANIFEST, *(Path(file) for file in pack.files)}
    known = {path.resolve() for path in listed}
    folders = [(Path(story.root), f"story folder but no act in {MANIFEST} lists it")]
    folders += [
        (Path(p.root), f"pack folder but its {PACK_MANIFEST} 'files' do not list it")
        for p in story.packs
    ]
    warnings: list[Diagnostic] = []
    seen: set[Path] = set()
    for folder, why in folders:
        for path in sorted(folder.glob("*.y*ml")):
            if path.resolve() in known or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            warnings.append(
                Diagnostic(
                    Position(display_path(path), 1, 1),
                    f"'{path.name}' is in the {why}",
                    "warning",
                )
            )
    return warnings


def _yaml(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)
