"""The story folders kept for tests, beside conftest's ROOT, STORY and WALKTHROUGHS: named once,
so that moving one is a change in one place."""

from __future__ import annotations

from tests.conftest import ROOT

FLAWED = ROOT / "tests" / "fixtures" / "flawed"
"""A story with one of each defect the checker and the playtester must find."""
PACKS = ROOT / "tests" / "fixtures" / "packs"
"""A tiny story (`story/`) with two packs: `lantern` adds to it, `rival` clashes with both."""
PRESENTATION = ROOT / "tests" / "fixtures" / "presentation"
"""A hub with closed choices, echoes, and a side scene it calls that returns to it."""
CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs"
"""A small story that uses every construct of the scene format: what the story cache's codec
test round-trips, and the save tests play for draws and calls."""
EXAMPLE_PACK = ROOT / "examples" / "packs" / "amys-documentary"
"""The example pack we ship, a side story on the shipped story."""
ODDS = ROOT / "tests" / "fixtures" / "odds"
"""Odds known by construction: a softlock that catches a quarter of random players, a loop and
a draw on the way to the rest."""
CONSEQUENCES = ROOT / "tests" / "fixtures" / "consequences"
"""A false choice, flavour with and without a reaction, a choice read three acts later and two
choices never offered together."""
FORKS = ROOT / "tests" / "fixtures" / "endings"
"""Two acts and three endings, with hints: the endings gallery, the ending screen, chapters."""
