"""`spec: inputs:` and `$[[ inputs.x ]]`: a file's text as GitLab interpolates it.

A CI file may start with a header document declaring inputs, which GitLab
interpolates into the configuration before anything else (includes merged,
`extends`, `!reference`): with the `inputs:` an `include:` gives, each
missing one at its `default`. crlint does the same, value by value, so a
component's `image: $[[ inputs.image ]]` is the image its users get. An
input with no value (no default, none given), or an expression crlint does
not read (a function it does not know), stays as written, a placeholder
that no check reports.

The text a value brings in is located at the `$[[ … ]]` that brought it:
a finding in it points there.
"""

from __future__ import annotations

import re

from crlint.facts.locations import RewrittenText, Segment
from crlint.frontends.yaml_nodes import ScalarNode, SequenceNode, mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.locations import LocatedText
    from crlint.frontends.yaml_nodes import Node

_NAME = re.compile(r"inputs\.([A-Za-z0-9_-]+)")
_FUNCTION = re.compile(r"([a-z_]+)(?:\s*\((.*)\))?")
MAX_EXPRESSION = 512
"""An expression is at most this long: a `$[[` without its `]]` nearby is text."""

InputValue = str | list[str]
"""An input's value: text (numbers and booleans as YAML writes them), or the
items of an array input."""


class Interpolation:
    """The inputs of one use of a file, and what they make of its text."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, InputValue]) -> None:
        self.values = values
        """Each input that has a value; one without is not here."""

    def text(self, text: str) -> tuple[str, list[_Piece]] | None:
        """`text` with each expression crlint can read replaced; and the pieces,
        old span to new span, that map the new text onto the old. None when
        nothing was replaced."""
        pieces: list[_Piece] = []
        out: list[str] = []
        done = 0  # in the old text
        length = 0  # of the new text
        for start, end, body in _expressions(text):
            value = self._value(body)
            if value is None:
                continue
            if start > done:
                pieces.append((done, start, length, False))
                out.append(text[done:start])
                length += start - done
            pieces.append((start, end, length, True))
            out.append(value)
            length += len(value)
            done = end
        if not pieces:
            return None
        if done < len(text):
            pieces.append((done, len(text), length, False))
            out.append(text[done:])
        return "".join(out), pieces

    def _value(self, body: str) -> str | None:
        """The value of an expression's body (`inputs.tag | truncate(0, 8)`), or
        None for one crlint does not read."""
        name, *functions = body.split("|")
        named = _NAME.fullmatch(name.strip())
        text = self.values.get(named.group(1)) if named else None
        if not isinstance(text, str):
            return None  # none, or an array's items (crlint reads text inputs only)
        for written in functions:
            function = _FUNCTION.fullmatch(written.strip())
            if function is None:
                return None
            called, arguments = function.group(1), function.group(2)
            if called == "expand_vars" and arguments is None:
                continue  # what it expands the job's shell expands later: the same text
            if called != "truncate" or arguments is None:
                return None  # (`posix_escape` and any later one: not read)
            bounds = [part.strip() for part in arguments.split(",")]
            if len(bounds) != 2 or not all(bound.isdigit() for bound in bounds):
                return None
            offset, size = int(bounds[0]), int(bounds[1])
            text = text[offset : offset + size]
        return text


def _expressions(text: str) -> Iterator[tuple[int, int, str]]:
    """Each `$[[ … ]]` of a text: where it starts and ends, and its body."""
    start = text.find("$[[")
    last = text.rfind("]]")
    while start != -1 and start < last:
        end = text.find("]]", start + 3, start + MAX_EXPRESSION)
        if end == -1:
            start = text.find("$[[", start + 3)
            continue
        yield start, end + 2, text[start + 3 : end]
        start = text.find("$[[", end + 2)


_Piece = tuple[int, int, int, bool]
"""(old start, old end, new start, replaced): a run of the old text kept, or
an expression replaced by a value."""


def located(base: LocatedText, new: str, pieces: list[_Piece]) -> RewrittenText:
    """The interpolated text, each character where it was written: kept text
    where it was, a value's characters spread over the expression that
    brought it in, so a finding about all of the value underlines all of
    the expression, and one about its end, the expression's end."""

    def segments() -> tuple[Segment, ...]:
        out: list[Segment] = []
        for index, (start, end, at, replaced) in enumerate(pieces):
            following = pieces[index + 1][2] if index + 1 < len(pieces) else len(new)
            line, column = base.position(start)
            if replaced:
                width, size = end - start, following - at
                for offset in range(size):  # (the expression is on one line)
                    out.append(Segment(at + offset, line, column + offset * width // size))
                continue
            out.append(Segment(at, line, column))
            for segment in base.segments:  # the lines of a block scalar
                if start < segment.offset < end:
                    out.append(Segment(at + segment.offset - start, segment.line, segment.column))
        return tuple(out)

    return RewrittenText.deferred(new, base.path, segments)


def declared(documents: list[Node]) -> dict[str, tuple[Node | None, list[str]]] | None:
    """The inputs a `spec:` header declares: each one's default node (None:
    it has none) and its `options`; None without a header."""
    if len(documents) < 2:
        return None
    header = mapping(documents[0]).get("spec")
    if header is None:
        return None
    inputs = mapping(header[1]).get("inputs")
    found: dict[str, tuple[Node | None, list[str]]] = {}
    for name, (_, node) in mapping(inputs[1] if inputs else None).items():
        entries = mapping(node)
        default = entries.get("default")
        options = entries.get("options")
        choices = (
            [item.value for item in options[1].value if isinstance(item, ScalarNode)]
            if options is not None and isinstance(options[1], SequenceNode)
            else []
        )
        found[name] = (default[1] if default is not None else None, choices)
    return found


def node_value(node: Node | None) -> InputValue | None:
    """A default as an input value: a scalar's text, a list of scalars' texts."""
    if isinstance(node, ScalarNode):
        return None if node.tag.endswith(":null") else str(node.value)
    if isinstance(node, SequenceNode) and all(isinstance(i, ScalarNode) for i in node.value):
        return [str(item.value) for item in node.value]
    return None  # a mapping, or none


MAX_VARIANTS = 20
"""Readings of one file with an input at one of its `options`: a component
with long option lists is still read in bounded time."""


def variants(documents: list[Node]) -> list[tuple[dict[str, InputValue | None], str]]:
    """The inputs to read a file with besides its defaults: each input that
    lists `options` at each option other than its default, the others at
    theirs; and how a job read so is told apart (" with `tag: v2`")."""
    found: list[tuple[dict[str, InputValue | None], str]] = []
    for name, (default, options) in (declared(documents) or {}).items():
        for option in options:
            if option != node_value(default):
                found.append(({name: option}, f" with `{name}: {option}`"))
    return found


def interpolation(
    documents: list[Node], given: dict[str, InputValue | None] | None
) -> Interpolation | None:
    """The inputs of a file read with `given` (None: on its own, every input at
    its default); None when the file declares none, where GitLab interpolates
    nothing."""
    spec = declared(documents)
    if not spec:
        return None
    values: dict[str, InputValue] = {}
    given = given or {}
    for name, (default, _) in spec.items():
        # An input given but not as text or a list (a mapping) is unknown.
        value = given[name] if name in given else node_value(default)
        if value is not None:
            values[name] = value
    return Interpolation(values)
