"""CI configuration values that remember the file and node they were written in.

GitLab merges configuration across files (`include:`), across jobs
(`extends:`) and by lookup (`!reference`), so a job's `script` may come from
three files. Composed YAML nodes keep positions but cannot be merged; plain
Python values can be merged but forget positions. These values do both:
mappings are dicts (merge keys applied, last duplicate winning), sequences
are lists, and every scalar and `!reference` carries its node and file.
"""

from __future__ import annotations

from crlint.frontends.yamlnodes import (
    NULL_TAG,
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    mapping,
    node_location,
)
from crlint.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.frontends.yamlnodes import Node
    from crlint.locations import LocatedText, Location
    from crlint.sources import SourceFile

REFERENCE_TAG = "!reference"


class Origin:
    """One loaded CI file: its source, for locating the values written in it."""

    __slots__ = ("index", "source")

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.index = SourceIndex(source.path, source.text)

    @property
    def path(self) -> str:
        return self.source.path


class Scalar(Record):
    """A scalar as written; `value` is None for a YAML null."""

    value: str | None
    node: ScalarNode
    origin: Origin

    def located(self) -> LocatedText:
        return self.origin.index.located(self.node)

    def location(self) -> Location:
        return node_location(self.origin.path, self.node)


class Reference(Record):
    """`!reference [job, key, …]`, resolved after `extends` as GitLab does."""

    path: tuple[str, ...]
    node: Node
    origin: Origin

    def location(self) -> Location:
        return node_location(self.origin.path, self.node)

    def display(self) -> str:
        return "!reference [" + ", ".join(self.path) + "]"


class Key(Record):
    """Where a mapping key was written."""

    node: Node
    origin: Origin

    def location(self) -> Location:
        return node_location(self.origin.path, self.node)


class Map(dict[str, "Value"]):
    """A YAML mapping's entries, with where each key was written."""

    __slots__ = ("keys_at",)

    def __init__(self) -> None:
        super().__init__()
        self.keys_at: dict[str, Key] = {}

    def put(self, name: str, value: Value, key: Key) -> None:
        self[name] = value
        self.keys_at[name] = key

    def without(self, *names: str) -> Map:
        copy = Map()
        for name, value in self.items():
            if name not in names:
                copy.put(name, value, self.keys_at[name])
        return copy


Value = Scalar | Reference | Map | list["Value"]


def convert(node: Node, origin: Origin) -> Value:
    """A composed node as values; an anchor used twice converts once."""
    return _Converter(origin).value(node, 0)


class _Converter:
    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.memo: dict[int, Value] = {}

    def value(self, node: Node, depth: int) -> Value:
        known = self.memo.get(id(node))
        if known is not None:
            return known
        result: Value
        if node.tag == REFERENCE_TAG:
            items = node.value if isinstance(node, SequenceNode) else []
            path = tuple(str(item.value) for item in items if isinstance(item, ScalarNode))
            result = Reference(path, node, self.origin)
        elif isinstance(node, MappingNode):
            result = Map()
            if depth < 100:
                for name, (key, item) in mapping(node).items():
                    result.put(name, self.value(item, depth + 1), Key(key, self.origin))
        elif isinstance(node, SequenceNode):
            result = [self.value(item, depth + 1) for item in node.value] if depth < 100 else []
        elif isinstance(node, ScalarNode):
            text = None if node.tag == NULL_TAG else str(node.value)
            result = Scalar(text, node, self.origin)
        else:  # pragma: no cover - composing yields only the three node kinds
            result = []
        self.memo[id(node)] = result
        return result


def deep_merge(base: Map, over: Map) -> Map:
    """GitLab's deep merge: mappings merge key by key, anything else is replaced.

    `extends` and `include` both merge this way; lists (`script`, `rules`,
    `services`) are replaced whole, and a null replaces what it overrides.
    """
    merged = Map()
    for name, value in base.items():
        merged.put(name, value, base.keys_at[name])
    for name, value in over.items():
        below = merged.get(name)
        if isinstance(below, Map) and isinstance(value, Map):
            merged.put(name, deep_merge(below, value), over.keys_at[name])
        else:
            merged.put(name, value, over.keys_at[name])
    return merged


def text(value: Value | None) -> str | None:
    """A scalar's text; None for anything else."""
    return value.value if isinstance(value, Scalar) else None


def is_false(value: Value | None) -> bool:
    return text(value) in ("false", "False", "FALSE")
