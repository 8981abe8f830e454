"""Rule pages: the Markdown in `rules/` that `explain`, SARIF `help` and tests read.

The pages ship inside the wheel as `crlint/rule_pages/` (hatch
`force-include`); in a source checkout they are read from `rules/` beside
the package, so an editable install and a wheel behave the same.
"""

from __future__ import annotations

import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.findings import Rule

SECTIONS = (
    "What it does",
    "What it does not report",
    "Why it fails at push/pull time",
    "Bad example",
    "Good example",
    "How to fix",
)
_HEADING = re.compile(r"^## +(.+?)\s*$", re.M)


def pages_directory() -> str | None:
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # crlint/
    for candidate in (
        os.path.join(package, "rule_pages"),
        os.path.join(os.path.dirname(package), "rules"),
    ):
        if os.path.isdir(candidate):
            return candidate
    return None


def page(rule: Rule) -> str | None:
    """The Markdown page of a rule, or None if it has none."""
    if rule.help_markdown is not None:
        return rule.help_markdown
    directory = pages_directory()
    if directory is None:
        return None
    try:
        with open(os.path.join(directory, f"{rule.id}.md"), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def url(published_at: str | None, rule: Rule) -> str | None:
    """A rule's page where the pages are published (`--rule-pages`), if said."""
    if not published_at:
        return None
    return f"{published_at.rstrip('/')}/{rule.id}.md"


def sections(markdown: str) -> dict[str, str]:
    """A page's `## Section` bodies by heading."""
    found: dict[str, str] = {}
    matches = list(_HEADING.finditer(markdown))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(markdown)
        found[match.group(1)] = markdown[match.end() : end].strip()
    return found


def plain_text(markdown: str) -> str:
    """Markdown made readable as plain text (SARIF `help.text`, terminals)."""
    text = re.sub(r"^```[^\n]*\n", "", markdown, flags=re.M)
    text = re.sub(r"^```\s*$", "", text, flags=re.M)
    text = re.sub(r"^#+ +", "", text, flags=re.M)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
