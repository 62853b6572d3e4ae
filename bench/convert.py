"""The anchors' synthetic graph in our story format, so her-if runs the very graph ink runs.

`gen_story.py --format json` (in ../shared/bench-anchors, or `$BENCH_ANCHORS`) describes a
graph neutrally; this writes it as a story folder: `story.yaml` and one act file per
`SCENES_PER_ACT` scenes. Passages become scenes (prose kept, paragraph by paragraph, with the
`trust >= 2` paragraph and its `else` as two conditional paragraphs in ink's order), counters
keep their bounds, flags stay flags, conditions and effects are copied as written (the two
forms gen_story uses, `trust >= 2` and `has_key`, are already our condition language), and
every choice keeps its id, so a witness from our explorer reads like the ink run's.

    python bench/convert.py --scenes 500 --seed 1 OUT_DIR

`story_folder(scenes, seed)` does the same into a cache folder (`$HER_IF_BENCH_CACHE`, by
default /tmp/her-if-bench), reusing a folder made earlier from the same gen_story.py and this
converter.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

DEFAULT_ANCHORS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-anchors"
"""`../shared/bench-anchors` beside the checkout, where the project keeps them."""
DEFAULT_CACHE = Path("/tmp/her-if-bench")
SCENES_PER_ACT = 100
FORMAT_VERSION = 1
"""Bumped whenever the output changes, so cached folders from older converters are rebuilt."""

Graph = Mapping[str, Any]


def anchors_dir() -> Path:
    return Path(os.environ.get("BENCH_ANCHORS") or DEFAULT_ANCHORS)


def cache_dir() -> Path:
    return Path(os.environ.get("HER_IF_BENCH_CACHE") or DEFAULT_CACHE)


def generate(scenes: int, seed: int = 1, fmt: str = "json") -> str:
    """gen_story.py's output (`json` or `ink`), run as the anchors run it."""
    script = anchors_dir() / "gen_story.py"
    if not script.is_file():
        raise FileNotFoundError(
            f"{script} not found: set BENCH_ANCHORS to the folder holding gen_story.py"
        )
    return subprocess.run(
        [
            sys.executable,
            str(script),
            "--scenes",
            str(scenes),
            "--seed",
            str(seed),
            "--format",
            fmt,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def generate_graph(scenes: int, seed: int = 1) -> dict[str, Any]:
    graph: dict[str, Any] = json.loads(generate(scenes, seed))
    return graph


def act_id(index: int) -> str:
    return f"part{index:03d}"


def write_story(graph: Graph, out_dir: Path, scenes_per_act: int = SCENES_PER_ACT) -> Path:
    """Write `graph` as a story folder in `out_dir` (created; files in it are replaced).

    Its scenes go `scenes_per_act` to an act file; a graph may also name acts of its own
    (`extra_acts`: act id to scenes, as `bench/variant.py` adds its side scenes), written after
    them. Beside gen_story's keys, a scene may `return` (a pause that returns) and hold
    paragraphs that are mappings (`{"cycle": [...]}`); a choice may `call` (with `then`) or
    `return` in place of `goto`, be a `fallback`, and set a value from a quoted expression."""
    out_dir.mkdir(parents=True, exist_ok=True)
    scenes: Sequence[Mapping[str, Any]] = graph["scenes"]
    chunks = [
        (act_id(number), scenes[i : i + scenes_per_act])
        for number, i in enumerate(range(0, len(scenes), scenes_per_act))
    ]
    chunks += list(graph.get("extra_acts", {}).items())
    act_of = {sc["id"]: act for act, chunk in chunks for sc in chunk}
    files = []
    for number, (act, chunk) in enumerate(chunks):
        name = f"{number:03d}-{act}.yaml"
        files.append((act, name))
        (out_dir / name).write_text(_act_yaml(act, chunk, act_of), encoding="utf-8")
    (out_dir / "story.yaml").write_text(
        _manifest_yaml(graph, act_of[graph["start"]], files), encoding="utf-8"
    )
    return out_dir


def story_folder(
    scenes: int,
    seed: int = 1,
    cache: Path | None = None,
    *,
    kind: str = "story",
    weave: Callable[[Graph], Graph] | None = None,
    version: str = str(FORMAT_VERSION),
) -> Path:
    """The converted story for (scenes, seed), made once into the cache and reused; with
    `weave`, the graph it makes of gen_story's is written instead (`kind` and `version` name
    that story's folder, so that a change to `weave` rebuilds it)."""
    generator = anchors_dir() / "gen_story.py"
    stamp = hashlib.sha256(generator.read_bytes()).hexdigest()[:12]
    folder = (cache or cache_dir()) / f"{kind}-{scenes}-s{seed}-{stamp}-v{version}"
    if not (folder / "story.yaml").is_file():
        partial = folder.with_name(folder.name + f".tmp{os.getpid()}")
        graph: Graph = generate_graph(scenes, seed)
        write_story(weave(graph) if weave else graph, partial)
        if folder.exists():  # another run made it meanwhile; theirs is the same story
            shutil.rmtree(partial)
        else:
            partial.replace(folder)
    return folder


def _q(text: str) -> str:
    """A YAML double-quoted scalar; JSON's string syntax is a subset of it."""
    return json.dumps(text)


def _manifest_yaml(graph: Graph, start_act: str, files: list[tuple[str, str]]) -> str:
    lines = [
        "# A synthetic story converted from gen_story.py by bench/convert.py.",
        "id: bench",
        "title: Bench",
        f"start: {start_act}.{graph['start']}",
        "acts:",
    ]
    for act, name in files:
        lines += [f"  - id: {act}", f"    title: {_q(act)}", f"    file: {name}"]
    lines.append("state:")
    for name, spec in graph["state"].items():
        lines.append(f"  {name}:")
        lines.append(f"    type: {spec['type']}")
        if spec["type"] == "counter":
            lines += [f"    min: {spec['min']}", f"    max: {spec['max']}"]
            lines.append(f"    default: {spec['default']}")
        elif spec["type"] == "flag":
            lines.append(f"    default: {'true' if spec['default'] else 'false'}")
        else:
            raise ValueError(f"state '{name}': unknown type {spec['type']!r}")
    return "\n".join(lines) + "\n"


def _act_yaml(act: str, scenes: Sequence[Mapping[str, Any]], act_of: Mapping[str, str]) -> str:
    lines = [f"act: {act}", "scenes:"]
    for sc in scenes:
        lines += _scene_yaml(act, sc, act_of)
    return "\n".join(lines) + "\n"


def _scene_yaml(act: str, sc: Mapping[str, Any], act_of: Mapping[str, str]) -> list[str]:
    lines = [f"  {sc['id']}:", f"    title: {_q(sc['title'])}", "    text:"]
    first, *rest = sc["paragraphs"]
    lines.append(_paragraph(first))
    cond = sc.get("conditional")
    if cond:
        lines.append(f"      - text: {_q(cond['then'])}")
        lines.append(f"        if: {_q(cond['if'])}")
        lines.append(f"      - text: {_q(cond['else'])}")
        lines.append(f"        if: {_q('not (' + cond['if'] + ')')}")
    lines += [_paragraph(p) for p in rest]
    if sc["ending"]:
        lines.append(f"    ending: {{id: end-{sc['id']}, title: {_q(sc['title'])}}}")
        return lines
    if sc.get("return"):
        lines.append("    return: true")
        return lines
    lines.append("    choices:")
    for ch in sc["choices"]:
        lines += [f"      - id: {ch['id']}", f"        text: {_q(ch['text'])}"]
        for key in ("goto", "call", "then"):
            if ch.get(key):
                lead = "to" if key == "goto" else key
                lines.append(f"        {lead}: {_reference(act, ch[key], act_of)}")
        if ch.get("return"):
            lines.append("        return: true")
        if ch.get("if"):
            lines.append(f"        if: {_q(ch['if'])}")
        if ch.get("fallback"):
            lines.append("        fallback: true")
        for kind, amounts in _effects(ch["effects"]).items():
            body = ", ".join(f"{k}: {_scalar(v)}" for k, v in amounts.items())
            lines.append(f"        {kind}: {{{body}}}")
    return lines


def _paragraph(paragraph: str | Mapping[str, Any]) -> str:
    """A paragraph as a list item: a string, or a mapping (`{"seq": [...]}`) in JSON's flow
    syntax, which YAML reads as its own."""
    return f"      - {_q(paragraph) if isinstance(paragraph, str) else json.dumps(paragraph)}"


def _reference(act: str, scene: str, act_of: Mapping[str, str]) -> str:
    """A scene as a choice in `act` names it: bare within the act, else `act.scene`."""
    return scene if act_of[scene] == act else f"{act_of[scene]}.{scene}"


def _effects(effects: Sequence[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """gen_story's effect list, grouped as our `set:` and `add:` mappings (in that order, as
    our engine applies them; gen_story never gives one choice both kinds for one variable)."""
    out: dict[str, dict[str, Any]] = {}
    for effect in effects:
        for kind, amounts in effect.items():
            if kind not in ("set", "add"):
                raise ValueError(f"unknown effect {kind!r}")
            out.setdefault(kind, {}).update(amounts)
    return out


def _scalar(value: Any) -> str:
    """A value as `set:` or `add:` writes it; a string is an expression (or a draw), quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _q(value)
    return str(int(value))


def story_arguments(doc: str, scenes: int) -> argparse.ArgumentParser:
    """The arguments a command that writes a story of the graph takes: the folder, and the
    graph's size and seed."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("out_dir", type=Path, help="the story folder to write")
    parser.add_argument("--scenes", type=int, default=scenes)
    parser.add_argument("--seed", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = story_arguments(__doc__, 50)
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="convert this gen_story.py output instead"
    )
    args = parser.parse_args(argv)
    if args.json:
        graph = json.loads(args.json.read_text(encoding="utf-8"))
    else:
        graph = generate_graph(args.scenes, args.seed)
    write_story(graph, args.out_dir)
    print(f"{args.out_dir}: {len(graph['scenes'])} scenes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
