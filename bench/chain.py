"""A straight-line story: `scenes` scenes in a row, each with one choice to the next, the last
an ending. It has the longest shortest paths a story of its size can have, which shows whether
the explorer's memory grows with the story's length or with its square (issue 22).

With `recall`, every choice is `once`, and it and a paragraph ask whether the scene before was
visited: a state that kept every visit and every used mark, or text judged on every visit at
every scene, would grow with each step too. Written in acts of `PER_ACT` scenes, each act file
well inside the loader's limits.
"""

from __future__ import annotations

from pathlib import Path

PER_ACT = 2_000


def write_chain(folder: Path, scenes: int, *, recall: bool = False) -> Path:
    """Write the story into `folder` (made if need be) and return it: scene `n` is `a{act}.s{n}`
    and its choice `on{n}`."""
    folder.mkdir(parents=True, exist_ok=True)
    acts = range(max(1, -(-scenes // PER_ACT)))
    listed = "".join(f"  - {{id: a{a}, title: Part {a + 1}, file: a{a}.yaml}}\n" for a in acts)
    (folder / "story.yaml").write_text(
        f"id: chain\ntitle: A chain of {scenes:,} scenes\nstart: {scene_id(0)}\nstate: {{}}\n"
        f"acts:\n{listed}",
        encoding="utf-8",
    )
    for a in acts:
        numbers = range(a * PER_ACT, min((a + 1) * PER_ACT, scenes))
        body = "".join(_scene(n, n == scenes - 1, recall) for n in numbers)
        (folder / f"a{a}.yaml").write_text(f"act: a{a}\nscenes:\n{body}", encoding="utf-8")
    return folder


def scene_id(n: int) -> str:
    return f"a{n // PER_ACT}.s{n}"


def _scene(n: int, last: bool, recall: bool) -> str:
    head = f"  s{n}:\n    title: Step {n}\n"
    if last:
        return head + "    text: Done.\n    ending: {id: end, title: End}\n"
    if not recall or n == 0:
        return (
            head + "    text: One more step.\n"
            f"    choices: [{{id: on{n}, text: On., to: {scene_id(n + 1)}}}]\n"
        )
    asked = f"'visited(\"{scene_id(n - 1)}\")'"
    return (
        head + f"    text:\n      - One more step.\n      - {{text: As before., if: {asked}}}\n"
        f"    choices: [{{id: on{n}, text: On., to: {scene_id(n + 1)}, once: true, if: {asked}}}]\n"
    )
