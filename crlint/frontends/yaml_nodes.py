"""YAML composed to nodes, so every value keeps the place it was written.

PyYAML's C loader composes (no object construction, so GitLab's `!reference`
and any other custom tag load safely and keep their tag). Merge keys (`<<`)
are resolved here with positions intact, because composing leaves them to a
constructor we do not run; duplicate keys resolve as GitLab resolves them:
the last one wins.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate

import yaml

from crlint.facts.locations import LocatedText, Location, Segment
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from crlint.discover.sources import SourceFile
    from crlint.facts.findings import Finding
    from crlint.frontends.base import Edited

Node = yaml.Node
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class _Tags:
    """Implicit tags as crlint reads them: null, the merge key, and text.

    PyYAML's resolver tries a regular expression of each implicit type
    (bool, int, float, timestamp…) on every plain scalar, in Python, a tenth
    of composing a CI file; crlint reads a value as its text and asks a tag
    only whether it is null or `<<` (a null or merge key is tagged exactly
    as PyYAML tags it, anything else as text). No path resolvers exist, so
    descending and ascending the tree has nothing to track.
    """

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                if value in _NULLS:
                    return NULL_TAG
                if value == "<<":
                    return MERGE_TAG
            return _STR_TAG
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


try:  # libyaml; the pure-Python loader gives the same nodes, ten times slower
    from yaml._yaml import CParser

    class Loader(_Tags, CParser):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)

except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


class YamlError(Record):
    message: str
    line: int
    column: int


# Line breaks libyaml counts that crlint's one line model (`\n`) does not.
_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")


MAX_FLOW_DEPTH = 1000
"""Brackets nested deeper than this are not composed: libyaml's composer recurses
in C, and ~100,000 nested `[` crash the interpreter (a segmentation fault)."""


def compose(text: str) -> list[Node] | YamlError:
    """Every document of a YAML stream as nodes, or the first syntax error.

    Positions follow crlint's line model, where only `\n` ends a line: libyaml
    also ends lines at U+0085, U+2028 and U+2029, so where the text holds one,
    every mark is worked out again from its character index.
    """
    if text.count("[") + text.count("{") > MAX_FLOW_DEPTH:
        from crlint.discover.sources import nesting_beyond

        line = nesting_beyond(text, "[{", "]}", MAX_FLOW_DEPTH)
        if line is not None:
            return YamlError(f"brackets nested more than {MAX_FLOW_DEPTH} deep", line, 1)
    found = _compose(text)
    if _OTHER_BREAKS.search(text):
        lines = _LineModel(text)
        if isinstance(found, YamlError):
            return found
        _remark(found, lines)
    if not isinstance(found, YamlError) and "<<" in text:
        return _merges_bounded(found)
    return found


MAX_MERGED_ENTRIES = 200_000
"""Entries merge keys may add up to in one file. Merges can be quadratic in
the text (each of a thousand anchors merging the one before) or exponential
(each merging it twice); GitLab's YAML limits refuse such files too."""


def _merges_bounded(documents: list[Node]) -> list[Node] | YamlError:
    """The documents, each merging mapping's entries worked out (and kept on it),
    or the error for a file whose merges add up past `MAX_MERGED_ENTRIES`.

    Mappings are worked out in the order they are written, so the anchors a
    merge names (written before it) are worked out already: a chain of merges
    costs what its entries add up to, without recursing down the chain.
    """
    budget = [MAX_MERGED_ENTRIES]
    seen: set[int] = set()
    stack: list[Node] = list(reversed(documents))
    while stack:
        node = stack.pop()
        key = id(node)
        if key in seen:
            continue
        seen.add(key)
        # scalars hold no mapping: only collections are walked into, in order
        children: list[Node] = []
        if node.__class__ is MappingNode:
            merges = False
            for name, item in node.value:
                merges = merges or name.tag == MERGE_TAG
                if name.__class__ is not ScalarNode:
                    children.append(name)
                if item.__class__ is not ScalarNode:
                    children.append(item)
            if merges:
                try:
                    _mapping(node, 0, frozenset(), budget)
                except _TooManyEntries:
                    message = f"merge keys (`<<`) add up to more than {MAX_MERGED_ENTRIES} entries"
                    return YamlError(message, node.start_mark.line + 1, node.start_mark.column + 1)
        elif node.__class__ is SequenceNode:
            children = [child for child in node.value if child.__class__ is not ScalarNode]
        children.reverse()
        stack.extend(children)
    return documents


