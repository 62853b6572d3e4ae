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

from her_if.core.expr import Expr, compile_expr
from her_if.core.frozen import frozen
from her_if.core.model import (
    CONTINUE,
    RETURN,
    Beat,
    Choice,
    Condition,
    Ending,
    Paragraph,
    Position,
    Scene,
    Template,
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
from her_if.loading.text_loader import read_paragraph, read_template, split_paragraphs
from her_if.loading.text_scope import TextScope
from her_if.loading.views_loader import HINT_LIMIT, read_words
from her_if.loading.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode
from her_if.loading.yaml_source import Fields, Source

Parsed = tuple[Expr, Callable[[Vars, Visits], bool]]
"""A condition's tree and its compiled test."""

SCENE_REQUIRED = ("title", "text")
SCENE_OPTIONAL = ("beats", "set", "add", "choices", "continue", "ending", "return")
SCENE_LEADS = ("choices", "continue", "ending", "return")
CHOICE_REQUIRED = ("text",)
CHOICE_LEADS = ("to", "call", "return")
"""How a choice goes on: to a scene, calling a scene, or back from a call."""
CHOICE_OPTIONAL = (
    *CHOICE_LEADS,
    "then",
    "id",
    "if",
    "set",
    "add",
    "once",
    "fallback",
    "open_if",
    "closed",
    "echo",
    "flavour",
)
FOLLOW_UPS = 1_000
"""Errors that only follow from another, kept at most per builder (see `follow_up`)."""


@frozen
class RawScene:
    """A scene as found by the first pass: its id and place, what the limits count, and its
    YAML for the second pass."""

    id: str
    act: str
    source: Source
    pos: Position
    """Where its id is written: the scene's own place."""
    choices: int
    """The items of its `choices:` list as written, before any is read (`authored_choices`):
    what the first pass counts against the limit on a whole story."""
    node: Node | None
    """Its YAML; None when the first pass came from the part cache (`file_parts` composes
    the file again if the second pass needs it)."""


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
    parsed: dict[tuple[str, str], tuple[Parsed | ConditionError, tuple[str, ...]]] = field(
        default_factory=dict
    )
    """Each condition text met so far in each act, parsed and compiled once, with the scene
    names it looked up: a story repeats its conditions, and the answer depends only on the
    text, the act and what is declared."""
    looked: dict[str, bool] | None = None
    """While one file is built for the part cache: every scene id it looked up, and whether
    it was there. A file built cleanly depends on the story's other scenes through these
    alone, so its part is reused while they answer the same (`parts.Built.fits`)."""

    def resolve_scene(
        self, src: Source, node: Node, name: str, act: str | None, lead: str
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
        found = name in self.scene_ids
        if self.looked is not None:
            self.looked[name] = found
        return name if found else None

    def scene_hint(self, name: str, act: str | None) -> str:
        # lazy: did_you_mean reads only as many as it looks at, once a story has thousands
        local = (sid.partition(".")[2] for sid in self.scene_ids if sid.partition(".")[0] == act)
        return did_you_mean(name, chain(local, self.scene_ids))

    def build(self, raw: RawScene) -> Scene:
        src, act = raw.source, raw.act
        assert raw.node is not None  # `file_parts` gives the second pass nodes
        what = f"scene '{raw.id.partition('.')[2]}'"
        fields = src.mapping(raw.node, what, required=SCENE_REQUIRED, optional=SCENE_OPTIONAL) or {}
        title = src.string_field(fields, "title", f"{what} title") or ""
        paragraphs = self.read_text(src, fields["text"][1], act, what) if "text" in fields else ()
        effects = read_effects(
            src, fields, what, self.variables, lambda name: self.lookup_scene(name, act)
        )
        leads = [key for key in SCENE_LEADS if key in fields]
        if not leads:
            src.error(raw.node, f"{what} needs one of 'choices', 'continue', 'ending' or 'return'")
        elif len(leads) > 1:
            src.error(
                fields[leads[1]][0], f"{what} has both '{leads[0]}' and '{leads[1]}'; keep one"
            )
        choices: tuple[Choice, ...] = ()
        if "choices" in fields:
            choices = self.read_choices(src, fields["choices"][1], act, what)
        next_scene, calls, then = None, False, None
        if "continue" in fields:
            next_scene, calls, then = self.read_continue(src, fields["continue"][1], act, what)
        returns = "return" in fields and self.read_return(src, fields["return"][1], what)
        ending = self.read_ending(src, fields["ending"][1], what) if "ending" in fields else None
        if (crossing := past_terms(conditions(paragraphs, choices))) is not None:
            src.error_at(crossing.pos, terms_message(what))
        scene_beats = self.read_scene_beats(src, fields.get("beats"), what)
        return Scene(
            id=raw.id,
            act=act,
            title=title,
            pos=raw.pos,
            paragraphs=paragraphs,
            effects=effects,
            choices=choices,
            next=next_scene,
            ending=ending,
            beats=scene_beats,
            calls=calls,
            then=then,
            returns=returns,
        )

    def read_continue(
        self, src: Source, node: Node, act: str, what: str
    ) -> tuple[str | None, bool, str | None]:
        """A pause's `continue:`: a scene, or `{call: scene, then: scene}`. A pause that calls
        must say where its return leads: coming back to a pause would only call again."""
        if not isinstance(node, MappingNode):
            name = src.string(node, f"{what} continue")
            if name is None:
                return None, False, None
            return self.resolve_scene(src, node, name, act, f"{what} continues to"), False, None
        fields = src.mapping(node, f"{what} continue", required=("call", "then")) or {}
        called = then = None
        if "call" in fields:
            name = src.string(fields["call"][1], f"{what} continue call")
            if name is not None:
                called = self.resolve_scene(src, fields["call"][1], name, act, f"{what} calls")
        if "then" in fields:
            name = src.string(fields["then"][1], f"{what} continue then")
            if name is not None:
                lead = f"{what} returns to"
                then = self.resolve_scene(src, fields["then"][1], name, act, lead)
        if called is None or then is None:
            return None, False, None
        return called, True, then

    def read_return(self, src: Source, node: Node, what: str) -> bool:
        """`return: true`, the one value it takes: anything else is an author's slip, and
        `return: false` says nothing a scene could do."""
        value = src.boolean(node, f"{what} return")
        if value is False:
            src.error(
                node,
                f"{what}: 'return' takes only true (go back to where the call was made); "
                "to go to a scene, write 'to:' (in a choice) or 'continue:' (in a pause)",
            )
        return value is True

    def read_scene_beats(
        self,
        src: Source,
        entry: tuple[Node, Node] | None,
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

    def read_ending(self, src: Source, node: Node, what: str) -> Ending | None:
        fields = src.mapping(node, f"{what} ending", required=("id", "title"), optional=("hint",))
        if fields is None:
            return None
        ending_id = src.identifier_field(fields, "id", "ending id")
        title = src.string_field(fields, "title", "ending title")
        hint = "hint" in fields and read_words(src, fields["hint"][1], "ending hint", HINT_LIMIT)
        if ending_id is None or title is None:
            return None
        if ending_id in self.endings:
            src.error(
                fields["id"][1],
                f"ending '{ending_id}' is also defined at {self.endings[ending_id]}; ending ids must be unique",
                (Related(self.endings[ending_id], "first defined here"),),
            )
        self.endings[ending_id] = src.pos(fields["id"][1])
        return Ending(ending_id, title, hint or "")

    def read_choices(
        self, src: Source, node: Node, act: str, what: str, extends: Scene | None = None
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

    def read_choice(self, src: Source, node: Node, act: str, what: str) -> Choice | None:
        fields = src.mapping(node, what, required=CHOICE_REQUIRED, optional=CHOICE_OPTIONAL)
        if fields is None:
            return None
        lead = self.read_choice_lead(src, node, fields, act, what)
        text = (
            read_template(src, fields["text"][1], f"{what} text", self.variables)
            if "text" in fields
            else None
        )
        choice_id = self.read_choice_id(src, node, fields, lead)
        condition = self.read_condition(src, fields["if"][1], act) if "if" in fields else None
        once = src.boolean(fields["once"][1], f"{what} once") if "once" in fields else False
        fallback = self.flag(src, fields, "fallback", what)
        flavour = self.flag(src, fields, "flavour", what)
        open_if, closed = self.read_closed(src, node, fields, act, what)
        echo = (
            read_template(src, fields["echo"][1], f"{what} echo", self.variables)
            if "echo" in fields
            else None
        )
        if fallback and open_if is not None:
            src.error(
                fields["fallback"][0],
                f"{what} is both a fallback and closed by open_if; a fallback is offered when "
                "nothing else is, so it cannot be shut too: drop one of them",
            )
        effects = read_effects(
            src, fields, what, self.variables, lambda name: self.lookup_scene(name, act)
        )
        if lead is None or text is None or choice_id is None:
            return None
        target, call, then, returns = lead
        return Choice(
            id=choice_id,
            text=text,
            target=target,
            pos=src.pos(node),
            condition=condition,
            effects=effects,
            once=bool(once),
            call=call,
            then=then,
            returns=returns,
            fallback=fallback,
            open_if=open_if,
            closed=closed,
            echo=echo,
            flavour=flavour,
        )

    def read_choice_lead(
        self, src: Source, node: Node, fields: Fields, act: str, what: str
    ) -> tuple[str, bool, str | None, bool] | None:
        """Where a choice goes: `to:` a scene, `call:` a scene (with `then:`, where its return
        leads), or `return: true`. Exactly one of the three; as (target, call, then, returns),
        the target empty for a return."""
        leads = [key for key in CHOICE_LEADS if key in fields]
        if not leads:
            src.error(node, f"{what} needs one of 'to', 'call' or 'return: true'")
            return None
        if len(leads) > 1:
            src.error(
                fields[leads[1]][0], f"{what} has both '{leads[0]}' and '{leads[1]}'; keep one"
            )
            return None
        lead = leads[0]
        if "then" in fields and lead != "call":
            src.error(
                fields["then"][0],
                f"{what}: 'then' says where a call's return leads, and this choice does not "
                "call: write 'call:' in place of 'to:', or drop 'then'",
            )
        if lead == "return":
            return ("", False, None, True) if self.read_return(src, fields[lead][1], what) else None
        value = fields[lead][1]
        name = src.string(value, f"{what} target")
        if name is None:
            return None
        if name.replace(" ", "") == "->->":
            src.error(value, f"{what}: ink's '->->' is written 'return: true' here")
            return None
        label = self.choice_label(fields, what)
        verb = "goes to" if lead == "to" else "calls"
        target = self.resolve_scene(src, value, name, act, f"{label} {verb}")
        then = None
        if lead == "call" and "then" in fields:
            then_name = src.string(fields["then"][1], f"{what} then")
            if then_name is not None:
                then_lead = f"{label} returns to"
                then = self.resolve_scene(src, fields["then"][1], then_name, act, then_lead)
                if then is None:
                    return None
        return None if target is None else (target, lead == "call", then, False)

    def choice_label(self, fields: Fields, what: str) -> str:
        id_node = fields["id"][1] if "id" in fields else None
        if isinstance(id_node, ScalarNode):
            return f"choice '{short(id_node.value, ascii=True)}'"
        return what

    def read_choice_id(
        self,
        src: Source,
        node: Node,
        fields: Fields,
        lead: tuple[str, bool, str | None, bool] | None,
    ) -> str | None:
        """The id written, else the target's own name (or `return` for a return)."""
        if "id" in fields:
            choice_id = src.identifier_field(fields, "id", "choice id")
        elif lead is None:
            choice_id = None
        elif lead[3]:
            choice_id = RETURN
        else:
            choice_id = lead[0].partition(".")[2]
        if choice_id == CONTINUE:
            src.error(node, f"'{CONTINUE}' is reserved for pauses; give this choice another id")
            choice_id = None
        return choice_id

    def read_closed(
        self, src: Source, node: Node, fields: Fields, act: str, what: str
    ) -> tuple[Condition | None, Template | None]:
        """`open_if:` and `closed:`, which come together: a choice shown shut must say why,
        in words the player reads."""
        open_if = (
            self.read_condition(src, fields["open_if"][1], act) if "open_if" in fields else None
        )
        closed = (
            read_template(src, fields["closed"][1], f"{what} closed", self.variables)
            if "closed" in fields
            else None
        )
        if "open_if" in fields and "closed" not in fields:
            src.error(
                fields["open_if"][0],
                f"{what} has 'open_if' but no 'closed': say in 'closed:' why it is shut, "
                'e.g. closed: "You have not met her yet"',
            )
        if "closed" in fields and "open_if" not in fields:
            src.error(
                fields["closed"][0],
                f"{what} has 'closed' but no 'open_if': add the condition that opens it",
            )
        return open_if, closed

    def flag(self, src: Source, fields: Fields, key: str, what: str) -> bool:
        return key in fields and src.boolean(fields[key][1], f"{what} {key}") is True

    def read_text(
        self, src: Source, node: Node, act: str, what: str, scene: str | None = None
    ) -> tuple[Paragraph, ...]:
        """A scene's `text:`; `scene` (its id) keys its alternatives, and is read from `what`
        (`scene 'name'`, as `build` words it) when not given."""
        scene = scene or act + "." + what.removeprefix("scene '").removesuffix("'")
        scope = TextScope(self.variables, self, act, scene)
        if isinstance(node, SequenceNode):
            items = src.sequence(node, f"{what} text")
            if items is not None and not items:
                src.error(node, f"{what} text is an empty list")
            paragraphs: list[Paragraph] = []
            for item in items or []:
                paragraphs.extend(self.read_paragraph_item(src, item, act, what, scope))
            return tuple(paragraphs)
        raw = src.string(node, f"{what} text")
        if raw is None:
            return ()
        return tuple(Paragraph(t) for t in split_paragraphs(src, node, raw, what, scope))

    def read_paragraph_item(
        self, src: Source, node: Node, act: str, what: str, scope: TextScope
    ) -> list[Paragraph]:
        if not isinstance(node, MappingNode):  # most items: a string, one paragraph
            raw = src.string(node, f"a paragraph of {what}")
            if raw is None:
                return []
            return [Paragraph(t) for t in split_paragraphs(src, node, raw, what, scope)]
        return read_paragraph(src, node, what, scope, lambda n: self.read_condition(src, n, act))

    def read_condition(self, src: Source, node: Node, act: str) -> Condition | None:
        source = src.string(node, "condition")
        if source is None:
            return None
        memo = self.parsed.get((source, act))
        if memo is not None:
            parsed, names = memo
            for name in names:  # what this file depends on, as if it were parsed here
                self.lookup_scene(name, None)
        else:
            causes: list[Position] = []
            looked: list[str] = []

            def resolve(name: str) -> str | None:
                sid = self.lookup_scene(name, act)
                looked.append(name if "." in name else f"{act}.{name}")
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
            self.parsed[source, act] = parsed, tuple(looked)
        if isinstance(parsed, ConditionError):
            pos = src.pos_in(node, parsed.offset)
            if parsed.follows is not None:
                self.follow_up(src, pos, parsed.message, parsed.follows)
            else:
                src.error_at(pos, parsed.message)
            return None
        tree, test = parsed
        return Condition(source, tree, src.pos(node), test)
