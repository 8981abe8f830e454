"""crlint on the real-world corpus: no crash, valid reports, agreement with FACTS.tsv."""

from __future__ import annotations

import csv
import json

import pytest

from .conftest import CORPUS, run_process
from .test_reports import assert_valid_sarif

if not CORPUS.is_dir():  # pragma: no cover - the corpus ships beside the project
    pytest.skip("../shared/corpus is not present", allow_module_level=True)


def facts() -> dict[str, dict[str, str]]:
    with (CORPUS / "FACTS.tsv").open(encoding="utf-8") as handle:
        return {row["local_name"]: row for row in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="module")
def report() -> dict:
    run = run_process("--format", "json", str(CORPUS), cwd=CORPUS)
    assert run.code in (0, 1), run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    return json.loads(run.out)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "github"])
def test_every_format_completes_and_is_valid(fmt):
    run = run_process("--format", fmt, "--color", "never", ".", cwd=CORPUS)
    assert run.code in (0, 1)
    assert "Traceback" not in run.err and "internal error" not in run.err
    if fmt == "sarif":
        assert_valid_sarif(json.loads(run.out))
    elif fmt == "gitlab":
        issues = json.loads(run.out)
        assert isinstance(issues, list)
        assert len({i["fingerprint"] for i in issues}) == len(issues)
    elif fmt == "json":
        json.loads(run.out)


# A `.golden` file is a test's expected output, which crlint has no reason to read.
NOT_OURS = {"manifest/docker__cli__cli__command__manifest__testdata__inspect-manifest-list.golden"}
# A `.yml` that only its content says is a Pod, and that is not valid YAML
# (`metadata:` indented under `kind: Pod`): a file whose kind was only
# guessed and does not parse is skipped with its reason, not reported.
BROKEN_POD = "k8s/rudradevpal__cicd-platform__kaniko.yml"


def test_every_corpus_file_is_analysed(report):
    listed = set(facts())
    analysed = {path for path in listed if (CORPUS / path).is_file()} - NOT_OURS - {BROKEN_POD}
    skipped = {s["path"] for s in report["skipped"]}
    assert not (skipped & analysed), f"corpus files skipped: {sorted(skipped & analysed)}"
    assert report["summary"]["files"] == len(analysed)


def by_file(report: dict, rule: str) -> set[str]:
    return {f["path"] for f in report["findings"] if f["rule"] == rule}


def test_cr101_agrees_with_image_ref_bad_path(report):
    rows = facts()
    flagged = by_file(report, "CR101")
    expected = {name for name, row in rows.items() if row["image_ref_bad_path"] == "y"}
    false_alarms = {name for name in flagged if rows.get(name, {}).get("image_ref_bad_path") == "n"}
    assert not false_alarms
    assert expected <= flagged


def test_no_parse_error_and_the_guessed_broken_pod_is_skipped_with_its_reason(report):
    assert by_file(report, "CR001") == set()
    (skip,) = [s for s in report["skipped"] if s["path"] == BROKEN_POD]
    assert skip["reason"] == (
        "read as kubernetes from its content, but invalid YAML: mapping values are not "
        "allowed in this context"
    )
    assert not skip["warning"]


def test_cr103_agrees_with_unsafe_ref_var_in_tag(report):
    rows = facts()
    flagged = by_file(report, "CR103")
    false_alarms = {n for n in flagged if rows.get(n, {}).get("unsafe_ref_var_in_tag") == "n"}
    assert not false_alarms
    # The one `y`: time-IO writes `$CI_COMMIT_REF_NAME` into a `.env` file with
    # `echo`, for `docker compose build` to read; crlint does not read compose
    # files or follow values through files, so this is a known miss.
    assert (
        "gitlab-ci/time-IO__tsm-orchestration__.gitlab__ci__02-build.gitlab-ci.yml" not in flagged
    )


def test_project_rules_stay_silent_without_a_project(report):
    # The corpus is not a repository: no `.git/config`, no `project-path`.
    assert by_file(report, "CR102") == by_file(report, "CR104") == by_file(report, "CR402") == set()


# Issue 6's columns: a file FACTS.tsv marks `y` must be reported, one marked
# `n` must not (unless listed, with the reason, below).
COLUMNS = {
    "CR201": "manifest_list_cross_repo",
    "CR203": "old_docker_engine",
    "CR205": "skopeo_copy_single_arch",
    "CR401": "docker_login_password_arg",
}
# `podman login --username … --password ${CI_REGISTRY_PASSWORD}` (L25-26): a
# password argument all the same; the column, named for `docker login`, says n.
DISAGREE = {("CR401", "gitlab-ci/kerrys-learning-lab__GitLab-CI__.gitlab-ci__image.gitlab-ci.yml")}


@pytest.mark.parametrize(("rule", "column"), sorted(COLUMNS.items()))
def test_issue_6_rules_agree_with_facts(report, rule, column):
    rows = facts()
    flagged = by_file(report, rule)
    for name, row in rows.items():
        if (rule, name) in DISAGREE:
            assert name in flagged
        elif row[column] == "y":
            assert name in flagged, name
        elif row[column] in ("n", "na"):
            assert name not in flagged, name


def test_schema_v1_manifests_are_errors(report):
    rows = facts()
    errors = {
        f["path"] for f in report["findings"] if f["rule"] == "CR202" and f["level"] == "error"
    }
    assert errors == {name for name, row in rows.items() if row["schema_v1"] == "y"}
