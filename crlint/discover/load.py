"""One candidate to its source: read, decoded and of a kind, or why not.

Every way a file reaches crlint (walked, named on the command line, piped
in) is settled here: a file crlint reads (`Loaded`), one it leaves out with
its reason (`Skipped`), one whose name claims it but whose bytes cannot be
decoded (`Garbled`, a CR001), or none of these for a walked file of no
kind crlint reads, which is passed over in silence.
"""

from __future__ import annotations

import os

from crlint.discover.classify import (
    CONFIRMED_BY_CONTENT,
    NAME_ONLY_SUGGESTS,
    kind_from_content,
    kind_from_name,
    kind_from_place,
    kind_from_shebang,
    needs_sniff,
)
from crlint.discover.kinds import FileKind
from crlint.discover.sources import (
    SourceFile,
    Unreadable,
    decode,
    display_path,
    inside,
    read_bytes,
    stream_too_large,
)
from crlint.facts.engine_rules import PARSE_ERROR
from crlint.facts.locations import Location
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from crlint.discover.classify import Candidate
    from crlint.facts.findings import Finding


class Loaded(Record):
    source: SourceFile
    named: bool
    """True when the name settled the kind; False when the content did."""


class Skipped(Record):
    path: str
    reason: str
    unanalysable: bool
    """True for files crlint should have read but could not (SARIF notifications)."""


class Garbled(Record):
    """A file its name claims, whose bytes are not text: known by name only."""

    source: SourceFile
    finding: Finding


NOT_A_KIND = "not a file kind crlint reads"


def load(
    candidate: Candidate, cwd: str, boundary: Callable[[str], str]
) -> Loaded | Skipped | Garbled | None:
    """A candidate's text and kind; `boundary(directory)` is what crlint may
    read of a directory it walks."""
    real_path = candidate.real_path
    path = display_path(real_path, cwd)
    name = os.path.basename(real_path)
    if candidate.walked is not None and not inside(
        candidate.canonical or os.path.realpath(real_path), boundary(candidate.walked)
    ):
        return Skipped(path, "a link to a file outside the repository: not read", False)
    # A named file of no kind is said to be skipped; a walked one is passed over.
    no_kind = Skipped(path, NOT_A_KIND, False) if candidate.explicit else None
    kind = kind_from_name(name)
    if kind is None and name.lower().startswith("values"):
        kind = kind_from_place(real_path)
    named = kind is not None
    if kind is None and not needs_sniff(name):
        return no_kind
    data = read_bytes(real_path)
    if isinstance(data, Unreadable):
        return Skipped(path, data.reason, True)
    if kind is None and "." not in name:
        kind = kind_from_shebang(data[:256])
        if kind is None:
            return no_kind
    text = decode(data)
    if isinstance(text, Unreadable):
        if text.is_error and named:
            where = Location.point(path, text.line, text.column)
            return Garbled(
                SourceFile(path, real_path, "", kind), PARSE_ERROR.at(where, text.reason)
            )
        return Skipped(path, text.reason, text.is_error or (named and not text.empty))
    if kind is None:
        kind = kind_from_content(name, text)
        if kind is None:
            return no_kind
    else:
        confirm = CONFIRMED_BY_CONTENT.get(kind)
        if confirm is not None and not confirm(text):
            return Skipped(path, f"its name says {kind}, its content does not", False)
        named = kind not in NAME_ONLY_SUGGESTS
    return Loaded(SourceFile(path, real_path, text, kind, candidate.canonical), named)


def load_stdin(data: bytes, name: str | None, cwd: str) -> Loaded | Skipped:
    """What was piped in, named `name` (`--stdin-filename`) if it was."""
    name = name or "-"
    real_path = os.path.join(cwd, name)
    path = display_path(real_path, cwd) if name != "-" else "-"
    text = stream_too_large(data) or decode(data)
    if isinstance(text, Unreadable):  # what was piped in was meant to be read
        return Skipped(path, text.reason, not text.empty)
    kind = kind_from_name(os.path.basename(name))
    named = kind is not None
    if kind is None:
        kind = kind_from_content(name if name.endswith(".json") else "stdin.yml", text)
    if kind is None:
        kind = _guess_plain_text(text)
    if kind is None:
        return Skipped(path, "cannot tell what kind of file this is; pass --stdin-filename", False)
    return Loaded(SourceFile(path, real_path, text, kind), named)


def _guess_plain_text(text: str) -> FileKind | None:
    """stdin without a name: a Dockerfile if it starts like one, else a script."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.split()[0].upper() in ("FROM", "ARG"):
            return FileKind.DOCKERFILE
        return FileKind.SHELL if text.startswith("#!") else None
    return None
