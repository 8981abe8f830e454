"""One run, several reports: `--output-format FORMAT[:FILE]`, repeated.

A CI job wants the Code Quality artifact, SARIF and a readable log from one
run; each report must be exactly what a run asking for it alone writes.
"""

from __future__ import annotations

import json

import pytest

from .conftest import run_process, write_tree

BAD_CI = "build:\n  image: registry.example.com/_grp/app:1\n  script: [make]\n"


@pytest.fixture
def project(tmp_path):
    return write_tree(tmp_path / "repo", {".git/HEAD": "x\n", ".gitlab-ci.yml": BAD_CI})


def test_every_report_is_written_and_the_text_report_goes_to_standard_output(project, crlint):
    run = crlint(
        "--color", "never",
        "--output-format", "gitlab:reports/gl-code-quality-report.json",
        "--output-format", "sarif:crlint.sarif",
        cwd=project,
    )  # fmt: skip
    assert run.code == 1
    assert run.out.startswith(".gitlab-ci.yml:2:31: CR101 [error]")
    assert run.out == crlint("--color", "never", cwd=project).out
    quality = (project / "reports" / "gl-code-quality-report.json").read_text()
    assert quality == crlint("--format", "gitlab", cwd=project).out
    sarif = json.loads((project / "crlint.sarif").read_text())
    assert sarif == json.loads(crlint("--format", "sarif", cwd=project).out)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["CR101"]


def test_a_report_without_a_file_takes_standard_output_instead_of_the_text(project, crlint):
    run = crlint("--output-format", "json", "--output-format", "sarif:out.sarif", cwd=project)
    assert json.loads(run.out)["findings"][0]["rule"] == "CR101"
    assert (project / "out.sarif").is_file()
    both = crlint("--format", "json", "--output-format", "gitlab:gl.json", cwd=project)
    assert json.loads(both.out) == json.loads(run.out)
    assert json.loads((project / "gl.json").read_text())[0]["check_name"] == "CR101"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output-format", "json", "--output-format", "sarif"], "only one report can go to"),
        (["--output-format", "json:x", "--output-format", "sarif:x"], "two reports would be"),
    ],
)
def test_reports_that_would_collide_are_refused_before_linting(project, crlint, args, message):
    run = crlint(*args, cwd=project)
    assert run.code == 2 and message in run.err
    assert not (project / "x").exists()


def test_an_unknown_report_format_is_a_usage_error(project):
    run = run_process("--output-format", "xml:x", ".", cwd=project)
    assert run.code == 2 and "`xml` is not a report format" in run.err


def test_a_text_report_to_a_file_keeps_standard_output_empty(project, crlint):
    run = crlint("--output-format", "text:log.txt", "--output-format", "json:r.json", cwd=project)
    assert run.out == "" and (project / "log.txt").read_text().startswith(".gitlab-ci.yml:2:31:")
