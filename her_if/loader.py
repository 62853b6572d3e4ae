"""Turn a story folder of YAML files into a `Story`, or a `StoryError` listing every problem.

Two passes, as compilers do: the first reads every file and registers every scene id, the
second resolves what refers to what (targets, conditions, interpolations, beats), so a
reference to a scene defined later, or in another file, is no problem, and each wrong
reference is reported once, at its own position.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import cast

import yaml

from her_if.conditions import ConditionError, one_of, parse_condition
from her_if.diagnostics import Diagnostic, StoryError, did_you_mean
from her_if.expr import compile_expr
from her_if.model import (
    CONTINUE,
    Act,
    AddEffect,
    Beat,
    Choice,
    Condition,
    Counter,
    Effect,
    Ending,
    Enum,
    Flag,
    Paragraph,
    Position,
    Scene,
    SetEffect,
    Slot,
    Story,
    Template,
    Value,
    Variable,
    Vars,
    Visits,
)
from her_if.yaml_source import Source

MANIFEST = "story.yaml"
ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
STATE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
RESERVED = frozenset({"true", "false", "and", "or", "not", "visited", "in", "is"})

_SCENE_KEYS = ("title", "text", "beats", "set", "add", "choices", "continue", "ending")
_CHOICE_KEYS = ("id", "text", "to", "if", "set", "add", "once")


def load_story(root: str | os.PathLike[str]) -> Story:
    """Load and validate the story in folder `root`; raise StoryError with every problem."""
    return _StoryLoader(Path(root)).load()


def display_path(path: Path) -> str:
    """A path as the author would type it: relative to the working folder when inside it."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


@dataclass
class _RawScene:
    id: str
    act: str
    source: Source
    key: yaml.Node
    node: yaml.Node


