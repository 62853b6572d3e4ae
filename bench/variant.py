"""The anchors' graph with the second edition's constructs woven in: the same scenes, prose,
choices and seed as the cross-check, plus subroutines, text alternatives, visit counts,
fallbacks and draws, so that `bench/run.py` can show what each costs the explorer on a story
of the cross-check's size. ink has no story to match it (its explorers key on the variables
alone, and would miscount visit counts and alternatives), so it is measured on its own.

    python bench/variant.py --scenes 500 --seed 1 OUT_DIR

What is woven in, by a scene's number in the graph (so the same graph always gives the same
story):

- **Subroutines.** A side act, `asides`, holds two: the stranger, a hub whose questions run
  out (the key, while you have none; the bells, while trust is under 3, which calls a memory,
  a pause that `return`s) and whose `fallback` then takes you back; and the watchman, whose
  dice draw `random(1, 3)` into `luck` (and may roll again) before you return. One scene in
  `Spacing.stranger` calls the stranger (the return comes back to its choices), one in
  `Spacing.watchman` the watchman, with `then:` on to where its first choice goes.
- **Visit counts.** One scene in `Spacing.directions` opens a way on once you have met the
  stranger twice (`if: 'visits("asides.stranger") >= 2'`), and the stranger prints how often
  you have (`{= visits("stranger")}`). Of the loops' heads (scenes that lead to a choice
  with no condition that jumps back to them), one in `Spacing.hubs` of those whose other
  choices all have conditions closes its first choice after two visits, so that a
  `fallback` moves you on; one in `Spacing.known` of the rest opens a way on after two
  visits; each prints how often you have stood there.
- **Alternatives.** The side scenes' text holds a `{seq: ...}`, a `{once: ...}` and a whole
  paragraph of `cycle:`; one scene of the graph in `Spacing.alternatives` ends its first
  paragraph with a `{seq: ...}`, a `{cycle: ...}` or a `{once: ...}` (in turn), and one in
  `Spacing.whole` adds a whole paragraph of one.
- **Draws.** Besides the watchman's dice, one scene in `Spacing.toss` offers a coin toss that
  sets `courage` to `random(-2, 0)`, and one in `Spacing.courage` reads courage in its text
  (the plain graph never reads it).

How densely is `Spacing`'s to say (one scene in so many; 0 for none): its defaults are the
variant `bench/run.py` explores, and `--every` writes others, to show how each construct's
cost to the explorer grows (`docs/performance.md` has the figures).

`variant_folder(scenes, seed)` makes it into the cache (`convert.cache_dir()`), as
`convert.story_folder` does the plain graph.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.convert import (
    FORMAT_VERSION,
    Graph,
    generate_graph,
    story_arguments,
    story_folder,
    write_story,
)

ASIDES = "asides"
LUCK = {"type": "counter", "min": 0, "max": 3, "default": 0}
ALTERNATIVES = (
    "{seq: The street is new to you. | You know this street now. "
    "| The street has started to know you back.}",
    "{cycle: The bells ring over the harbour. | The bells are quiet.}",
    "{once: A gull watches you from a railing. | The gull is still there. |}",
)
WHOLE = (
    {"seq": ["Rain begins, lightly.", "The rain settles in.", "It is still raining."]},
    {"once": ["A cart rattles past, loaded with nets.", ""]},
    {"cycle": ["A window opens above you.", "The window above is shut."]},
)


@dataclass(frozen=True)
class Spacing:
    """How far apart each construct is woven in: one scene in `n` (0: none). The defaults
    are the variant `bench/run.py` measures; others show how a construct's cost grows."""

    alternatives: int = 50
    whole: int = 0
    known: int = 0
    """Of the loops' heads with a choice beside the first that has no condition: every how
    many (in the graph's order) open a way on after two visits."""
    hubs: int = 9
    """Of the loops' heads whose other choices all have conditions: every how many close
    their first choice after two visits, so that a `fallback` moves you on."""
    stranger: int = 10
    watchman: int = 10
    directions: int = 20
    toss: int = 100
    courage: int = 10


