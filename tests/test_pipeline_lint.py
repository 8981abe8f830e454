"""Linting a repository: a pipeline covers the files it reads, once, in their own place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import write_tree

REPOSITORY = {
    ".gitlab-ci.yml": "include: ci/templates.yml\n"
    "variables:\n  GROUP: _platform\n"
    "build:\n  extends: .build\n",
    "ci/templates.yml": ".build:\n"
    "  image: registry.example.com/$GROUP/builder:1\n"
    "  script:\n    - ./ci/build.sh\n",
    "ci/build.sh": '#!/bin/sh\nset -e\ndocker build -t "$CI_REGISTRY_IMAGE" .\n',
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", REPOSITORY)
    (root / ".git").mkdir()
    return root


def test_a_finding_in_an_included_template_points_into_it_once(crlint, repository: Path):
    run = crlint("--format", "json", ".", cwd=repository)
    # The template only makes sense with the variable of the file including it;
    # standalone it would be silent (`$GROUP` unknown), and it is not reported twice.
    assert run.lines() == [
        "ci/templates.yml:2:31: CR101 [error] path component `_platform` starts with an "
        "underscore; registry paths must start with a lowercase letter or digit (from `$GROUP`)"
    ]
    related = run.json()["findings"][0]["related"]
    assert related[0]["path"] == ".gitlab-ci.yml" and related[0]["line"] == 3


def test_included_files_and_scripts_are_analysed_once_as_part_of_the_pipeline(
    crlint, repository: Path
):
    run = crlint("--format", "json", "--verbose", ".", cwd=repository)
    assert run.json()["summary"]["files"] == 3


def test_a_suppression_in_an_included_file_applies(crlint, repository: Path):
    template = repository / "ci/templates.yml"
    template.write_text(
        template.read_text().replace(
            "  image:", "  # crlint: ignore[CR101] -- renamed next sprint\n  image:"
        )
    )
    run = crlint("--format", "json", ".", cwd=repository)
    assert run.lines() == []


def test_an_included_file_named_alone_is_read_with_the_pipeline_that_includes_it(
    crlint, repository: Path
):
    run = crlint("--format", "json", "ci/templates.yml", cwd=repository)
    (line,) = run.lines()  # `$GROUP` comes from `.gitlab-ci.yml`, which includes it
    assert line.startswith("ci/templates.yml:2:31: CR101 [error] path component `_platform`")


def test_sarif_for_a_pipeline_points_at_included_files(crlint, repository: Path):
    run = crlint("--format", "sarif", ".", cwd=repository)
    results = json.loads(run.out)["runs"][0]["results"]
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "ci/templates.yml"
