"""Corpus CI files as their own projects' pipelines: the project rules, and --fix on real files.

The corpus has no `.git`, so crlint cannot tell which project a file belongs
to and the project rules (CR102, CR104, CR402) stay silent on it as shipped.
Here each CI file becomes the `.gitlab-ci.yml` of a repository whose
`project-path` is the one `FACTS.tsv` names as its source (the GitHub path,
taken to be the GitLab path too), on gitlab.com's registry. What the rules
find was checked by hand against each file.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from .conftest import CORPUS, requires_shared

GOLDEN = Path(__file__).resolve().parent / "golden"
PROJECT_RULES = "CR102,CR103,CR104,CR402"


def ci_files() -> dict[str, str]:
    """Each corpus CI file's name and its source project's path."""
    if not CORPUS.is_dir():
        return {}
    with (CORPUS / "FACTS.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {
            row["local_name"]: row["source"].partition(":")[0]
            for row in rows
            if row["local_name"].startswith("gitlab-ci/")
        }


def as_own_pipeline(name: str, project: str, tmp_path: Path) -> Path:
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / ".git").mkdir()
    shutil.copy(CORPUS / name, repository / ".gitlab-ci.yml")
    (repository / ".crlint.toml").write_text(
        f'project-path = "{project}"\nregistry = "registry.gitlab.com"\n', encoding="utf-8"
    )
    return repository


# name: (line, rule) of every finding, checked by hand.
EXPECTED: dict[str, list[tuple[int, str]]] = {
    # Nothing: christianTragesser's builder image (line 26) and strowi's (161)
    # are written out, but only pulled (CR104 speaks of pushes: a fork pulls
    # its upstream's images by their full path); `rpm verify fips`
    # (gitlab-runner, line 180) runs an image of another group, and the
    # fargate fork pulls its upstream's CI image from gitlab-org itself, whose
    # projects are public (CR402).
}


@requires_shared
@pytest.mark.parametrize(("name", "project"), sorted(ci_files().items()))
def test_project_rules_on_each_file_as_its_projects_pipeline(name, project, tmp_path, crlint):
    repository = as_own_pipeline(name, project, tmp_path)
    run = crlint("--format", "json", "--select", PROJECT_RULES, ".", cwd=repository)
    found = [(f["line"], f["rule"]) for f in run.json()["findings"]]
    assert found == EXPECTED.get(name, [])


# Real files whose --fix result is kept as a golden file, with the project
# each is linted as: where the registry path they spell out is the project's own.
FIXED = {
    # CR301: GODEBUG added to the job that runs kaniko.
    "gitlab-ci/christianTragesser__gitlab-ci-templates__kaniko.yml": (
        "christianTragesser/gitlab-ci-templates"
    ),
    # CR301: one command line in an anchor two jobs merge, each with `variables:`
    # of its own (a merge key replaces the anchor's): GODEBUG in both jobs; the
    # anchor is no template of its own.
    "gitlab-ci/kingdon-ci__kaniko-builder__.gitlab-ci.yml": "kingdon-ci/kaniko-builder",
    # CR205: `--all` after `skopeo copy`, inside a `|` block of a job script.
    "gitlab-ci/kerrys-learning-lab__GitLab-CI__.gitlab-ci__image.gitlab-ci.yml": (
        "kerrys-learning-lab/GitLab-CI"
    ),
}


@requires_shared
@pytest.mark.parametrize(("name", "project"), sorted(FIXED.items()))
def test_fix_on_real_files_matches_the_golden_file(name, project, tmp_path, crlint):
    repository = as_own_pipeline(name, project, tmp_path)
    pipeline = repository / ".gitlab-ci.yml"
    crlint("--fix", "--fail-level", "never", ".", cwd=repository)
    golden = GOLDEN / (Path(name).name + ".fixed")
    assert pipeline.read_bytes() == golden.read_bytes()
    assert pipeline.read_bytes() != (CORPUS / name).read_bytes()
    again = crlint("--fix", "--fail-level", "never", ".", cwd=repository)
    assert pipeline.read_bytes() == golden.read_bytes()
    assert "fixed" not in again.err
