"""Rules the engine itself reports, rather than a check over facts."""

from __future__ import annotations

from crlint.facts.findings import Level, Rule

PARSE_ERROR = Rule(
    "CR001",
    "parse-error",
    Level.ERROR,
    "A file crlint must read (CI configuration, Dockerfile, manifest) cannot be parsed.",
)

UNRESOLVED_INCLUDE = Rule(
    "CR002",
    "unresolved-include",
    Level.NOTE,
    "An `include:` crlint cannot read offline (project, remote, template, component); "
    "what it defines is not analysed.",
    coverage=True,
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

INVALID_PIPELINE = Rule(
    "CR005",
    "invalid-pipeline",
    Level.ERROR,
    "GitLab rejects the pipeline before any job runs: a missing local include, too many "
    "includes, an include, `extends` or `!reference` cycle, `extends` or script lists nested "
    "too deep, `extends` naming no job, a `!reference` to nothing, a job with nothing to run.",
)

ENGINE_RULES = (
    PARSE_ERROR,
    UNRESOLVED_INCLUDE,
    INVALID_SUPPRESSION,
    UNUSED_SUPPRESSION,
    INVALID_PIPELINE,
)
