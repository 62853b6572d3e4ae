"""A story with a pack, kept as data and written out as YAML, and seeded random edits to it of
every kind an author makes (and some they make by mistake), for the tests that compare a
check made from the part cache with a cold one after each edit.

Each scene is one line of YAML (a JSON mapping), so the files are written afresh from the data
after every edit and a file the edit did not touch keeps its very bytes.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Scenes = dict[str, dict[str, Any]]


@dataclass
class EditedStory:
    """The story (`acts`: act id -> scenes) and its pack (`pack`: scenes in act `a1`, and
    choices added to `a0.s1`), with the manifest's state; `broken` files get a line of YAML
    that cannot be read."""

    acts: dict[str, Scenes]
    pack: Scenes
    extend: list[dict[str, Any]]
    state: dict[str, dict[str, Any]]
    broken: set[str] = field(default_factory=set)
    made: int = 0
    """Scenes added so far, for their names."""

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write the story and the pack into `folder`; their two folders."""
        story, pack = folder / "story", folder / "pack"
        story.mkdir(parents=True, exist_ok=True)
        pack.mkdir(parents=True, exist_ok=True)
        acts = "".join(
            f"  - {{id: {act}, title: Act {act}, file: {act}.yaml}}\n" for act in self.acts
        )
        state = "".join(f"  {name}: {json.dumps(var)}\n" for name, var in self.state.items())
        self._put(
            story / "story.yaml",
            f"id: edited\ntitle: Edited\nstart: a0.s0\nacts:\n{acts}state:\n{state}",
        )
        for act, scenes in self.acts.items():
            self._put(story / f"{act}.yaml", f"act: {act}\nscenes:\n{_scenes(scenes)}")
        self._put(
            pack / "pack.yaml",
            "pack: side\ntitle: Side\nversion: 1\nextends: edited\nfiles: [side.yaml, more.yaml]\n"
            "state:\n  lamp: {type: flag, default: false}\n",
        )
        self._put(pack / "side.yaml", f"act: a1\nscenes:\n{_scenes(self.pack)}")
        extend = json.dumps({"a0.s1": {"choices": self.extend}})
        self._put(pack / "more.yaml", f"act: a0\nextend: {extend}\n")
        return story, pack

    def _put(self, path: Path, text: str) -> None:
        if path.name in self.broken:
            text += "oops: [unclosed\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")

    # -- the edits ---------------------------------------------------------------------------

    def edit(self, rng: random.Random, pristine: EditedStory) -> str:
        """One random edit; what it was, in a few words."""
        kind = rng.choice(EDITS)
        getattr(self, f"_{kind}")(rng, pristine)
        return kind

    def _pick(self, rng: random.Random) -> tuple[str, str]:
        act = rng.choice(sorted(a for a, scenes in self.acts.items() if scenes))
        return act, rng.choice(sorted(self.acts[act]))

    def _text(self, rng: random.Random, pristine: EditedStory) -> None:
        act, name = self._pick(rng)
        self.acts[act][name]["text"] = f"You stand still for {rng.randrange(1000)} breaths."

    def _target(self, rng: random.Random, pristine: EditedStory) -> None:
        act, name = self._pick(rng)
        for choice in self.acts[act][name].get("choices", [])[:1]:
            choice["to"] = rng.choice(sorted(self.acts[act]))

    def _unknown_target(self, rng: random.Random, pristine: EditedStory) -> None:
        act, name = self._pick(rng)
        for choice in self.acts[act][name].get("choices", [])[:1]:
            choice["to"] = "nowhere"

    def _remove(self, rng: random.Random, pristine: EditedStory) -> None:
        act, name = self._pick(rng)
        if (act, name) != ("a0", "s0"):
            del self.acts[act][name]

    def _add(self, rng: random.Random, pristine: EditedStory) -> None:
        act, name = self._pick(rng)
        self.made += 1
        new = f"n{self.made}"
        self.acts[act][new] = {"title": "New", "text": "You find a new room.", "continue": name}
        choices = self.acts[act][name].get("choices")
        if choices is not None:
            choices.append({"text": "Try the new room.", "to": new})

    def _clash(self, rng: random.Random, pristine: EditedStory) -> None:
        name = rng.choice(sorted(self.acts["a1"]) or ["s0"])
        self.pack[name] = {"title": "Mine", "text": "You are elsewhere.", "continue": "p0"}

    def _ending(self, rng: random.Random, pristine: EditedStory) -> None:
        act, _ = self._pick(rng)
        self.made += 1
        self.acts[act][f"e{self.made}"] = {
            "title": "Again",
            "text": "It ends here as well.",
            "ending": {"id": rng.choice(["home", "sea", f"end{self.made}"]), "title": "End"},
        }

    def _break(self, rng: random.Random, pristine: EditedStory) -> None:
        self.broken ^= {rng.choice([*(f"{a}.yaml" for a in self.acts), "side.yaml"])}

    def _state(self, rng: random.Random, pristine: EditedStory) -> None:
        if "trust" in self.state and rng.random() < 0.5:
            del self.state["trust"]
        else:
            self.state["trust"] = {"type": "counter", "min": 0, "max": 5, "default": 0}
        self.state["met"]["default"] = rng.random() < 0.5

    def _pack_text(self, rng: random.Random, pristine: EditedStory) -> None:
        for scene in self.pack.values():
            scene["text"] = f"You hear {rng.randrange(100)} gulls."
        self.extend[0]["text"] = f"Count to {rng.randrange(100)}."

    def _mend(self, rng: random.Random, pristine: EditedStory) -> None:
        """Undo every edit but those to the text: the story loads again."""
        texts = {(a, n): s["text"] for a, scenes in self.acts.items() for n, s in scenes.items()}
        for part in ("acts", "pack", "state", "broken", "extend"):
            setattr(self, part, copy.deepcopy(getattr(pristine, part)))
        for (act, name), text in texts.items():
            if name in self.acts[act]:
                self.acts[act][name]["text"] = text

    def _revert(self, rng: random.Random, pristine: EditedStory) -> None:
        """Undo what was done to one part of the story, so it loads again more often."""
        part = rng.choice(["acts", "pack", "state", "broken", "extend"])
        setattr(self, part, copy.deepcopy(getattr(pristine, part)))


