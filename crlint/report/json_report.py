"""crlint's own JSON format (documented in the README, stable within a major version)."""

from __future__ import annotations

import json
from collections import Counter

from crlint import __version__
from crlint.report.fingerprint import fingerprints

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crlint.engine.outcome import Outcome
    from crlint.facts.findings import Fix
    from crlint.facts.locations import Location
    from crlint.report import Style

FORMAT_VERSION = 1


def render(outcome: Outcome, style: Style) -> str:
    del style
    return json.dumps(document(outcome), indent=2, ensure_ascii=False) + "\n"


def _region(location: Location) -> dict[str, Any]:
    return {
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }


def _fix(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [
            {**_region(edit.location), "original": edit.original, "replacement": edit.replacement}
            for edit in fix.edits
        ],
    }


def document(outcome: Outcome) -> dict[str, Any]:
    prints = fingerprints(outcome.findings, outcome.sources)
    findings = [
        {
            "rule": finding.rule.id,
            "name": finding.rule.name,
            "level": finding.level.value,
            "message": finding.message,
            **_region(finding.location),
            "fingerprint": fingerprint,
            "related": [
                {**_region(related.location), "message": related.message}
                for related in finding.related
            ],
            "fix": _fix(finding.fix),
        }
        for finding, fingerprint in zip(outcome.findings, prints, strict=True)
    ]
    levels = Counter(finding.level.value for finding in outcome.findings)
    return {
        "format": FORMAT_VERSION,
        "tool": {"name": "crlint", "version": __version__},
        "findings": findings,
        "skipped": [
            {"path": s.path, "reason": s.reason, "warning": s.unanalysable} for s in outcome.skipped
        ],
        "not_analysed": [
            {
                "rule": n.rule.id,
                "message": n.message,
                "path": n.location.path,
                "line": n.location.line,
                "column": n.location.column,
            }
            for n in outcome.notices
        ],
        "errors": [error.splitlines()[0] for error in outcome.errors],
        "summary": {
            "files": len(outcome.sources),
            "findings": len(findings),
            "error": levels.get("error", 0),
            "warning": levels.get("warning", 0),
            "note": levels.get("note", 0),
        },
    }
