"""Applying fixes: `--fix` writes them, `--diff` shows them.

A fix is data on its finding (`findings.Fix`): text edits, each naming the
text it replaces. Applying one is careful in four ways:

- an edit applies only where the file still reads the `original` text, so
  a file changed since it was linted is never garbled;
- edits of one fix apply together or not at all, and a fix that overlaps
  one already taken waits for the next round (`--fix` lints again after
  writing and applies what is left, until nothing changes);
- the result must parse, and mean the same apart from the edited values:
  YAML composes to the same tree, a script splits into the same commands,
  a Dockerfile into the same instructions; otherwise the file is left as it
  was and the run says so;
- files are written through a temporary file renamed over the original,
  keeping its mode, its byte-order mark and its line endings.

Edits replace words, so comments, quoting, indentation and key order stay
exactly as written.
"""

from __future__ import annotations

import os
import re

from crlint.discover.sources import inside
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from crlint.discover.sources import SourceFile
    from crlint.facts.findings import Edit, Finding

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Change(Record):
    """One file's text before and after the fixes taken for it."""

    path: str
    real_path: str
    before: str
    after: str
    findings: tuple[Finding, ...]
    """The findings whose fixes made the change."""
    bom: bool = False
    """The file starts with a UTF-8 byte-order mark, which `before` leaves out."""


class Plan(Record):
    changes: list[Change]
    waiting: list[Finding]
    """Fixable findings left for another round: their edits overlap one taken."""
    problems: list[str]
    """Why fixes were not applied (a file changed since, a result that does not parse)."""


def fixable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safe or unsafe)


def plan(
    findings: Iterable[Finding],
    sources: dict[str, SourceFile],
    unsafe: bool,
    stdin_path: str = "-",
    within: Sequence[str] = (),
) -> Plan:
    """The changes the fixes of `findings` make, each file read afresh from disk
    (the file read from stdin, named `stdin_path`, as it was read). With
    `within`, a file whose links lead out of every one of those directories
    (the repositories linted) is left alone."""
    texts: dict[str, _Text | None] = {}
    taken: dict[str, list[tuple[int, int, str]]] = {}
    owners: dict[str, list[Finding]] = {}
    waiting: list[Finding] = []
    problems: list[str] = []
    for finding in findings:
        if not fixable(finding, unsafe):
            continue
        assert finding.fix is not None
        ranges = _ranges(finding.fix.edits, sources, texts, stdin_path)
        if ranges is None:
            continue
        if any(_overlaps(span, taken.get(path, [])) for path, span in ranges):
            waiting.append(finding)
            continue
        for path, span in ranges:
            edits = taken.setdefault(path, [])
            if span not in edits:  # two findings, one same edit (a shared variable)
                edits.append(span)
            owned = owners.setdefault(path, [])
            if not owned or owned[-1] is not finding:  # one finding, several edits in a file
                owned.append(finding)
    changes: list[Change] = []
    for path, edits in taken.items():
        text = texts[path]
        assert text is not None
        real = os.path.realpath(text.real_path)
        if within and path != stdin_path and not any(inside(real, top) for top in within):
            problems.append(f"{path}: fixes not applied: it is outside the repository")
            continue
        after = text.raw
        newline = "\r\n" if "\r\n" in text.raw else "\n"
        for start, end, replacement in sorted(edits, reverse=True):
            after = after[:start] + replacement.replace("\n", newline) + after[end:]
        problem = _verify(text, after, edits)
        if problem is not None:
            problems.append(f"{path}: fixes not applied: {problem}")
            continue
        changes.append(Change(path, text.real_path, text.raw, after, tuple(owners[path]), text.bom))
    return Plan(changes, waiting, problems)


