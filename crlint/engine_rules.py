"""Rules the engine itself reports, rather than a check over facts."""

from __future__ import annotations

from crlint.findings import Level, Rule

PARSE_ERROR = Rule(
    "CR001",
    "parse-error",
    Level.ERROR,
    "A file crlint must read (CI configuration, Dockerfile, manifest) cannot be parsed.",
)

INVALID_SUPPRESSION = Rule(
    "CR003",
    "invalid-suppression",
    Level.WARNING,
    "A `# crlint:` comment is malformed or names a rule that does not exist.",
)

UNUSED_SUPPRESSION = Rule(
    "CR004",
    "unused-suppression",
    Level.NOTE,
    "A `# crlint: ignore[...]` comment suppresses nothing.",
    default_enabled=False,
)

ENGINE_RULES = (PARSE_ERROR, INVALID_SUPPRESSION, UNUSED_SUPPRESSION)
