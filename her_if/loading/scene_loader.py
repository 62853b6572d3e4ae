"""Build scenes from their YAML nodes: text, choices, targets and conditions (effects are
`effect_loader`'s).

Runs after every file has been read, so every scene id is known and a reference to a scene in
a later file resolves as easily as one to the scene next door.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field
from itertools import chain
from typing import cast

import yaml

from her_if.core.expr import Expr, compile_expr
from her_if.core.model import (
    CONTINUE,
    Beat,
    Choice,
    Condition,
    Ending,
    Paragraph,
    Position,
    Scene,
    Variable,
    Vars,
    Visits,
)
from her_if.core.wording import short
from her_if.loading.conditions import ConditionError, parse_condition
from her_if.loading.diagnostics import Diagnostic, Related, did_you_mean
from her_if.loading.effect_loader import read_effects
from her_if.loading.story_limits import (
    MAX_SCENE_CHOICES,
    choices_message,
    conditions,
    past_terms,
    terms_message,
)
from her_if.loading.text_loader import read_template, split_paragraphs
from her_if.loading.yaml_source import Source

Parsed = tuple[Expr, Callable[[Vars, Visits], bool]]
"""A condition's tree and its compiled test."""

SCENE_REQUIRED = ("title", "text")
SCENE_OPTIONAL = ("beats", "set", "add", "choices", "continue", "ending")
CHOICE_REQUIRED = ("text", "to")
CHOICE_OPTIONAL = ("id", "if", "set", "add", "once")
FOLLOW_UPS = 1_000
"""Errors that only follow from another, kept at most per builder (see `follow_up`)."""


@dataclass(frozen=True)
class RawScene:
    """A scene as found by the first pass: its id, and its nodes for the second."""

    id: str
    act: str
    source: Source
    key: yaml.Node
    node: yaml.Node