class _StoryLoader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[Diagnostic] = []
        self.variables: dict[str, Variable] = {}
        self.raw: dict[str, _RawScene] = {}
        self.endings: dict[str, Position] = {}
        self.unread_acts: set[str] = set()
        """Acts whose file could not be read: references into them are not reported again."""

    def load(self) -> Story:
        manifest = Source(self.root / MANIFEST, display_path(self.root / MANIFEST), self.errors)
        node = manifest.load()
        if node is None:
            raise StoryError(self.errors)
        fields = manifest.mapping(
            node,
            "the manifest",
            required=("id", "title", "start", "acts", "state"),
            optional=("beat_sheet",),
        )
        if fields is None:
            raise StoryError(self.errors)
        story_id = self.ident(manifest, fields, "id", "story id")
        title = self.text_field(manifest, fields, "title", "story title")
        if "state" in fields:
            self.read_state(manifest, fields["state"][1])
        acts = self.read_acts(manifest, fields["acts"][1]) if "acts" in fields else []
        beats = self.read_beat_sheet(manifest, fields.get("beat_sheet"), {a.id for a in acts})
        start = self.read_start(manifest, fields.get("start"))
        scenes = {sid: self.build_scene(raw, beats) for sid, raw in self.raw.items()}
        self.check_pauses(scenes)
        self.check_beats_staged(beats, scenes)
        if self.errors:
            raise StoryError(self.errors)
        assert story_id is not None and title is not None and start is not None
        return Story(
            id=story_id,
            title=title,
            start=start,
            acts=tuple(acts),
            variables=MappingProxyType(self.variables),
            scenes=MappingProxyType(scenes),
            beats=tuple(beats.values()),
            root=str(self.root),
        )

    # -- manifest ---------------------------------------------------------------------------

    def ident(
        self, src: Source, fields: Mapping[str, tuple[yaml.Node, yaml.Node]], key: str, what: str
    ) -> str | None:
        if key not in fields:
            return None
        return self.check_id(src, fields[key][1], src.string(fields[key][1], what), what)

    def check_id(self, src: Source, node: yaml.Node, value: str | None, what: str) -> str | None:
        if value is not None and not ID.match(value):
            src.error(
                node,
                f"{what} '{value}' must be lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit",
            )
            return None
        return value

    def text_field(
        self, src: Source, fields: Mapping[str, tuple[yaml.Node, yaml.Node]], key: str, what: str
    ) -> str | None:
        return src.string(fields[key][1], what) if key in fields else None

    def read_state(self, src: Source, node: yaml.Node) -> None:
        decls = src.mapping(node, "state", open_keys=True)
        for name, (key_node, value_node) in (decls or {}).items():
            if not STATE_NAME.match(name) or name in RESERVED:
                src.error(
                    key_node,
                    f"state name '{name}' must be lower-case letters, digits and '_' "
                    "(not '-'), not starting with a digit, and not a keyword",
                )
                continue
            var = self.read_variable(src, name, value_node)
            if var is not None:
                self.variables[name] = var

    def read_variable(self, src: Source, name: str, node: yaml.Node) -> Variable | None:
        what = f"state '{name}'"
        fields = src.mapping(
            node, what, required=("type", "default"), optional=("min", "max", "values", "about")
        )
        if fields is None or "type" not in fields:
            return None
        kind = src.string(fields["type"][1], f"{what} type")
        about = src.string(fields["about"][1], f"{what} about") if "about" in fields else ""
        about = about or ""
        expected = {"flag": (), "counter": ("min", "max"), "enum": ("values",)}
        if kind not in expected:
            if kind is not None:
                src.error(
                    fields["type"][1],
                    f"{what} type '{kind}' is not one of flag, counter, enum"
                    + did_you_mean(kind, expected),
                )
            return None
        for key in ("min", "max", "values"):
            if key in fields and key not in expected[kind]:
                src.error(fields[key][0], f"'{key}' does not apply to a {kind}")
        for key in expected[kind]:
            if key not in fields:
                src.error(node, f"{what} is a {kind} and needs '{key}'")
        if "default" not in fields or any(key not in fields for key in expected[kind]):
            return None
        default_node = fields["default"][1]
        if kind == "flag":
            flag_default = src.boolean(default_node, f"{what} default")
            return None if flag_default is None else Flag(name, flag_default, about, src.pos(node))
        if kind == "counter":
            low = src.integer(fields["min"][1], f"{what} min")
            high = src.integer(fields["max"][1], f"{what} max")
            start = src.integer(default_node, f"{what} default")
            if low is None or high is None or start is None:
                return None
            # A faulty declaration is reported and then kept in a usable form, so that
            # every use of the variable is not reported again as undeclared.
            if low > high:
                src.error(fields["min"][1], f"{what} min {low} is above its max {high}")
                low, high = high, low
            if not low <= start <= high:
                src.error(default_node, f"{what} default {start} is outside {low}..{high}")
                start = min(high, max(low, start))
            return Counter(name, start, low, high, about, src.pos(node))
        values = self.read_enum_values(src, fields["values"][1], what)
        choice = src.string(default_node, f"{what} default")
        if values is None or choice is None:
            return None
        if choice not in values:
            src.error(
                default_node,
                f"{what} default '{choice}' is not one of its values"
                + did_you_mean(choice, values),
            )
            choice = values[0]
        return Enum(name, choice, values, about, src.pos(node))

    def read_enum_values(self, src: Source, node: yaml.Node, what: str) -> tuple[str, ...] | None:
        items = src.sequence(node, f"{what} values")
        if items is None:
            return None
        values: list[str] = []
        for item in items:
            value = self.check_id(src, item, src.string(item, f"{what} value"), f"{what} value")
            if value is None:
                return None
            if value in values:
                src.error(item, f"{what} lists the value '{value}' twice")
            values.append(value)
        if len(values) < 2:
            src.error(node, f"{what} needs at least two values")
            return None
        return tuple(values)

    def read_acts(self, src: Source, node: yaml.Node) -> list[Act]:
        items = src.sequence(node, "acts")
        acts: list[Act] = []
        files: dict[str, yaml.Node] = {}
        for item in items or []:
            fields = src.mapping(item, "an act", required=("id", "title", "file"))
            if fields is None:
                continue
            act_id = self.ident(src, fields, "id", "act id")
            title = self.text_field(src, fields, "title", "act title")
            file = self.text_field(src, fields, "file", "act file")
            if act_id is None or title is None or file is None:
                continue
            if any(a.id == act_id for a in acts):
                src.error(fields["id"][1], f"act '{act_id}' is listed twice")
                continue
            if file in files:
                src.error(
                    fields["file"][1],
                    f"file '{file}' is listed for two acts; give each act its own file",
                )
                continue
            files[file] = fields["file"][1]
            path = self.root / file
            act = Act(act_id, title, len(acts) + 1, display_path(path))
            acts.append(act)
            self.read_act_file(act, path, src, fields["file"][1])
        if items is not None and not acts and not self.errors:
            src.error(node, "the story needs at least one act")
        return acts

    def read_act_file(self, act: Act, path: Path, manifest: Source, file_node: yaml.Node) -> None:
        if not path.is_file():
            manifest.error(
                file_node, f"act file '{path.name}' not found in {display_path(self.root)}"
            )
            self.unread_acts.add(act.id)
            return
        src = Source(path, act.path, self.errors)
        node = src.load()
        if node is None:
            self.unread_acts.add(act.id)
            return
        fields = src.mapping(node, "an act file", required=("act", "scenes"))
        if fields is None:
            return
        if "act" in fields:
            declared = src.string(fields["act"][1], "act")
            if declared is not None and declared != act.id:
                src.error(
                    fields["act"][1],
                    f"this file says act '{declared}' but the manifest lists it as act '{act.id}'",
                )
        if "scenes" not in fields:
            return
        scenes = src.mapping(fields["scenes"][1], "scenes", open_keys=True)
        if scenes is not None and not scenes:
            src.error(fields["scenes"][1], "an act needs at least one scene")
        for name, (key_node, value_node) in (scenes or {}).items():
            if self.check_id(src, key_node, name, "scene id") is None:
                continue
            sid = f"{act.id}.{name}"
            self.raw[sid] = _RawScene(sid, act.id, src, key_node, value_node)

    def read_start(self, src: Source, entry: tuple[yaml.Node, yaml.Node] | None) -> str | None:
        if entry is None:
            return None
        node = entry[1]
        name = src.string(node, "start")
        if name is None:
            return None
        if "." not in name:
            src.error(
                node, f"start must name the scene as act.scene, e.g. '{_first_act_hint(self.raw)}'"
            )
            return None
        return self.resolve_scene(src, node, name, None, "start names")

    def read_beat_sheet(
        self, manifest: Source, entry: tuple[yaml.Node, yaml.Node] | None, acts: set[str]
    ) -> dict[str, Beat]:
        if entry is None:
            return {}
        rel = manifest.string(entry[1], "beat_sheet")
        if rel is None:
            return {}
        path = (self.root / rel).resolve()
        if not path.is_file():
            manifest.error(
                entry[1], f"beat sheet '{rel}' not found (the path is relative to {MANIFEST})"
            )
            return {}
        src = Source(path, display_path(path), self.errors)
        node = src.load()
        if node is None:
            return {}
        fields = src.mapping(node, "the beat sheet", required=("beats",))
        items = src.sequence(fields["beats"][1], "beats") if fields and "beats" in fields else None
        beats: dict[str, Beat] = {}
        for item in items or []:
            beat = self.read_beat(src, item, acts)
            if beat is None:
                continue
            if beat.id in beats:
                src.error(
                    item,
                    f"beat '{beat.id}' is listed twice (first at line {beats[beat.id].pos.line})",
                )
                continue
            beats[beat.id] = beat
        return beats

    def read_beat(self, src: Source, node: yaml.Node, acts: set[str]) -> Beat | None:
        fields = src.mapping(node, "a beat", required=("id", "act", "summary", "sources"))
        if fields is None or len(fields) < 4:
            return None
        beat_id = self.ident(src, fields, "id", "beat id")
        act = src.string(fields["act"][1], "beat act")
        summary = src.string(fields["summary"][1], "beat summary")
        items = src.sequence(fields["sources"][1], "beat sources")
        sources = tuple(s for s in (src.string(i, "beat source") for i in items or []) if s)
        if act is not None and act not in acts:
            src.error(
                fields["act"][1],
                f"beat act '{act}' is not an act of the story" + did_you_mean(act, acts),
            )
            return None
        if beat_id is None or act is None or summary is None:
            return None
        return Beat(beat_id, act, summary, sources, src.pos(node))

    # -- scenes ---------------------------------------------------------------------------

    def resolve_scene(
        self, src: Source, node: yaml.Node, name: str, act: str | None, lead: str
    ) -> str | None:
        """`scene` (within `act`) or `act.scene` to a scene id; report unknown ones."""
        sid = self.lookup_scene(name, act)
        if sid is None and name.partition(".")[0] not in self.unread_acts:
            src.error(node, f"{lead} unknown scene '{name}'" + self.scene_hint(name, act))
        return sid

    def lookup_scene(self, name: str, act: str | None) -> str | None:
        if "." not in name and act is not None:
            name = f"{act}.{name}"
        return name if name in self.raw else None

    def scene_hint(self, name: str, act: str | None) -> str:
        local = [sid.partition(".")[2] for sid in self.raw if sid.partition(".")[0] == act]
        return did_you_mean(name, [*local, *self.raw])

    def build_scene(self, raw: _RawScene, beats: Mapping[str, Beat]) -> Scene:
        src, act = raw.source, raw.act
        what = f"scene '{raw.id.partition('.')[2]}'"
        fields = (
            src.mapping(raw.node, what, required=("title", "text"), optional=_SCENE_KEYS[2:]) or {}
        )
        title = self.text_field(src, fields, "title", f"{what} title") or ""
        paragraphs = self.read_text(src, fields["text"][1], act, what) if "text" in fields else ()
        effects = self.read_effects(src, fields, what)
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
        scene_beats = self.read_scene_beats(src, fields.get("beats"), beats, what)
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
        beats: Mapping[str, Beat],
        what: str,
    ) -> tuple[str, ...]:
        if entry is None:
            return ()
        found: list[str] = []
        for item in src.sequence(entry[1], f"{what} beats") or []:
            name = src.string(item, f"{what} beat")
            if name is None:
                continue
            if not beats:
                src.error(item, "scenes can name beats only when the manifest has a beat_sheet")
            elif name not in beats:
                src.error(item, f"unknown beat '{name}'" + did_you_mean(name, beats))
            else:
                found.append(name)
        return tuple(found)

    def read_ending(self, src: Source, node: yaml.Node, what: str) -> Ending | None:
        fields = src.mapping(node, f"{what} ending", required=("id", "title"))
        if fields is None:
            return None
        ending_id = self.ident(src, fields, "id", "ending id")
        title = self.text_field(src, fields, "title", "ending title")
        if ending_id is None or title is None:
            return None
        if ending_id in self.endings:
            src.error(
                fields["id"][1],
                f"ending '{ending_id}' is also defined at {self.endings[ending_id]}; ending ids must be unique",
            )
        self.endings[ending_id] = src.pos(fields["id"][1])
        return Ending(ending_id, title)

    def read_choices(self, src: Source, node: yaml.Node, act: str, what: str) -> tuple[Choice, ...]:
        items = src.sequence(node, f"{what} choices")
        if items is not None and not items:
            src.error(node, f"{what} has an empty choices list")
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
                )
                continue
            by_id[choice.id] = choice
            choices.append(choice)
        return tuple(choices)

    def read_choice(self, src: Source, node: yaml.Node, act: str, what: str) -> Choice | None:
        fields = src.mapping(
            node, what, required=("text", "to"), optional=("id", "if", "set", "add", "once")
        )
        if fields is None:
            return None
        target = None
        if "to" in fields:
            name = src.string(fields["to"][1], f"{what} target")
            if name is not None:
                label = f"choice '{fields['id'][1].value}'" if "id" in fields else what
                target = self.resolve_scene(src, fields["to"][1], name, act, f"{label} goes to")
        text = (
            self.read_template(src, fields["text"][1], f"{what} text") if "text" in fields else None
        )
        if "id" in fields:
            choice_id = self.ident(src, fields, "id", "choice id")
        elif target is not None:
            choice_id = target.partition(".")[2]
        else:
            choice_id = None
        if choice_id == CONTINUE:
            src.error(node, f"'{CONTINUE}' is reserved for pauses; give this choice another id")
            choice_id = None
        condition = self.read_condition(src, fields["if"][1], act) if "if" in fields else None
        once = src.boolean(fields["once"][1], f"{what} once") if "once" in fields else False
        effects = self.read_effects(src, fields, what)
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

    # -- text, conditions, effects ---------------------------------------------------------

    def read_text(self, src: Source, node: yaml.Node, act: str, what: str) -> tuple[Paragraph, ...]:
        if isinstance(node, yaml.SequenceNode):
            paragraphs: list[Paragraph] = []
            for item in node.value:
                paragraphs.extend(self.read_paragraph_item(src, item, act, what))
            return tuple(paragraphs)
        raw = src.string(node, f"{what} text")
        if raw is None:
            return ()
        return tuple(Paragraph(t) for t in self.split_paragraphs(src, node, raw, what))

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
        return [Paragraph(t, condition) for t in self.split_paragraphs(src, text_node, raw, what)]

    def split_paragraphs(self, src: Source, node: yaml.Node, raw: str, what: str) -> list[Template]:
        templates = []
        for match in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", raw):
            template = self.parse_template(src, node, match.group().rstrip(), match.start(), what)
            if template is not None:
                templates.append(template)
        return templates

    def read_template(self, src: Source, node: yaml.Node, what: str) -> Template | None:
        raw = src.string(node, what)
        return None if raw is None else self.parse_template(src, node, raw, 0, what)

    def parse_template(
        self, src: Source, node: yaml.Node, raw: str, base: int, what: str
    ) -> Template | None:
        """Split `{name}` slots out of text; `base` is where `raw` starts in the node's value."""
        parts: list[str | Slot] = []
        literal: list[str] = []
        ok = True
        i = 0
        while i < len(raw):
            ch = raw[i]
            if raw.startswith("{{", i) or raw.startswith("}}", i):
                literal.append(ch)
                i += 2
                continue
            if ch == "}":
                src.error_at(
                    src.pos_in(node, base + i), f"stray '}}' in {what}; write '}}}}' for a brace"
                )
                ok = False
                i += 1
                continue
            if ch != "{":
                literal.append(ch)
                i += 1
                continue
            end = raw.find("}", i)
            if end < 0:
                src.error_at(
                    src.pos_in(node, base + i), f"unclosed '{{' in {what}; write '{{{{' for a brace"
                )
                return None
            name = raw[i + 1 : end].strip()
            if name not in self.variables:
                src.error_at(
                    src.pos_in(node, base + i),
                    f"{{{name}}} in {what} is not declared state"
                    + did_you_mean(name, self.variables),
                )
                ok = False
            parts.append(_fold("".join(literal)))
            parts.append(Slot(name))
            literal = []
            i = end + 1
        parts.append(_fold("".join(literal)))
        return Template(tuple(p for p in parts if p != "")) if ok else None

    def read_condition(self, src: Source, node: yaml.Node, act: str) -> Condition | None:
        source = src.string(node, "condition")
        if source is None:
            return None
        try:
            tree = parse_condition(
                source, self.variables, lambda name: self.lookup_scene(name, act)
            )
        except ConditionError as err:
            src.error_at(src.pos_in(node, err.offset), err.message)
            return None
        test = cast(Callable[[Vars, Visits], bool], compile_expr(tree))
        return Condition(source, tree, src.pos(node), test)

    def read_effects(
        self, src: Source, fields: Mapping[str, tuple[yaml.Node, yaml.Node]], what: str
    ) -> tuple[Effect, ...]:
        effects: list[Effect] = []
        if "set" in fields:
            for name, (key, value_node) in (
                src.mapping(fields["set"][1], f"{what} set", open_keys=True) or {}
            ).items():
                var = self.effect_target(src, key, name)
                value = src.value(value_node, f"set {name}") if var else None
                if (
                    var is not None
                    and value is not None
                    and self.check_value(src, value_node, var, value)
                ):
                    effects.append(SetEffect(name, cast(Value, value)))
        if "add" in fields:
            for name, (key, value_node) in (
                src.mapping(fields["add"][1], f"{what} add", open_keys=True) or {}
            ).items():
                var = self.effect_target(src, key, name)
                if var is None:
                    continue
                if not isinstance(var, Counter):
                    src.error(
                        key, f"add works on counters, and '{name}' is a {_kind(var)}; use set"
                    )
                    continue
                amount = src.integer(value_node, f"add {name}")
                if amount is not None:
                    effects.append(AddEffect(name, amount))
        return tuple(effects)

    def effect_target(self, src: Source, key: yaml.Node, name: str) -> Variable | None:
        var = self.variables.get(name)
        if var is None:
            src.error(
                key,
                f"unknown state '{name}'"
                + did_you_mean(name, self.variables)
                + "; declare it in the manifest",
            )
        return var

    def check_value(self, src: Source, node: yaml.Node, var: Variable, value: object) -> bool:
        if isinstance(var, Flag):
            if not isinstance(value, bool):
                src.error(node, f"'{var.name}' is a flag: set it to true or false, not {value!r}")
                return False
        elif isinstance(var, Counter):
            if isinstance(value, bool) or not isinstance(value, int):
                src.error(
                    node, f"'{var.name}' is a counter: set it to a whole number, not {value!r}"
                )
                return False
            if not var.minimum <= value <= var.maximum:
                src.error(
                    node, f"{value} is outside {var.name}'s range {var.minimum}..{var.maximum}"
                )
                return False
        elif value not in var.values:
            src.error(
                node,
                f"'{value}' is not a value of {var.name} (one of {one_of(var.values)})"
                + did_you_mean(str(value), var.values),
            )
            return False
        return True

    # -- whole-story checks ----------------------------------------------------------------

    def check_pauses(self, scenes: Mapping[str, Scene]) -> None:
        """A ring of pauses would hold the player forever with no way out."""
        reported: set[str] = set()
        for sid in scenes:
            seen: list[str] = []
            current: str | None = sid
            while current is not None and current not in seen:
                seen.append(current)
                scene = scenes.get(current)
                current = scene.next if scene else None
            if current is not None and current not in reported:
                ring = seen[seen.index(current) :]
                reported.update(ring)
                raw = self.raw[current]
                raw.source.error(
                    raw.key,
                    "these scenes continue into each other forever with no choice: "
                    + " -> ".join([*ring, current]),
                )

    def check_beats_staged(self, beats: Mapping[str, Beat], scenes: Mapping[str, Scene]) -> None:
        staged = {beat for scene in scenes.values() for beat in scene.beats}
        for beat in beats.values():
            if beat.id not in staged:
                self.errors.append(
                    Diagnostic(
                        beat.pos,
                        f"beat '{beat.id}' is staged by no scene; add it to a scene's beats",
                    )
                )


def _fold(text: str) -> str:
    """Single line breaks in authored text are layout, not meaning: fold them into spaces."""
    return re.sub(r"[ \t]*\n[ \t]*", " ", text)


def _kind(var: Variable) -> str:
    return {Flag: "flag", Counter: "counter", Enum: "enum"}[type(var)]


def _first_act_hint(raw: Mapping[str, _RawScene]) -> str:
    return next(iter(raw), "act.scene")


__all__ = ["display_path", "load_story"]
