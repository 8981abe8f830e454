"""Finding identities that survive edits elsewhere in the file.

SARIF `partialFingerprints`, GitLab Code Quality `fingerprint` and the JSON
report share one identity: a hash of the rule, the path, the finding's
source text (whitespace folded) and its occurrence index among findings
with the same three. Never the line number: an edit above a finding must
not turn it into "resolved + new" in a merge request widget.
"""

from __future__ import annotations

# The built-in SHA-256 costs a third of `hashlib`'s import (which loads OpenSSL).
try:
    from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import sha256  # type: ignore[assignment, unused-ignore]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.facts.findings import Finding

VERSION = "v1"


def region_text(finding: Finding, source: SourceFile | None) -> str:
    """The text a finding's region covers, whitespace folded."""
    if source is None or not source.text:
        return finding.message
    location = finding.location
    first = source.line(location.line)
    if location.end_line == location.line:
        text = first[location.column - 1 : location.end_column - 1]
    else:
        text = first[location.column - 1 :]
    folded = " ".join(text.split())
    return folded or " ".join(first.split()) or finding.message


def fingerprints(findings: list[Finding], sources: dict[str, SourceFile]) -> list[str]:
    """One fingerprint per finding, in the same order."""
    counts: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        path = finding.location.path
        key = (finding.rule.id, path, region_text(finding, sources.get(path)))
        occurrence = counts.get(key, 0)
        counts[key] = occurrence + 1
        payload = "\0".join((VERSION, *key, str(occurrence)))
        result.append(sha256(payload.encode("utf-8")).hexdigest()[:32])
    return result
