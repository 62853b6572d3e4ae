"""The example pack (examples/packs/amys-documentary/) is a real side story on the shipped
story: it loads cleanly on it, its walkthroughs hold from the very start to an ending, the
playtester finds nothing wrong and reaches all of it, the player following the film can find
it, the story without it is untouched, and its prose is our own and keeps the story's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if import load_story
from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.analysis.script import load_script, run_script
from her_if.core.engine import View
from her_if.core.model import Story
from tests.conftest import STORY, WALKTHROUGHS
from tests.support.paths import EXAMPLE_PACK
from tests.support.story_design import (
    SEED_GRAMS,
    consequential,
    gram_hash,
    plain_text,
    word_count,
    word_runs,
)

PACK_WALKTHROUGHS = sorted((EXAMPLE_PACK / "walkthroughs").glob("*.yaml"))
HOOK = ("upgrade.together", "help-amy")
REJOIN = "upgrade.amy-doc"
LONGEST_SCENE = 380
"""Words of text a scene may hold, all its paragraphs counted (the act writers' rule)."""


@pytest.fixture(scope="module")
def base() -> Story:
    return load_story(STORY)


@pytest.fixture(scope="module")
def layered() -> Story:
    return load_story(STORY, packs=[EXAMPLE_PACK])


def pack_scenes(layered: Story, base: Story) -> set[str]:
    return set(layered.scenes) - set(base.scenes)


def pack_state(layered: Story, base: Story) -> set[str]:
    return set(layered.variables) - set(base.variables)


def views_along(story: Story, path: Path) -> list[View]:
    shown: list[View] = []
    outcome = run_script(story, load_script(path, story), lambda v, _c: shown.append(v))
    assert outcome.failures == ()
    return shown


def test_the_pack_loads_on_the_story_without_a_warning(layered: Story, base: Story) -> None:
    assert layered.full_title == "Her + Amy's Documentary 1.0.0"
    assert summarize(layered).warnings == ()
    assert 7 <= len(pack_scenes(layered, base)) <= 10
    assert pack_state(layered, base) == {"asked_lorna", "sound_credit", "narration"}


@pytest.mark.parametrize("path", PACK_WALKTHROUGHS, ids=lambda p: p.name)
def test_each_walkthrough_plays_from_the_start_through_the_pack_to_an_ending(
    layered: Story, base: Story, path: Path
) -> None:
    script = load_script(path, layered)
    assert script.origin is None  # from the very start of the story
    assert script.expect.ending is not None
    assert pack_state(layered, base) <= set(script.expect.state)  # it pins the pack's state
    assert REJOIN in script.expect.visited
    assert run_script(layered, script).failures == ()


def test_the_walkthroughs_cover_every_pack_scene_and_value(layered: Story, base: Story) -> None:
    assert len(PACK_WALKTHROUGHS) >= 2
    seen: set[str] = set()
    narrations: set[object] = set()
    for path in PACK_WALKTHROUGHS:
        script = load_script(path, layered)
        seen |= {v.scene.id for v in views_along(layered, path)}
        narrations.add(script.expect.state["narration"])
    assert pack_scenes(layered, base) <= seen
    assert narrations == {"none", "warm", "neighbours"}


def test_the_playtester_finds_no_defect_and_reaches_every_pack_scene(
    layered: Story, base: Story
) -> None:
    found = explore(layered)
    assert found.complete and found.defects == 0
    assert pack_scenes(layered, base) <= found.scenes_reached
    assert HOOK in found.edges_taken
    pack_exits = {s for s in pack_scenes(layered, base) if layered.scenes[s].next == REJOIN}
    assert pack_exits and all((s, "continue") in found.edges_taken for s in pack_exits)


def test_the_player_following_the_film_is_offered_the_pack(layered: Story) -> None:
    offered = {
        v.scene.id: [o.id for o in v.choices]
        for v in views_along(layered, WALKTHROUGHS / "film.yaml")
    }
    assert HOOK[1] in offered[HOOK[0]]


def test_the_hook_waits_until_he_has_kept_showing_up_for_amy(layered: Story) -> None:
    """On the reply ending's path he has hardly been there for Amy (amy_bond 1), and her
    invitation does not single him out, so the pack is not offered."""
    shown = views_along(layered, WALKTHROUGHS / "ending-reply.yaml")
    together = next(v for v in shown if v.scene.id == HOOK[0])
    assert HOOK[1] not in [o.id for o in together.choices]


def test_the_story_without_the_pack_is_unchanged(layered: Story, base: Story) -> None:
    assert base.packs == () and base.full_title == "Her"
    assert not pack_scenes(layered, base) & set(base.scenes)
    assert not pack_state(layered, base) & set(base.variables)
    assert [c.id for c in base.scenes[HOOK[0]].choices] == ["amy-doc", "skip-doc"]
    for path in sorted(WALKTHROUGHS.glob("*.yaml")):  # every story walkthrough, with and without
        for story in (base, layered):
            assert run_script(story, load_script(path, story)).failures == (), path.name


def test_the_pack_state_is_decided_in_the_pack_and_read_later_in_it(
    layered: Story, base: Story
) -> None:
    deciding = [
        sid
        for sid in sorted(pack_scenes(layered, base))
        if len(layered.scenes[sid].choices) >= 2 and consequential(layered, layered.scenes[sid])
    ]
    assert len(deciding) >= 3, deciding


def test_no_pack_scene_is_longer_than_the_story_allows(layered: Story, base: Story) -> None:
    for sid in pack_scenes(layered, base):
        scene = layered.scenes[sid]
        assert (
            word_count(" ".join(plain_text(p.text) for p in scene.paragraphs)) <= LONGEST_SCENE
        ), sid


def test_no_run_of_eight_words_from_the_seed_documents_in_the_pack(
    layered: Story, base: Story
) -> None:
    seeds = set(SEED_GRAMS.read_text(encoding="ascii").split())
    scenes = [layered.scenes[sid] for sid in sorted(pack_scenes(layered, base))]
    texts = [plain_text(p.text) for s in scenes for p in s.paragraphs]
    texts += [plain_text(c.text) for s in scenes for c in s.choices]
    texts += [plain_text(c.text) for c in layered.scenes[HOOK[0]].choices if c.id == HOOK[1]]
    assert len(texts) > 50
    shared = sorted({" ".join(g) for t in texts for g in word_runs(t) if gram_hash(g) in seeds})
    assert shared == []
