"""A plugin check: images tagged `latest` (speaks crlint's facts, nothing else)."""

from __future__ import annotations

from collections.abc import Iterator

from crlint.checks.base import Check
from crlint.facts.findings import Finding, Level, Rule
from crlint.facts.model import Facts, known_text

RULE = Rule(
    "DEMO001",
    "latest-tag",
    Level.WARNING,
    "An image is pulled by the moving `latest` tag.",
    help_markdown="# DEMO001 latest-tag\n\n## What it does\n\nFlags `:latest`.\n",
)


def check(facts: Facts) -> Iterator[Finding]:
    for image in facts.images:
        text = known_text(image.parts)
        if text is not None and text.endswith(":latest"):
            yield RULE.at(
                image.written.location(), f"`{text}` is pulled by the moving `latest` tag"
            )


CHECKS = [Check((RULE,), check)]
