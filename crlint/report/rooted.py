"""A run's outcome with its paths relative to the repository root.

Machine-read reports (JSON, SARIF, Code Quality, GitHub annotations) name
files as the repository does, whatever directory crlint ran in: a finding
keeps its path and its fingerprint when the job `cd`s into `ci/`, SARIF's
`%SRCROOT%` is the repository, and Code Quality paths are what GitLab
matches against the merge request's diff. The text report keeps paths
relative to the working directory, which is what a terminal can open.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.outcome import Outcome
    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location


def from_root(outcome: Outcome) -> Outcome:
    """The outcome as seen from `outcome.root` (itself when that is the working directory)."""
    root = outcome.root
    if root is None or os.path.normpath(root) == os.path.normpath(outcome.cwd):
        return outcome
    from crlint.engine.outcome import Outcome

    def path(shown: str) -> str:
        if shown == "-":
            return shown
        absolute = os.path.normpath(os.path.join(outcome.cwd, shown))
        relative = os.path.relpath(absolute, root)
        if relative == ".." or relative.startswith(".." + os.sep):
            return absolute
        return relative.replace(os.sep, "/")

    def located(location: Location) -> Location:
        return location._replace(path=path(location.path))

    def finding(found: Finding) -> Finding:
        fix = found.fix
        if fix is not None:
            edits = tuple(e._replace(location=located(e.location)) for e in fix.edits)
            fix = fix._replace(edits=edits)
        related = tuple(r._replace(location=located(r.location)) for r in found.related)
        return found._replace(location=located(found.location), related=related, fix=fix)

    rooted = Outcome(outcome.catalog, root)
    rooted.root = root
    rooted.findings = [finding(found) for found in outcome.findings]
    rooted.notices = [finding(found) for found in outcome.notices]
    rooted.sources = {path(shown): source for shown, source in outcome.sources.items()}
    rooted.skipped = [s._replace(path=path(s.path)) for s in outcome.skipped]
    rooted.notes = outcome.notes
    rooted.errors = outcome.errors
    return rooted
