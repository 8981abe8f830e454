"""GitLab Code Quality: the JSON array the merge-request widget reads.

`artifacts: reports: codequality:` wants one JSON array, no byte-order mark,
each issue with `description`, `check_name`, `fingerprint`, `severity` and
`location.path` + `location.lines.begin`. The rule id leads the description
because the widget does not show `check_name`. Paths are relative to
`$CI_PROJECT_DIR` when it is set, the working directory otherwise.
"""

from __future__ import annotations

import json

from crlint.facts.findings import Level
from crlint.report.fingerprint import fingerprints

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crlint.engine.outcome import Outcome
    from crlint.report import Style

SEVERITIES = {Level.ERROR: "critical", Level.WARNING: "major", Level.NOTE: "minor"}


def render(outcome: Outcome, style: Style) -> str:
    del style
    return json.dumps(issues(outcome), indent=2, ensure_ascii=False) + "\n"


def issues(outcome: Outcome) -> list[dict[str, Any]]:
    prints = fingerprints(outcome.findings, outcome.sources)
    result = []
    for finding, fingerprint in zip(outcome.findings, prints, strict=True):
        location = finding.location
        result.append(
            {
                "type": "issue",
                "engine_name": "crlint",
                "check_name": finding.rule.id,
                "description": f"{finding.rule.id} {finding.rule.name}: {finding.message}",
                "categories": ["Bug Risk"],
                "severity": SEVERITIES[finding.level],
                "fingerprint": fingerprint,
                "location": {
                    "path": location.path,
                    "lines": {"begin": location.line, "end": location.end_line},
                },
            }
        )
    return result
