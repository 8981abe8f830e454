"""CI configuration values that remember the file and place they were written in.

GitLab merges configuration across files (`include:`), across jobs
(`extends:`) and by lookup (`!reference`), so a job's `script` may come from
three files. Composed YAML nodes keep positions but cannot be merged; plain
Python values can be merged but forget positions. These values do both:
mappings are dicts (merge keys applied, last duplicate winning), sequences
are lists, every scalar carries its file and where in it it was written
(indexes: the composed nodes are let go once converted), and a `!reference`,
or a value crlint does not read (`Raw`), keeps its node.
"""

from __future__ import annotations

from crlint.facts.record import Record
from crlint.frontends.gitlab_ci.keywords import GLOBAL_KEYWORDS, JOB_KEYS_READ
from crlint.frontends.yaml_nodes import (
    NULL_TAG,
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    drained,
    mapping,
    node_location,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.facts.locations import LocatedText, Location
    from crlint.frontends.gitlab_ci.inputs import Interpolation
    from crlint.frontends.yaml_nodes import Node

REFERENCE_TAG = "!reference"
MARK = "$[["
"""What every input interpolation starts with (`crlint.frontends.gitlab_ci.inputs`):
a scalar without it is left alone."""


class Origin:
    """One loaded CI file: its source, for locating the values written in it."""

    __slots__ = ("_located", "index", "inputs", "source")

    def __init__(self, source: SourceFile, inputs: Interpolation | None = None) -> None:
        self.source = source
        self.index = SourceIndex(source.path, source.text)
        self.inputs = inputs
        """The inputs this reading of the file interpolates (`spec: inputs:`)."""
        self._located: dict[int, LocatedText] = {}

    def located(self, scalar: Scalar) -> LocatedText:
        """`SourceIndex.located_scalar`, once per scalar: a template's script
        line is asked for by every job that runs it, and is then one text.
        (Kept here, not in the index, which a deferred text's map refers to:
        a cycle.) Two scalars of a file start at one index only when one is
        an empty null, which is not kept."""
        start, length = scalar.start, scalar.length
        known = self._located.get(start) if length else None
        if known is not None:
            return known
        located = self.index.located_scalar(scalar.raw, scalar.style, start, start + length)
        if length:
            self._located[start] = located
        return located

    def interpolated(self, scalar: Scalar, inputs: Interpolation) -> Scalar:
        """A scalar with its `$[[ inputs.x ]]` replaced, located where its text
        was written (`crlint.frontends.gitlab_ci.inputs.located`)."""
        assert scalar.value is not None
        replaced = inputs.text(scalar.value)
        if replaced is None:
            return scalar
        from crlint.frontends.gitlab_ci.inputs import located

        text, pieces = replaced
        base = self.located(scalar)
        self._located[scalar.start] = located(base, text, pieces)
        return scalar._replace(value=text)

    @property
    def path(self) -> str:
        return self.source.path


class Scalar(Record):
    """A scalar as written: where (the index of its first character, and how
    many it spans), not its node, which with its two marks would be three
    objects kept for each scalar of a run's largest file. (A length, not an
    end: most are below 256, an int Python does not allocate.)"""

    value: str | None
    """None for a YAML null."""
    raw: str
    """The value as PyYAML read it, a null's too (`~`): what `located` maps."""
    start: int
    length: int
    style: str | None
    """PyYAML's: None for a plain scalar, else `"`, `'`, `|` or `>`."""
    origin: Origin

    @property
    def end(self) -> int:
        return self.start + self.length

    def located(self) -> LocatedText:
        return self.origin.located(self)

    def location(self) -> Location:
        return self.origin.index.region(self.start, self.end)


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
    """Where a mapping key was written (as `Scalar` keeps it)."""

    start: int
    length: int
    origin: Origin

    @property
    def end(self) -> int:
        return self.start + self.length

    def location(self) -> Location:
        return self.origin.index.region(self.start, self.end)

    def position(self) -> tuple[int, int]:
        """The 1-based line and column where the key starts."""
        return self.origin.index.position(self.start)


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


class Raw:
    """A job's value crlint does not read (`rules:`, `artifacts:`), still as YAML.

    Converting every value of every job was a fifth of the time of reading
    a pipeline; these are converted only if a `!reference` reaches them.
    """

    __slots__ = ("node", "origin")

    def __init__(self, node: Node, origin: Origin) -> None:
        self.node = node
        self.origin = origin

    def value(self) -> Value:
        # A converter of its own, not the one that made it: holding that one
        # (whose memo holds the job that holds this) would be a reference
        # cycle, and a pipeline's values would outlive its unit.
        return _Converter(self.origin).value(self.node, 2)


Value = Scalar | Reference | Map | Raw | list["Value"]


def convert(node: Node, origin: Origin, *, owned: bool = False) -> Value:
    """A CI configuration document as values; an anchor used twice converts once.

    `owned`: nothing else holds the document, whose top-level entries are
    let go one by one as they are converted (`drained`), so that a large
    file's values take the memory its converted jobs' nodes leave instead of
    adding to it.
    """
    return _Converter(origin, owned).value(node, 0)


class _Converter:
    def __init__(self, origin: Origin, owned: bool = False) -> None:
        self.origin = origin
        self.owned = owned
        self.inputs = origin.inputs
        self.memo: dict[int, Value] = {}
        """Collections converted, by the id of their node (alive while the
        tree is: no node is made while converting, so none takes the id of
        one an `owned` tree let go)."""

    def value(self, node: Node, depth: int, job: bool = False) -> Value:
        known = self.memo.get(id(node))
        if known is not None and not job:
            return known
        result: Value
        origin = self.origin
        if node.tag == REFERENCE_TAG:
            items = node.value if isinstance(node, SequenceNode) else []
            path = tuple(str(item.value) for item in items if isinstance(item, ScalarNode))
            result = Reference(path, node, origin)
        elif isinstance(node, MappingNode):
            result = Map()
            if depth < 100:
                keys_at = result.keys_at
                scalar = self._scalar
                entries = drained(node) if self.owned and depth == 0 else mapping(node).items()
                inputs = self.inputs
                for written, (key, item) in entries:
                    name = written
                    if inputs is not None and MARK in written:
                        name = _interpolated_key(written, inputs)
                    if job and name not in JOB_KEYS_READ:
                        value: Value = Raw(item, origin)
                    elif item.__class__ is ScalarNode and item.tag != REFERENCE_TAG:
                        value = scalar(item)  # most values: no call of `value` for them
                    else:
                        jobs = depth == 0 and name not in GLOBAL_KEYWORDS
                        value = self.value(item, depth + 1, jobs)
                    result[name] = value
                    start = key.start_mark.index
                    keys_at[name] = _new(Key, (start, key.end_mark.index - start, origin))
        elif isinstance(node, SequenceNode):
            result = (
                [
                    self._scalar(item)
                    if item.__class__ is ScalarNode and item.tag != REFERENCE_TAG
                    else self.value(item, depth + 1)
                    for item in node.value
                ]
                if depth < 100
                else []
            )
        elif isinstance(node, ScalarNode):
            return self._scalar(node)
        else:  # pragma: no cover - composing yields only the three node kinds
            result = []
        if not job:
            self.memo[id(node)] = result
        return result

    def _scalar(self, node: ScalarNode) -> Scalar:
        """A scalar node's value. Not kept in the memo, which an alias of a
        collection needs: a scalar aliased twice is two equal records, and
        a memo entry for every scalar of a large file was a tenth of its
        run's memory."""
        raw: str = node.value
        start = node.start_mark.index
        # Made as a plain tuple (a `Scalar` has no defaults to fill in): every
        # value of every file is one.
        scalar: Scalar = _new(
            Scalar,
            (
                None if node.tag == NULL_TAG else raw,
                raw,
                start,
                node.end_mark.index - start,
                node.style,
                self.origin,
            ),
        )
        inputs = self.inputs
        if inputs is not None and MARK in raw and scalar.value is not None:
            return self.origin.interpolated(scalar, inputs)
        return scalar


def _interpolated_key(name: str, inputs: Interpolation) -> str:
    """A key with its inputs replaced: job names are often built from them."""
    replaced = inputs.text(name)
    return replaced[0] if replaced is not None else name


_new = tuple.__new__


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


def strings(value: Value | None) -> list[str]:
    """The non-empty texts of a scalar or a list of scalars (`extends:`, `file:`)."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [item.value for item in items if isinstance(item, Scalar) and item.value]


def location_of(value: Value | Key | None) -> Location | None:
    """Where a value was written: a scalar or tag itself, a list's first item,
    a mapping's first key."""
    if isinstance(value, Scalar | Reference | Key):
        return value.location()
    if isinstance(value, list) and value:
        return location_of(value[0])
    if isinstance(value, Map) and value.keys_at:
        return next(iter(value.keys_at.values())).location()
    return None


def text(value: Value | None) -> str | None:
    """A scalar's text; None for anything else."""
    return value.value if isinstance(value, Scalar) else None


def is_false(value: Value | None) -> bool:
    return text(value) in ("false", "False", "FALSE")