EDITS = (
    "text",
    "text",
    "text",
    "target",
    "unknown_target",
    "remove",
    "add",
    "clash",
    "ending",
    "break",
    "state",
    "pack_text",
    "revert",
    "revert",
    "mend",
    "mend",
)


def _scenes(scenes: Scenes) -> str:
    return "".join(f"  {name}: {json.dumps(scene)}\n" for name, scene in scenes.items())


def edited_story(acts: int = 4, per_act: int = 6) -> EditedStory:
    """A story every scene of which is reachable: in each act a chain of scenes with a choice
    back, each act's last scene leading to the next act, endings in the last act."""
    story: dict[str, Scenes] = {}
    for a in range(acts):
        scenes: Scenes = {}
        for s in range(per_act):
            last = s == per_act - 1
            if last and a == acts - 1:
                scenes[f"s{s}"] = {
                    "title": f"End {s}",
                    "text": "The lights go down.",
                    "ending": {"id": "home", "title": "Home"},
                }
                continue
            onward = f"a{a + 1}.s0" if last else f"s{s + 1}"
            choices = [
                {"text": "Go on.", "to": onward, "set": {"met": True}},
                {"text": "Wait.", "to": f"s{max(s - 1, 0)}", "if": "not met"},
            ]
            scenes[f"s{s}"] = {
                "title": f"Scene {a}.{s}",
                "text": f"You are in room {s} of act {a}. You have {{trust}} trust.",
                "choices": choices,
            }
        story[f"a{a}"] = scenes
    story[f"a{acts - 1}"]["s0"]["choices"].append({"text": "Sail.", "to": "sea"})
    story[f"a{acts - 1}"]["sea"] = {
        "title": "Sea",
        "text": "You sail out.",
        "ending": {"id": "sea", "title": "Sea"},
    }
    pack: Scenes = {
        "p0": {
            "title": "Aside",
            "text": "You step aside.",
            "choices": [{"text": "Back.", "to": "s2"}],
        },
        "p1": {
            "title": "Lamp",
            "text": "A lamp.",
            "choices": [{"text": "Back.", "to": "p0", "set": {"lamp": True}}],
        },
    }
    pack["p0"]["choices"].append({"text": "Look at the lamp.", "to": "p1"})
    extend: list[dict[str, Any]] = [{"id": "count", "text": "Count to ten.", "to": "a1.p0"}]
    state: dict[str, dict[str, Any]] = {
        "met": {"type": "flag", "default": False},
        "trust": {"type": "counter", "min": 0, "max": 5, "default": 0},
    }
    return EditedStory(story, pack, extend, state)
