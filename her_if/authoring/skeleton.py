"""The commented skeleton of a new scene, as `her-if new-scene` prints or writes it.

An author who has never read the format should be able to fill it in: every key is there with
a comment saying what it does, and the optional ones are commented out, so the skeleton loads
as it stands and each of them is switched on by deleting its `#`.
"""

from __future__ import annotations


def scene_skeleton(name: str, target: str, *, indent: int = 2, step: int = 2) -> str:
    """The scene `name`, its key at column `indent`, nested `step` further per level; its one
    choice goes to `target`, an existing scene, so that it loads before it is filled in.

    Below it, commented out, are three choices that show the other ways on (a call, a
    return, a fallback): each loads once its `# ` is taken off every line of it."""
    key, field = " " * indent, " " * (indent + step)
    item, inside = " " * (indent + 2 * step), " " * (indent + 2 * step + 2)
    lines = [
        (f"{key}{name}:", ""),
        (f"{field}title: {title_from_id(name)}", "the heading shown above the text"),
        (f"{field}# beats: [beat-id]", "plot beats from the beat sheet that this scene stages"),
        (f"{field}text: |", "what the player reads; {name} shows state, {if a: b | c}"),
        (f"{field}{' ' * step}Write the scene here. A blank line starts a new paragraph;", ""),
        (f"{field}{' ' * step}single line breaks are folded, as the game re-wraps the text.", ""),
        (f"{field}# set: {{a_flag: true}}", "on entering: give declared state a value"),
        (f"{field}# add: {{a_counter: 1}}", "on entering: add to a counter (within min..max)"),
        (f"{field}choices:", "or `continue: scene`, `return: true` or `ending: {id: x, title: X}`"),
        (f"{item}- text: What the player chooses.", ""),
        (f"{inside}to: {target}", "the next scene: `scene` in this act, `act.scene` elsewhere"),
        (f"{inside}# id: a-choice-id", "needed only when two choices go to the same scene"),
        (f"{inside}# if: a_flag", "offered only while this condition holds"),
        (f"{inside}# open_if: a_counter >= 2", "shown but shut while this is false..."),
        (f'{inside}# closed: "you need two"', "...with why, said beside it"),
        (f"{inside}# echo: You choose it.", "what the transcript says was chosen"),
        (f"{inside}# set: {{a_flag: true}}", "on taking it: give declared state a value"),
        (f"{inside}# add: {{a_counter: 1}}", "on taking it: add to a counter"),
        (f"{inside}# once: true", "gone once it has been taken"),
        (f"{item}# - text: Look at something else first.", ""),
        (f"{item}#   id: look", "its own id: the other choices go to that scene too"),
        (f"{item}#   call: {target}", "plays that scene until a `return: true`, then"),
        (f"{item}#   # then: {target}", "goes on here (else back to these choices)"),
        (f"{item}# - text: Go back.", ""),
        (f"{item}#   return: true", "back to where the call to this scene was made"),
        (f"{item}# - text: Nothing else to do here.", ""),
        (f"{item}#   id: done", ""),
        (f"{item}#   to: {target}", ""),
        (f"{item}#   fallback: true", "offered only when no other choice is"),
    ]
    column = max(len(code) for code, comment in lines if comment) + 2
    return "".join(
        f"{code.ljust(column)}# {comment}\n" if comment else f"{code}\n" for code, comment in lines
    )


def title_from_id(name: str) -> str:
    """`laundry-night` -> `Laundry night`: a placeholder title the author will likely keep."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else name
