"""`--fix` and `--diff`: what is written, what is kept, what is refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crlint.discover.sources import SourceFile
from crlint.facts.findings import Edit, Fix, Level, Rule
from crlint.facts.locations import Location
from crlint.fix import apply as fixing

from .conftest import requires_sarif_schema, run_process, write_tree
from .test_reports import assert_valid_sarif

PIPELINE = """\
variables:
  TAG: $CI_COMMIT_REF_NAME  # the branch

build:
  image: docker:27
  script:
    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_BRANCH"
"""
FIXED = PIPELINE.replace("$CI_COMMIT_BRANCH", "$CI_COMMIT_REF_SLUG")


def repository(tmp_path: Path, text: str = PIPELINE) -> Path:
    case = write_tree(tmp_path, {".gitlab-ci.yml": text})
    (case / ".git").mkdir()
    return case


def test_fix_writes_safe_fixes_and_reports_what_is_left(tmp_path, crlint):
    case = repository(tmp_path)
    run = crlint("--fix", "--select", "CR103", ".", cwd=case)
    assert (case / ".gitlab-ci.yml").read_text() == FIXED
    assert "fixed 1 problem in 1 file" in run.err
    assert "No problems found" in run.out  # TAG is never used in an image
    assert run.code == 0


def test_diff_prints_the_change_and_writes_nothing(tmp_path, crlint):
    case = repository(tmp_path)
    run = crlint("--diff", "--select", "CR103", ".", cwd=case)
    assert run.out.splitlines()[:2] == ["--- a/.gitlab-ci.yml", "+++ b/.gitlab-ci.yml"]
    assert '-    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_BRANCH"' in run.out.splitlines()
    assert '+    - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG"' in run.out.splitlines()
    assert run.code == 1
    assert (case / ".gitlab-ci.yml").read_text() == PIPELINE
    assert crlint("--diff", "--select", "CR101", ".", cwd=case).code == 0


def test_unsafe_fixes_only_when_asked(tmp_path, crlint):
    text = PIPELINE.replace("$CI_COMMIT_BRANCH", "$TAG")
    case = repository(tmp_path, text)
    safe = crlint("--fix", "--select", "CR103", ".", cwd=case)
    assert (case / ".gitlab-ci.yml").read_text() == text
    assert "1 more fixable with `crlint --fix --unsafe-fixes`" in safe.out
    crlint("--fix", "--unsafe-fixes", "--select", "CR103", ".", cwd=case)
    assert (case / ".gitlab-ci.yml").read_text() == text.replace(
        "TAG: $CI_COMMIT_REF_NAME", "TAG: $CI_COMMIT_REF_SLUG"
    )


def test_unsafe_fixes_alone_is_a_usage_error(tmp_path, crlint):
    assert crlint("--unsafe-fixes", ".", cwd=repository(tmp_path)).code == 2


def test_line_endings_byte_order_mark_and_mode_are_kept(tmp_path, crlint):
    case = repository(tmp_path)
    path = case / ".gitlab-ci.yml"
    path.write_bytes(b"\xef\xbb\xbf" + PIPELINE.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    crlint("--fix", "--select", "CR103", ".", cwd=case)
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in case.iterdir() if p.name.startswith(".crlint")] == []


def test_stdin_fix_prints_the_fixed_text(tmp_path):
    run = run_process(
        "--fix", "--select", "CR103", "--stdin-filename", ".gitlab-ci.yml", "-",
        cwd=tmp_path, stdin=PIPELINE.encode(),
    )  # fmt: skip
    assert run.out == FIXED
    assert run.code == 0


@requires_sarif_schema
def test_sarif_carries_fixes_as_artifact_changes(tmp_path, crlint):
    case = repository(tmp_path)
    document = crlint("--format", "sarif", "--select", "CR103", ".", cwd=case).json()
    assert_valid_sarif(document)
    (result,) = document["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == ".gitlab-ci.yml"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 7, "startColumn": 39, "endLine": 7, "endColumn": 56},
            "insertedContent": {"text": "$CI_COMMIT_REF_SLUG"},
        }
    ]


RULE = Rule("CR999", "test-rule", Level.WARNING, "a rule for tests", fixable=True)


def finding_with_edits(path: str, *edits: tuple[int, int, int, str, str]):
    """A finding whose fix replaces (line, column, end_column, original) by a text."""
    fix = Fix(
        "test",
        tuple(
            Edit(Location(path, line, column, line, end), original, replacement)
            for line, column, end, original, replacement in edits
        ),
    )
    return RULE.at(Location.point(path, edits[0][0], edits[0][1]), "message", fix=fix)


def source_of(case: Path, name: str, kind: str = "gitlab-ci") -> dict[str, SourceFile]:
    path = case / name
    return {name: SourceFile(name, str(path), path.read_text(), kind)}


def test_a_file_changed_since_it_was_linted_is_not_touched(tmp_path):
    case = write_tree(tmp_path, {"ci.yml": "a: 1\nb: 2\n"})
    sources = source_of(case, "ci.yml")
    (case / "ci.yml").write_text("a: 1\nb: 3\n")
    plan = fixing.plan([finding_with_edits("ci.yml", (1, 4, 5, "1", "7"))], sources, False)
    assert plan.changes == []


def test_an_edit_whose_original_text_is_gone_is_not_applied(tmp_path):
    case = write_tree(tmp_path, {"ci.yml": "a: 1\n"})
    plan = fixing.plan(
        [finding_with_edits("ci.yml", (1, 4, 5, "9", "7"))], source_of(case, "ci.yml"), False
    )
    assert plan.changes == []


def test_overlapping_fixes_wait_for_the_next_round(tmp_path):
    case = write_tree(tmp_path, {"ci.yml": "a: abc\n"})
    first = finding_with_edits("ci.yml", (1, 4, 6, "ab", "xy"))
    second = finding_with_edits("ci.yml", (1, 5, 7, "bc", "zz"))
    plan = fixing.plan([first, second], source_of(case, "ci.yml"), False)
    (change,) = plan.changes
    assert change.after == "a: xyc\n"
    assert plan.waiting == [second]


def test_the_same_edit_from_two_findings_is_applied_once(tmp_path):
    case = write_tree(tmp_path, {"ci.yml": "a: abc\n"})
    edit = (1, 4, 6, "ab", "xy")
    plan = fixing.plan(
        [finding_with_edits("ci.yml", edit), finding_with_edits("ci.yml", edit)],
        source_of(case, "ci.yml"),
        False,
    )
    assert plan.changes[0].after == "a: xyc\n"
    assert plan.waiting == []


def test_a_fix_that_would_change_the_yaml_structure_is_refused(tmp_path):
    case = write_tree(tmp_path, {"ci.yml": "a: x\nb: y\n"})
    broken = finding_with_edits("ci.yml", (1, 4, 5, "x", "[x"))
    restructured = finding_with_edits("ci.yml", (2, 4, 5, "y", "{c: 1}"))
    plan = fixing.plan([broken], source_of(case, "ci.yml"), False)
    assert plan.changes == []
    assert "not be valid YAML" in plan.problems[0]
    plan = fixing.plan([restructured], source_of(case, "ci.yml"), False)
    assert plan.changes == [] and "structure would change" in plan.problems[0]


def test_a_fix_that_would_split_a_script_differently_is_refused(tmp_path):
    case = write_tree(tmp_path, {"ci.sh": "docker push a/b\n"})
    split = finding_with_edits("ci.sh", (1, 13, 16, "a/b", "a/b; rm -rf x"))
    plan = fixing.plan([split], source_of(case, "ci.sh", "shell"), False)
    assert plan.changes == [] and "commands would change" in plan.problems[0]


def test_fix_is_atomic_when_the_directory_cannot_be_written(tmp_path, crlint):
    if os.geteuid() == 0:  # root writes anywhere
        return
    case = repository(tmp_path)
    case.chmod(0o555)
    try:
        run = crlint("--fix", "--select", "CR103", ".", cwd=case)
    finally:
        case.chmod(0o755)
    assert run.code == 2 and "cannot write .gitlab-ci.yml" in run.err
    assert (case / ".gitlab-ci.yml").read_text() == PIPELINE
