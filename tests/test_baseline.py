"""Adopting crlint where findings already exist: `--write-baseline`, then `--baseline`.

Only what a change adds fails the pipeline; findings stay known when lines
move above them or crlint runs from another directory, since the baseline
holds the reports' line-independent fingerprints.
"""

from __future__ import annotations

from .conftest import run_process, write_tree

CI = "build:\n  image: registry.example.com/_grp/app:1\n  script: [make]\n"


def test_only_findings_the_baseline_does_not_know_are_reported(tmp_path, crlint):
    repo = write_tree(tmp_path / "repo", {".git/HEAD": "x\n", "ci/.gitlab-ci.yml": CI})
    written = crlint("--write-baseline", "crlint-baseline.json", ".", cwd=repo)
    assert written.code == 0 and "1 finding recorded" in written.err
    assert crlint("--baseline", "crlint-baseline.json", ".", cwd=repo).code == 0
    (repo / "ci" / ".gitlab-ci.yml").write_text("# moved down\n\n" + CI)
    moved = crlint("--baseline", "../crlint-baseline.json", ".", cwd=repo / "ci")
    assert moved.code == 0 and "1 finding in the baseline not shown" in moved.err
    (repo / "Dockerfile").write_text("FROM registry.example.com/_new/x\n")
    added = crlint("--format", "json", "--baseline", "crlint-baseline.json", ".", cwd=repo)
    assert added.code == 1
    assert [(f["path"], f["rule"]) for f in added.json()["findings"]] == [("Dockerfile", "CR101")]


def test_a_file_that_is_not_a_baseline_is_a_usage_error(tmp_path):
    repo = write_tree(tmp_path, {".gitlab-ci.yml": CI, "list.json": "[1, 2]\n", "bad.json": "{"})
    for name in ("list.json", "bad.json", "missing.json"):
        run = run_process("--baseline", name, ".", cwd=repo)
        assert run.code == 2 and "Traceback" not in run.err and name in run.err
