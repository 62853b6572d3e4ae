"""her-if measured side by side with ink (inkjs and bink) on the very same graph, in one run.

    .venv/bin/python bench/run.py            # the table (a few minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # one run of each, for a smoke test
    .venv/bin/python bench/run.py --json     # the figures as JSON

Every figure is the median of several runs, and the commands compared in a row take turns
(floor, ours, inkjs, bink, floor, ours, ...), so a machine that gets busier or quieter during
the run weighs on all of them alike; the ratios are what to read, since absolute times drift
on a shared machine. Whole-process times run from spawn to exit (or, in a pseudo-terminal,
to the first rendered prompt); the in-process ones (exploration, random play, save and load)
time the work itself, not loading the story, as the anchors' own scripts do. Peak memory is
each child process's ru_maxrss (see `measure`). The exhaustive exploration of the 500-scene
graph is also a correctness check: its counts must equal the anchors', or the run fails
(exit status 1). The same graph with subroutines, alternatives and visit counts woven in
(`bench/variant.py`) is explored too, beside the plain graph, with no anchor to match.

Run it with the project's Python, so that the her-if measured is the one installed there.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import anchors as anchor
from bench.chain import write_chain
from bench.convert import generate, story_folder
from bench.measure import Run, RunError, run, run_to_marker
from bench.variant import variant_folder
from bench.widest import write_widest

SEED = 1
SIZES = (50, 500, 5000)
GRAPH = 500
"""The graph the anchors' reference figures are for, and the one explored and played."""
CROSS_CHECK = (14_077, 587, 32_679)
"""States, terminal states and transitions of the 500-scene graph (seed 1), in the anchors'
README: every explorer that keys a state on all the variables must find exactly these."""
VARIANT = "the {size:,}-scene variant (bench/variant.py)"
"""The same graph with subroutines, alternatives, visit counts, fallbacks and draws woven in:
no anchor has its like, so it is measured against the plain graph's exploration."""
VARIANT_CAP = 100_000
"""Where the variant's exploration with every fact in the key stops: visits counted round
the graph's loops, unfolded, have no bound, so that state space is infinite."""
PLAYTHROUGHS = 10_000
CHAINS = (5_000, 10_000, 20_000)
"""Straight-line stories explored to show that the explorer's cost grows with their length."""
CHAIN_GROWTH = 5.0
"""The longest chain is 4x the shortest: its peak memory must stay under 5x the shortest's.
Keeping a path per state took 12x (136 MB to 1.65 GB) and 16x the time."""
HISTORY = 500
PLAYTEST_ALL = 1.0
"""Seconds `her-if playtest` may take on the shipped story with every analysis at once: the
exhaustive exploration, the exact odds, the consequences, the text coverage and the
walkthroughs (issue 17)."""
WIDEST_LOAD = 1.0
"""Seconds a load of the longest save of the costliest story the limits allow may take
(`bench/widest.py`); a wide scene's took over 6 s before issue 22."""
WORKER = Path(__file__).resolve().parent / "worker.py"
LSP = Path(__file__).resolve().parent / "lsp.py"
"""The language server's measurement (`bench/lsp.py`), run as a child process."""
LSP_SCENES = 5000
ANCHORS = ("inkjs", "bink")

PIPED = "piped"
SCRIPTED = "play --script (no choices)"
INTERACTIVE = "interactive, to the first prompt"
MODES = (PIPED, SCRIPTED, INTERACTIVE)


@dataclass
class Row:
    """One line of the table; `data` keeps the raw figures for --json."""

    what: str
    ours: str
    inkjs: str = ""
    bink: str = ""
    floor: str = ""
    ratio: str = ""
    target: str = ""
    memory: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Bench:
    """What every measurement needs: where things are, and how often to repeat."""

    python: str
    her_if: list[str]
    anchors: anchor.Anchors
    work: Path
    fast: int
    """Runs of a measurement that takes under a second or so."""
    slow: int
    """Runs of a measurement that takes seconds."""
    stories: dict[int, Path]
    ink_json: dict[int, Path] = field(default_factory=dict)
    variants: dict[int, Path] = field(default_factory=dict)
    """`bench/variant.py`'s story of each size measured (the reference graph's, by default)."""
    failures: list[str] = field(default_factory=list)
    log: Callable[[str], None] = lambda line: None

    def env(self, cache: str = "warm") -> dict[str, str]:
        """Our commands' environment: saves and the story cache in the run's own folder.

        PYTHONDONTWRITEBYTECODE is dropped: with it, every process compiles her-if's modules
        again (an editable install has no .pyc until one is written), which no player pays,
        while the floor's libraries were compiled when pip installed them."""
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return {
            **inherited,
            "HER_IF_SAVES": str(self.work / "saves"),
            "HER_IF_CACHE": str(self.work / f"cache-{cache}"),
        }

    def worker(self, *args: str) -> Run:
        return run([self.python, str(WORKER), *args], env=self.env())


