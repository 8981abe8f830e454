"""Units: the analyses a run is made of, and their states.

A unit is a pipeline with the files it includes and the scripts its jobs
run, or a file on its own; a file another unit covers is not a unit of its
own. Each unit is checked as soon as it is read and its analysis released,
which keeps a run's memory flat and lets `crlint.engine.parallel` lint
shares of a large run apart.
"""

from __future__ import annotations

from crlint.facts.choice import Choice
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.engine.settings import Settings
    from crlint.engine.suppressions import Suppressions
    from crlint.facts.findings import Finding
    from crlint.frontends import base as frontends


class LintedFile(Record):
    source: SourceFile
    settings: Settings
    suppressions: Suppressions | None


class UnitState(Choice):
    """Where a unit is on its way through the run."""

    COVERED = "covered"
    """Covered by another unit when it was read: never extracted."""
    DROPPED = "dropped"
    """Read, then covered: a script a job checked before it ran (not checked),
    or a file a unit read after it includes (its findings are not reported)."""
    KEPT = "kept"
    """Checked: its findings are reported."""


class Unit:
    """One analysis: a file on its own, with the files it includes and the scripts
    its jobs run. Checks see one unit's facts at a time, so units can be
    analysed apart (in parallel), and a unit whose file another unit covers
    is dropped whole."""

    __slots__ = (
        "claims", "extraction", "findings", "includes", "registered", "settings", "source", "state",
    )  # fmt: skip

    def __init__(
        self,
        source: SourceFile,
        settings: Settings | None,
        extraction: frontends.Extraction | None,
        state: UnitState,
    ) -> None:
        self.source = source
        self.settings = settings
        self.extraction = extraction
        """What its frontend read, until it is checked (then released: a run
        of thousands of files holds one unit's analysis at a time)."""
        self.state = state
        covers = extraction.covers if extraction is not None else frozenset()
        self.includes = covers - {source.canonical}
        """The other files its analysis read (included CI files)."""
        self.findings: list[Finding] = []
        self.claims: set[str] = set()
        """Scripts its jobs ran: their own analyses are dropped."""
        self.registered: list[str] = []
        """Files findings of this unit may point into (shown paths)."""
