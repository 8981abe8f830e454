"""The shipped pre-commit hook, run for real with `pre-commit try-repo`.

Each test builds a throwaway git repository, commits files into it and runs
`python -m pre_commit try-repo <this checkout> crlint --all-files` there. pre-commit
pip-installs crlint from the checkout into a fresh hook environment (network
access to PyPI is needed for the build backend), selects files with the hook's
`files`/`types`, and runs `crlint --force-exclude` on them.

How try-repo picks what it installs: with a clean checkout it clones HEAD; with
uncommitted changes it clones HEAD into a temporary "shadow" repository and
commits the changes to *tracked* files there, so the working tree is what gets
tested. Files git does not track are not copied into the shadow repository;
the `checkout` fixture warns when the package has such files. try-repo builds
its hook environment in a temporary store of its own on every run (it ignores
PRE_COMMIT_HOME for that), so each run installs crlint afresh; PRE_COMMIT_HOME
still points into the test's temporary directory to keep the user's cache out.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import NamedTuple

import pytest

from .conftest import ROOT, write_tree

BAD_DOCKERFILE = "FROM registry.example.com/_grp/app:1.0\n"
GOOD_DOCKERFILE = "FROM registry.example.com/grp/app:1.0\n"
BAD_GITLAB_CI = "build: {image: registry.example.com/Grp/app, script: [x]}\n"
GOOD_GITLAB_CI = "build: {image: registry.example.com/grp/app, script: [x]}\n"
BAD_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: app
      image: registry.example.com/_grp/app:1.0
"""

# Text files the hook's `files` pattern passes to crlint (no extension, .yml,
# .json) although crlint reads none of them: they must not make the hook fail.
UNRELATED = {
    "LICENSE": "Permission is hereby granted, free of charge.\n",
    "config/settings.yml": "answer: 42\n",
    "package.json": '{"name": "app"}\n',
    "README.md": "# app\n",
}

# Where the checkout's package comes from: untracked files here are missing
# from what try-repo installs.
PACKAGED = ("crlint", "rules", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")

# Environment variables that would point git at another repository (set, for
# example, when pytest itself runs inside a git hook).
GIT_LOCATION = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)

# All tracked files of the throwaway repository; plain output.
TRY_OPTIONS = ("--all-files", "--color", "never")

FINDING = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<column>\d+): (?P<rule>CR\d{3}) ", re.M)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class TryRepo(NamedTuple):
    code: int
    out: str

    def findings(self) -> set[tuple[str, str]]:
        """(path, rule) for every finding crlint printed."""
        return {(m["path"], m["rule"]) for m in FINDING.finditer(self.out)}

    def explain(self, note: str = "") -> str:
        return f"pre-commit exited {self.code}{note}; output:\n{self.out}"


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise AssertionError(
            f"git {' '.join(args)} failed ({completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    return completed.stdout


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for git and pre-commit, with an isolated PRE_COMMIT_HOME."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed; pre-commit try-repo needs it")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip(f"pre-commit is not installed for {sys.executable} (pip install pre-commit)")
    env = {k: v for k, v in os.environ.items() if k not in GIT_LOCATION}
    env.pop("FORCE_COLOR", None)
    env["NO_COLOR"] = "1"
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    return env


@pytest.fixture(scope="module")
def checkout(environment: dict[str, str]) -> Path:
    """This crlint checkout, which try-repo installs the hook from."""
    completed = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or Path(completed.stdout.strip()).resolve() != ROOT:
        pytest.skip(f"{ROOT} is not the top of a git checkout; pre-commit try-repo needs one")
    untracked = _git(
        "ls-files", "--others", "--exclude-standard", "--", *PACKAGED, cwd=ROOT, env=environment
    ).split()
    if untracked:
        warnings.warn(
            "pre-commit try-repo installs only files git tracks; these untracked files "
            f"are not in the tested hook: {', '.join(untracked)} (git add them)",
            stacklevel=1,
        )
    return ROOT


def make_repo(root: Path, files: dict[str, str], env: dict[str, str]) -> Path:
    """A git repository with `files` committed (try-repo --all-files reads tracked files)."""
    write_tree(root, dict(files))
    _git("init", "--quiet", cwd=root, env=env)
    _git("config", "user.email", "tests@crlint.invalid", cwd=root, env=env)
    _git("config", "user.name", "crlint tests", cwd=root, env=env)
    _git("add", "--all", cwd=root, env=env)
    no_signing_no_hooks = ("-c", "commit.gpgsign=false", "commit", "--no-verify")
    _git(*no_signing_no_hooks, "--quiet", "-m", "files", cwd=root, env=env)
    return root


