"""SARIF, GitLab Code Quality and JSON reports: valid, complete, stable."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

from .conftest import FIXTURES, requires_sarif_schema, sarif_schema_file, write_tree

FIXTURE_DIRS = sorted(p for p in FIXTURES.glob("CR*/*") if p.is_dir())


@functools.cache
def validator() -> jsonschema.protocols.Validator:
    path = sarif_schema_file()
    assert path is not None
    schema = json.loads(path.read_text(encoding="utf-8-sig"))
    if "$schema" not in schema or "draft-04" in schema["$schema"]:
        return jsonschema.Draft7Validator(schema)  # the official file: as it was always read
    return jsonschema.validators.validator_for(schema)(schema)


def assert_valid_sarif(document: dict) -> None:
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@requires_sarif_schema
@pytest.mark.parametrize("case", FIXTURE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sarif_of_every_fixture_validates_against_the_schema(case, crlint):
    run = crlint("--format", "sarif", ".", cwd=case)
    assert_valid_sarif(run.json())


@requires_sarif_schema
def test_sarif_run_has_rules_indexes_base_ids_and_fingerprints(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".gitlab-ci.yml": "variables:\n  G: _grp\nbuild:\n  image: reg.example.com/$G/app\n  script: [x]\n",
            "bin/Dockerfile": b"\x00\x01",
        },
    )
    document = crlint("--format", "sarif", ".", cwd=tmp_path).json()
    assert_valid_sarif(document)
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    cr101 = next(r for r in rules if r["id"] == "CR101")
    assert cr101["name"] == "invalid-image-reference"
    assert cr101["help"]["markdown"].startswith("# CR101 invalid-image-reference")
    assert "distribution reference grammar" in cr101["fullDescription"]["text"]
    assert cr101["defaultConfiguration"]["level"] == "error"
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == "CR101"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": ".gitlab-ci.yml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 26, "endLine": 4, "endColumn": 28}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert len(result["partialFingerprints"]["crlint/v1"]) == 32
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert (
        notification["message"]["text"]
        == "bin/Dockerfile: not analysed: binary file (it contains NUL bytes)"
    )


def fingerprints(crlint, root: Path, fmt: str) -> list[str]:
    document = crlint("--format", fmt, ".", cwd=root).json()
    if fmt == "sarif":
        return [r["partialFingerprints"]["crlint/v1"] for r in document["runs"][0]["results"]]
    if fmt == "gitlab":
        return [issue["fingerprint"] for issue in document]
    return [f["fingerprint"] for f in document["findings"]]


@pytest.mark.parametrize("fmt", ["sarif", "gitlab", "json"])
def test_fingerprints_survive_lines_inserted_above(tmp_path, crlint, fmt):
    dockerfile = "FROM registry.example.com/_a/x\nFROM registry.example.com/_a/x\nFROM registry.example.com/_b/y\n"
    write_tree(tmp_path, {"Dockerfile": dockerfile})
    before = fingerprints(crlint, tmp_path, fmt)
    assert len(set(before)) == 3, "identical findings must still get distinct fingerprints"
    write_tree(tmp_path, {"Dockerfile": "# a new comment\nARG UNUSED=1\n\n" + dockerfile})
    assert fingerprints(crlint, tmp_path, fmt) == before


def test_gitlab_code_quality_issue_shape(tmp_path, crlint, monkeypatch):
    write_tree(tmp_path, {"svc/Dockerfile": "FROM registry.example.com/_a/x\n"})
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    issues = crlint("--format", "gitlab", ".", cwd=tmp_path / "svc").json()
    message = (
        "path component `_a` starts with an underscore; "
        "registry paths must start with a lowercase letter or digit"
    )
    assert issues == [
        {
            "type": "issue",
            "engine_name": "crlint",
            "check_name": "CR101",
            "description": "CR101: path component `_a` starts with an underscore",
            "content": {"body": issues[0]["content"]["body"]},
            "categories": ["Bug Risk"],
            "severity": "critical",
            "fingerprint": issues[0]["fingerprint"],
            "location": {"path": "svc/Dockerfile", "lines": {"begin": 1, "end": 1}},
        }
    ]
    body = issues[0]["content"]["body"]
    assert body.startswith(message + "\n\n# CR101 invalid-image-reference\n")
    assert "## How to fix" in body


def test_gitlab_descriptions_are_short_and_security_rules_say_so(tmp_path, crlint):
    long_name = "registry.example.com/platform/" + "a" * 120 + "_/app:1"
    ci = (
        "build:\n  image: " + long_name + "\n  script:\n"
        "    - docker login -u me -p hunter2 registry.example.com\n"
    )
    write_tree(tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": ci})
    issues = crlint("--format", "gitlab", ".", cwd=tmp_path).json()
    by_rule = {issue["check_name"]: issue for issue in issues}
    assert set(by_rule) == {"CR101", "CR401"}
    assert all(len(issue["description"]) <= 100 for issue in issues)
    assert by_rule["CR101"]["description"].endswith("…")
    assert by_rule["CR401"]["categories"] == ["Security"]
    assert by_rule["CR101"]["categories"] == ["Bug Risk"]


def test_gitlab_notes_are_info(tmp_path, crlint):
    write_tree(tmp_path, {".crlint.toml": "[levels]\nCR101 = 'note'\n", "Dockerfile": "FROM _x\n"})
    (issue,) = crlint("--format", "gitlab", ".", cwd=tmp_path).json()
    assert issue["severity"] == "info"


def test_gitlab_report_of_a_clean_run_is_an_empty_array(tmp_path, crlint):
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n"})
    run = crlint("--format", "gitlab", ".", cwd=tmp_path)
    assert run.out == "[]\n"
    assert not run.out.startswith("\ufeff")


def test_json_report_is_documented_shape(tmp_path, crlint):
    write_tree(tmp_path, {"Dockerfile": "FROM registry.example.com/_a/x\n", "e/.gitlab-ci.yml": ""})
    report = crlint("--format", "json", ".", cwd=tmp_path).json()
    assert set(report) == {
        "format", "tool", "findings", "skipped", "not_analysed", "errors", "summary",
    }  # fmt: skip
    (finding,) = report["findings"]
    assert set(finding) == {
        "rule", "name", "level", "message", "path", "line", "column",
        "end_line", "end_column", "fingerprint", "related", "fix",
    }  # fmt: skip
    assert finding["fix"] is None  # CR101 has no fix: the right name is the user's to choose
    assert report["summary"] == {"files": 1, "findings": 1, "error": 1, "warning": 0, "note": 0}
    assert report["skipped"] == [
        {"path": "e/.gitlab-ci.yml", "reason": "empty file", "warning": False}
    ]


def test_github_annotations_stay_within_what_github_shows(tmp_path, crlint):
    lines = "".join(f"FROM registry.example.com/_g{i}/x\n" for i in range(14))
    write_tree(tmp_path, {"Dockerfile": lines})
    out = crlint("--format", "github", ".", cwd=tmp_path).out.splitlines()
    assert sum(line.startswith("::error ") for line in out) == 10
    plain = [line for line in out if not line.startswith("::")]
    assert len(plain) == 4 and plain[0].startswith("Dockerfile:11:")
    assert out[-1].startswith("::notice title=crlint::4 more findings above in the log")
