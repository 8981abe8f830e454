"""Reading files once, and telling why a file cannot be read as text."""

from __future__ import annotations

import os

from crlint.record import Record

SNIFF_BYTES = 8192


class SourceFile:
    """A file's decoded text, read once and shared by every stage.

    `path` is how the file is shown to the user (relative to the working
    directory when it lies below it, `/`-separated); `real_path` is what the
    operating system opens.
    """

    __slots__ = ("_canonical", "_lines", "kind", "path", "real_path", "text")

    def __init__(self, path: str, real_path: str, text: str, kind: str) -> None:
        self.path = path
        self.real_path = real_path
        self.text = text
        self.kind = kind
        self._lines: list[str] | None = None
        self._canonical: str | None = None

    @property
    def canonical(self) -> str:
        """The absolute path with symbolic links resolved: one file, one key."""
        if self._canonical is None:
            self._canonical = os.path.realpath(self.real_path)
        return self._canonical

    @property
    def lines(self) -> list[str]:
        """Physical lines without their line endings; line N is `lines[N - 1]`."""
        if self._lines is None:
            self._lines = self.text.splitlines() or [""]
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


class Unreadable(Record):
    """Why a file's bytes are not text crlint can analyse."""

    reason: str
    line: int = 1
    column: int = 1
    is_error: bool = False
    """True when the file should have been text (a CR001), False to skip it."""
    empty: bool = False
    """Nothing to analyse (an empty `__init__.py`): skipped without a word,
    whatever its name says, except with `--verbose`."""


def decode(data: bytes) -> str | Unreadable:
    """UTF-8 text (a byte-order mark is dropped), or why it is not text."""
    if b"\0" in data[:SNIFF_BYTES]:
        return Unreadable("binary file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return Unreadable(
            f"not valid UTF-8: byte 0x{data[error.start]:02x} cannot be decoded",
            line,
            column,
            is_error=True,
        )
    if text.startswith("\ufeff"):  # a byte-order mark is not content
        text = text[1:]
    if not text.strip():
        return Unreadable("empty file", empty=True)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_bytes(real_path: str) -> bytes | Unreadable:
    try:
        with open(real_path, "rb") as handle:
            return handle.read()
    except OSError as error:
        return Unreadable(f"cannot be read: {error.strerror or error}")


def display_path(real_path: str, cwd: str) -> str:
    """The path as users should see it: relative below the working directory."""
    absolute = os.path.abspath(real_path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        relative = os.path.relpath(absolute, cwd)
    else:
        relative = absolute
    return relative.replace(os.sep, "/")


class SourceCache:
    """Files read on behalf of other files (includes, scripts a job runs), read once.

    One run may reach the same template through several pipelines; its text
    is read and its YAML composed only the first time. `memo` holds what
    frontends derive from a file, keyed by real path and purpose.
    """

    __slots__ = ("_sources", "cwd", "memo")

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self._sources: dict[str, SourceFile | Unreadable] = {}
        self.memo: dict[tuple[str, str], object] = {}

    def get(self, real_path: str, kind: str) -> SourceFile | Unreadable:
        real_path = os.path.realpath(real_path)
        known = self._sources.get(real_path)
        if known is None:
            data = read_bytes(real_path)
            text = data if isinstance(data, Unreadable) else decode(data)
            if isinstance(text, Unreadable):
                known = text
            else:
                known = SourceFile(display_path(real_path, self.cwd), real_path, text, kind)
                known._canonical = real_path
            self._sources[real_path] = known
        return known

    def add(self, source: SourceFile) -> None:
        """A file the run read itself, so reaching it again does not read it twice."""
        self._sources.setdefault(source.canonical, source)
