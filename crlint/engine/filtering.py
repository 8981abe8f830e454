"""Findings in report order: one per rule, place and message."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

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


def notices_apart(
    findings: list[Finding], explicit: Callable[[str], frozenset[str]]
) -> tuple[list[Finding], list[Finding]]:
    """Results, and the coverage findings (`Rule.coverage`) that are notices:
    those whose rule the finding's file does not select by name (`explicit`)."""
    results: list[Finding] = []
    notices: list[Finding] = []
    for finding in findings:
        rule = finding.rule
        if rule.coverage and rule.id not in explicit(finding.location.path):
            notices.append(finding)
        else:
            results.append(finding)
    return results, notices
