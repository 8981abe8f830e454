"""GitLab Code Quality: the JSON array the merge-request widget reads.

`artifacts: reports: codequality:` wants one JSON array, no byte-order mark,
each issue with `description`, `check_name`, `fingerprint`, `severity` and
`location.path` + `location.lines.begin`. The widget shows one line per
issue, so `description` is the rule id and the message's first clause,
under a hundred characters (the widget does not show `check_name`); the
whole message and the rule's page are `content.body`, which the issue's
details show. Paths are the repository's (`crlint.report.rooted`).
"""

from __future__ import annotations

import json

from crlint.facts.findings import Level
from crlint.report.fingerprint import fingerprints

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crlint.engine.outcome import Outcome
    from crlint.facts.findings import Finding, Rule
    from crlint.report import Style

SEVERITIES = {Level.ERROR: "critical", Level.WARNING: "major", Level.NOTE: "info"}
DESCRIPTION_LENGTH = 100


def render(outcome: Outcome, style: Style) -> str:
    return json.dumps(issues(outcome, style.rule_pages), indent=2, ensure_ascii=False) + "\n"


def issues(outcome: Outcome, rule_pages: str | None = None) -> list[dict[str, Any]]:
    """The Code Quality issues; with `rule_pages` (`--rule-pages`), each body
    ends with a link to its rule's published page."""
    prints = fingerprints(outcome.findings, outcome.sources)
    pages: dict[str, str] = {}
    result = []
    for finding, fingerprint in zip(outcome.findings, prints, strict=True):
        location = finding.location
        rule = finding.rule
        if rule.id not in pages:
            pages[rule.id] = _page(rule, rule_pages)
        result.append(
            {
                "type": "issue",
                "engine_name": "crlint",
                "check_name": rule.id,
                "description": description(finding),
                "content": {"body": f"{finding.message}\n\n{pages[rule.id]}".rstrip() + "\n"},
                "categories": ["Security"] if rule.security else ["Bug Risk"],
                "severity": SEVERITIES[finding.level],
                "fingerprint": fingerprint,
                "location": {
                    "path": location.path,
                    "lines": {"begin": location.line, "end": location.end_line},
                },
            }
        )
    return result


def description(finding: Finding) -> str:
    """`CR101: ` and the message up to its first `; ` or `. `, cut at a word
    to fit `DESCRIPTION_LENGTH`."""
    message = finding.message
    cut = min((i for i in (message.find("; "), message.find(". ")) if i > 0), default=-1)
    first = message[:cut] if cut > 0 else message.rstrip(".")
    text = f"{finding.rule.id}: {first}"
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    shortened = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0]
    return shortened.rstrip(" ,;:") + "…"


def _page(rule: Rule, rule_pages: str | None) -> str:
    from crlint.report import pages

    text = pages.page(rule) or f"# {rule.id} {rule.name}\n\n{rule.summary}"
    url = pages.url(rule_pages, rule)
    return text if url is None else f"{text.rstrip()}\n\n[{rule.id} on its page]({url})"
