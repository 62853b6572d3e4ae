"""Reading the story's design off a loaded story: what a scene reads, what a choice's effects
reach, words and 8-word runs of prose; the shipped story's tests (tests/analysis/test_story_design.py)
and the example pack's (tests/loading/test_example_pack.py) hold both to the same promises."""

from __future__ import annotations

import hashlib
import re
from collections import deque

from her_if.analysis.reads import template_names, template_trees
from her_if.core.expr import names_read
from her_if.core.model import Scene, Story, Template
from her_if.core.text import inner_texts
from tests.conftest import ROOT

SEED_GRAMS = ROOT / "tests" / "fixtures" / "seed-8grams.txt"
"""blake2b hashes of every 8-word run in the seed documents (no seed text is stored)."""
WORD = re.compile(r"[A-Za-z0-9\u2019']+")


def names_read_by(scene: Scene) -> set[str]:
    """The variables a scene reads, in its text's slots, switches and inline conditions and in
    its conditions: where a choice made earlier shows."""
    names: set[str] = set()
    for paragraph in scene.paragraphs:
        names |= template_slots(paragraph.text)
        if paragraph.condition is not None:
            names |= names_read(paragraph.condition.tree)
    for choice in scene.choices:
        names |= template_slots(choice.text)
        if choice.condition is not None:
            names |= names_read(choice.condition.tree)
    return names


def template_slots(template: Template) -> set[str]:
    """The variables `template` shows, switches on or tests in an `{if}`, nested forms included."""
    names = set(template_names(template))
    for tree in template_trees(template):
        names |= names_read(tree)
    return names


def consequential(story: Story, scene: Scene) -> bool:
    """Whether a choice of `scene` sets state that a scene reachable after it (not `scene`
    itself) reads: a decision whose consequence the player meets later."""
    for choice in scene.choices:
        written = {e.name for e in choice.effects}
        if not written:
            continue
        later = reachable_from(story, choice.target)
        if any(written & names_read_by(story.scenes[s]) for s in later if s != scene.id):
            return True
    return False


def reachable_from(story: Story, start: str, guarded: bool = True) -> set[str]:
    """Scenes reachable from `start`; with guarded=False, never through a conditional choice."""
    seen = {start}
    queue = deque([start])
    while queue:
        scene = story.scenes[queue.popleft()]
        targets = [c.target for c in scene.choices if guarded or c.condition is None]
        targets += [scene.next] if scene.next else []
        for target in targets:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def plain_text(template: Template) -> str:
    """The words of `template`, every branch, arm and option of its forms among them (each
    set off by spaces, so no two run together), and 'x' for a printed value: all the prose a
    player may read in it is counted and checked."""
    return "".join(
        part
        if isinstance(part, str)
        else " ".join(plain_text(t) for t in inner)
        if (inner := inner_texts(part))
        else "x"
        for part in template.parts
    )


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def gram_hash(gram: tuple[str, ...]) -> str:
    return hashlib.blake2b(" ".join(gram).encode(), digest_size=8).hexdigest()


def word_runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    """The runs of `n` words in `text`, lowercased, with straight apostrophes: as the seed
    documents' runs were hashed."""
    words = [w.lower().replace("\u2019", "'") for w in WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