# -- running things several times, taking turns ----------------------------------------------

Once = Callable[[], Run]


@dataclass(frozen=True)
class Figure:
    seconds: float
    """The median."""
    runs: tuple[float, ...]
    rss_kb: int | None
    """The largest peak memory of the runs."""
    last: Run
    every: tuple[Run, ...]

    def report(self, key: str) -> tuple[float, dict[str, Any]]:
        """For a command that reports itself in JSON: the median of its `key`, and its last
        report."""
        reports = [anchor.report(r) for r in self.every]
        return statistics.median(float(r[key]) for r in reports), reports[-1]


def interleaved(plan: Mapping[str, tuple[int, Once]]) -> dict[str, Figure]:
    """Run each command of `plan` its number of times, taking turns."""
    runs: dict[str, list[Run]] = {name: [] for name in plan}
    for turn in range(max(times for times, _ in plan.values())):
        for name, (times, once) in plan.items():
            if turn < times:
                runs[name].append(once())
    return {name: figure(done) for name, done in runs.items()}


def figure(runs: Sequence[Run]) -> Figure:
    known = [r.rss_kb for r in runs if r.rss_kb is not None]
    return Figure(
        statistics.median(r.seconds for r in runs),
        tuple(r.seconds for r in runs),
        max(known) if known else None,
        runs[-1],
        tuple(runs),
    )


# -- formatting -----------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def rate(per_second: float | None, unit: str) -> str:
    return "" if per_second is None else f"{per_second / 1000:,.1f}k {unit}/s"


def mb(*kb: int | None) -> str:
    return " / ".join("-" if k is None else f"{k / 1024:,.0f}" for k in kb)


def times(ratio: float) -> str:
    return f"{ratio:,.1f}x" if ratio < 100 else f"{ratio:,.0f}x"


def faster(ratio: float, than: str) -> str:
    """A speed ratio (theirs / ours) in words: below 1 we are the slower, and say so."""
    if ratio >= 1:
        return f"{times(ratio)} faster than {than}"
    return f"{times(1 / ratio)} slower than {than}"


def verdict(ratio: float | None, need: float, what: str) -> str:
    """Whether a target (a ratio of at least `need`) is met, and by how much it is missed."""
    if ratio is None:
        return f"{what}: not measured"
    shown = times(ratio) if ratio >= 1 else f"{times(1 / ratio)} slower"
    if ratio >= need:
        return f"{what}: met ({shown})"
    return f"{what}: MISSED ({shown}, {100 * (1 - ratio / need):.0f}% short)"


def within(over: float, limit: float, what: str) -> str:
    """Whether a time of `over` times a floor keeps within `limit` times it."""
    if over <= limit:
        return f"{what}: met ({times(over)})"
    return f"{what}: MISSED ({times(over)}, {100 * (over / limit - 1):.0f}% over)"


def at_most_mb(kb: int, limit: int) -> str:
    """Whether a peak of `kb` keeps within `limit` MB."""
    peak = kb / 1024
    if peak <= limit:
        return f"peak <= {limit} MB: met ({peak:.0f} MB)"
    return f"peak <= {limit} MB: MISSED ({peak:.0f} MB, {100 * (peak / limit - 1):.0f}% over)"


def anchor_memory(ours: int | None, figures: Mapping[str, Figure]) -> str:
    return mb(ours, *(figures[k].rss_kb if k in figures else None for k in ANCHORS))


# -- the measurements ----------------------------------------------------------------------


def prepare(bench: Bench) -> None:
    """The stories: converted for us (cached), ink source and compiled JSON for the anchors."""
    for size in bench.stories:
        bench.stories[size] = story_folder(size, SEED)
    if GRAPH in bench.stories:
        bench.variants[GRAPH] = variant_folder(GRAPH, SEED)
    if bench.anchors.inkjs:
        for size in bench.stories:
            source = bench.work / f"story_{size}.ink"
            source.write_text(generate(size, SEED, "ink"), encoding="utf-8")
        if GRAPH in bench.stories:
            bench.log(f"compiling the {GRAPH}-scene graph with inkjs")
            out = bench.work / f"story_{GRAPH}.json"
            source = bench.work / f"story_{GRAPH}.ink"
            anchor.inkjs(bench.anchors, "compile", str(source), "-o", str(out))
            bench.ink_json[GRAPH] = out


