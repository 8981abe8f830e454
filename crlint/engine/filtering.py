"""Findings in report order: one per rule, place and message."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from crlint.facts.findings import Finding


def merged(*groups: Iterable[Finding]) -> list[Finding]:
    """Findings in report order: one per rule, place and message; a rule
    reported once per run (`Rule.once_per_run`) keeps only its first."""
    kept: dict[tuple[object, ...], Finding] = {}
    once: set[str] = set()
    for finding in (finding for group in groups for finding in group):
        rule = finding.rule
        if rule.once_per_run:
            if rule.id in once:
                continue
            once.add(rule.id)
        kept.setdefault((rule.id, finding.location, finding.message), finding)
    return sorted(kept.values(), key=lambda f: f.sort_key())