class _TooManyEntries(Exception):
    """Merges added up past `MAX_MERGED_ENTRIES`."""


class _LineModel:
    """Character index to (0-based line, column), lines ending at `\n` only."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        line = bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]


def _remark(documents: list[Node], lines: _LineModel) -> None:
    seen: set[int] = set()
    stack: list[Node] = list(documents)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for attribute in ("start_mark", "end_mark"):
            mark = getattr(node, attribute)
            line, column = lines.position(mark.index)
            setattr(node, attribute, yaml.Mark(mark.name, mark.index, line, column, "", 0))
        if isinstance(node, MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def _compose(text: str) -> list[Node] | YamlError:
    try:
        try:
            return _documents(Loader(text))
        except yaml.composer.ComposerError as error:
            if not (error.context or "").startswith("found duplicate anchor"):
                raise
            # GitLab reads YAML with Ruby's Psych, where an anchor defined again
            # names the later node from there on; PyYAML refuses the file.
            return _documents(_anchors_redefined()(text))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        if error.context:
            problem = f"{problem} {error.context}"
        line, column = (mark.line, mark.column) if mark else (0, 0)
        if mark and _OTHER_BREAKS.search(text):
            line, column = _LineModel(text).position(mark.index)
        return YamlError(problem, line + 1, column + 1)
    except yaml.YAMLError as error:
        return YamlError(str(error).splitlines()[0] if str(error) else "invalid YAML", 1, 1)
    except RecursionError:
        return YamlError("nesting is too deep to analyse", 1, 1)


def _documents(loader: Any) -> list[Node]:
    """The documents a loader composes (`yaml.compose_all` without its generator)."""
    try:
        documents = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(node)
        return documents
    finally:
        loader.dispose()


@cache  # made once: a class is a reference cycle of its own
def _anchors_redefined() -> type:
    """A loader that lets an anchor be defined again, the later one winning:
    libyaml's events, PyYAML's Python composer (only used where needed)."""
    from yaml.composer import Composer
    from yaml.events import AliasEvent

    class Redefining(Composer):
        def compose_node(self, parent: Node | None, index: int) -> Node | None:
            event = self.peek_event()  # type: ignore[attr-defined]
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, AliasEvent):
                self.anchors.pop(anchor, None)
            return super().compose_node(parent, index)

    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        return type("RedefiningLoader", (Redefining, yaml.SafeLoader), {})

    class RedefiningLoader(Redefining, _Tags, CParser):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)

    return RedefiningLoader


def documents_or_error(source: SourceFile, consequence: str) -> list[Node] | Finding:
    """A file's YAML documents, or the CR001 finding for its first syntax error.

    `consequence` says what the error breaks, for the message: "GitLab
    rejects the whole pipeline".
    """
    from crlint.frontends.base import parse_error

    documents = compose(source.text)
    if isinstance(documents, list):
        return documents
    suffix = f"; {consequence}" if consequence else ""
    message = f"invalid YAML: {documents.message}{suffix}"
    return parse_error(source, message, documents.line, documents.column)


def mapping(node: Node | None) -> dict[str, tuple[Node, Node]]:
    """A mapping's entries by key, merge keys applied, the last duplicate winning.

    Explicit keys override merged ones wherever they stand, as YAML's merge
    key specifies; among several merged mappings the first one wins.
    """
    if not isinstance(node, MappingNode):
        return {}
    return _mapping(node, 0, frozenset(), [MAX_MERGED_ENTRIES])


def drained(node: MappingNode) -> Iterator[tuple[str, tuple[Node, Node]]]:
    """`mapping(node).items()`, the node letting go of them first, so that
    each entry's nodes are freed once the caller is done with it: for the
    owner of a tree who reads it once (a large CI file's jobs are converted
    into values over the memory their nodes leave)."""
    pending = list(mapping(node).items())
    pending.reverse()
    node.value = []
    vars(node).pop(_ENTRIES, None)
    while pending:
        yield pending.pop()


_ENTRIES = "_crlint_entries"
"""The attribute a mapping node keeps its entries in once worked out: every
job, template and anchor is asked for again and again."""


def _mapping(
    node: MappingNode, depth: int, active: frozenset[int], budget: list[int]
) -> dict[str, tuple[Node, Node]]:
    """`mapping()` of one node: worked out once (and kept on the node), a
    source that merges itself (`a: &a {<<: [*a, *a]}`) adding nothing more."""
    known: dict[str, tuple[Node, Node]] | None = getattr(node, _ENTRIES, None)
    if known is not None:
        return known
    merged: dict[str, tuple[Node, Node]] = {}
    own: dict[str, tuple[Node, Node]] = {}
    inner = active | {id(node)}
    for key, value in node.value:
        if key.tag == MERGE_TAG and depth < 50:
            sources = value.value if isinstance(value, SequenceNode) else [value]
            for source in sources:
                if isinstance(source, MappingNode) and id(source) not in inner:
                    for name, entry in _mapping(source, depth + 1, inner, budget).items():
                        merged.setdefault(name, entry)
        elif isinstance(key, ScalarNode):
            own.pop(key.value, None)
            own[key.value] = (key, value)
    merged.update(own)
    if len(merged) > len(own):  # what merges added counts against the file's budget
        budget[0] -= len(merged)
        if budget[0] < 0:
            raise _TooManyEntries
    setattr(node, _ENTRIES, merged)
    return merged


def field(entries: dict[str, tuple[Node, Node]], key: str) -> Node | None:
    """The value node of one key of `mapping()`'s result, if present."""
    entry = entries.get(key)
    return entry[1] if entry is not None else None