def first_choice(story: Path | None) -> tuple[str, str]:
    """The start scene's title and the first words of its first choice: what shows that the
    first scene has been shown."""
    from her_if.core.engine import start, view
    from her_if.loading.loader import load_story
    from her_if.loading.locate import default_story_dir

    loaded = load_story(story or default_story_dir())
    shown = view(loaded, start(loaded))
    words = shown.choices[0].text.split()
    marker = ""
    for word in words:
        if len(marker) + len(word) > 24:
            break
        marker = f"{marker} {word}".strip()
    return shown.title, marker or words[0][:24]


def cold_start(
    bench: Bench, stories: Mapping[str, Path | None], modes: Sequence[str] = MODES
) -> list[Row]:
    """The whole process, to the first scene shown, of each of `stories` (None: the bundled
    one) in each of `modes`; against the Python floors and, on the reference graph, inkjs
    and bink `first`. The story cache is warm, as on any launch after the first."""
    bench.log("cold start")
    py, n = bench.python, bench.fast
    plan: dict[str, tuple[int, Once]] = {
        "pass": (n, lambda: run([py, "-c", "pass"], env=bench.env())),
        "import": (n, lambda: run([py, "-c", "import prompt_toolkit, yaml"], env=bench.env())),
    }
    if GRAPH in bench.ink_json:
        compiled = str(bench.ink_json[GRAPH])
        plan["inkjs"] = (n, lambda: anchor.inkjs(bench.anchors, "first", compiled))
        if bench.anchors.bink:
            plan["bink"] = (n, lambda: anchor.bink(bench.anchors, "first", compiled))
    script = bench.work / "no-choices.yaml"
    script.write_text("choices: []\n", encoding="utf-8")
    for label, story in stories.items():
        where = [] if story is None else ["--story", str(story)]
        play = [*bench.her_if, "play", *where]
        run(play, env=bench.env())  # one untimed run, so the story cache holds the story
        ways = _ways_to_start(bench, story, play, script)
        plan.update({f"{label}: {mode}": (n, ways[mode]) for mode in modes})
    got = interleaved(plan)
    rows = [
        _floor_row("python -c pass (floor)", got["pass"]),
        _floor_row('python -c "import prompt_toolkit, yaml" (floor)', got["import"]),
    ]
    firsts = {k: got[k] for k in ANCHORS if k in got}
    for label, story in stories.items():
        against = firsts if story == bench.stories.get(GRAPH) else {}
        for mode in modes:
            rows.append(
                _start_row(
                    f"{label}: {mode}",
                    got[f"{label}: {mode}"],
                    got["import"],
                    against,
                    interactive=mode == INTERACTIVE,
                    own=story is None,
                )
            )
    return rows


def _ways_to_start(
    bench: Bench, story: Path | None, play: list[str], script: Path
) -> dict[str, Once]:
    title, marker = first_choice(story)

    def shown(argv: list[str]) -> Run:
        result = run(argv, env=bench.env())
        if title not in result.stdout:
            raise RunError(f"the first scene ({title!r}) was not shown:\n{result.stdout[-400:]}")
        return result

    return {
        PIPED: lambda: shown(play),
        SCRIPTED: lambda: shown([*play, "--script", str(script), "--transcript", "-"]),
        INTERACTIVE: lambda: run_to_marker([*play, "--new", "--no-pace"], marker, env=bench.env()),
    }


def _floor_row(what: str, fig: Figure) -> Row:
    return Row(
        what,
        ms(fig.seconds),
        memory=mb(fig.rss_kb),
        data={"seconds": fig.seconds, "runs": fig.runs, "rss_kb": fig.rss_kb},
    )


def _start_row(
    what: str,
    fig: Figure,
    floor: Figure,
    firsts: Mapping[str, Figure],
    *,
    interactive: bool,
    own: bool,
) -> Row:
    over_floor = fig.seconds / floor.seconds
    ratios = {k: f.seconds / fig.seconds for k, f in firsts.items()}
    row = Row(
        f"cold start, {what}",
        ms(fig.seconds),
        inkjs=ms(firsts["inkjs"].seconds) if "inkjs" in firsts else "",
        bink=ms(firsts["bink"].seconds) if "bink" in firsts else "",
        floor=f"{times(over_floor)} the import floor",
        ratio=", ".join(faster(r, f"{k} first") for k, r in ratios.items()),
        memory=anchor_memory(fig.rss_kb, firsts),
        data={
            "seconds": fig.seconds,
            "runs": fig.runs,
            "rss_kb": fig.rss_kb,
            "vs_import_floor": over_floor,
            **{f"{k}_seconds": f.seconds for k, f in firsts.items()},
        },
    )
    if own:
        row.target = within(over_floor, 1.15, "within 1.15x the floor")
    elif not interactive and "bink" in ratios:
        row.target = verdict(ratios["bink"], 1.0, "faster than bink first")
    elif interactive and "inkjs" in ratios:
        row.target = verdict(ratios["inkjs"], 1.0, "under inkjs first")
    return row


