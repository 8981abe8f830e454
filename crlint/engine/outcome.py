"""What a run is asked (`Request`) and what it gives a report (`Outcome`)."""

from __future__ import annotations

from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.load import Skipped
    from crlint.discover.sources import SourceFile
    from crlint.engine.catalog import Catalog
    from crlint.engine.settings import Layer
    from crlint.facts.findings import Finding


class UsageError(Exception):
    """A request crlint cannot carry out (exit code 2)."""


class Request(Record):
    paths: tuple[str, ...]
    cli: Layer
    stdin_filename: str | None = None
    force_exclude: bool = False
    config_file: str | None = None


class Outcome:
    """Everything a report needs from a run."""

    def __init__(self, catalog: Catalog, cwd: str) -> None:
        self.catalog = catalog
        self.cwd = cwd
        self.findings: list[Finding] = []
        self.notices: list[Finding] = []
        """Findings about what crlint could not read (`Rule.coverage`), unless
        selected: said once, not reported as problems in the user's files."""
        self.sources: dict[str, SourceFile] = {}
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.root: str | None = None
        """The repository's root, which machine-read reports name paths from
        (`crlint.report.rooted`); None where the run does not know one."""

    @property
    def successful(self) -> bool:
        return not self.errors
