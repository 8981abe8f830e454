"""Report formats: every format renders the same `Outcome`.

Each module has `render(outcome, style) -> str`; they are imported on
demand so a text run never imports hashlib or the SARIF builder. Every
format but text sees the outcome from the repository root (`rooted`);
`fingerprint` gives findings their line-independent identity, which
`baseline` records and filters on; `pages` reads the rule pages.
"""

from __future__ import annotations

import sys

from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.outcome import Outcome

FORMATS = {
    "text": "crlint.report.text",
    "json": "crlint.report.json_report",
    "sarif": "crlint.report.sarif",
    "gitlab": "crlint.report.gitlab",
    "github": "crlint.report.github",
}


class Style(Record):
    color: bool = False
    statistics: bool = False
    rule_pages: str | None = None
    """Where the rule pages are published (`--rule-pages`): a rule's page is
    `<rule_pages>/<id>.md`. crlint has no public home of its own, so a link
    to a page exists only where whoever runs it says where its pages are."""


def render(format_name: str, outcome: Outcome, style: Style) -> str:
    name = FORMATS[format_name]
    if format_name != "text":
        from crlint.report.rooted import from_root

        outcome = from_root(outcome)
    __import__(name)
    text: str = sys.modules[name].render(outcome, style)
    return text