def has_story_cache() -> bool:
    return importlib.util.find_spec("her_if.persistence.story_cache") is not None


def check(bench: Bench) -> list[Row]:
    rows = []
    for size, story in bench.stories.items():
        bench.log(f"check, {size:,} scenes")
        rows += _check(bench, size, story, last=size == max(bench.stories))
    return rows


def _check(bench: Bench, size: int, story: Path, *, last: bool) -> list[Row]:
    """`check` with an empty story cache each run (cold) and with one that holds the story
    (warm, when her-if has a cache), against the inkjs compiler."""
    argv = [*bench.her_if, "check", "--story", str(story)]
    runs = itertools.count()

    def cold() -> Run:
        folder = bench.work / f"cache-cold-{size}-{next(runs)}"
        return run(argv, env={**bench.env(), "HER_IF_CACHE": str(folder)})

    plan: dict[str, tuple[int, Once]] = {
        "cold": (bench.slow if size >= GRAPH else bench.fast, cold)
    }
    if has_story_cache():
        run(argv, env=bench.env("warm"))
        plan["warm"] = (bench.fast, lambda: run(argv, env=bench.env("warm")))
        plan["edit"] = (bench.fast, _after_an_edit(bench, size, story))
    if bench.anchors.inkjs:
        source, out = str(bench.work / f"story_{size}.ink"), str(bench.work / f"c_{size}.json")
        # past the reference graph the compiler takes ten seconds and more: one run will do
        plan["inkjs"] = (
            1 if size > GRAPH else bench.slow,
            lambda: anchor.inkjs(bench.anchors, "compile", source, "-o", out),
        )
    got = interleaved(plan)
    ours, ink = got["cold"], got.get("inkjs")
    if "0 errors" not in ours.last.stdout:
        raise RunError(f"her-if check found errors in the {size}-scene graph:\n{ours.last.stdout}")
    row = Row(
        f"her-if check, {size:,} scenes, cold",
        ms(ours.seconds),
        inkjs=f"{ms(ink.seconds)} (compiler)" if ink else "",
        memory=mb(ours.rss_kb, ink.rss_kb if ink else None),
        data={"seconds": ours.seconds, "runs": ours.runs, "rss_kb": ours.rss_kb},
    )
    if ink:
        ratio = ink.seconds / ours.seconds
        row.ratio = faster(ratio, "the inkjs compiler")
        row.data["inkjs_seconds"] = ink.seconds
        if last:
            row.target = verdict(ratio, 5.0, ">= 5x faster than inkjs")
    if last and ours.rss_kb is not None:
        held = at_most_mb(ours.rss_kb, 100)
        row.target = f"{row.target}; {held}" if row.target else held
    rows = [row]
    if "warm" in got:
        warm = got["warm"]
        rows.append(
            Row(
                f"her-if check, {size:,} scenes, warm (story cache)",
                ms(warm.seconds),
                ratio=f"{times(ours.seconds / warm.seconds)} faster than cold",
                memory=mb(warm.rss_kb),
                data={"seconds": warm.seconds, "runs": warm.runs, "rss_kb": warm.rss_kb},
            )
        )
    if "edit" in got:
        edit = got["edit"]
        share = edit.seconds / ours.seconds
        rows.append(
            Row(
                f"her-if check, {size:,} scenes, after a one-file edit",
                ms(edit.seconds),
                ratio=f"{100 * share:.0f}% of cold",
                memory=mb(edit.rss_kb),
                target=within(share, 0.20, "<= 20% of cold") if last else "",
                data={"seconds": edit.seconds, "runs": edit.runs, "rss_kb": edit.rss_kb},
            )
        )
    return rows


