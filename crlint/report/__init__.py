"""Report formats: every format renders the same `Outcome`.

Each module has `render(outcome, style) -> str`; they are imported on
demand so a text run never imports hashlib or the SARIF builder.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from crlint.lint import Outcome

FORMATS = {
    "text": "crlint.report.text",
    "json": "crlint.report.json_report",
    "sarif": "crlint.report.sarif",
    "gitlab": "crlint.report.gitlab",
    "github": "crlint.report.github",
}


class Style(NamedTuple):
    color: bool = False
    statistics: bool = False
    verbose: bool = False


def render(format_name: str, outcome: Outcome, style: Style) -> str:
    module = import_module(FORMATS[format_name])
    text: str = module.render(outcome, style)
    return text
