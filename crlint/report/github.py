"""GitHub Actions workflow commands: annotations on the pull request's diff."""

from __future__ import annotations

from crlint.facts.findings import Level

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.outcome import Outcome
    from crlint.report import Style

COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(outcome: Outcome, style: Style) -> str:
    del style
    lines = []
    for finding in outcome.findings:
        where = finding.location
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
    return "".join(line + "\n" for line in lines)
