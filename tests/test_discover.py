"""Which files are linted, and what kind each one is."""

from __future__ import annotations

import pytest

from crlint.discover.classify import (
    kind_from_content,
    kind_from_name,
    kind_from_place,
    kind_from_shebang,
)
from crlint.discover.kinds import FileKind

from .conftest import write_tree


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (".gitlab-ci.yml", FileKind.GITLAB_CI),
        ("build.gitlab-ci.yml", FileKind.GITLAB_CI),
        ("deploy.gitlab-ci.yaml", FileKind.GITLAB_CI),
        ("Dockerfile", FileKind.DOCKERFILE),
        ("Dockerfile.prod", FileKind.DOCKERFILE),
        ("app.Dockerfile", FileKind.DOCKERFILE),
        ("Containerfile", FileKind.DOCKERFILE),
        ("Dockerfile-dev", FileKind.DOCKERFILE),
        ("Dockerfile_prod", FileKind.DOCKERFILE),
        ("base.dockerfile", FileKind.DOCKERFILE),
        ("owner__repo__docker__Dockerfile.linux.amd64", FileKind.DOCKERFILE),
        ("Dockerfile.md", None),
        ("Dockerfile.j2", None),
        ("dockerfile_test.go", None),
        ("mydockerfile", None),
        ("build.sh", FileKind.SHELL),
        ("release.bash", FileKind.SHELL),
        ("kaniko.yml", None),
        ("README.md", None),
        ("compose.yaml", FileKind.COMPOSE),
        ("docker-compose.yml", FileKind.COMPOSE),
        ("docker-compose.ci.yaml", FileKind.COMPOSE),
        ("compose-dev.yml", FileKind.COMPOSE),
        ("deploy.docker-compose.gitlab-ci.yml", FileKind.GITLAB_CI),
        ("docker-compose.yml.j2", None),
    ],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) is kind


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"#!/bin/sh\n", FileKind.SHELL),
        (b"#!/usr/bin/env bash\n", FileKind.SHELL),
        (b"#!/busybox/sh -e\n", FileKind.SHELL),
        (b"#!/usr/bin/env python3\n", FileKind.PYTHON),
        (b"no shebang\n", None),
    ],
)
def test_kind_from_shebang(head, kind):
    assert kind_from_shebang(head) is kind


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("kaniko.yml", ".build:\n  image: x\n  script:\n    - make\n", FileKind.GITLAB_CI),
        ("ci.yml", "stages: [build]\n", FileKind.GITLAB_CI),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: x\n",
            FileKind.KUBERNETES,
        ),
        (
            "flow.yaml",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, image: x}\n",
            FileKind.KUBERNETES,
        ),
        ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n", None),
        ("cm2.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: {a: b, myimage: c}\n", None),
        ("spec.yml", "image: a/b:1\nmanifests:\n  - image: a/b:1-amd64\n", FileKind.MANIFEST),
        ("compose.yml", "services:\n  web:\n    image: nginx\n", None),
        (
            "chart.yaml",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: {{ .Values.image }}\n",
            None,
        ),
        ("playbook.yml", "- hosts: all\n  tasks:\n    - script: x.sh\n", None),
        ("m.json", '{"schemaVersion": 2, "manifests": []}', FileKind.MANIFEST),
        ("package.json", '{"name": "x"}', None),
    ],
)
def test_kind_from_content(name, text, kind):
    assert kind_from_content(name, text) is kind


def test_values_beside_a_chart_are_helm_values_and_elsewhere_not(tmp_path):
    write_tree(
        tmp_path,
        {
            "chart/Chart.yaml": "name: app\n",
            "chart/values.yaml": "",
            "chart/values-prod.yml": "",
            "chart/templates/values.yaml": "",
            "chart/config.yaml": "",
            "other/values.yaml": "",
        },
    )
    found = {
        path: kind_from_place(str(tmp_path / path))
        for path in (
            "chart/values.yaml",
            "chart/values-prod.yml",
            "chart/templates/values.yaml",
            "chart/config.yaml",
            "other/values.yaml",
        )
    }
    assert found == {
        "chart/values.yaml": FileKind.HELM_VALUES,
        "chart/values-prod.yml": FileKind.HELM_VALUES,
        "chart/templates/values.yaml": None,
        "chart/config.yaml": None,
        "other/values.yaml": None,
    }


def test_a_compose_file_is_read_only_when_its_content_is_one(tmp_path, crlint):
    """A CI job file named like one is not a Compose file, and a documentation
    template of one (`|registry|`) is skipped, never called broken."""
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "docker-compose-upload.yml": "upload:\n  script: [x]\n",
            "docs/compose.yaml": "services:\n  db:\n    image: |registry|/db:|v|\n",
            "compose.yaml": "services:\n  db:\n    image: Registry.example.com/_db\n",
        },
    )
    run = crlint("--verbose", "--format", "json", ".", cwd=tmp_path)
    assert [(f["path"], f["rule"]) for f in run.json()["findings"]] == [("compose.yaml", "CR101")]
    assert (
        "docker-compose-upload.yml: skipped: its name says compose, its content does not" in run.err
    )
    assert "docs/compose.yaml: skipped: read as compose from its name, but invalid YAML" in run.err


