"""The command line contract: formats, exit codes, colour, rules, explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crlint import __version__

from .conftest import run_process, write_tree

BAD_CI = "build:\n  image: registry.example.com/_grp/app:1.0\n  script: [make]\n"


@pytest.fixture
def project(tmp_path):
    return write_tree(
        tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": BAD_CI, "Dockerfile": "FROM alpine\n"}
    )


def test_text_format_shows_location_source_line_caret_and_summary(project, crlint):
    run = crlint("--color", "never", cwd=project)
    assert run.code == 1
    assert run.out == (
        ".gitlab-ci.yml:2:31: CR101 [error] path component `_grp` starts with an underscore; "
        "registry paths must start with a lowercase letter or digit\n"
        "   |\n"
        " 2 |   image: registry.example.com/_grp/app:1.0\n"
        "   |" + " " * 31 + "^^^^\n"
        "\n"
        "Found 1 problem (1 error) in 1 of 2 files.\n"
    )


def test_clean_run_says_so_and_exits_zero(tmp_path, crlint):
    write_tree(tmp_path, {"Dockerfile": "FROM alpine:3.20\n"})
    run = crlint("--color", "never", cwd=tmp_path)
    assert (run.code, run.out) == (0, "No problems found in 1 file.\n")


@pytest.mark.parametrize(
    ("fail_level", "code"), [("error", 1), ("warning", 1), ("note", 1), ("never", 0)]
)
def test_fail_level_is_inclusive(project, crlint, fail_level, code):
    assert crlint("--fail-level", fail_level, cwd=project).code == code


def test_fail_level_above_the_findings_passes(tmp_path, crlint):
    write_tree(tmp_path, {".crlint.toml": "[levels]\nCR101 = 'note'\n", "Dockerfile": "FROM _x\n"})
    assert crlint("--fail-level", "warning", cwd=tmp_path).code == 0
    assert crlint("--fail-level", "note", cwd=tmp_path).code == 1


def test_statistics_prints_only_an_aligned_table_per_rule(tmp_path, crlint):
    ci = "variables:\n  V: $CI_COMMIT_REF_NAME\nbuild:\n  script:\n    - docker push r.io/_a/b:$V\n"
    write_tree(
        tmp_path, {".git/HEAD": "x\n", ".gitlab-ci.yml": ci, "Dockerfile": "FROM _x\nFROM _y\n"}
    )
    run = crlint("--statistics", "--color", "never", cwd=tmp_path)
    assert run.code == 1
    assert run.out == (
        "3  CR101  [error]    invalid-image-reference\n1  CR103  [warning]  branch-name-in-image\n"
    )
    assert crlint("--statistics", cwd=tmp_path / ".git").out == ""


def test_exit_zero_passes_with_findings_but_not_when_crlint_cannot_run(project, crlint):
    assert crlint("--exit-zero", cwd=project).code == 0
    assert crlint("--exit-zero", "--select", "CR999", cwd=project).code == 2


def test_crlint_on_its_own_repository_is_clean(crlint):
    run = crlint("--color", "never", cwd=Path(__file__).resolve().parent.parent)
    assert run.code == 0 and run.out.startswith("No problems found"), run.out


def test_output_file_is_written_and_stdout_stays_empty(project, crlint):
    run = crlint("--format", "sarif", "--output", "report.sarif", cwd=project)
    assert run.code == 1 and run.out == ""
    document = json.loads((project / "report.sarif").read_text())
    assert document["runs"][0]["results"][0]["ruleId"] == "CR101"
    assert not list(project.glob(".crlint-*")), "temporary file left behind"


def test_github_annotations(project, crlint):
    run = crlint("--format", "github", cwd=project)
    assert run.out == (
        "::error file=.gitlab-ci.yml,line=2,endLine=2,col=31,endColumn=34,"
        "title=CR101 invalid-image-reference::path component `_grp` starts with an underscore; "
        "registry paths must start with a lowercase letter or digit\n"
    )


def test_colour_follows_the_terminal_and_no_color(project):
    plain = run_process(cwd=project)
    assert "\x1b[" not in plain.out  # not a terminal
    forced = run_process("--color", "always", cwd=project, env={"NO_COLOR": "1"})
    assert "\x1b[1;31mCR101\x1b[0m" in forced.out
    env_forced = run_process(cwd=project, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in env_forced.out


def test_version(crlint):
    with pytest.raises(SystemExit) as exit_info:
        crlint("--version")
    assert exit_info.value.code == 0


def test_version_output():
    assert run_process("--version").out.strip() == f"crlint {__version__}"


def test_rules_lists_every_rule(crlint):
    run = crlint("rules", "--format", "json")
    listing = run.json()
    assert [r["id"] for r in listing] == sorted(r["id"] for r in listing)
    cr101 = next(r for r in listing if r["id"] == "CR101")
    assert cr101 == {
        "id": "CR101",
        "name": "invalid-image-reference",
        "level": "error",
        "fixable": False,
        "enabled_by_default": True,
        "summary": cr101["summary"],
    }
    text = crlint("rules").out
    assert "CR101  invalid-image-reference" in text


def test_explain_prints_the_rule_page_by_id_or_name(crlint):
    by_id = crlint("explain", "CR101")
    by_name = crlint("explain", "invalid-image-reference")
    assert by_id.code == 0 and by_id.out == by_name.out
    assert by_id.out.startswith("# CR101 invalid-image-reference\n")
    assert "## How to fix" in by_id.out


def test_explain_unknown_rule_is_a_usage_error(crlint):
    run = crlint("explain", "CR999")
    assert run.code == 2 and "`CR999` is not a rule" in run.err


def test_bad_option_is_a_usage_error():
    run = run_process("--format", "xml")
    assert run.code == 2 and "invalid choice" in run.err


def test_check_subcommand_is_the_default(project, crlint):
    assert crlint("check", ".", cwd=project).code == 1


def test_internal_errors_exit_2_with_a_message_not_a_traceback(project, monkeypatch, crlint):
    from crlint.frontends.gitlab_ci import frontend as gitlab_ci

    def explode(*_args):
        raise RuntimeError("boom")

    monkeypatch.setattr(gitlab_ci, "FRONTEND", gitlab_ci.FRONTEND._replace(extract=explode))
    run = crlint("--format", "sarif", cwd=project)
    assert run.code == 2
    assert "internal error while reading .gitlab-ci.yml: RuntimeError: boom" in run.err
    assert "Traceback" not in run.err
    sarif = json.loads(run.out)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False


def test_empty_files_are_skipped_without_a_word_unless_verbose(tmp_path, crlint):
    # 243 lines of `skipped: empty file` on one Django repository
    write_tree(
        tmp_path,
        {"app/__init__.py": "", "pkg/__init__.py": "\n", "arch.Dockerfile.dockerignore": "",
         "Dockerfile": "FROM alpine:3.20\n"},
    )  # fmt: skip
    quiet = crlint(".", cwd=tmp_path)
    assert quiet.code == 0 and quiet.err == ""
    verbose = crlint("--verbose", ".", cwd=tmp_path)
    assert "app/__init__.py: skipped: empty file" in verbose.err
    # a `.dockerignore` is not a Dockerfile, whatever its name holds
    assert "dockerignore" not in verbose.err
