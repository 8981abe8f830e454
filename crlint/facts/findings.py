"""Rules and findings: plain data that every report format renders."""

from __future__ import annotations

from crlint.facts.choice import Choice
from crlint.facts.locations import Location
from crlint.facts.record import Record


class Level(Choice):
    """Finding levels, named as SARIF names them."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Level.NOTE: 1, Level.WARNING: 2, Level.ERROR: 3}


class Rule(Record):
    """A rule's metadata. It is inert: enabling it is the configuration's business."""

    id: str
    name: str
    level: Level
    summary: str
    fixable: bool = False
    default_enabled: bool = True
    help_markdown: str | None = None
    """A plugin's rule page; built-in pages live in `rules/`."""
    once_per_run: bool = False
    """A fact about the whole run (the project's path): only its first finding is kept."""
    coverage: bool = False
    """Its findings say what crlint could not read, not what is wrong in the
    user's files: reported once as a notice (the log, SARIF notifications)
    unless the rule is selected by name (`--extend-select CR002`)."""
    security: bool = False
    """Its findings expose credentials or block authentication: reports file
    them as security problems (Code Quality `Security`, SARIF `security` tag)."""

    def at(
        self,
        location: Location,
        message: str,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
    ) -> Finding:
        return Finding(self, message, location, self.level, related, fix)


class Related(Record):
    """A second place that explains a finding (where a variable was set, say)."""

    location: Location
    message: str


class Edit(Record):
    """Replace the text at `location` (which must still read `original`) by `replacement`."""

    location: Location
    original: str
    replacement: str


def insertion_after(lines: list[str], path: str, line: int, text: str) -> Edit:
    """An edit adding `text` as the line(s) after line `line` (1-based) of a
    file whose lines are `lines`: inserted at that line's end, so a last line
    without a newline gets one."""
    end = len(lines[line - 1]) + 1
    return Edit(Location(path, line, end, line, end), "", "\n" + text)


class Fix(Record):
    """What would mend a finding: edits applied together, or not at all.

    A safe fix keeps what the pipeline does apart from the bug it fixes;
    an unsafe one may change more (a variable renamed where other lines
    read it too) and is applied only with `--unsafe-fixes`.
    """

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


class Finding(Record):
    rule: Rule
    message: str
    location: Location
    level: Level
    related: tuple[Related, ...] = ()
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule.id, self.message)
