"""Colours and emphasis for the terminal front end: one style sheet, nothing else."""

from prompt_toolkit.styles import Style

STYLE = Style.from_dict(
    {
        "act": "bold #d7875f",
        "title": "bold #ffaf87",
        "text": "",
        "emphasis": "italic",
        "chosen": "#8a8a8a italic",
        "recap": "#8a8a8a",
        "recap.title": "#8a8a8a bold",
        "note": "#d7875f",
        "heading": "bold #ffaf87",
        "placeholder": "#8a8a8a",
        "ending": "bold #ffaf87",
        "choice": "",
        "choice.number": "#d7875f",
        "choice.selected": "reverse",
        "toolbar": "reverse",
        "toolbar.key": "reverse bold",
    }
)
