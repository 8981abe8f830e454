"""CR301 on the corpus as its repositories hold it, against FACTS.tsv, and --fix on it.

The corpus keeps each file under a flattened name; here every file goes
back to its path in its repository (`source` in FACTS.tsv), each
repository with a `.git`, so a pipeline reads the files it includes
(christianTragesser's `.gitlab-ci.yml` gets its kaniko job from
`kaniko.yml`).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from .conftest import CORPUS, requires_shared

pytestmark = requires_shared

# Files FACTS.tsv calls kaniko runs without GODEBUG that crlint does not
# report, and why.
NOT_REPORTED = {
    # Invalid YAML (`metadata:` indented under `kind: Pod`): a CR001 finding instead.
    "k8s/rudradevpal__cicd-platform__kaniko.yml",
    # Runs kaniko by `kubectl apply` of a Pod template rendered from
    # /usr/local/bin/kaniko-pod.yml; that template
    # (k8s/lukas-pastva__sys-gitlab-runner__kaniko-pod.yml) is where
    # GODEBUG belongs, and crlint reports it there.
    "shell/lukas-pastva__sys-gitlab-runner__build-k8s.sh",
}


def rows() -> dict[str, dict[str, str]]:
    with (CORPUS / "FACTS.tsv").open(encoding="utf-8") as handle:
        return {row["local_name"]: row for row in csv.DictReader(handle, delimiter="\t")}


def rebuild(root: Path) -> dict[str, str]:
    """The corpus laid out as its repositories; corpus name → path under `root`."""
    placed = {}
    for name, row in rows().items():
        if not (CORPUS / name).is_file():
            continue
        repository, _, rest = row["source"].partition(":")
        path = rest.rpartition("@")[0]
        target = root / repository.replace("/", "__") / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, target)
        (root / repository.replace("/", "__") / ".git").mkdir(exist_ok=True)
        placed[name] = target.relative_to(root).as_posix()
    return placed


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("repositories")
    return root, rebuild(root)


def cr301(run_json: dict) -> list[dict]:
    return [f for f in run_json["findings"] if f["rule"] == "CR301"]


def touched(finding: dict) -> set[str]:
    """The files a finding is about: where it points, and what its fix edits."""
    paths = {finding["path"]}
    if finding["fix"]:
        paths |= {edit["path"] for edit in finding["fix"]["edits"]}
    return paths


def test_cr301_agrees_with_facts(rebuilt, crlint):
    root, placed = rebuilt
    findings = cr301(crlint("--format", "json", "--select", "CR301", ".", cwd=root).json())
    reported = set().union(*(touched(f) for f in findings))
    facts = rows()
    for name, path in placed.items():
        row = facts[name]
        if row["uses_kaniko"] == "y" and row["kaniko_godebug_set"] == "n":
            assert (path in reported) != (name in NOT_REPORTED), name
        elif row["kaniko_godebug_set"] == "na":
            assert path not in reported, name
    assert len(reported) >= 15


def inspected(crlint, repository: Path) -> dict:
    return crlint("inspect", "--format", "json", ".", cwd=repository).json()["jobs"]


def without_godebug(jobs: dict) -> dict:
    """Jobs as `inspect` shows them, GODEBUG and line numbers (which a new line moves) aside."""
    return {
        name: {
            "image": job["image"],
            "services": job["services"],
            "variables": {k: v["value"] for k, v in job["variables"].items() if k != "GODEBUG"},
            "commands": [(c["argv"], c["path"]) for c in job["commands"]],
        }
        for name, job in jobs.items()
    }


def test_fix_sets_godebug_and_changes_nothing_else(rebuilt, crlint, tmp_path):
    root, _ = rebuilt
    fixed_any = 0
    for repository in sorted(p.parent for p in root.glob("*/.gitlab-ci.yml")):
        copy = tmp_path / repository.name
        shutil.copytree(repository, copy)
        before = inspected(crlint, copy)
        findings = cr301(crlint("--format", "json", "--select", "CR301", ".", cwd=copy).json())
        if not any(f["fix"] for f in findings):
            continue
        crlint("--fix", "--select", "CR301", ".", cwd=copy)
        after = inspected(crlint, copy)
        # the same jobs, commands, images and variables, GODEBUG aside …
        assert without_godebug(after) == without_godebug(before), repository.name
        fixed_jobs = {f["message"].split("`")[1] for f in findings if f["fix"]}
        for name in fixed_jobs & after.keys():  # … which turns HTTP/2 off
            assert after[name]["variables"]["GODEBUG"]["value"].endswith("http2client=0"), name
        again = cr301(crlint("--format", "json", "--select", "CR301", ".", cwd=copy).json())
        assert not [f for f in again if f["path"].endswith((".yml", ".yaml"))], repository.name
        fixed_any += 1
    assert fixed_any >= 2


def test_the_rebuilt_corpus_reports_valid_json(rebuilt, crlint):
    root, _ = rebuilt
    json.dumps(crlint("--format", "json", ".", cwd=root).json())