def at(i: int, every: int, offset: int) -> bool:
    """Whether scene `i` is one of every `every`, from `offset` (a different offset for each
    construct, so that they fall on different scenes)."""
    return every > 0 and i % every == offset % every


def weave(graph: Graph, spacing: Spacing = Spacing()) -> dict[str, Any]:
    """The variant of `graph` (gen_story's JSON, left unchanged)."""
    woven: dict[str, Any] = copy.deepcopy(dict(graph))
    scenes = woven["scenes"]
    number = {sc["id"]: i for i, sc in enumerate(scenes)}
    jumps = {
        (number[c["goto"]], i)
        for i in _reachable(scenes, number, 0)
        for c in scenes[i]["choices"]
        if number[c["goto"]] < i and c["if"] is None
    }
    heads = sorted(
        {j for j, i in jumps if not scenes[j]["ending"] and i in _reachable(scenes, number, j)}
    )
    hubs = [j for j in heads if all(c["if"] for c in scenes[j]["choices"][1:])]
    others = [j for j in heads if j not in hubs]
    kind = {j: "known" for n, j in enumerate(others) if at(n, spacing.known, 0)}
    kind.update({j: "hub" for n, j in enumerate(hubs) if at(n, spacing.hubs, 0)})
    last = len(scenes) - 1
    for i, sc in enumerate(scenes):
        _text(i, sc, i in kind, spacing)
        if not sc["ending"]:
            _choices(i, sc, kind.get(i), f"s{min(last, i + 9)}", spacing)
    woven["state"] = {**woven["state"], "luck": LUCK}
    woven["extra_acts"] = {ASIDES: _asides()}
    return woven


def _reachable(scenes: list[dict[str, Any]], number: dict[str, int], start: int) -> set[int]:
    """The scenes the graph's choices lead to from `start`, whatever their conditions."""
    seen, work = {start}, [start]
    while work:
        for choice in scenes[work.pop()]["choices"]:
            j = number[choice["goto"]]
            if j not in seen:
                seen.add(j)
                work.append(j)
    return seen


