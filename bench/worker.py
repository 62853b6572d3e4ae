"""One in-process measurement, run in a child process so each has a fresh interpreter and its
own peak memory (the parent reads the child's ru_maxrss).

    python bench/worker.py explore STORY [--no-reduce] [--max-states N]
    python bench/worker.py random STORY [-r 10000] [--seed 1]
    python bench/worker.py saveload STORY [--choices 500] [--repeat 5] [--widest]

Each prints one JSON object. Loading the story is not timed, as the anchors do not time
loading theirs in these modes (`load` is measured separately, as a whole process).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Hashable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from her_if.core.engine import GameState, available, choose, start, take
from her_if.core.model import Story
from her_if.loading.loader import load_story


def run_explore(story: Story, reduce: bool, max_states: int | None = None) -> dict[str, Any]:
    from her_if.analysis.explore import DEFAULT_MAX_STATES, explore

    loaded_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the story's, and Python's
    began = time.perf_counter()
    found = explore(story, max_states or DEFAULT_MAX_STATES, reduce=reduce)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "exploring_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - loaded_kb,
        "states": found.states,
        # As ink's explorers count them: the states where play stops (no choice on offer).
        "terminal": found.terminal + found.dead_states,
        "at_ending": found.terminal,
        "transitions": found.transitions,
        "complete": found.complete,
        "dead_ends": len(found.dead_ends),
        "softlocks": len(found.softlocks),
    }


def run_random(story: Story, playthroughs: int, seed: int) -> dict[str, Any]:
    from her_if.analysis.randomplay import play_randomly

    began = time.perf_counter()
    report = play_randomly(story, playthroughs, seed)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "playthroughs": playthroughs,
        "choices": report.choices,
        "choices_per_s": report.choices / seconds,
        "failures": len(report.failures),
    }


def long_history(story: Story, length: int) -> tuple[str, ...]:
    """`length` choices that can really be made: the way to a loop in the story's states, then
    round the loop as often as it takes. Found depth first; a story without a reachable loop
    (every playthrough ends) cannot give a history longer than its longest path."""

    def key(state: GameState) -> Hashable:
        return (state.scene, tuple(sorted(state.vars.items())), state.used)

    first = start(story)
    on_path = {key(first): 0}
    finished: set[Hashable] = set()
    stack = [(key(first), first, iter(available(story, first)))]
    path: list[str] = []
    while stack:
        here, state, offered = stack[-1]
        choice = next(offered, None)
        if choice is None:
            stack.pop()
            del on_path[here]
            finished.add(here)
            if path:
                path.pop()
            continue
        nxt = take(story, state, choice)
        there = key(nxt)
        if there in on_path:
            prefix, loop = path[: on_path[there]], [*path[on_path[there] :], choice.id]
            history = prefix + loop * (length // len(loop) + 1)
            return tuple(history[:length])
        if there in finished:
            continue
        path.append(choice.id)
        on_path[there] = len(path)
        stack.append((there, nxt, iter(available(story, nxt))))
    raise ValueError("the story has no reachable loop, so no history of that length")


def run_saveload(
    story: Story, choices: int, repeat: int, history: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Save and load a game of `history` (by default, `choices` found by `long_history`)."""
    from her_if.play.session import Game, load_game, save_game

    history = history or long_history(story, choices)
    state = start(story)
    for choice_id in history:  # the checked door: every step must really be on offer
        state = choose(story, state, choice_id)
    game = Game(state, datetime.now(UTC))
    saves, loads = [], []
    with tempfile.TemporaryDirectory(prefix="her-if-bench-saves-") as folder:
        for _ in range(repeat):
            began = time.perf_counter()
            path = save_game(story, Path(folder), "bench", game)
            saves.append(time.perf_counter() - began)
            began = time.perf_counter()
            loaded = load_game(story, Path(folder), "bench")
            loads.append(time.perf_counter() - began)
            if loaded.game.state != state or loaded.change is not None:
                raise AssertionError("the save did not load back to the state saved")
        size = path.stat().st_size
    return {
        "history": len(history),
        "bytes": size,
        "save_seconds": statistics.median(saves),
        "load_seconds": statistics.median(loads),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["explore", "random", "saveload"])
    parser.add_argument("story", type=Path)
    parser.add_argument("--no-reduce", dest="reduce", action="store_false")
    parser.add_argument("--max-states", type=int, help="stop exploring there")
    parser.add_argument("-r", "--playthroughs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--choices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--widest", action="store_true", help="STORY is bench/widest.py's: play its history"
    )
    args = parser.parse_args(argv)
    story = load_story(args.story)
    if args.mode == "explore":
        result = run_explore(story, args.reduce, args.max_states)
    elif args.mode == "random":
        result = run_random(story, args.playthroughs, args.seed)
    else:
        from bench.widest import history

        result = run_saveload(story, args.choices, args.repeat, history() if args.widest else ())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
