"""Colours and emphasis for the terminal front end: one style sheet, nothing else.

With `TERM=dumb` this front end is not used at all: play is `--plain`. `NO_COLOR` keeps it,
without colour (see `her_if.play.tui.terminal`), whatever the theme; the no-colour theme
does the same for a player who would rather not set it. The theme in use is a setting
(`use_theme`), so `STYLE` follows it wherever a screen is drawn.
"""

import re

from prompt_toolkit.styles import DynamicStyle, Style

RULES = dict(
    {
        "act": "bold #d7875f",
        "act.number": "#d7875f",
        "act.rule": "#8a6a5a",
        "title": "bold #ffaf87",
        "text": "",
        "speech": "#ffd7af",
        "speaker": "bold",
        "emphasis": "italic",
        "direction": "#8a8a8a italic",
        "chosen": "#8a8a8a italic",
        "recap": "#8a8a8a",
        "recap.title": "#8a8a8a bold",
        "note": "#d7875f",
        "aside.rule": "#8a6a5a",
        "heading": "bold #ffaf87",
        "premise": "italic #d0b0a0",
        "placeholder": "#8a8a8a",
        "ending": "bold #ffaf87",
        "choice": "",
        "choice.number": "#d7875f",
        "choice.more": "#8a8a8a italic",
        "choice.closed": "#6c6c6c",
        "choice.reason": "italic",
        "remark": "#8a8a8a italic",
        "choice.selected": "reverse",
        "toolbar": "reverse",
        "toolbar.key": "reverse bold",
        "pacing": "#8a8a8a italic",
        "pager": "",
        "pager.status": "reverse",
        "help.key": "bold #d7875f",
        "help.heading": "bold #ffaf87",
    }
)
"""The default theme."""

_COLOUR = re.compile(r"(?:bg:)?#[0-9a-fA-F]{6}")
_DIM = {"#8a8a8a", "#6c6c6c", "#8a6a5a", "#d0b0a0"}
"""The greys and faded tones the default theme sets text apart with: too faint for some."""


def no_colour(rules: dict[str, str]) -> dict[str, str]:
    """The rules without their colours: bold, italics and the highlight (reverse) stay."""
    return {name: " ".join(_COLOUR.sub("", rule).split()) for name, rule in rules.items()}


def high_contrast(rules: dict[str, str]) -> dict[str, str]:
    """The rules with every colour at full strength: faint tones become the terminal's
    bright white, the warm ones its bright yellow, and what was dimmed is bold instead."""
    out = {}
    for name, rule in rules.items():
        words = []
        for word in rule.split():
            if word in _DIM:
                words += ["ansiwhite", "bold"]
            elif _COLOUR.fullmatch(word):
                words.append("ansibrightyellow")
            else:
                words.append(word)
        out[name] = " ".join(dict.fromkeys(words))
    return out


THEMES = {
    "default": Style.from_dict(RULES),
    "high-contrast": Style.from_dict(high_contrast(RULES)),
    "no-colour": Style.from_dict(no_colour(RULES)),
}
_theme = ["default"]


def use_theme(theme: str) -> None:
    """Show every screen from now on in this theme (one of `THEMES`): the player's setting."""
    _theme[0] = theme if theme in THEMES else "default"


def theme() -> str:
    return _theme[0]


STYLE = DynamicStyle(lambda: THEMES[_theme[0]])
"""The style every screen is drawn in: the theme in use when it is drawn."""