def scalar(node: Node | None) -> str | None:
    """A scalar's text; None for collections, nulls and `!reference` values."""
    if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
        return str(node.value)
    return None


def walk_entries(node: Node) -> Iterator[tuple[int, int]]:
    """(first line, last line) of every mapping entry and sequence item, 1-based.

    Suppression comments cover these nodes, so a comment on a job's key
    covers the whole job.
    """
    last_lines: dict[int, int] = {}
    stack: list[Node] = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, MappingNode):
            for key, value in current.value:
                yield key.start_mark.line + 1, _last_line(value, last_lines)
                stack.append(value)
        elif isinstance(current, SequenceNode):
            for item in current.value:
                yield item.start_mark.line + 1, _last_line(item, last_lines)
                stack.append(item)


def last_line(node: Node) -> int:
    """The last line (1-based) holding a node's text; see `_last_line`."""
    return _last_line(node, {})


def _last_line(node: Node, memo: dict[int, int], depth: int = 0) -> int:
    """The last line holding a node's text.

    A block collection's end mark is where the next token starts (the next
    item's `-`, the next key), so its last line is its last child's.
    """
    known = memo.get(id(node))
    if known is not None:
        return known
    end = node.end_mark
    block = isinstance(node, MappingNode | SequenceNode) and not node.flow_style
    if block and node.value and depth < 200:
        children = node.value if isinstance(node, SequenceNode) else [v for _, v in node.value]
        last = max(_last_line(child, memo, depth + 1) for child in children)
    elif isinstance(node, ScalarNode) and node.style in ("|", ">") and end.column == 0:
        last = max(end.line, node.start_mark.line + 1)
    else:
        last = end.line + 1
    memo[id(node)] = last
    return last


