"""What a name stands for, in the words a hover or a completion's detail gives it: a state's
type, range, values, default and `about:`; a scene's title.

From the story as it last loaded where it knows the name (its values are the loader's, typed
and checked), else from the index, which reads the declaration as written: a state declared a
moment ago, in a manifest that does not load yet, is still described.
"""

from __future__ import annotations

from her_if.core.model import Counter, Enum, Flag
from her_if.lsp.index import Index
from her_if.lsp.index_model import StateFacts


def state_facts(index: Index, name: str) -> StateFacts | None:
    story = index.story
    var = story.variables.get(name) if story is not None else None
    if isinstance(var, Counter):
        low, high = str(var.minimum), str(var.maximum)
        return StateFacts(name, "counter", str(var.default), (), low, high, var.about)
    if isinstance(var, Flag):
        return StateFacts(name, "flag", _word(var.default), ("true", "false"), "", "", var.about)
    if isinstance(var, Enum):
        return StateFacts(name, "enum", var.default, var.values, "", "", var.about)
    found = index.states().get(name)
    if found is None:
        return None
    facts = found.facts
    if facts.type == "flag" and not facts.values:
        flag = ("true", "false")
        return StateFacts(name, "flag", facts.default, flag, "", "", facts.about)
    return facts


def all_states(index: Index) -> dict[str, StateFacts]:
    """Every declared state, the story's and the index's."""
    names = dict.fromkeys(index.story.variables if index.story is not None else ())
    names.update(dict.fromkeys(index.states()))
    return {name: facts for name in names if (facts := state_facts(index, name)) is not None}


def scene_title(index: Index, name: str) -> str:
    found = index.scene(name)
    if found is not None:
        return found.title
    scene = index.story.scenes.get(name) if index.story is not None else None
    return scene.title if scene is not None else ""


def _word(value: bool) -> str:
    return "true" if value else "false"
