"""What crlint could not read is said once, not reported as problems in the user's files.

An `include:` read over the network or from another project (CR002) leaves
part of the pipeline unseen; that is worth knowing, but 43 of 81 results on
the corpus were such notes, each a Code Quality issue and a code-scanning
alert. They are a count in the log and SARIF notifications, and findings
only where CR002 is selected by name.
"""

from __future__ import annotations

import json

from .conftest import write_tree

CI = (
    "include:\n  - remote: https://example.com/ci/base.yml\n"
    "  - project: acme/templates\n    file: /docker.yml\n"
    "build:\n  image: registry.example.com/_grp/app:1\n  script: [make]\n"
)


def test_unread_includes_are_a_count_in_the_log_and_not_findings(tmp_path, crlint):
    write_tree(tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": CI})
    run = crlint("--format", "json", ".", cwd=tmp_path)
    report = run.json()
    assert [f["rule"] for f in report["findings"]] == ["CR101"]
    assert [(n["rule"], n["line"]) for n in report["not_analysed"]] == [("CR002", 2), ("CR002", 3)]
    assert run.err.count("crlint: note:") == 1
    assert "2 includes were not analysed" in run.err
    quality = crlint("--format", "gitlab", ".", cwd=tmp_path).json()
    assert [issue["check_name"] for issue in quality] == ["CR101"]


def test_sarif_lists_them_as_notifications(tmp_path, crlint):
    write_tree(tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": CI})
    (sarif,) = json.loads(crlint("--format", "sarif", ".", cwd=tmp_path).out)["runs"]
    assert [r["ruleId"] for r in sarif["results"]] == ["CR101"]
    notes = sarif["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [
        ("note", "unresolved-include")
    ] * 2
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_selected_by_name_they_are_findings_and_fail_a_note_level(tmp_path, crlint):
    write_tree(tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": CI.replace("_grp", "grp")})
    assert crlint("--fail-level", "note", ".", cwd=tmp_path).code == 0
    run = crlint("--format", "json", "--extend-select", "CR002", ".", cwd=tmp_path)
    assert [f["rule"] for f in run.json()["findings"]] == ["CR002", "CR002"]
    assert run.json()["not_analysed"] == []
    write_tree(tmp_path, {".crlint.toml": 'extend-select = ["CR002"]\n'})
    assert crlint("--fail-level", "note", ".", cwd=tmp_path).code == 1
