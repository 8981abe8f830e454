"""Reading files once, and telling why a file cannot be read as text."""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache

from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO, TypeVar

    from crlint.discover.kinds import FileKind

    T = TypeVar("T")

SNIFF_BYTES = 8192
MAX_FILE_BYTES = 2 * 1024 * 1024
"""Files above this size are skipped with a reason. CI files, Dockerfiles and
scripts are a few kilobytes; the largest files of the 48 measured repositories
are Kubernetes CRD bundles below 1 MiB. The cost of a file is linear in its
size, but the worst text (one RUN line of words) costs 350 MB and 8 s per MiB:
the limit keeps any one file within 700 MB, what a small CI runner can spare."""


class SourceFile:
    """A file's decoded text, read once and shared by every stage.

    `path` is how the file is shown to the user (relative to the working
    directory when it lies below it, `/`-separated); `real_path` is what the
    operating system opens.
    """

    __slots__ = ("_canonical", "_lines", "kind", "path", "real_path", "released", "text")

    def __init__(
        self,
        path: str,
        real_path: str,
        text: str,
        kind: FileKind | None,
        canonical: str | None = None,
    ) -> None:
        self.path = path
        self.real_path = real_path
        self.text = text
        self.kind = kind
        """None for a file known only by name (read as another file's context)."""
        self._lines: list[str] | None = None
        self._canonical = canonical
        """`canonical`, if known already (else worked out when first asked)."""
        self.released = False
        """Its text was let go once checked, nothing reported pointing into it."""

    def without_text(self) -> SourceFile:
        """The same file, its text released: a run of thousands of files keeps
        only the texts its findings point into."""
        slim = SourceFile(self.path, self.real_path, "", self.kind, self.canonical)
        slim.released = True
        return slim

    @property
    def may_suppress(self) -> bool:
        """Whether the text may hold a suppression comment (they all name
        crlint): only such a file needs the spans its entries cover, and
        what they are worked out from (a CI file's composed YAML) kept."""
        return "crlint" in self.text

    @property
    def canonical(self) -> str:
        """The absolute path with symbolic links resolved: one file, one key."""
        if self._canonical is None:
            self._canonical = os.path.realpath(self.real_path)
        return self._canonical

    @property
    def lines(self) -> list[str]:
        """Physical lines without their line endings; line N is `lines[N - 1]`.

        Lines end at `\n` only (`decode` made every `\r\n` and `\r` one), as
        everywhere in crlint: `str.splitlines` would also end one at U+2028,
        U+0085 or a form feed, and every position after it would be off.
        """
        if self._lines is None:
            lines = self.text.split("\n")
            if len(lines) > 1 and not lines[-1]:
                lines.pop()
            self._lines = lines or [""]
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
    outside: bool = False
    """It resolves (through `..` or a symbolic link) outside the repository, so it
    was not read."""


