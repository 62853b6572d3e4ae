"""What `her-if check` says about a story that loads: its size, and what looks wrong.

Errors stop a story from loading (see the loader); warnings here are things that load but are
probably mistakes: a scene no choice leads to, `once` on a choice whose scene can never come
round again, state that nothing reads or nothing changes, a YAML file in the story folder (or a
pack's folder) that its manifest forgets. All are found statically, without playing; the
playtester explores actual play.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from her_if.analysis.check_report import PROBLEMS, PackFacts, StoryFacts
from her_if.analysis.cycles import on_cycles as on_cycles  # `check` has always offered it
from her_if.analysis.features import features
from her_if.analysis.flow import edges, successors
from her_if.analysis.reads import scene_templates, story_trees, template_names
from her_if.core.expr import names_read
from her_if.core.frozen import frozen
from her_if.core.model import Choice, Position, Scene, Story, Template
from her_if.core.text import every_part
from her_if.loading.diagnostics import Diagnostic, StoryError, display_path
from her_if.loading.locate import MANIFEST, PACK_MANIFEST


@frozen
class Summary:
    scenes: int
    choices: int
    """The authors' choices; pauses (`continue`) are counted apart, as every report does."""
    pauses: int
    endings: int
    words: int
    warnings: tuple[Diagnostic, ...]


def summarize(story: Story) -> Summary:
    scenes = story.scenes.values()
    return Summary(
        scenes=len(story.scenes),
        choices=sum(len(s.choices) for s in scenes),
        pauses=sum(1 for s in scenes if s.pause),
        endings=sum(1 for s in scenes if s.ending is not None),
        words=sum(scene_words(s) for s in scenes),
        warnings=tuple(
            [
                *_unreachable(story),
                *_returns_unreached(story),
                *_fallbacks_shut_out(story),
                *_needless_once(story),
                *_unused_state(story),
                *_unlisted_files(story),
            ]
        ),
    )


def report(story: Story) -> dict[str, Any]:
    """What `her-if check --json` prints about a story that loads. Plain data, so that the
    story cache can keep it and answer `check` again with neither the YAML nor the story."""
    summary = summarize(story)
    facts = StoryFacts(
        story=story.id,
        title=story.title,
        full_title=story.full_title,
        packs=[PackFacts(p.id, p.title, p.version, folder=p.root) for p in story.packs],
        acts=len(story.acts),
        scenes=summary.scenes,
        choices=summary.choices,
        pauses=summary.pauses,
        endings=summary.endings,
        words=summary.words,
        variables=len(story.variables),
        beats=len(story.beats),
        features=features(story),
    )
    return _report(asdict(facts), [], [d.as_json() for d in summary.warnings])


def error_report(err: StoryError) -> dict[str, Any]:
    """What `her-if check --json` prints about a story that does not load: the same keys."""
    facts = dict.fromkeys(f.name for f in fields(StoryFacts))
    return _report(facts, [d.as_json() for d in err.diagnostics], [])


def _report(
    facts: dict[str, Any], errors: list[dict[str, object]], warnings: list[dict[str, object]]
) -> dict[str, Any]:
    """The facts, then the errors and the warnings, under `check_report.PROBLEMS`' keys."""
    return {**facts, **dict(zip(PROBLEMS, (errors, warnings), strict=True))}


def scene_words(scene: Scene) -> int:
    """Runs of non-space, as `\\S+` counts them (`str.split` agrees on every character)."""
    texts = [p.text for p in scene.paragraphs] + [c.text for c in scene.choices]
    return sum(template_words(t) for t in texts)


def template_words(template: Template) -> int:
    """The words of a text in every branch of it, as `check` counts a scene's."""
    return sum(len(part.split()) for part in every_part(template) if isinstance(part, str))


def _unreachable(story: Story) -> list[Diagnostic]:
    seen = {story.start}
    queue = deque([story.start])
    while queue:
        for target in successors(story, queue.popleft()):
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
    """The declared state that something reads (a condition, an expression, text), and that
    something sets."""
    read: set[str] = set()
    written: set[str] = set()
    trees: set[int] = set()  # the loader shares one tree among conditions of the same text
    for scene in story.scenes.values():
        written.update(e.name for e in scene.effects)
        for choice in scene.choices:
            written.update(e.name for e in choice.effects)
        for template in scene_templates(scene):
            read.update(template_names(template))
    for tree in story_trees(story):
        if id(tree) not in trees:
            trees.add(id(tree))
            read.update(names_read(tree))
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


def _returns_unreached(story: Story) -> list[Diagnostic]:
    """A return that no call's subroutine reaches (`flow`): wherever it is offered, there is
    no call to return to, so it is never on offer, and a scene with nothing else dead-ends."""
    out = edges(story)
    found = []
    for sid, scene in story.scenes.items():
        if any(e.kind == "return" for e in out[sid]):
            continue
        returning = [c.pos for c in scene.choices if c.returns]
        for pos in [scene.pos] if scene.returns else returning:
            found.append(
                Diagnostic(
                    pos,
                    f"scene '{sid}' returns, but no called scene leads to it, so there is never a call "
                    f"to return to: call it ('call: {sid}') rather than go to it, or go on "
                    "from it with 'to:'",
                    "warning",
                )
            )
    return found


def _fallbacks_shut_out(story: Story) -> list[Diagnostic]:
    """A fallback is offered only when nothing else is; beside a choice that is always on
    offer (no `if:`, `once`, `open_if:`, call or return), it never is."""
    found = []
    for sid, scene in story.scenes.items():
        always = next((c for c in scene.choices if not c.fallback and _always_on_offer(c)), None)
        if always is None:
            continue
        for choice in scene.choices:
            if choice.fallback:
                found.append(
                    Diagnostic(
                        choice.pos,
                        f"fallback '{choice.id}' of scene '{sid}' is never offered: choice "
                        f"'{always.id}' is always on offer there, and a fallback is offered "
                        "only when no other choice is; give that choice an 'if:' or "
                        "'once: true', or make this one an ordinary choice",
                        "warning",
                    )
                )
    return found


def _always_on_offer(choice: Choice) -> bool:
    return not (choice.condition or choice.once or choice.open_if or choice.call or choice.returns)


def _unlisted_files(story: Story) -> list[Diagnostic]:
    """YAML files lying in the story's folder or a pack's folder that the story was not built
    from (`Story.files`): no manifest lists them."""
    known = {Path(file.path).resolve() for file in story.files}
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


def _needless_once(story: Story) -> list[Diagnostic]:
    """`once: true` where it cannot matter: a scene on no cycle is shown at most once, so its
    choices are offered at most once anyway; the author probably expected the scene to recur."""
    cyclic = on_cycles(story)
    return [
        Diagnostic(
            choice.pos,
            f"choice '{choice.id}' of scene '{sid}' has 'once: true', but no path leads back "
            f"to '{sid}', so it can never be offered twice: remove 'once', or lead back to the "
            "scene if it is meant to come round again",
            "warning",
        )
        for sid, scene in story.scenes.items()
        if sid not in cyclic
        for choice in scene.choices
        if choice.once
    ]