def _after_an_edit(bench: Bench, size: int, story: Path) -> Once:
    """`check` of a copy of `story` after one scene's text in one file changed: the part
    cache holds every file's parts from the check before, the whole-story entry is gone."""
    copy = bench.work / f"edited-{size}"
    if not copy.exists():
        shutil.copytree(story, copy)
    env = bench.env(f"edit-{size}")
    argv = [*bench.her_if, "check", "--story", str(copy)]
    run(argv, env=env)
    acts = sorted(p for p in copy.glob("*.yaml") if p.name != "story.yaml")
    act = acts[len(acts) // 2]
    edits = itertools.count()

    def once() -> Run:
        text = act.read_text(encoding="utf-8")
        at = text.index('text: "') + len('text: "')
        act.write_text(f"{text[:at]}Edit {next(edits)}: {text[at:]}", encoding="utf-8")
        for entry in Path(env["HER_IF_CACHE"]).glob("her-if-*.cache"):
            entry.unlink()
        return run(argv, env=env)

    return once


def exploration(
    bench: Bench, size: int = GRAPH, expected: tuple[int, int, int] = CROSS_CHECK
) -> list[Row]:
    """Exhaustive exploration with every variable in the state key, as ink's explorers key
    theirs, so the counts must agree (with `expected`, and with the anchors', when run); and
    her-if's own reduced exploration beside it."""
    bench.log(f"exhaustive exploration, {size} scenes")
    story = str(bench.stories[size])
    plan: dict[str, tuple[int, Once]] = {
        "all": (bench.slow, lambda: bench.worker("explore", story, "--no-reduce")),
        "reduced": (bench.slow, lambda: bench.worker("explore", story)),
    }
    if size in bench.ink_json:
        compiled = str(bench.ink_json[size])
        plan["inkjs"] = (bench.slow, lambda: anchor.inkjs(bench.anchors, "explore", compiled))
        if bench.anchors.bink:
            plan["bink"] = (bench.slow, lambda: anchor.bink(bench.anchors, "explore", compiled))
    got = interleaved(plan)
    seconds, found = got["all"].report("seconds")
    counts = (found["states"], found["terminal"], found["transitions"])
    wanted = {"the reference": expected}
    others = {}
    for name in ANCHORS:
        if name in got:
            others[name], said = got[name].report("seconds")
            wanted[name] = (said["states"], said["terminals"], said["transitions"])
    for source, want in wanted.items():
        if counts != want or not found["complete"]:
            bench.failures.append(
                f"CROSS-CHECK FAILED: her-if found states / terminal / transitions "
                f"{_counts(counts)} on the {size}-scene graph, {source} {_counts(want)}"
            )
    ratios = {k: s / seconds for k, s in others.items()}
    reduced_s, reduced = got["reduced"].report("seconds")
    reduced_counts = (reduced["states"], reduced["terminal"], reduced["transitions"])
    return [
        Row(
            f"exhaustive exploration, {size} scenes, all variables (--no-reduce): "
            f"{_counts(counts)} states / terminal / transitions",
            ms(seconds),
            inkjs=ms(others.get("inkjs")),
            bink=ms(others.get("bink")),
            ratio=", ".join(faster(r, k) for k, r in ratios.items()),
            target="; ".join(
                verdict(ratios[k], need, f">= {need:g}x {k}")
                for k, need in (("inkjs", 10.0), ("bink", 5.0))
                if k in ratios
            ),
            memory=anchor_memory(got["all"].rss_kb, got),
            data={
                "mode": "all",
                "seconds": seconds,
                "counts": counts,
                "rss_kb": got["all"].rss_kb,
                **{f"{k}_seconds": s for k, s in others.items()},
                **{f"{k}_counts": wanted[k] for k in others},
            },
        ),
        Row(
            f"exhaustive exploration, {size} scenes, reduced (the default): "
            f"{_counts(reduced_counts)}",
            ms(reduced_s),
            ratio=", ".join(faster(s / reduced_s, k) for k, s in others.items()),
            memory=mb(got["reduced"].rss_kb),
            data={
                "mode": "reduced",
                "seconds": reduced_s,
                "counts": reduced_counts,
                "rss_kb": got["reduced"].rss_kb,
            },
        ),
    ]


def variant_exploration(
    bench: Bench, size: int = GRAPH, plain: Sequence[Row] = (), cap: int = VARIANT_CAP
) -> list[Row]:
    """Exhaustive exploration of `bench/variant.py`'s story, reduced and with every fact in
    the key (the latter stopped at `cap` states). ink has no equivalent story, so there is no
    anchor: each row is read against the same mode's exploration of the plain graph in this
    run (`plain`, the rows `exploration` made), which is what the constructs cost the
    explorer. A reduced exploration that stops at the explorer's cap, or a dead end or
    softlock in either (the variant has none), fails the run."""
    bench.log(f"exhaustive exploration, {size}-scene variant")
    story = str(bench.variants[size])
    plan: dict[str, tuple[int, Once]] = {
        "all": (
            bench.slow,
            lambda: bench.worker("explore", story, "--no-reduce", "--max-states", str(cap)),
        ),
        "reduced": (bench.slow, lambda: bench.worker("explore", story)),
    }
    got = interleaved(plan)
    before = {row.data["mode"]: row.data for row in plain if "mode" in row.data}
    rows = []
    for mode, words in (("all", "every fact (--no-reduce)"), ("reduced", "reduced")):
        seconds, found = got[mode].report("seconds")
        counts = (found["states"], found["terminal"], found["transitions"])
        flaws = {k: found[k] for k in ("dead_ends", "softlocks") if found[k]}
        if flaws or (mode == "reduced" and not found["complete"]):
            why = f"found {flaws}" if flaws else "stopped at the cap of states"
            bench.failures.append(f"VARIANT EXPLORATION ({words}): {why}")
        said = _counts(counts) if found["complete"] else f"stopped at the cap, {_counts(counts)}"
        row = Row(
            f"exhaustive exploration, {VARIANT.format(size=size)}, {words}: {said}",
            ms(seconds),
            memory=mb(got[mode].rss_kb),
            data={
                "mode": mode,
                "seconds": seconds,
                "counts": counts,
                "complete": found["complete"],
                "rss_kb": got[mode].rss_kb,
                **flaws,
            },
        )
        if mode in before:
            row.ratio = _against_plain(seconds, counts[0], before[mode], found["complete"])
        rows.append(row)
    return rows


def _against_plain(seconds: float, states: int, plain: Mapping[str, Any], complete: bool) -> str:
    """A variant's exploration beside the plain graph's: its time and states as multiples,
    or, stopped at a cap, the time each state took."""
    if complete:
        return (
            f"{times(seconds / plain['seconds'])} the plain graph's time, "
            f"{times(states / plain['counts'][0])} its states"
        )
    each, theirs = 1e6 * seconds / states, 1e6 * plain["seconds"] / plain["counts"][0]
    return f"{each:,.0f} µs a state, the plain graph {theirs:,.0f}"


def chain_exploration(bench: Bench, sizes: Sequence[int] = CHAINS) -> list[Row]:
    """Exhaustive exploration of straight-line stories (`bench/chain.py`), the longest shortest
    paths a story of their size can have: time and peak memory must grow with the length, not
    with its square (issue 22). Memory is the whole process's, loading the story included, and
    how much exploring added to it."""
    bench.log(f"exhaustive exploration of chains of {', '.join(f'{n:,}' for n in sizes)} scenes")
    folders = {n: str(write_chain(bench.work / f"chain-{n}", n)) for n in sizes}
    plan: dict[str, tuple[int, Once]] = {
        str(n): (bench.slow, partial(bench.worker, "explore", folders[n])) for n in sizes
    }
    got = interleaved(plan)
    first_s, _ = got[str(sizes[0])].report("seconds")
    first_kb = got[str(sizes[0])].rss_kb
    rows = []
    for n in sizes:
        fig = got[str(n)]
        seconds, found = fig.report("seconds")
        if not found["complete"] or found["states"] != n:
            bench.failures.append(
                f"the chain of {n:,} scenes explored to {found['states']:,} states"
            )
        exploring = found.get("exploring_kb")  # the peak's growth while exploring
        row = Row(
            f"exhaustive exploration, a chain of {n:,} scenes",
            ms(seconds),
            memory=mb(fig.rss_kb) + ("" if exploring is None else f" ({mb(exploring)} exploring)"),
            data={
                "seconds": seconds,
                "rss_kb": fig.rss_kb,
                "exploring_kb": exploring,
                "states": found["states"],
            },
        )
        if n != sizes[0] and fig.rss_kb and first_kb:
            growth = fig.rss_kb / first_kb
            row.ratio = (
                f"{times(n / sizes[0])} the scenes: {times(seconds / first_s)} the time, "
                f"{times(growth)} the memory"
            )
            if n == sizes[-1]:
                row.target = within(growth, CHAIN_GROWTH, f"memory under {CHAIN_GROWTH:g}x")
                if growth > CHAIN_GROWTH:
                    bench.failures.append(f"CHAIN EXPLORATION: {row.ratio}")
        rows.append(row)
    return rows


def _counts(counts: Sequence[int]) -> str:
    return " / ".join(f"{c:,}" for c in counts)


def random_play(bench: Bench, size: int = GRAPH, playthroughs: int = PLAYTHROUGHS) -> list[Row]:
    bench.log(f"{playthroughs:,} random playthroughs, {size} scenes")
    story, r = str(bench.stories[size]), str(playthroughs)
    plan: dict[str, tuple[int, Once]] = {
        "ours": (bench.slow, lambda: bench.worker("random", story, "-r", r)),
    }
    # One run of each anchor: 10,000 playthroughs are a rate over some 260,000 choices, steady
    # enough, and three would add minutes (inkjs takes half a minute for one).
    if size in bench.ink_json:
        compiled = str(bench.ink_json[size])
        plan["inkjs"] = (1, lambda: anchor.inkjs(bench.anchors, "random", compiled, "-r", r))
        if bench.anchors.bink:
            plan["bink"] = (1, lambda: anchor.bink(bench.anchors, "random", compiled, "-r", r))
    got = interleaved(plan)
    ours, report = got["ours"].report("choices_per_s")
    others = {k: got[k].report("steps_per_s")[0] for k in ANCHORS if k in got}
    ratios = {k: ours / v for k, v in others.items()}
    return [
        Row(
            f"{playthroughs:,} random playthroughs, {size} scenes "
            f"({report['choices'] / playthroughs:.1f} choices each)",
            rate(ours, "choices"),
            inkjs=rate(others.get("inkjs"), "choices"),
            bink=rate(others.get("bink"), "choices"),
            ratio=", ".join(f"{times(v)} {k}'s rate" for k, v in ratios.items()),
            target=verdict(ratios["bink"], 2.0, ">= 2x bink") if "bink" in ratios else "",
            memory=anchor_memory(got["ours"].rss_kb, got),
            data={
                "choices_per_s": ours,
                "rss_kb": got["ours"].rss_kb,
                "choices": report["choices"],
                **{f"{k}_choices_per_s": v for k, v in others.items()},
            },
        )
    ]


def save_and_load(bench: Bench, size: int = GRAPH) -> list[Row]:
    """Saving and loading a game of `HISTORY` choices (the worker times several of each)."""
    bench.log(f"save and load, {HISTORY} choices")
    story, n = str(bench.stories[size]), str(max(3, bench.fast))
    result = bench.worker("saveload", story, "--choices", str(HISTORY), "--repeat", n)
    report = anchor.report(result)
    note = f"{report['history']} choices, {report['bytes'] / 1024:,.1f} KB"
    return [
        Row(
            f"save a game of {note}",
            ms(report["save_seconds"]),
            memory=mb(result.rss_kb),
            data={
                "seconds": report["save_seconds"],
                "rss_kb": result.rss_kb,
                "bytes": report["bytes"],
            },
        ),
        Row(
            f"load it (read, check, replay {report['history']} choices)",
            ms(report["load_seconds"]),
            memory=mb(result.rss_kb),
            data={"seconds": report["load_seconds"], "rss_kb": result.rss_kb},
        ),
    ]


def language_server(bench: Bench, size: int = LSP_SCENES) -> list[Row]:
    """`her-if lsp` on the 5,000-scene graph (`bench/lsp.py`; `size` another graph): diagnostics after a one-line
    edit within `DIAGNOSTICS` of it, the debounce included, and completion at a target within
    `COMPLETION`; medians of several edits, or the run fails."""
    if importlib.util.find_spec("pygls") is None:
        return [Row("her-if lsp", "not measured: pip install 'her-if[lsp]'")]
    from bench.lsp import COMPLETION, DIAGNOSTICS

    bench.log(f"the language server, {size:,} scenes")
    edits = str(max(3, bench.fast + 2))
    story = str(bench.stories[size])
    found = json.loads(
        run([bench.python, str(LSP), "--json", "--story", story, "--edits", edits]).stdout
    )
    rows = []
    for what, key, limit in (
        (
            "diagnostics after a one-line edit (the 100 ms debounce included)",
            "edit_median",
            DIAGNOSTICS,
        ),
        ("completion at a target, asked right after an edit", "completion_median", COMPLETION),
    ):
        seconds = found[key]
        met = seconds <= limit
        rows.append(
            Row(
                f"her-if lsp, {size:,} scenes: {what}",
                ms(seconds),
                target=f"<= {ms(limit)}: " + ("met" if met else "MISSED"),
                data={"seconds": seconds, "runs": found[key.replace("_median", "s")]},
            )
        )
        if not met:
            bench.failures.append(f"LSP: {what} took {ms(seconds)}, over {ms(limit)}")
    rows[0].ratio = (
        f"first diagnostics (the whole story, cold) {ms(found['cold'])}; an edit that breaks a "
        f"target {ms(found['error_median'])}"
    )
    rows[0].data.update(cold=found["cold"], errors=found["errors"])
    rows[1].ratio = f"the first, as the first diagnostics arrive: {ms(found['first_completion'])}"
    rows[1].data["first"] = found["first_completion"]
    return rows


def playtest_all(bench: Bench) -> list[Row]:
    """`her-if playtest` of the shipped story with every analysis it has, as a whole process,
    story cache warm: it must take under `PLAYTEST_ALL` seconds, or the run fails."""
    bench.log("playtest of Her with every analysis")
    root = Path(__file__).resolve().parent.parent
    command = [
        *bench.her_if,
        "playtest",
        "--story",
        str(root / "story"),
        "--exhaustive",
        "--consequences",
        "--coverage",
        "--walkthroughs",
        str(root / "tests" / "walkthroughs"),
        "--json",
    ]
    run(command, env=bench.env(), ok=(0, 1))  # once untimed: the story cache holds the story
    got = interleaved({"all": (bench.fast, lambda: run(command, env=bench.env(), ok=(0, 1)))})
    seconds = got["all"].seconds
    report = json.loads(got["all"].last.stdout)
    row = Row(
        f"playtest of Her, every analysis ({report['exhaustive']['states']:,} states; odds, "
        "consequences, coverage, walkthroughs)",
        ms(seconds),
        target=f"under {PLAYTEST_ALL:g} s: " + ("met" if seconds < PLAYTEST_ALL else "MISSED"),
        memory=mb(got["all"].rss_kb),
        data={"seconds": seconds, "rss_kb": got["all"].rss_kb},
    )
    if seconds >= PLAYTEST_ALL:
        bench.failures.append(f"PLAYTEST: {ms(seconds)}, over {PLAYTEST_ALL:g} s")
    return [row]


def widest_load(bench: Bench) -> list[Row]:
    """Loading the longest save (5,000 choices) of the story whose steps cost the most the
    limits allow: it must take under `WIDEST_LOAD` seconds, or the run fails."""
    bench.log("load the longest save of the widest story the limits allow")
    story = str(write_widest(bench.work / "widest"))
    n = str(max(3, bench.fast))
    result = bench.worker("saveload", story, "--widest", "--repeat", n)
    report = anchor.report(result)
    seconds = report["load_seconds"]
    row = Row(
        f"load the longest save ({report['history']:,} choices) of the widest story the "
        "limits allow",
        ms(seconds),
        target=f"under {WIDEST_LOAD:g} s: " + ("met" if seconds < WIDEST_LOAD else "MISSED"),
        memory=mb(result.rss_kb),
        data={"seconds": seconds, "rss_kb": result.rss_kb, "history": report["history"]},
    )
    if seconds >= WIDEST_LOAD:
        bench.failures.append(f"WIDEST LOAD: {ms(seconds)}, over {WIDEST_LOAD:g} s")
    return [row]


# -- the table ------------------------------------------------------------------------------

COLUMNS = (
    ("what", "what"),
    ("ours", "her-if"),
    ("inkjs", f"inkjs {anchor.INKJS_VERSION}"),
    ("bink", f"bink {anchor.BINK_VERSION}"),
    ("floor", "vs floor"),
    ("ratio", "ratio"),
    ("target", "target"),
    ("memory", "peak MB (her-if / inkjs / bink)"),
)


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| " + " | ".join(title for _, title in COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(getattr(row, key)) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def machine() -> dict[str, str]:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    node = shutil.which("node")
    node_version = ""
    if node:
        node_version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "node": node_version,
        "system": platform.platform(),
        "load average at the start": _load(),
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def her_if_command(python: str) -> list[str]:
    """The installed `her-if` script beside this Python, as a player runs it; else -m."""
    script = Path(python).parent / "her-if"
    return [str(script)] if script.is_file() else [python, "-m", "her_if"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each, for a smoke test")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-anchors", action="store_true", help="measure her-if alone")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    found = anchor.find(not args.no_anchors)
    with tempfile.TemporaryDirectory(prefix="her-if-bench-") as work:
        bench = Bench(
            python=sys.executable,
            her_if=her_if_command(sys.executable),
            anchors=found,
            work=Path(work),
            fast=1 if args.quick else 5,
            slow=1 if args.quick else 3,
            stories=dict.fromkeys(SIZES, Path()),
            log=lambda line: print(f"... {line}", file=sys.stderr, flush=True),
        )
        about = machine()
        prepare(bench)
        rows = [
            *cold_start(bench, {"Her": None, f"{GRAPH}-scene graph": bench.stories[GRAPH]}),
            *check(bench),
            *language_server(bench),
        ]
        explored = exploration(bench)
        rows += [
            *explored,
            *variant_exploration(bench, plain=explored),
            *chain_exploration(bench),
            *random_play(bench),
            *save_and_load(bench),
            *widest_load(bench),
            *playtest_all(bench),
        ]
        about["load average at the end"] = _load()
    elapsed = time.perf_counter() - began
    if args.json:
        print(
            json.dumps(
                {
                    "machine": about,
                    "seconds": elapsed,
                    "repeats": {"fast": bench.fast, "slow": bench.slow},
                    "rows": [asdict(r) for r in rows],
                    "failures": bench.failures,
                    "missing": list(found.missing),
                },
                indent=2,
            )
        )
    else:
        print(", ".join(f"{k}: {v}" for k, v in about.items()))
        print(
            f"medians of {bench.fast} runs (under a second) or {bench.slow} (longer); "
            f"whole run {elapsed:.0f} s\n"
        )
        print(table(rows))
        for name in found.missing:
            print(
                f"\n{name} is not installed, so there are no {name} figures. To install it "
                f"(outside the repository):\n    {anchor.INSTALL[name]}"
            )
    for failure in bench.failures:
        print(f"\n{failure}", file=sys.stderr)
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
