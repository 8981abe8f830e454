"""GitHub Actions workflow commands: annotations on the pull request's diff.

GitHub shows at most ten annotations of each kind (error, warning, notice)
from one step, and fifty from a job; more are dropped without a word. So at
most ten of each kind are annotations (nine notices, one being kept for the
summary), the others are plain lines of the log, and one notice says how
many there are and where to find them.
"""

from __future__ import annotations

from crlint.facts.findings import Level

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.outcome import Outcome
    from crlint.report import Style

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}
PER_KIND = 10
"""Annotations GitHub shows of each kind from one step."""


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(outcome: Outcome, style: Style) -> str:
    del style
    lines = []
    shown: dict[Level, int] = {}
    rest: list[str] = []
    for finding in outcome.findings:
        where = finding.location
        limit = PER_KIND - 1 if finding.level is Level.NOTE else PER_KIND
        if shown.get(finding.level, 0) >= limit:
            rest.append(
                f"{where.path}:{where.line}:{where.column}: {finding.rule.id} "
                f"[{finding.level}] {finding.message}"
            )
            continue
        shown[finding.level] = shown.get(finding.level, 0) + 1
        properties = ",".join(
            (
                f"file={_property(where.path)}",
                f"line={where.line}",
                f"endLine={where.end_line}",
                f"col={where.column}",
                # GitHub's end column is inclusive; crlint's is exclusive.
                f"endColumn={max(where.end_column - 1, where.column)}",
                f"title={_property(f'{finding.rule.id} {finding.rule.name}')}",
            )
        )
        lines.append(f"::{COMMANDS[finding.level]} {properties}::{_data(finding.message)}")
    if rest:
        lines.extend(rest)
        more = f"{len(rest)} more finding{'s' if len(rest) != 1 else ''}"
        lines.append(
            f"::notice title=crlint::{more} above in the log: GitHub annotates "
            f"{PER_KIND} of each kind per step (the SARIF report has them all)"
        )
    return "".join(line + "\n" for line in lines)
