"""Positions in source files.

Every fact keeps the exact place its text was written, so a finding about one
character of a tag that reached a job through a YAML quoted scalar or a
Dockerfile continuation line still points at that character. `LocatedText`
carries a piece of text together with the map from its offsets back to file
positions; tokenizers slice it and the slices keep pointing at the file.
"""

from __future__ import annotations

from bisect import bisect_right

from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Self


class Location(Record):
    """A region of a file: 1-based lines and columns, `end_column` exclusive.

    Columns count Unicode code points, which is what SARIF calls
    `unicodeCodePoints` and what a Python string index is.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1) -> Location:
        return cls(path, line, column, line, column)


class Segment(Record):
    """From `offset` on, text characters sit at `line`/`column` and onward."""

    offset: int
    line: int
    column: int


class _Deferred:
    """Segments worked out on first use, once for a text and all its slices."""

    __slots__ = ("_make", "_segments")

    def __init__(self, make: Callable[[], tuple[Segment, ...]]) -> None:
        self._make: Callable[[], tuple[Segment, ...]] | None = make
        self._segments: tuple[Segment, ...] = ()

    def get(self) -> tuple[Segment, ...]:
        if self._make is not None:
            self._segments = self._make()
            self._make = None  # and what it held (a file's text) with it
        return self._segments


class LocatedText:
    """Text plus the map from each of its offsets to a file position.

    The map is a short list of segments: a single-line plain scalar has one,
    a Dockerfile `RUN` with three continuation lines has three, a quoted YAML
    scalar has one more after every escape sequence. A slice shares its
    parent's segments and only remembers where it starts (`base`), so the
    shell model can give every word its own LocatedText cheaply.

    The map of a text may be `deferred`: worked out when a position is first
    asked for. Most script lines are split, their words read and no finding
    ever points into them; matching a quoted or block scalar's characters to
    its source was a twentieth of a CI run.
    """

    __slots__ = ("_base", "_offsets", "_segments", "path", "text")

    rewritten = False
    """Whether the text is not the file's own (`RewrittenText`): no fix may
    write over where it points."""

    def __init__(
        self,
        text: str,
        path: str,
        segments: tuple[Segment, ...] | _Deferred,
        base: int = 0,
        offsets: list[int] | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self._segments = segments
        self._base = base
        self._offsets = offsets

    @classmethod
    def at(cls, text: str, path: str, line: int, column: int) -> LocatedText:
        """Text written verbatim on one line starting at `line`:`column`."""
        # The segment made as a plain tuple: most texts of a run are made here.
        return cls(text, path, (tuple.__new__(Segment, (0, line, column)),))

    @classmethod
    def deferred(cls, text: str, path: str, segments: Callable[[], tuple[Segment, ...]]) -> Self:
        """Text whose segments `segments()` gives, called once, when first needed."""
        return cls(text, path, _Deferred(segments))

    @classmethod
    def from_lines(cls, text: str, path: str, line: int, column: int) -> LocatedText:
        """Text written verbatim, possibly over several lines, starting at line:column."""
        segments = [Segment(0, line, column)]
        offset = text.find("\n")
        while offset != -1:
            line += 1
            segments.append(Segment(offset + 1, line, 1))
            offset = text.find("\n", offset + 1)
        return cls(text, path, tuple(segments))

    @property
    def segments(self) -> tuple[Segment, ...]:
        segments = self._segments
        if isinstance(segments, _Deferred):
            segments = self._segments = segments.get()
        return segments

    def position(self, offset: int) -> tuple[int, int]:
        """The (line, column) where the character at `offset` was written."""
        offset += self._base
        segments = self.segments
        if len(segments) == 1:
            segment = segments[0]
        else:
            if self._offsets is None:
                self._offsets = [s.offset for s in segments]
            segment = segments[max(bisect_right(self._offsets, offset) - 1, 0)]
        return segment.line, segment.column + offset - segment.offset

    def location(self, start: int = 0, end: int | None = None) -> Location:
        """The file region written for `text[start:end]`."""
        if end is None:
            end = len(self.text)
        line, column = self.position(start)
        if end <= start:
            return Location(self.path, line, column, line, column)
        end_line, end_column = self.position(end - 1)
        return Location(self.path, line, column, end_line, end_column + 1)

    def slice(self, start: int, end: int) -> LocatedText:
        """The sub-text `text[start:end]`, still mapped to where it was written
        (a deferred map is shared, and worked out once for all); all of it is
        the text itself (a script line's one command: no copy of the line)."""
        if start == 0 and end == len(self.text):
            return self
        segments = self._segments
        if self._offsets is None and isinstance(segments, tuple) and len(segments) > 1:
            self._offsets = [s.offset for s in segments]
        return self.__class__(
            self.text[start:end], self.path, segments, self._base + start, self._offsets
        )

    def slices(self, spans: Iterable[tuple[int, int, object]]) -> list[LocatedText]:
        """`slice(start, end)` of each `(start, end, …)` span, made in one go:
        every word of every command of a run is one, and a call of `slice` a
        word was half the cost of binding a command to its text."""
        text, path, base, segments = self.text, self.path, self._base, self._segments
        if self._offsets is None and isinstance(segments, tuple) and len(segments) > 1:
            self._offsets = [s.offset for s in segments]
        offsets = self._offsets
        made = self.__class__  # (a rewritten text's words are rewritten too)
        return [
            made(text[start:end], path, segments, base + start, offsets) for start, end, _ in spans
        ]

    def __repr__(self) -> str:
        line, column = self.position(0)
        return f"LocatedText({self.text!r} at {self.path}:{line}:{column})"


class RewrittenText(LocatedText):
    """Text that differs from what the file says at its positions: a GitLab
    input's value standing where `$[[ inputs.x ]]` brought it in. Its
    positions say where a finding belongs; an edit made from its characters
    would write them over the expression, so fixes leave it alone."""

    __slots__ = ()

    rewritten = True