def _text(i: int, sc: dict[str, Any], head: bool, spacing: Spacing) -> None:
    paragraphs = sc["paragraphs"]
    if at(i, spacing.alternatives, 1):
        paragraphs[0] += " " + ALTERNATIVES[(i // spacing.alternatives) % 3]
    if at(i, spacing.whole, 13):
        paragraphs.insert(1, WHOLE[(i // spacing.whole) % 3])
    if at(i, spacing.courage, 9):
        paragraphs[-1] += " {if courage <= -3: Your hands are not quite steady.}"
    if head:
        here = f'visits("{sc["id"]}")'
        paragraphs.append(f"You have stood here {{= {here}}} time{{if {here} != 1:s}}.")


def _choices(i: int, sc: dict[str, Any], head: str | None, further: str, spacing: Spacing) -> None:
    choices = sc["choices"]
    first = choices[0]
    onward = first["goto"]

    def add(id_: str, text: str, when: str | None = None, **rest: Any) -> None:
        choices.append({"id": id_, "text": text, "if": when, "effects": [], **rest})

    here = f'visits("{sc["id"]}")'
    if head == "hub":
        first["if"] = f"{here} <= 2"
        add("onward", "Nothing holds you here now; move on", goto=onward, fallback=True)
    elif head == "known":
        add("known", "Take the short way you know by now", f"{here} >= 2", goto=onward)
    if at(i, spacing.stranger, 2):
        add("stranger", "Look for the stranger by the fountain", call="stranger")
    if at(i, spacing.watchman, 7):
        add("dice", "Play dice with the watchman", call="watchman", then=onward)
    if at(i, spacing.directions, 15):
        met = f'visits("{ASIDES}.stranger") >= 2'
        add("directions", "Follow the stranger's directions", met, goto=further)
    if at(i, spacing.toss, 50):
        draw = [{"set": {"courage": "random(-2, 0)"}}]
        add("toss", "Toss a coin to decide how brave to be", goto=onward, effects=draw)


def _scene(id_: str, title: str, paragraphs: list[Any], choices: list[Any]) -> dict[str, Any]:
    return {
        "id": id_,
        "title": title,
        "paragraphs": paragraphs,
        "ending": False,
        "return": not choices,
        "choices": [{"if": None, "effects": [], **choice} for choice in choices],
    }


def _asides() -> list[dict[str, Any]]:
    """The side scenes every act calls: two subroutines, one of them nesting a third."""
    met = 'visits("stranger")'
    return [
        _scene(
            "stranger",
            "The stranger",
            [
                "{seq: A stranger waits by the fountain, an envelope in hand. "
                "| The stranger is by the fountain again. "
                "| The stranger nods to you like an old friend.}",
                f"You have met here {{= {met}}} time{{if {met} != 1:s}}.",
            ],
            [
                {
                    "id": "key",
                    "text": "Ask about the key",
                    "if": "not has_key",
                    "effects": [{"set": {"has_key": True}}],
                    "return": True,
                },
                {
                    "id": "bells",
                    "text": "Ask about the bells",
                    "if": "trust < 3",
                    "effects": [{"add": {"trust": 1}}],
                    "call": "memory",
                },
                {
                    "id": "done",
                    "text": "There is nothing left to ask",
                    "return": True,
                    "fallback": True,
                },
            ],
        ),
        _scene(
            "memory",
            "A memory",
            [
                "{once: You remember the harbour as it was when you were small. "
                "| You remember it again, less clearly. |}",
                {"cycle": ["The bells ring out.", "The bells are silent."]},
            ],
            [],
        ),
        _scene(
            "watchman",
            "The watchman",
            ["The watchman shakes three dice in a cup and raises an eyebrow at you."],
            [
                {
                    "id": "roll",
                    "text": "Roll the dice",
                    "effects": [{"set": {"luck": "random(1, 3)"}}],
                    "goto": "dice",
                },
                {"id": "decline", "text": "Decline, politely", "return": True},
            ],
        ),
        _scene(
            "dice",
            "The dice",
            ["You roll a {luck}. {case luck | 3: The watchman whistles. | else: He shrugs.}"],
            [
                {
                    "id": "prize",
                    "text": "Claim the prize",
                    "if": "luck == 3",
                    "effects": [{"set": {"luck": 0}}, {"add": {"trust": 1}}],
                    "return": True,
                },
                {
                    "id": "again",
                    "text": "Roll again",
                    "if": "luck < 3",
                    "effects": [{"set": {"luck": "random(1, 3)"}}],
                    "goto": "dice",
                },
                {
                    "id": "go",
                    "text": "Leave the dice where they lie",
                    "if": "luck < 3",
                    "effects": [{"set": {"luck": 0}}],
                    "return": True,
                },
            ],
        ),
    ]


def variant_folder(scenes: int, seed: int = 1, cache: Path | None = None) -> Path:
    """The variant for (scenes, seed), made once into the cache and reused: named by this
    module's source too, so that any change to the weaving makes it again."""
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    return story_folder(
        scenes, seed, cache, kind="variant", weave=weave, version=f"{FORMAT_VERSION}-{source}"
    )


def _spacing(text: str) -> Spacing:
    """`--every`'s value: `name=n` pairs, separated by commas."""
    try:
        pairs = dict(pair.split("=", 1) for pair in text.split(",") if pair)
        return replace(Spacing(), **{name: int(n) for name, n in pairs.items()})
    except (TypeError, ValueError) as err:
        names = ", ".join(f.name for f in fields(Spacing))
        raise argparse.ArgumentTypeError(
            f"{text!r}: write name=n,... with names of {names}"
        ) from err


def main(argv: list[str] | None = None) -> int:
    parser = story_arguments(__doc__, 500)
    parser.add_argument(
        "--every",
        type=_spacing,
        default=Spacing(),
        metavar="NAME=N,...",
        help="how far apart constructs are, as Spacing's fields (e.g. alternatives=5,whole=25)",
    )
    args = parser.parse_args(argv)
    woven = weave(generate_graph(args.scenes, args.seed), args.every)
    write_story(woven, args.out_dir)
    count = len(woven["scenes"]) + len(woven["extra_acts"][ASIDES])
    print(f"{args.out_dir}: {count} scenes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
