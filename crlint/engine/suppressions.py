"""Suppression comments, one grammar for every file kind.

    # crlint: ignore[CR101, CR3] -- reason
    # crlint: file-ignore[CR101]

An `ignore` comment trailing a line, or alone on the line(s) above it,
covers the node that starts on that line: a YAML mapping entry or sequence
item (so a comment on a job's key covers the whole job), a Dockerfile
instruction with its continuation lines, a shell command. Suppressions
follow nodes rather than physical lines because findings inside multi-line
commands land on continuation lines (hadolint #461). A malformed comment is
reported (CR003), never silently ignored.
"""

from __future__ import annotations

import re

from crlint.engine.catalog import UnknownSelector
from crlint.facts.engine_rules import INVALID_SUPPRESSION, UNUSED_SUPPRESSION
from crlint.facts.locations import Location
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from crlint.discover.sources import SourceFile
    from crlint.engine.catalog import Catalog
    from crlint.facts.findings import Finding

_MARKER = re.compile(r"#[ \t]*crlint[ \t]*:")
# Matched against the comment's text with white space stripped from both
# ends, so the reason runs to the end: a lazy `.*?` before a trailing
# `[ \t]*$` would retry every position of a long run of inner spaces.
_DIRECTIVE = re.compile(
    r"(?P<kind>ignore|file-ignore)\[(?P<rules>[^\]]*)\]"
    r"(?:[ \t]*(?:--|#)[ \t]*(?P<reason>.*))?$"
)


class Directive(Record):
    file_wide: bool
    rules: frozenset[str]
    first_line: int
    last_line: int
    location: Location
    reason: str | None


class Suppressions:
    """The suppression comments of one file, and which of them were used."""

    def __init__(self, directives: list[Directive], problems: list[Finding]) -> None:
        self.directives = directives
        self.problems = problems
        self._used: set[int] = set()

    def covers(self, finding: Finding) -> bool:
        line = finding.location.line
        rule = finding.rule.id
        for index, directive in enumerate(self.directives):
            if rule in directive.rules and (
                directive.file_wide or directive.first_line <= line <= directive.last_line
            ):
                self._used.add(index)
                return True
        return False

    def unused(self) -> list[Finding]:
        return [
            UNUSED_SUPPRESSION.at(
                directive.location,
                "this suppression comment matches no finding; remove it",
            )
            for index, directive in enumerate(self.directives)
            if index not in self._used
        ]


def has_directives(text: str) -> bool:
    return "crlint" in text and _MARKER.search(text) is not None


def parse(
    source: SourceFile,
    catalog: Catalog,
    spans: Callable[[], Iterable[tuple[int, int]]],
) -> Suppressions:
    """The directives written in a file, with the node each one covers."""
    if not has_directives(source.text):
        return Suppressions([], [])
    node_ends: dict[int, int] = {}
    for first, last in spans():
        if last > node_ends.get(first, 0):
            node_ends[first] = last
    directives: list[Directive] = []
    problems: list[Finding] = []
    lines = source.lines
    for number, line in enumerate(lines, start=1):
        if "crlint" not in line:
            continue
        for marker in _MARKER.finditer(line):
            start = marker.start()
            if start > 0 and not line[start - 1].isspace():
                continue  # `#` inside a word is not a comment
            own_line = not line[:start].strip()
            body = line[marker.end() :].strip()
            location = Location(source.path, number, start + 1, number, len(line) + 1)
            parsed = _DIRECTIVE.match(body)
            if parsed is None:
                problems.append(
                    INVALID_SUPPRESSION.at(
                        location,
                        f"malformed suppression comment `{line[start:].strip()}`; write "
                        "`# crlint: ignore[CR101] -- reason` or `# crlint: file-ignore[CR101]`",
                    )
                )
                break
            selectors = [s.strip() for s in parsed.group("rules").split(",") if s.strip()]
            if not selectors:
                problems.append(
                    INVALID_SUPPRESSION.at(
                        location, "suppression comment names no rule; name them: `ignore[CR101]`"
                    )
                )
                break
            rules: set[str] = set()
            for selector in selectors:
                try:
                    rules |= catalog.select(selector)
                except UnknownSelector as error:
                    message = f"suppression comment: {error}"
                    problems.append(INVALID_SUPPRESSION.at(location, message))
            if not rules:
                break
            target = _next_code_line(lines, number) if own_line else number
            last = node_ends.get(target, target)
            directives.append(
                Directive(
                    parsed.group("kind") == "file-ignore",
                    frozenset(rules),
                    target,
                    last,
                    location,
                    parsed.group("reason") or None,
                )
            )
            break
    return Suppressions(directives, problems)


def _next_code_line(lines: list[str], number: int) -> int:
    """The first line after `number` that is neither blank nor a comment."""
    for index in range(number, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index + 1
    return number