class _Text:
    """A file as it is on disk now, and how its lines map to the linted text."""

    __slots__ = ("bom", "kind", "line_starts", "path", "raw", "real_path")

    def __init__(self, source: SourceFile, raw: str, bom: bool = False) -> None:
        self.path = source.path
        self.real_path = source.real_path
        self.kind = source.kind
        self.raw = raw
        self.bom = bom
        self.line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(raw)]

    def offset(self, line: int, column: int) -> int | None:
        if not 0 < line <= len(self.line_starts):
            return None
        return self.line_starts[line - 1] + column - 1


def _load(source: SourceFile, stdin: bool) -> _Text | None:
    """The file's current text, if it still is what was linted."""
    from crlint.discover.sources import Unreadable, decode, read_bytes

    if stdin:
        return _Text(source, source.text)
    data = read_bytes(source.real_path)
    if isinstance(data, Unreadable):
        return None
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        raw = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if decode(data) != source.text:
        return None
    return _Text(source, raw, bom)


def _ranges(
    edits: Iterable[Edit],
    sources: dict[str, SourceFile],
    texts: dict[str, _Text | None],
    stdin_path: str,
) -> list[tuple[str, tuple[int, int, str]]] | None:
    """Each edit as (path, (start, end, replacement)) in its file's text, or None
    if any edit no longer matches what the file says."""
    ranges = []
    for edit in edits:
        location = edit.location
        path = location.path
        if path not in texts:
            source = sources.get(path)
            texts[path] = _load(source, path == stdin_path) if source is not None else None
        text = texts[path]
        if text is None:
            return None
        start = text.offset(location.line, location.column)
        end = text.offset(location.end_line, location.end_column)
        if start is None or end is None or text.raw[start:end] != edit.original:
            return None
        ranges.append((path, (start, end, edit.replacement)))
    return ranges


def _overlaps(span: tuple[int, int, str], taken: list[tuple[int, int, str]]) -> bool:
    start, end, _ = span
    return any(other != span and start < other[1] and other[0] < end for other in taken)


def _verify(text: _Text, after: str, edits: list[tuple[int, int, str]]) -> str | None:
    """Why the fixed text does not mean what the original did, apart from the
    edits: the file's frontend says (`Frontend.verify_fix`)."""
    if text.kind is None:
        return None
    from crlint.frontends.base import Edited
    from crlint.frontends.registry import frontend

    verify = frontend(text.kind).verify_fix
    if verify is None:
        return None
    edited = _normalized(text, edits)
    before = _LINE_BREAK.sub("\n", text.raw)
    fixed = _LINE_BREAK.sub("\n", after)
    return verify(Edited(before, fixed, text.path, edited, _inserted(edited, edits)))


def _normalized(text: _Text, edits: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Edit ranges as offsets in the text with line endings made `\\n`."""
    shifts = [match.start() for match in _LINE_BREAK.finditer(text.raw) if match.group() == "\r\n"]

    def shifted(offset: int) -> int:
        return offset - sum(1 for position in shifts if position < offset)

    return [(shifted(start), shifted(end)) for start, end, _ in edits]


def _inserted(
    edited: list[tuple[int, int]], edits: list[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """Where each edit's new text sits in the fixed text (line endings `\n`)."""
    spans = []
    shift = 0
    for (start, end), (_, _, replacement) in sorted(zip(edited, edits, strict=True)):
        spans.append((start + shift, start + shift + len(replacement)))
        shift += len(replacement) - (end - start)
    return spans


def write(change: Change) -> None:
    """Write a change atomically, keeping the file's mode and byte-order mark."""
    from crlint.fix import atomic

    data = change.after.encode("utf-8")
    atomic.write(change.real_path, b"\xef\xbb\xbf" + data if change.bom else data)


def diff(change: Change) -> str:
    """The change as a unified diff, as `git diff` shows it."""
    import difflib

    lines = difflib.unified_diff(
        change.before.splitlines(keepends=True),
        change.after.splitlines(keepends=True),
        fromfile=f"a/{change.path}",
        tofile=f"b/{change.path}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
