"""Golden fixtures: each `tests/fixtures/<RULE>/<case>/` with its `expected.out`.

The case directory is linted with only that rule selected (plus whatever
an optional `args` file in the case adds); the findings, as
`path:line:col: ID [level] message` lines each followed by its related
places and its fix (indented, see `Run.golden`), must equal `expected.out`
exactly (an empty file for cases that must stay silent). Each case runs as
a repository of its own (a copy with a `.git` directory, whose `config` is
the case's `git-config` file if it has one), so its `.gitlab-ci.yml` is the
pipeline's entry file and local includes resolve against the case
directory.

A case with a `fixed/` directory is also run with `--fix` (plus the `args`
of a `fix-args` file): every file under `fixed/` must equal the fixed file
byte for byte, and a second `--fix` must change nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES

CASES = sorted(p for p in FIXTURES.glob("CR*/*") if (p / "expected.out").is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_matches_expected_output(case: Path, crlint, tmp_path: Path):
    rule = case.parent.name
    expected = (case / "expected.out").read_text(encoding="utf-8").splitlines()
    extra = (case / "args").read_text().split() if (case / "args").is_file() else []
    repository = copy_case(case, tmp_path)
    run = crlint("--format", "json", "--select", rule, *extra, ".", cwd=repository)
    assert run.golden() == expected
    failing = any("[error]" in line or "[warning]" in line for line in expected)
    assert run.code == (1 if failing else 0)


def copy_case(case: Path, tmp_path: Path) -> Path:
    repository = tmp_path / case.name
    ignored = shutil.ignore_patterns("expected.out", "args", "fix-args", "fixed", "git-config")
    shutil.copytree(case, repository, ignore=ignored)
    (repository / ".git").mkdir()
    if (case / "git-config").is_file():
        shutil.copy(case / "git-config", repository / ".git" / "config")
    return repository


FIXED = sorted(p for p in FIXTURES.glob("CR*/*") if (p / "fixed").is_dir())


@pytest.mark.parametrize("case", FIXED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_writes_the_fixed_files_and_a_second_fix_changes_nothing(
    case: Path, crlint, tmp_path: Path
):
    rule = case.parent.name
    extra = (case / "fix-args").read_text().split() if (case / "fix-args").is_file() else []
    repository = copy_case(case, tmp_path)
    crlint("--fix", "--select", rule, *extra, ".", cwd=repository)
    expected = {p.relative_to(case / "fixed") for p in (case / "fixed").rglob("*") if p.is_file()}
    for relative in sorted(expected):
        fixed = (repository / relative).read_bytes()
        assert fixed == (case / "fixed" / relative).read_bytes(), relative
    before = {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()}
    second = crlint("--fix", "--select", rule, *extra, ".", cwd=repository)
    assert {p: p.read_bytes() for p in repository.rglob("*") if p.is_file()} == before
    assert "fixed" not in second.err


def test_every_rule_has_bad_and_good_fixtures():
    from crlint.engine.lint import all_checks, catalog_with

    for rule in catalog_with(all_checks()).rules:
        names = {p.name.split("-")[0] for p in FIXTURES.glob(f"{rule.id}/*")}
        assert {"bad", "good"} <= names, rule.id
