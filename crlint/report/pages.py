"""Rule pages: the Markdown in `rules/` that `explain`, SARIF `help` and tests read.

The pages ship inside the wheel as `crlint/rule_pages/` (hatch
`force-include`); in a source checkout they are read from `rules/` beside
the package, so an editable install and a wheel behave the same.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

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
_HEADING = re.compile(r"## +(.+?)\s*$", re.M)
"""A section heading, where it starts a line (see `_at_line_starts`)."""


@lru_cache(maxsize=1)
def pages_directory() -> str | None:
    """Where the pages are: the same for every page of a run (a SARIF report reads all)."""
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
    matches = [
        match
        for match in _HEADING.finditer(markdown)
        if match.start() == 0 or markdown[match.start() - 1] == "\n"
    ]
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(markdown)
        found[match.group(1)] = markdown[match.end() : end].strip()
    return found


# What `plain_text` removes where a line starts. Each is searched for by what
# it starts with and kept where that is not a line's start: a pattern that
# starts with `^` is tried at every character, six times slower, and a SARIF
# report converts every rule's page.
_FENCE_OPENING = re.compile(r"```[^\n]*\n")
_FENCE_CLOSING = re.compile(r"```\s*$", re.M)
_HEADING_MARK = re.compile(r"#+ +")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_BLANK_LINES = re.compile(r"\n\n\n+")


def plain_text(markdown: str) -> str:
    """Markdown made readable as plain text (SARIF `help.text`, terminals)."""
    text = _at_line_starts(_FENCE_OPENING, markdown)
    text = _at_line_starts(_FENCE_CLOSING, text)
    text = _at_line_starts(_HEADING_MARK, text)
    text = _LINK.sub(r"\1 (\2)", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _at_line_starts(pattern: re.Pattern[str], text: str) -> str:
    """`text` less the matches of `pattern` that start a line (as `^` in
    multi-line mode would have them; none of these patterns can match across
    a line start, so a match kept hides none)."""

    def removed(match: re.Match[str]) -> str:
        start = match.start()
        return "" if start == 0 or text[start - 1] == "\n" else match.group()

    return pattern.sub(removed, text)
