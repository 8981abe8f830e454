"""The Code Quality report as GitLab reads it: its documented format, unique and stable fingerprints.

The schema in `tests/schemas/gitlab-code-quality.json` is written from
GitLab's documentation of the report. Every fixture's report (and the
corpus's, when `../shared` is here) must follow it, with fingerprints
unique in a report and unchanged by a blank line added on top of a file or
by the directory crlint runs in.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from .conftest import CORPUS, FIXTURES, requires_shared, write_tree

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gitlab-code-quality.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)
CASES = sorted(p for p in FIXTURES.glob("CR*/*") if p.is_dir())


def valid(issues: list[dict]) -> list[dict]:
    errors = [f"{list(e.path)}: {e.message}" for e in VALIDATOR.iter_errors(issues)]
    assert errors == []
    prints = [issue["fingerprint"] for issue in issues]
    assert len(prints) == len(set(prints)), "fingerprints repeat"
    return issues


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixtures_report_follows_the_documented_format(case, crlint):
    valid(crlint("--format", "gitlab", "--extend-select", "ALL", ".", cwd=case).json())


@requires_shared
def test_the_corpus_report_follows_it(crlint):
    assert len(valid(crlint("--format", "gitlab", ".", cwd=CORPUS).json())) > 20


def test_fingerprints_survive_a_blank_line_on_top_and_another_working_directory(
    tmp_path, crlint, monkeypatch
):
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    ci = "build:\n  image: registry.example.com/_a/x:1\n  script:\n    - docker push r.io/_b/y:1\n"
    repo = write_tree(tmp_path / "repo", {".git/HEAD": "x\n", "ci/app.gitlab-ci.yml": ci})

    def prints(cwd: Path, target: str) -> list[str]:
        return [
            i["fingerprint"] for i in valid(crlint("--format", "gitlab", target, cwd=cwd).json())
        ]

    before = prints(repo, ".")
    assert len(before) == 2
    (repo / "ci" / "app.gitlab-ci.yml").write_text("\n" + ci)
    assert prints(repo, ".") == before
    assert prints(repo / "ci", "app.gitlab-ci.yml") == before
