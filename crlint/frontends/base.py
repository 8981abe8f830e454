"""What every frontend is and returns: `Frontend`, `Context`, `Extraction`.

Each frontend module exports a `FRONTEND`; `crlint.frontends.registry`
lists them by kind and imports each on first use, so linting one
Dockerfile never imports the YAML loader.
"""

from __future__ import annotations

from crlint.facts.model import FileFacts
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from crlint.discover.kinds import FileKind
    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.facts.findings import Finding
    from crlint.facts.model import Command, Project


class Context(Record):
    """What a frontend may know beyond the file itself."""

    ci_variables: Mapping[str, str]
    """Variables declared in configuration as set in the GitLab UI."""
    named: bool
    """True when the file name settled its kind; False when its content did."""
    files: SourceCache | None = None
    """Where to read other files a file makes part of itself (includes, scripts)."""
    root: str | None = None
    """The repository root, which `include: local` paths are relative to."""
    include_projects: Mapping[str, str] = {}
    """`include: project:` paths mapped to local directories (configuration)."""
    programs: frozenset[str] | None = None
    """The programs whose commands the run's checks read; None for every command."""
    project: Callable[[], Project] | None = None
    """The repository's own project, learnt when first asked (an `include:
    project:` naming it is a file of this repository)."""


def no_spans() -> Iterable[tuple[int, int]]:
    return ()


class Later(Record):
    """Commands a file's scripts run, worked out only when a check asks for commands."""

    commands: list[Command]
    related: Sequence[tuple[SourceFile, Callable[[], Iterable[tuple[int, int]]]]]
    """Scripts read because a command ran them, with their suppression spans."""
    notes: list[str]


class Extraction:
    """A frontend's result for one file.

    `spans` lists the (first, last) lines of the file's nodes (YAML entries,
    Dockerfile instructions, shell commands) that suppression comments
    cover; it is called only for files that contain a `crlint:` comment.
    `skipped` is set when the file turned out not to be crlint's business;
    `notes` are debug messages (shown with `--verbose`) about parts of the
    file that could not be read, such as a script line the shell model
    does not understand. `related` are the other files the analysis read
    (included CI files, scripts a job runs), with their suppression spans:
    findings may point into them. `covers` holds their real paths: a file
    analysed as part of another is not analysed again on its own. `later`
    works out the file's commands (see `Facts.commands`).
    """

    __slots__ = ("covers", "facts", "findings", "later", "notes", "related", "skipped", "spans")

    def __init__(
        self,
        facts: FileFacts | None = None,
        *,
        findings: list[Finding] | None = None,
        spans: Callable[[], Iterable[tuple[int, int]]] = no_spans,
        skipped: str | None = None,
        notes: list[str] | None = None,
        related: Sequence[tuple[SourceFile, Callable[[], Iterable[tuple[int, int]]]]] | None = None,
        later: Callable[[], Later] | None = None,
    ) -> None:
        self.facts = facts if facts is not None else FileFacts()
        self.findings = findings if findings is not None else []
        self.spans = spans
        self.skipped = skipped
        self.notes = notes if notes is not None else []
        self.related = list(related) if related is not None else []
        self.covers = frozenset(source.canonical for source, _ in self.related)
        self.later = later


def parse_error(source: SourceFile, message: str, line: int, column: int) -> Finding:
    """A CR001 finding at a syntax error, underlining the rest of its line."""
    from crlint.facts.engine_rules import PARSE_ERROR
    from crlint.facts.locations import Location

    text = source.line(line)
    end = max(len(text) + 1, column + 1)
    return PARSE_ERROR.at(Location(source.path, line, column, line, end), message)


class Edited(Record):
    """A fixed text beside its original, both with `\n` line endings."""

    before: str
    after: str
    path: str
    edited: list[tuple[int, int]]
    """The edited ranges, as offsets in `before`."""
    inserted: list[tuple[int, int]]
    """Where each edit's new text sits, as offsets in `after`."""


class Frontend(Record):
    """A file kind's frontend: what reads it, and what checks a fix of it."""

    kind: FileKind
    extract: Callable[[SourceFile, Context], Extraction]
    verify_fix: Callable[[Edited], str | None] | None = None
    """Why a fixed text would not mean what the original did beyond its
    edits (a YAML structure, a script's commands, a Dockerfile's
    instructions that would change), or None if it would; None for a kind
    whose files no fix edits."""