def try_repo(
    repo: Path, checkout: Path, env: dict[str, str], options: tuple[str, ...] = TRY_OPTIONS
) -> TryRepo:
    completed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(checkout), "crlint", *options],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
        timeout=900,
    )
    out = completed.stdout.decode("utf-8", "replace") + completed.stderr.decode("utf-8", "replace")
    return TryRepo(completed.returncode, ANSI.sub("", out))


def test_hook_reports_bad_references_in_files_of_every_name(
    tmp_path: Path, checkout: Path, environment: dict[str, str]
) -> None:
    bad = {
        "Dockerfile": BAD_DOCKERFILE,
        "Dockerfile.prod": BAD_DOCKERFILE,
        "app.Dockerfile": BAD_DOCKERFILE,
        "images/base/Containerfile": BAD_DOCKERFILE,
        "images/base/dev.containerfile": BAD_DOCKERFILE,
        ".gitlab-ci.yml": BAD_GITLAB_CI,
        "ci/release.gitlab-ci.yaml": BAD_GITLAB_CI,
        "deploy/pod.yaml": BAD_POD,
    }
    good = {
        "images/good/Dockerfile": GOOD_DOCKERFILE,
        "images/good/Dockerfile.test": GOOD_DOCKERFILE,
    }
    repo = make_repo(tmp_path / "repo", {**bad, **good, **UNRELATED}, environment)

    run = try_repo(repo, checkout, environment)

    assert run.code == 1, run.explain()
    assert re.search(r"^crlint\.+Failed$", run.out, re.M), run.explain()
    assert "- hook id: crlint" in run.out, run.explain()
    assert run.findings() == {(path, "CR101") for path in bad}, run.explain()
    for path in bad:
        assert re.search(rf"^{re.escape(path)}:\d+:\d+: CR101 \[error\] ", run.out, re.M), (
            run.explain(f", with no CR101 for {path}")
        )
    assert "path component `_grp` starts with an underscore" in run.out, run.explain()
    assert "path component `Grp` contains uppercase letters" in run.out, run.explain()


def test_hook_passes_good_files(
    tmp_path: Path, checkout: Path, environment: dict[str, str]
) -> None:
    good = {
        "Dockerfile": GOOD_DOCKERFILE,
        "Dockerfile.prod": GOOD_DOCKERFILE,
        "app.Dockerfile": GOOD_DOCKERFILE,
        "Containerfile": GOOD_DOCKERFILE,
        ".gitlab-ci.yml": GOOD_GITLAB_CI,
        "deploy/pod.yaml": BAD_POD.replace("_grp", "grp"),
    }
    repo = make_repo(tmp_path / "repo", {**good, **UNRELATED}, environment)

    run = try_repo(repo, checkout, environment)

    assert run.code == 0, run.explain()
    assert re.search(r"^crlint\.+Passed$", run.out, re.M), run.explain()
    assert run.findings() == set(), run.explain()
    assert "CR101" not in run.out, run.explain()


def test_hook_on_an_included_file_alone_answers_as_the_full_run_does(
    tmp_path: Path, checkout: Path, environment: dict[str, str]
) -> None:
    """Staging only `ci/build.yml`, which `.gitlab-ci.yml` includes and whose
    image takes its group from `.gitlab-ci.yml`'s variables: the hook fails
    on it, as a full run does, and says nothing of the file not staged."""
    files = {
        ".gitlab-ci.yml": "variables:\n  GROUP: _grp\ninclude:\n  - local: ci/build.yml\n"
        "lint:\n  image: registry.example.com/Bad/lint:1\n  script: [make]\n",
        "ci/build.yml": "build:\n  image: registry.example.com/$GROUP/app:1\n  script: [make]\n",
    }
    repo = make_repo(tmp_path / "repo", files, environment)
    run = try_repo(repo, checkout, environment, ("--files", "ci/build.yml", "--color", "never"))
    assert run.code == 1, run.explain()
    assert run.findings() == {("ci/build.yml", "CR101")}, run.explain()
    assert "(from `$GROUP`)" in run.out, run.explain()
    full = try_repo(repo, checkout, environment)
    assert full.findings() == {("ci/build.yml", "CR101"), (".gitlab-ci.yml", "CR101")}
