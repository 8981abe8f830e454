"""Reports name files from the repository root, whatever directory crlint ran in.

The text report keeps paths a terminal in the working directory can open;
JSON, SARIF, Code Quality and GitHub annotations name them as the
repository does, so a finding keeps its path and fingerprint when a job
runs crlint from `ci/`, and `CI_PROJECT_DIR`/`GITHUB_WORKSPACE` say where
the checkout is when set.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .conftest import write_tree

CI = "build:\n  image: registry.example.com/_grp/app:1\n  script: [make]\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return write_tree(tmp_path / "repo", {".git/HEAD": "x\n", "ci/build.gitlab-ci.yml": CI})


def findings(run):
    return [(f["path"], f["fingerprint"]) for f in run.json()["findings"]]


def test_json_paths_and_fingerprints_do_not_depend_on_the_working_directory(repo, crlint):
    from_root = findings(crlint("--format", "json", "ci/build.gitlab-ci.yml", cwd=repo))
    from_ci = findings(crlint("--format", "json", "build.gitlab-ci.yml", cwd=repo / "ci"))
    assert from_root == from_ci and from_root[0][0] == "ci/build.gitlab-ci.yml"
    text = crlint("--color", "never", "build.gitlab-ci.yml", cwd=repo / "ci").out
    assert text.startswith("build.gitlab-ci.yml:2:31: CR101")  # a terminal's own directory


def test_sarif_code_quality_and_annotations_name_files_from_the_root(repo, crlint):
    sarif = json.loads(crlint("--format", "sarif", "build.gitlab-ci.yml", cwd=repo / "ci").out)
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "ci/build.gitlab-ci.yml", "uriBaseId": "%SRCROOT%"}
    quality = json.loads(crlint("--format", "gitlab", "build.gitlab-ci.yml", cwd=repo / "ci").out)
    assert quality[0]["location"]["path"] == "ci/build.gitlab-ci.yml"
    github = crlint("--format", "github", "build.gitlab-ci.yml", cwd=repo / "ci").out
    assert github.startswith("::error file=ci/build.gitlab-ci.yml,line=2,")


def test_the_ci_checkout_directory_is_the_root_when_set(repo, crlint, monkeypatch):
    monkeypatch.setenv("CI_PROJECT_DIR", str(repo / "ci"))
    assert findings(crlint("--format", "json", ".", cwd=repo))[0][0] == "build.gitlab-ci.yml"


_PATH_PIECES = ["a", "b.yml", "/", "..", ".", "./", "é", "-", " ", "//", "\udcff"]


@given(st.lists(st.sampled_from(_PATH_PIECES), min_size=1, max_size=8))
@example(["."])
@example(["a", "/", "..", "/", "b.yml"])
def test_a_path_is_shown_as_relpath_shows_it_without_walking_it(pieces):
    """`display_path` takes a relative, normalised path below the working
    directory as it is; every path shows as `relpath` from the working
    directory would show it."""
    import os

    from crlint.discover.sources import _relative, display_path

    path = "".join(pieces)
    cwd = os.getcwd()
    expected = _relative(path, cwd).replace(os.sep, "/")
    if not expected.isascii():
        expected = expected.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    assert display_path(path, cwd) == expected