def node_location(path: str, node: Node) -> Location:
    start, end = node.start_mark, node.end_mark
    if end.line > start.line:
        return Location(path, start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Location(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


_PROPERTIES = re.compile(r"(?:[&!][^\s]*\s+)*")
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85",
    "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_LENGTHS = {"x": 2, "u": 4, "U": 8}


class SourceIndex:
    """Line starts of a file's text, to turn character indexes into positions.

    Scalars are placed by the indexes their marks hold: libyaml counts lines
    and columns as crlint does (or `compose` works the marks out again), and
    a CI file's values keep two indexes of each scalar instead of its node
    and two marks, the largest part of a large file's memory.
    """

    __slots__ = ("_starts", "path", "text")

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        starts = self._starts
        if starts is None:
            starts = [0]
            starts.extend(accumulate(len(line) + 1 for line in self.text.split("\n")))
            starts.pop()  # (the end of the last line starts none)
            self._starts = starts
        return starts

    def position(self, index: int) -> tuple[int, int]:
        """The 1-based (line, column) of the character at `index`."""
        starts = self._starts or self._line_starts()
        line = bisect_right(starts, index) - 1
        return line + 1, index - starts[line] + 1

    def region(self, start: int, end: int) -> Location:
        """`node_location` of a node written from index `start` to `end`."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        if end_line > line:
            return Location(self.path, line, column, line, column + 1)
        return Location(self.path, line, column, end_line, end_column)

    def located(self, node: ScalarNode) -> LocatedText:
        """`located_scalar` of a composed scalar node."""
        value = str(node.value)
        return self.located_scalar(value, node.style, node.start_mark.index, node.end_mark.index)

    def located_scalar(self, value: str, style: str | None, start: int, end: int) -> LocatedText:
        """A scalar's value mapped back onto the characters it was written with,
        from index `start` to `end` in `style` (PyYAML's: None when plain).

        The value of a quoted, folded or multi-line scalar differs from its
        source (quotes, escapes, indentation, folded line breaks); each value
        character is matched, in order, to the source character it came from.
        """
        starts = self._starts or self._line_starts()
        line = bisect_right(starts, start) - 1
        if line + 1 >= len(starts) or end < starts[line + 1]:  # on one line
            width = end - start
            column = start - starts[line] + 1
            if not style and width == len(value):
                return LocatedText.at(value, self.path, line + 1, column)
            # A quoted scalar with nothing escaped: the value sits inside the quotes.
            if (
                style in ('"', "'")
                and width == len(value) + 2
                and self.text[start + 1 : end - 1] == value
            ):
                return LocatedText.at(value, self.path, line + 1, column + 1)
        return LocatedText.deferred(value, self.path, _Placing(self, value, style, start, end))

    def segments(self, value: str, style: str | None, start: int, end: int) -> tuple[Segment, ...]:
        """The segments of a scalar `located_scalar()` does not place at once."""
        located = None
        line, column = self.position(start)
        if self.position(end)[0] == line:
            if style == '"':
                located = self._escaped_line(value, start, end, line, column)
        elif style == "|":
            located = self._literal_block(value, line)
        return (located or self.aligned(value, style, start, end)).segments

    def _literal_block(self, value: str, line: int) -> LocatedText | None:
        """A `|` block scalar, its indicator on `line`: each value line is a
        source line less its indentation.

        Multi-line scripts are mostly written so; this gives the segments
        `aligned()` would, a line at a time. None if a line does not match
        (then `aligned()` decides).
        """
        starts = self._line_starts()
        text = self.text
        segments: list[Segment] = []
        offset = 0
        indent = -1
        source_line = line  # 0-based: the line after the `|` indicator
        for value_line in value.split("\n"):
            if value_line:
                if source_line >= len(starts):
                    return None
                begin = starts[source_line]
                if indent < 0:
                    newline = text.find("\n", begin)
                    stop = len(text) if newline == -1 else newline
                    indent = stop - begin - len(value_line)
                    if indent < 0:
                        return None
                if (
                    not text.startswith(value_line, begin + indent)
                    or text[begin : begin + indent].strip()
                ):
                    return None
                segments.append(Segment(offset, source_line + 1, indent + 1))
            offset += len(value_line) + 1
            source_line += 1
        if not segments:
            return None
        return LocatedText(value, self.path, tuple(segments))

    def _escaped_line(
        self, value: str, start: int, end: int, line: int, column: int
    ) -> LocatedText | None:
        """A one-line double-quoted scalar whose escapes are two characters (`\"`, `\\`),
        its quote at `line`:`column`.

        Script lines are often written so (`- "echo \"$X\""`); this gives the
        segments `aligned()` would, without walking the text character by
        character. None for other escapes (`\x41`, `\u00e9`).
        """
        raw = self.text[start + 1 : end - 1]
        column += 1
        segments = [Segment(0, line, column)]
        offset = done = 0  # the value offset of raw[done]
        backslash = raw.find("\\")
        while backslash != -1:
            if raw[backslash + 1 : backslash + 2] not in _ESCAPES:
                return None
            offset += backslash - done + 1
            done = backslash + 2
            if done < len(raw):
                segments.append(Segment(offset, line, column + done))
            backslash = raw.find("\\", done)
        if offset + len(raw) - done != len(value):
            return None
        return LocatedText(value, self.path, tuple(segments))

    def aligned(self, value: str, style: str | None, start: int, end: int) -> LocatedText:
        """`located_scalar()` for any scalar: each value character matched to its source."""
        stream = self._source_stream(style, start, end)
        offsets = _align(value, stream)
        if offsets is None:
            return LocatedText.at(value, self.path, *self.position(start))
        segments: list[Segment] = []
        previous = -2
        for value_offset, source_index in enumerate(offsets):
            if source_index != previous + 1:
                line, column = self.position(source_index)
                segments.append(Segment(value_offset, line, column))
            previous = source_index
        if not segments:
            segments.append(Segment(0, *self.position(start)))
        return LocatedText(value, self.path, tuple(segments))

    def _source_stream(self, style: str | None, begin: int, finish: int) -> list[tuple[str, int]]:
        """(character, source index) pairs a scalar's value may be built from."""
        region = self.text[begin:finish]
        skip = _PROPERTIES.match(region)
        offset = skip.end() if skip else 0
        if style in ("|", ">"):
            newline = region.find("\n", offset)
            offset = len(region) if newline == -1 else newline + 1
        elif style in ('"', "'"):
            offset += 1
            finish -= 1
        stream: list[tuple[str, int]] = []
        index = begin + offset
        text = self.text
        while index < finish:
            char = text[index]
            if style == '"' and char == "\\" and index + 1 < finish:
                code = text[index + 1]
                if code in _HEX_LENGTHS:
                    size = _HEX_LENGTHS[code]
                    try:
                        stream.append((chr(int(text[index + 2 : index + 2 + size], 16)), index))
                    except ValueError:
                        stream.append((char, index))
                        index += 1
                        continue
                    index += 2 + size
                    continue
                if code == "\n":
                    index += 2
                    continue
                stream.append((_ESCAPES.get(code, code), index))
                index += 2
                continue
            if style == "'" and char == "'" and text.startswith("''", index):
                stream.append(("'", index))
                index += 2
                continue
            stream.append((char, index))
            index += 1
        return stream


class _Placing:
    """A scalar's segments to work out when first asked for: a plain object
    rather than a closure, which with its cells is five times the size, and
    a large file defers thousands."""

    __slots__ = ("end", "index", "start", "style", "value")

    def __init__(
        self, index: SourceIndex, value: str, style: str | None, start: int, end: int
    ) -> None:
        self.index = index
        self.value = value
        self.style = style
        self.start = start
        self.end = end

    def __call__(self) -> tuple[Segment, ...]:
        return self.index.segments(self.value, self.style, self.start, self.end)


def _align(value: str, stream: list[tuple[str, int]]) -> list[int] | None:
    """For each value character, the source index it came from; None if lost."""
    offsets: list[int] = []
    position = 0
    size = len(stream)
    for char in value:
        while position < size:
            source = stream[position][0]
            if source == char or (char == " " and source == "\n"):
                break
            position += 1
        else:
            return None
        offsets.append(stream[position][1])
        position += 1
    return offsets


def same_yaml(fixed: Edited) -> str | None:
    """Why a fixed YAML text is not the original with only the edited scalars
    changed and the inserted keys added, if it is not (`Frontend.verify_fix`)."""
    edited, inserted = fixed.edited, fixed.inserted
    old, new = compose(fixed.before), compose(fixed.after)
    if isinstance(new, YamlError):
        return f"the result would not be valid YAML ({new.message}, line {new.line})"
    if isinstance(old, YamlError) or len(old) != len(new):
        return "the result would have other YAML documents"
    compared: set[tuple[int, int]] = set()
    for old_node, new_node in zip(old, new, strict=True):
        problem = _same_node(old_node, new_node, (edited, inserted), 0, compared)
        if problem is not None:
            return problem
    return None


def _same_node(
    old: object,
    new: object,
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    depth: int,
    compared: set[tuple[int, int]],
) -> str | None:
    """Why two composed trees differ beyond the spans, if they do; a pair of
    nodes an alias reaches again is compared once."""
    edited, inserted = spans
    if depth > 200 or (id(old), id(new)) in compared:
        return None
    compared.add((id(old), id(new)))
    if type(old) is not type(new) or getattr(old, "tag", None) != getattr(new, "tag", None):
        return "the YAML structure would change"
    if isinstance(old, yaml.ScalarNode):
        assert isinstance(new, yaml.ScalarNode)
        if old.value == new.value:
            return None
        start, end = old.start_mark.index, old.end_mark.index
        if any(s <= end and start <= e for s, e in edited):
            return None
        return f"the value at line {old.start_mark.line + 1} would change"
    if isinstance(old, yaml.MappingNode | yaml.SequenceNode):
        assert isinstance(new, yaml.MappingNode | yaml.SequenceNode)
        items = new.value
        if isinstance(new, yaml.MappingNode):  # keys a fix inserted are expected
            items = [
                (key, value)
                for key, value in items
                if not any(s <= key.start_mark.index < e for s, e in inserted)
            ]
        if len(old.value) != len(items):
            return "the YAML structure would change"
        for old_item, new_item in zip(old.value, items, strict=True):
            pairs = (
                zip(old_item, new_item, strict=True)
                if isinstance(old, yaml.MappingNode)
                else ((old_item, new_item),)
            )
            for old_child, new_child in pairs:
                problem = _same_node(old_child, new_child, spans, depth + 1, compared)
                if problem is not None:
                    return problem
    return None