@dataclass
class SceneBuilder:
    """The second pass: knows every scene id and variable, and reports into the sources."""

    variables: Mapping[str, Variable]
    scene_ids: Set[str]
    beats: Mapping[str, Beat]
    broken_acts: Mapping[str, Position] = field(default_factory=dict)
    """Acts whose scenes could not be read, with the place of the error that says why: an
    unknown scene in one of them only follows from that error, and is reported so."""
    endings: dict[str, Position] = field(default_factory=dict)
    follow_ups: int = 0
    """Errors reported so far that only follow from another (see `follow_up`)."""
    parsed: dict[tuple[str, str], Parsed | ConditionError] = field(default_factory=dict)
    """Each condition text met so far in each act, parsed and compiled once: a story repeats
    its conditions, and the answer depends only on the text, the act and what is declared."""

    def resolve_scene(
        self, src: Source, node: yaml.Node, name: str, act: str | None, lead: str
    ) -> str | None:
        """`scene` (within `act`) or `act.scene` to a scene id; report unknown ones."""
        sid = self.lookup_scene(name, act)
        if sid is None:
            cause = self.broken_cause(name, act)
            if cause is not None:
                self.follow_up(src, src.pos(node), f"{lead} unknown scene '{name}'", cause)
            else:
                src.error(node, f"{lead} unknown scene '{name}'" + self.scene_hint(name, act))
        return sid

    def follow_up(self, src: Source, pos: Position, message: str, cause: Position) -> None:
        """Report an error that only follows from the one at `cause` (`Diagnostic.follows`);
        at most `FOLLOW_UPS`, since `StoryError` leaves them out once their cause is shown and
        a file naming a broken act a million times must not fill the memory with them."""
        if self.follow_ups < FOLLOW_UPS:
            self.follow_ups += 1
            src.errors.append(Diagnostic(pos, message, follows=cause))

    def broken_cause(self, name: str, act: str | None) -> Position | None:
        """Where the error is that lost the act of scene `name` its scenes, if it did."""
        owner = name.partition(".")[0] if "." in name else act
        return self.broken_acts.get(owner) if owner is not None else None

    def lookup_scene(self, name: str, act: str | None) -> str | None:
        if "." not in name and act is not None:
            name = f"{act}.{name}"
        return name if name in self.scene_ids else None

    def scene_hint(self, name: str, act: str | None) -> str:
        # lazy: did_you_mean reads only as many as it looks at, once a story has thousands
        local = (sid.partition(".")[2] for sid in self.scene_ids if sid.partition(".")[0] == act)
        return did_you_mean(name, chain(local, self.scene_ids))

    def build(self, raw: RawScene) -> Scene:
        src, act = raw.source, raw.act
        what = f"scene '{raw.id.partition('.')[2]}'"
        fields = src.mapping(raw.node, what, required=SCENE_REQUIRED, optional=SCENE_OPTIONAL) or {}
        title = src.string_field(fields, "title", f"{what} title") or ""
        paragraphs = self.read_text(src, fields["text"][1], act, what) if "text" in fields else ()
        effects = read_effects(src, fields, what, self.variables)
        leads = [key for key in ("choices", "continue", "ending") if key in fields]
        if not leads:
            src.error(raw.node, f"{what} needs one of 'choices', 'continue' or 'ending'")
        elif len(leads) > 1:
            src.error(
                fields[leads[1]][0], f"{what} has both '{leads[0]}' and '{leads[1]}'; keep one"
            )
        choices: tuple[Choice, ...] = ()
        if "choices" in fields:
            choices = self.read_choices(src, fields["choices"][1], act, what)
        next_scene = None
        if "continue" in fields:
            node = fields["continue"][1]
            name = src.string(node, f"{what} continue")
            if name is not None:
                next_scene = self.resolve_scene(src, node, name, act, f"{what} continues to")
        ending = self.read_ending(src, fields["ending"][1], what) if "ending" in fields else None
        if (crossing := past_terms(conditions(paragraphs, choices))) is not None:
            src.error_at(crossing.pos, terms_message(what))
        scene_beats = self.read_scene_beats(src, fields.get("beats"), what)
        return Scene(
            id=raw.id,
            act=act,
            title=title,
            pos=src.pos(raw.key),
            paragraphs=paragraphs,
            effects=effects,
            choices=choices,
            next=next_scene,
            ending=ending,
            beats=scene_beats,
        )

    def read_scene_beats(
        self,
        src: Source,
        entry: tuple[yaml.Node, yaml.Node] | None,
        what: str,
    ) -> tuple[str, ...]:
        if entry is None:
            return ()
        found: list[str] = []
        for item in src.sequence(entry[1], f"{what} beats") or []:
            name = src.string(item, f"{what} beat")
            if name is None:
                continue
            if not self.beats:
                src.error(item, "scenes can name beats only when the manifest has a beat_sheet")
            elif name not in self.beats:
                src.error(item, f"unknown beat '{name}'" + did_you_mean(name, self.beats))
            else:
                found.append(name)
        return tuple(found)

    def read_ending(self, src: Source, node: yaml.Node, what: str) -> Ending | None:
        fields = src.mapping(node, f"{what} ending", required=("id", "title"))
        if fields is None:
            return None
        ending_id = src.identifier_field(fields, "id", "ending id")
        title = src.string_field(fields, "title", "ending title")
        if ending_id is None or title is None:
            return None
        if ending_id in self.endings:
            src.error(
                fields["id"][1],
                f"ending '{ending_id}' is also defined at {self.endings[ending_id]}; ending ids must be unique",
                (Related(self.endings[ending_id], "first defined here"),),
            )
        self.endings[ending_id] = src.pos(fields["id"][1])
        return Ending(ending_id, title)

    def read_choices(
        self, src: Source, node: yaml.Node, act: str, what: str, extends: Scene | None = None
    ) -> tuple[Choice, ...]:
        """A scene's choices, or those a pack adds to the scene `extends`; either way, past
        `MAX_SCENE_CHOICES` in the scene, the first over is reported and no more are read."""
        items = src.sequence(node, f"{what} choices")
        if items is not None and not items:
            src.error(node, f"{what} has an empty choices list")
        room = MAX_SCENE_CHOICES - (len(extends.choices) if extends else 0)
        if items is not None and len(items) > room:
            if extends is None:
                message = choices_message(what, len(items))
            else:
                count = len(extends.choices) + len(items)
                lead = "with this pack's choices, "
                message = choices_message(f"scene '{extends.id}'", count, lead)
            src.error(items[max(room, 0)], message)
            items = items[: max(room, 0)]  # reported: the rest are not worth reading
        choices: list[Choice] = []
        by_id: dict[str, Choice] = {}
        for index, item in enumerate(items or [], start=1):
            choice = self.read_choice(src, item, act, f"choice {index} of {what}")
            if choice is None:
                continue
            if choice.id in by_id:
                src.error(
                    item,
                    f"choice id '{choice.id}' is used twice in {what} (first at line "
                    f"{by_id[choice.id].pos.line}); give one of them an explicit 'id:'",
                    (Related(by_id[choice.id].pos, "first defined here"),),
                )
                continue
            by_id[choice.id] = choice
            choices.append(choice)
        return tuple(choices)

    def read_choice(self, src: Source, node: yaml.Node, act: str, what: str) -> Choice | None:
        fields = src.mapping(node, what, required=CHOICE_REQUIRED, optional=CHOICE_OPTIONAL)
        if fields is None:
            return None
        target = None
        if "to" in fields:
            name = src.string(fields["to"][1], f"{what} target")
            if name is not None:
                id_node = fields["id"][1] if "id" in fields else None
                label = (
                    f"choice '{short(id_node.value, ascii=True)}'"
                    if isinstance(id_node, yaml.ScalarNode)
                    else what
                )
                target = self.resolve_scene(src, fields["to"][1], name, act, f"{label} goes to")
        text = (
            read_template(src, fields["text"][1], f"{what} text", self.variables)
            if "text" in fields
            else None
        )
        if "id" in fields:
            choice_id = src.identifier_field(fields, "id", "choice id")
        elif target is not None:
            choice_id = target.partition(".")[2]
        else:
            choice_id = None
        if choice_id == CONTINUE:
            src.error(node, f"'{CONTINUE}' is reserved for pauses; give this choice another id")
            choice_id = None
        condition = self.read_condition(src, fields["if"][1], act) if "if" in fields else None
        once = src.boolean(fields["once"][1], f"{what} once") if "once" in fields else False
        effects = read_effects(src, fields, what, self.variables)
        if target is None or text is None or choice_id is None:
            return None
        return Choice(
            id=choice_id,
            text=text,
            target=target,
            pos=src.pos(node),
            condition=condition,
            effects=effects,
            once=bool(once),
        )

    def read_text(self, src: Source, node: yaml.Node, act: str, what: str) -> tuple[Paragraph, ...]:
        if isinstance(node, yaml.SequenceNode):
            items = src.sequence(node, f"{what} text")
            if items is not None and not items:
                src.error(node, f"{what} text is an empty list")
            paragraphs: list[Paragraph] = []
            for item in items or []:
                paragraphs.extend(self.read_paragraph_item(src, item, act, what))
            return tuple(paragraphs)
        raw = src.string(node, f"{what} text")
        if raw is None:
            return ()
        return tuple(Paragraph(t) for t in split_paragraphs(src, node, raw, what, self.variables))

    def read_paragraph_item(
        self, src: Source, node: yaml.Node, act: str, what: str
    ) -> list[Paragraph]:
        if isinstance(node, yaml.MappingNode):
            fields = src.mapping(
                node, f"a paragraph of {what}", required=("text",), optional=("if",)
            )
            if fields is None or "text" not in fields:
                return []
            condition = self.read_condition(src, fields["if"][1], act) if "if" in fields else None
            text_node = fields["text"][1]
        else:
            condition, text_node = None, node
        raw = src.string(text_node, f"a paragraph of {what}")
        if raw is None:
            return []
        return [
            Paragraph(t, condition)
            for t in split_paragraphs(src, text_node, raw, what, self.variables)
        ]

    def read_condition(self, src: Source, node: yaml.Node, act: str) -> Condition | None:
        source = src.string(node, "condition")
        if source is None:
            return None
        parsed = self.parsed.get((source, act))
        if parsed is None:
            causes: list[Position] = []

            def resolve(name: str) -> str | None:
                sid = self.lookup_scene(name, act)
                cause = self.broken_cause(name, act) if sid is None else None
                if cause is not None:
                    causes.append(cause)
                return sid

            try:
                tree = parse_condition(source, self.variables, resolve)
                parsed = (tree, cast(Callable[[Vars, Visits], bool], compile_expr(tree)))
            except ConditionError as err:
                err.follows = causes[0] if causes else None  # visited() fails at once
                parsed = err
            self.parsed[source, act] = parsed
        if isinstance(parsed, ConditionError):
            pos = src.pos_in(node, parsed.offset)
            if parsed.follows is not None:
                self.follow_up(src, pos, parsed.message, parsed.follows)
            else:
                src.error_at(pos, parsed.message)
            return None
        tree, test = parsed
        return Condition(source, tree, src.pos(node), test)
