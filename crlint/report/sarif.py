"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers ingest it.

One run; every rule of the run in `tool.driver.rules` (sorted by id, so
`ruleIndex` is stable) with its page as `help`; paths relative to
`%SRCROOT%`, the repository root (`crlint.report.rooted`), with
`originalUriBaseIds`; regions in Unicode code points; line-independent
`partialFingerprints`; files that could not be analysed as
`toolExecutionNotifications`.
"""

from __future__ import annotations

import json
import os

from crlint import __version__
from crlint.facts.findings import Level
from crlint.report import pages
from crlint.report.fingerprint import fingerprints

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crlint.engine.outcome import Outcome
    from crlint.facts.findings import Edit, Finding, Fix, Rule
    from crlint.facts.locations import Location
    from crlint.report import Style

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://pypi.org/project/container-registry-lint/"
# GitHub ranks security alerts by this score: 7.0 to 8.9 is "high", 4.0 to 6.9 "medium".
SECURITY_SEVERITY = {Level.ERROR: "8.0", Level.WARNING: "5.0", Level.NOTE: "2.0"}


def render(outcome: Outcome, style: Style) -> str:
    return json.dumps(document(outcome, style.rule_pages), indent=2, ensure_ascii=False) + "\n"


def document(outcome: Outcome, rule_pages: str | None = None) -> dict[str, Any]:
    """The SARIF log; with `rule_pages` (`--rule-pages`), every rule's `helpUri`."""
    catalog = outcome.catalog
    prints = fingerprints(outcome.findings, outcome.sources)
    results = [
        _result(finding, catalog.index[finding.rule.id], fingerprint)
        for finding, fingerprint in zip(outcome.findings, prints, strict=True)
    ]
    notifications = [
        {
            "level": "warning",
            "message": {"text": f"{skipped.path}: not analysed: {skipped.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(skipped.path)}}],
            "descriptor": {"id": "file-not-analysed"},
        }
        for skipped in outcome.skipped
        if skipped.unanalysable
    ]
    notifications.extend(
        {
            "level": "note",
            "message": {"text": notice.message},
            "locations": [_location(notice.location)],
            "descriptor": {"id": notice.rule.name},
        }
        for notice in outcome.notices
    )
    notifications.extend(
        {
            "level": "error",
            "message": {"text": error.splitlines()[0]},
            "descriptor": {"id": "internal-error"},
        }
        for error in outcome.errors
    )
    root = _file_uri(outcome.cwd).rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "crlint",
                "informationUri": INFORMATION_URI,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(rule, rule_pages) for rule in catalog.rules],
            }
        },
        "automationDetails": {"id": "crlint/"},
    }
    provenance = _provenance(outcome.root)
    if provenance is not None:
        run["versionControlProvenance"] = [provenance]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                **run,
                "originalUriBaseIds": {SRCROOT: {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": outcome.successful,
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }


def _rule(rule: Rule, rule_pages: str | None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {
            "level": rule.level.value,
            "enabled": rule.default_enabled,
        },
        "properties": {"tags": ["container-registry"], "fixable": rule.fixable},
    }
    url = pages.url(rule_pages, rule)
    if url is not None:
        descriptor["helpUri"] = url
    if rule.security:
        descriptor["properties"]["tags"].append("security")
        descriptor["properties"]["security-severity"] = SECURITY_SEVERITY[rule.level]
    markdown = pages.page(rule)
    if markdown:
        what = pages.sections(markdown).get("What it does")
        descriptor["fullDescription"] = {"text": pages.plain_text(what or rule.summary)}
        descriptor["help"] = {"text": pages.plain_text(markdown), "markdown": markdown}
    else:
        descriptor["fullDescription"] = {"text": rule.summary}
    return descriptor


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": finding.level.value,
        # The rule's name first: viewers that group results by the start of
        # their message (sarif-tools) put a rule's results together.
        "message": {"text": f"{finding.rule.name}: {finding.message}"},
        "locations": [_location(finding.location)],
        "partialFingerprints": {"crlint/v1": fingerprint},
    }
    if finding.fix is not None:
        result["fixes"] = [_fix(finding.fix)]
    if finding.related:
        result["relatedLocations"] = [
            {**_location(related.location), "id": index, "message": {"text": related.message}}
            for index, related in enumerate(finding.related)
        ]
    return result


def _provenance(root: str | None) -> dict[str, Any] | None:
    """The repository and commit the run looked at, read offline from `.git`.

    The remote is named by host and path only: a URL written with a user or a
    token in it (`https://ci:glpat-…@host/…`) must not reach a report."""
    if root is None:
        return None
    from crlint.discover.project import head, parse_remote_url, remote_url

    url = remote_url(root)
    remote = parse_remote_url(url) if url is not None else None
    if remote is None:
        return None
    provenance: dict[str, Any] = {
        "repositoryUri": f"https://{remote.host}/{remote.path}",
        "mappedTo": {"uriBaseId": SRCROOT},
    }
    commit, branch = head(root)
    if commit is not None:
        provenance["revisionId"] = commit
    if branch is not None:
        provenance["branch"] = branch
    return provenance


def _fix(fix: Fix) -> dict[str, Any]:
    """A SARIF fix: one `artifactChange` per file, its edits as `replacements`."""
    by_path: dict[str, list[Edit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.location.path, []).append(edit)
    description = fix.description if fix.safe else f"{fix.description} (unsafe: review it)"
    return {
        "description": {"text": description},
        "artifactChanges": [
            {
                "artifactLocation": _artifact(path),
                "replacements": [
                    {
                        "deletedRegion": _location(edit.location)["physicalLocation"]["region"],
                        "insertedContent": {"text": edit.replacement},
                    }
                    for edit in edits
                ],
            }
            for path, edits in by_path.items()
        ],
    }


def _location(location: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact(location.path),
            "region": {
                "startLine": max(location.line, 1),
                "startColumn": max(location.column, 1),
                "endLine": max(location.end_line, location.line, 1),
                "endColumn": max(location.end_column, 1),
            },
        }
    }


def _artifact(path: str) -> dict[str, Any]:
    if path == "-":
        return {"uri": "stdin"}
    if os.path.isabs(path):
        return {"uri": _file_uri(path)}
    return {"uri": _quote(path), "uriBaseId": SRCROOT}


# RFC 3986 unreserved characters plus `/`; everything else is percent-encoded.
# (Written out rather than importing urllib.parse, which costs ~10 ms.)
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def _quote(path: str) -> str:
    return "".join(chr(b) if b in _SAFE else f"%{b:02X}" for b in path.encode("utf-8"))


def _file_uri(path: str) -> str:
    absolute = os.path.abspath(path).replace(os.sep, "/")
    if not absolute.startswith("/"):  # a Windows drive path
        absolute = "/" + absolute
    return "file://" + _quote(absolute)
