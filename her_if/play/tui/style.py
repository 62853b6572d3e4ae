"""Colours and emphasis for the terminal front end: one style sheet, nothing else.

With `TERM=dumb` this front end is not used at all: play is `--plain`. `NO_COLOR` keeps it,
without colour (see `her_if.play.tui.terminal`).
"""

from prompt_toolkit.styles import Style

STYLE = Style.from_dict(
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