def test_a_compose_projects_env_file_is_read_as_compose_reads_it(tmp_path):
    from crlint.frontends.compose import dotenv

    (tmp_path / ".env").write_text(
        "# comment\nA=1\nexport B='two words'\nC=\"x\" \nD=plain # trailing\nnot a line\n"
    )
    env = dotenv(str(tmp_path), str(tmp_path))
    assert {name: env.get(name).value for name in "ABCD"} == {
        "A": "1",
        "B": "two words",
        "C": "x",
        "D": "plain",
    }
    assert env.get("not") is None
    (tmp_path / ".env").write_text("A=" + " " * 100_000 + "x\n")  # (read in linear time)
    assert dotenv(str(tmp_path), str(tmp_path)).get("A").value == "x"
    assert dotenv(str(tmp_path / "nowhere"), str(tmp_path)).get("A") is None


def test_walk_respects_gitignore_excludes_and_default_excludes(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".gitignore": "generated/\n*.tmp.yml\n!keep.tmp.yml\n",
            "generated/Dockerfile": "FROM _bad\n",
            "x.tmp.yml": "build:\n  image: _bad\n  script: [x]\n",
            "keep.tmp.yml": "build:\n  image: _kept\n  script: [x]\n",
            "node_modules/pkg/Dockerfile": "FROM _bad\n",
            "sub/.gitignore": "local.Dockerfile\n",
            "sub/local.Dockerfile": "FROM _bad\n",
            "sub/Dockerfile": "FROM _found\n",
            "vendor/Dockerfile": "FROM _excluded_by_config\n",
            ".crlint.toml": 'extend-exclude = ["vendor/"]\n',
        },
    )
    run = crlint("--format", "json", ".", cwd=tmp_path)
    assert sorted({f["path"] for f in run.json()["findings"]}) == ["keep.tmp.yml", "sub/Dockerfile"]


def test_explicit_files_are_linted_even_when_excluded_unless_forced(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "x\n",
            ".crlint.toml": 'extend-exclude = ["legacy/"]\n',
            "legacy/Dockerfile": "FROM _bad\n",
        },
    )
    assert crlint("legacy/Dockerfile", cwd=tmp_path).code == 1
    assert crlint("--force-exclude", "legacy/Dockerfile", cwd=tmp_path).code == 0


def test_unreadable_kinds_are_skipped_with_a_reason(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            "empty/.gitlab-ci.yml": "\n\n",
            "binary/Dockerfile": b"FROM \x00\x01\x02",
            "latin1/Dockerfile": "FROM café\n".encode("latin-1"),
            "bom/Dockerfile": "\ufeffFROM registry.example.com/_bom/app\n".encode(),
            "notes.txt": "hello",
        },
    )
    run = crlint("--format", "json", "-v", ".", cwd=tmp_path)
    report = run.json()
    assert run.lines() == [
        "bom/Dockerfile:1:27: CR101 [error] path component `_bom` starts with an underscore; "
        "registry paths must start with a lowercase letter or digit",
        "latin1/Dockerfile:1:9: CR001 [error] not valid UTF-8: byte 0xe9 cannot be decoded",
    ]
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons == {
        "binary/Dockerfile": "binary file (it contains NUL bytes)",
        "empty/.gitlab-ci.yml": "empty file",
    }
    assert "notes.txt" not in run.out


def test_stdin_with_a_filename_is_classified_by_it(tmp_path):
    from .conftest import run_process

    run = run_process(
        "--format", "json", "--stdin-filename", "ci/Dockerfile.prod", "-",
        cwd=tmp_path, stdin=b"FROM registry.example.com/_x/app\n",
    )  # fmt: skip
    assert run.code == 1
    assert [(f["path"], f["line"], f["column"]) for f in run.json()["findings"]] == [
        ("ci/Dockerfile.prod", 1, 27)
    ]


def test_stdin_without_a_name_is_sniffed(tmp_path):
    from .conftest import run_process

    run = run_process(
        "--format", "json", "-", cwd=tmp_path, stdin=b"build:\n  image: _x\n  script: [a]\n"
    )
    assert [f["path"] for f in run.json()["findings"]] == ["-"]


def test_missing_path_is_a_usage_error(tmp_path, crlint):
    run = crlint("does-not-exist", cwd=tmp_path)
    assert run.code == 2
    assert "does-not-exist: no such file or directory" in run.err
