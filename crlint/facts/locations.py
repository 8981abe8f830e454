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


class LocatedText:
    """Text plus the map from each of its offsets to a file position.

    The map is a short list of segments: a single-line plain scalar has one,
    a Dockerfile `RUN` with three continuation lines has three, a quoted YAML
    scalar has one more after every escape sequence. A slice shares its
    parent's segments and only remembers where it starts (`base`), so the
    shell model can give every word its own LocatedText cheaply.
    """

    __slots__ = ("_base", "_offsets", "path", "segments", "text")

    def __init__(
        self,
        text: str,
        path: str,
        segments: tuple[Segment, ...],
        base: int = 0,
        offsets: list[int] | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.segments = segments
        self._base = base
        self._offsets = offsets

    @classmethod
    def at(cls, text: str, path: str, line: int, column: int) -> LocatedText:
        """Text written verbatim on one line starting at `line`:`column`."""
        return cls(text, path, (Segment(0, line, column),))

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
        """The sub-text `text[start:end]`, still mapped to where it was written."""
        if len(self.segments) > 1 and self._offsets is None:
            self._offsets = [s.offset for s in self.segments]
        return LocatedText(
            self.text[start:end], self.path, self.segments, self._base + start, self._offsets
        )

    def __repr__(self) -> str:
        line, column = self.position(0)
        return f"LocatedText({self.text!r} at {self.path}:{line}:{column})"
