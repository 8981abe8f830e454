"""Baselines: adopting crlint on a repository that already has findings.

`--write-baseline FILE` records the fingerprints of today's findings;
`--baseline FILE` then reports only findings that are not in it, so a
pipeline fails on what a change adds and not on what was there before.
The fingerprints are the reports' own (`crlint.report.fingerprint`): the
rule, the path from the repository root, the finding's text and its
occurrence, never the line, so findings stay known as lines move.
"""

from __future__ import annotations

import json

from crlint.report.fingerprint import fingerprints
from crlint.report.rooted import from_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.outcome import Outcome

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be read (exit code 2)."""


def identities(rooted: Outcome) -> list[str]:
    """The fingerprint of each finding of an outcome seen from the root, in its order."""
    return fingerprints(rooted.findings, rooted.sources)


def document(outcome: Outcome) -> str:
    rooted = from_root(outcome)
    entries = {
        fingerprint: {"rule": f.rule.id, "path": f.location.path}
        for f, fingerprint in zip(rooted.findings, identities(rooted), strict=True)
    }
    return json.dumps({"format": FORMAT, "fingerprints": entries}, indent=2, sort_keys=True) + "\n"


def read(path: str) -> frozenset[str]:
    try:
        with open(path, "rb") as stream:
            data = stream.read(64 << 20)
        loaded = json.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BaselineError(f"cannot read the baseline {path}: {error}") from None
    found = loaded.get("fingerprints") if isinstance(loaded, dict) else None
    if not isinstance(found, dict) or loaded.get("format") != FORMAT:
        raise BaselineError(f"{path} is not a crlint baseline (write one with --write-baseline)")
    return frozenset(found)


def without(outcome: Outcome, known: frozenset[str]) -> int:
    """Drop the outcome's findings the baseline knows; how many were dropped."""
    prints = identities(from_root(outcome))
    kept = [f for f, i in zip(outcome.findings, prints, strict=True) if i not in known]
    dropped = len(outcome.findings) - len(kept)
    outcome.findings = kept
    return dropped