# Byte-order marks of the encodings YAML (and so GitLab) reads besides UTF-8.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> str | Unreadable:
    """The text: UTF-8 (a byte-order mark dropped), or UTF-16/32 with its mark;
    or why it is not text."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                data = data[len(mark) :].decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return Unreadable(f"not valid {encoding.upper()}", is_error=True)
            break
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
    """A regular file's bytes, up to `MAX_FILE_BYTES`.

    Opened without blocking and checked before reading: a FIFO would block
    `open()` forever, and a link to `/dev/zero` would read until memory runs out.
    """
    try:
        descriptor = os.open(real_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        return Unreadable(f"cannot be read: {error.strerror or error}")
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return Unreadable("not a regular file (a FIFO, a device or a socket): not read")
        if status.st_size > MAX_FILE_BYTES:
            return Unreadable(_too_large(status.st_size))
        # os.read asked for what the file holds: a buffered read of up to the
        # limit allocates the whole limit first, 50 µs of a Dockerfile's 1.5 ms.
        limit = MAX_FILE_BYTES + 1
        chunks: list[bytes] = []
        size = 0
        while size < limit:
            asked = min(limit - size, max(status.st_size + 1 - size, 1 << 16))
            chunk = os.read(descriptor, asked)
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < asked:  # a regular file reads short only at its end
                break
    except OSError as error:
        return Unreadable(f"cannot be read: {error.strerror or error}")
    finally:
        os.close(descriptor)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return data if len(data) <= MAX_FILE_BYTES else Unreadable(_too_large(len(data)))


def read_stream(stream: BinaryIO) -> bytes:
    """Standard input's bytes, one past `MAX_FILE_BYTES` at most: `yes | crlint -` must end too.

    The caller tells a stream that went on by `stream_too_large`.
    """
    return stream.read(MAX_FILE_BYTES + 1)


def stream_too_large(data: bytes) -> Unreadable | None:
    """Why what `read_stream` read cannot be linted, if it went past the limit."""
    return Unreadable(_too_large(len(data), more=True)) if len(data) > MAX_FILE_BYTES else None


def _too_large(size: int, more: bool = False) -> str:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    if more:
        return f"larger than {limit} MiB: not read"
    return f"larger than {limit} MiB ({size / 1024 / 1024:.1f} MiB): not read"


def inside(real_path: str, root: str) -> bool:
    """Whether a path with its links resolved lies in the directory `root` (resolved too)."""
    top = _resolved(root if os.path.isabs(root) else os.path.abspath(root))
    return real_path == top or real_path.startswith(top.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=64)
def _resolved(root: str) -> str:
    """An absolute repository root with its links resolved: asked for every file it holds."""
    return os.path.realpath(root)


def display_path(real_path: str, cwd: str) -> str:
    """The path as users should see it: relative below the working directory
    `cwd` (the process's: a relative `real_path` is relative to it).

    A name that is not UTF-8 (Python keeps its bytes as lone surrogates) shows
    them as `\xff`: reports are UTF-8, and a lone surrogate cannot be written.
    """
    if (
        not real_path.startswith((os.sep, ".."))
        and real_path == os.path.normpath(real_path)
        and os.path.isabs(cwd)
    ):
        relative = real_path  # what `relpath` gives for it, without its four path walks
    else:
        relative = _relative(real_path, cwd)
    shown = relative.replace(os.sep, "/")
    if shown.isascii():
        return shown
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _relative(real_path: str, cwd: str) -> str:
    absolute = os.path.abspath(real_path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


class SourceCache:
    """Files read on behalf of other files (includes, scripts a job runs), read once.

    One run may reach the same template through several pipelines; its text
    is read and its YAML composed only the first time, and what frontends
    derive from a file is made once (`derived`).
    """

    __slots__ = ("_derived", "_real", "_sources", "cwd")

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self._sources: dict[str, SourceFile | Unreadable] = {}
        self._real: dict[str, str] = {}
        """Paths asked for, with their links resolved (a script run a thousand
        times is resolved once)."""
        self._derived: dict[str, dict[str, object]] = {}
        """What frontends made of each file, by real path, then purpose."""

    def get(self, real_path: str, kind: FileKind, within: str) -> SourceFile | Unreadable:
        """The file at `real_path`, read only if it lies in the directory `within`
        (the repository) once its links are resolved."""
        real_path = self.real(real_path)
        if not inside(real_path, within):
            return Unreadable("it is outside the repository", outside=True)
        known = self._sources.get(real_path)
        if known is None:
            data = read_bytes(real_path)
            text = data if isinstance(data, Unreadable) else decode(data)
            if isinstance(text, Unreadable):
                known = text
            else:
                shown = display_path(real_path, self.cwd)
                known = SourceFile(shown, real_path, text, kind, real_path)
            self._sources[real_path] = known
        return known

    def real(self, path: str) -> str:
        """`path` with its links resolved, asked of the file system once per run."""
        known = self._real.get(path)
        if known is None:
            known = self._real[path] = os.path.realpath(path)
        return known

    def derived(self, path: str, purpose: str, make: Callable[[], T]) -> T:
        """What `make` derives from the file (or directory) at `path` for
        `purpose` ("yaml", "gitlab-ci"), made once per run until `forget`."""
        by_purpose = self._derived.get(path)
        if by_purpose is None:
            by_purpose = self._derived[path] = {}
        if purpose not in by_purpose:
            by_purpose[purpose] = make()
        return by_purpose[purpose]  # type: ignore[return-value]

    def forget(self, source: SourceFile) -> None:
        """Release a file linted on its own, and what frontends derived from
        it, once its unit is checked: kept, the text and composed YAML of
        every file of a large run would be the run's memory. Included files
        are kept, since other pipelines may include them too; a file
        reached again is read again."""
        self._derived.pop(source.real_path, None)
        if self._sources.get(source.canonical) is source:
            del self._sources[source.canonical]

    def add(self, source: SourceFile) -> None:
        """A file the run read itself, so reaching it again does not read it twice."""
        self._sources.setdefault(source.canonical, source)


def nesting_beyond(text: str, openers: str, closers: str, limit: int) -> int | None:
    """The line where brackets first nest deeper than `limit`, if they do.

    Brackets inside strings count too: an overestimate only makes a file of
    a thousand unclosed brackets in quotes be skipped.
    """
    depth = 0
    pattern = re.compile("[" + re.escape(openers + closers) + "]")
    for match in pattern.finditer(text):
        if match.group() in openers:
            depth += 1
            if depth > limit:
                return text.count("\n", 0, match.start()) + 1
        elif depth:
            depth -= 1
    return None
