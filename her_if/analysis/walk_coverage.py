"""Which units of text the walkthroughs in a folder actually show.

Each walkthrough is played by `script.run_script`, whose listener sees every view it shows;
the game state behind each view is its history replayed from the script's start (the final
state keeps every move, pauses' included), and `text_units.units_shown` walks that state's
text as `render` does. So play itself is not slowed by any of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from her_if.analysis.script import Script, load_script, run_script
from her_if.analysis.text_units import Address, units_shown
from her_if.core.engine import GameState, View, choose, start
from her_if.core.model import Story

Shown = Mapping[tuple[str, Address], frozenset[str]]
"""For each unit (scene, address) some walkthrough shows, the walkthroughs that show it."""


def script_views(story: Story, script: Script) -> list[tuple[View, GameState]]:
    """Every view the script shows, in order, each with the state it is the view of; to
    the step that failed, if one did."""
    views: list[View] = []
    outcome = run_script(story, script, lambda view, _chosen: views.append(view))
    origin = script.origin
    if origin is not None:
        state = start(story, origin.scene, origin.state, seed=script.seed)
    else:
        state = start(story, seed=script.seed)
    states = [state]
    for move in outcome.state.history:
        state = choose(story, state, move)
        states.append(state)
    return list(zip(views, states, strict=True))


def walkthrough_shown(story: Story, folder: Path) -> Shown:
    """The units each walkthrough file (`*.yaml`) in `folder` shows; raise StoryError if a
    file cannot be read, as `playtest.run_walkthroughs` does."""
    scripts = [load_script(path, story) for path in sorted(folder.glob("*.y*ml"))]
    shown: dict[tuple[str, Address], set[str]] = {}
    for script in scripts:
        for view, state in script_views(story, script):
            for address in units_shown(story, state):
                shown.setdefault((view.scene.id, address), set()).add(script.path)
    return {key: frozenset(paths) for key, paths in shown.items()}
