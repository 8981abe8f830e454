"""A named file the repository's pipeline includes or runs is linted in that pipeline.

pre-commit names the staged files only. An included CI file uses the
variables and `extends` parents of the file that includes it, and a script
runs with its job's variables: linted alone they pass where the full run
fails. Named, they are read with the repository's `.gitlab-ci.yml`, and
only what is found in the named files is reported.
"""

from __future__ import annotations

from .conftest import write_tree

FILES = {
    ".git/HEAD": "ref: refs/heads/main\n",
    ".gitlab-ci.yml": "variables:\n  GROUP: _grp\ninclude:\n  - local: ci/build.yml\n"
    "lint:\n  image: registry.example.com/Bad/lint:1\n  script: [sh ci/push.sh]\n",
    "ci/build.yml": "build:\n  image: registry.example.com/$GROUP/app:1\n  script: [make]\n",
    "ci/push.sh": "docker push registry.example.com/$GROUP/app:1\n",
    "unrelated.sh": "echo hello\n",
}


def found(run) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["rule"]) for f in run.json()["findings"]]


def test_an_included_file_is_read_with_the_variables_of_the_pipeline(tmp_path, crlint):
    write_tree(tmp_path, FILES)
    run = crlint("--format", "json", "ci/build.yml", cwd=tmp_path)
    assert found(run) == [("ci/build.yml", 2, "CR101")]  # `.gitlab-ci.yml`'s own: not named
    assert run.json()["summary"]["files"] == 1


def test_a_script_a_job_runs_is_read_with_the_jobs_variables(tmp_path, crlint):
    write_tree(tmp_path, FILES)
    assert found(crlint("--format", "json", "ci/push.sh", "unrelated.sh", cwd=tmp_path)) == [
        ("ci/push.sh", 1, "CR101")
    ]


def test_named_with_the_pipeline_everything_is_reported_as_usual(tmp_path, crlint):
    write_tree(tmp_path, FILES)
    run = crlint("--format", "json", ".gitlab-ci.yml", "ci/build.yml", cwd=tmp_path)
    assert {path for path, _, _ in found(run)} == {".gitlab-ci.yml", "ci/build.yml", "ci/push.sh"}


def test_a_dockerfile_named_alone_does_not_read_the_pipeline(tmp_path, crlint, monkeypatch):
    from crlint.engine import lint

    write_tree(tmp_path, {**FILES, "Dockerfile": "FROM registry.example.com/_x/base:1\n"})
    asked: list[object] = []
    real = lint._in_context
    monkeypatch.setattr(lint, "_in_context", lambda *a: asked.append(a) or real(*a))
    assert found(crlint("--format", "json", "Dockerfile", cwd=tmp_path)) == [
        ("Dockerfile", 1, "CR101")
    ]
    assert asked == []
    crlint("--format", "json", "ci/push.sh", cwd=tmp_path)
    assert len(asked) == 1
