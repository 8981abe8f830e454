"""Golden fixtures: each `tests/fixtures/<RULE>/<case>/` with its `expected.out`.

The case directory is linted with only that rule selected (plus whatever
an optional `args` file in the case adds); the findings, as
`path:line:col: ID [level] message` lines, must equal `expected.out`
exactly (an empty file for cases that must stay silent). Each case runs as
a repository of its own (a copy with a `.git` directory), so its
`.gitlab-ci.yml` is the pipeline's entry file and local includes resolve
against the case directory.
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
    repository = tmp_path / case.name
    shutil.copytree(case, repository, ignore=shutil.ignore_patterns("expected.out", "args"))
    (repository / ".git").mkdir()
    run = crlint("--format", "json", "--select", rule, *extra, ".", cwd=repository)
    assert run.lines() == expected
    failing = any("[error]" in line or "[warning]" in line for line in expected)
    assert run.code == (1 if failing else 0)


def test_every_rule_has_bad_and_good_fixtures():
    from crlint.lint import all_checks, catalog_with

    for rule in catalog_with(all_checks()).rules:
        names = {p.name.split("-")[0] for p in FIXTURES.glob(f"{rule.id}/*")}
        assert {"bad", "good"} <= names, rule.id
