"""Suppression comments cover nodes, not physical lines; bad ones are reported."""

from __future__ import annotations

from .conftest import write_tree


def findings(crlint, tmp_path, files, *args):
    write_tree(tmp_path, {".git/HEAD": "x\n", **files})
    return crlint("--format", "json", *args, ".", cwd=tmp_path).lines()


def test_comment_on_a_job_key_covers_the_whole_job(tmp_path, crlint):
    ci = (
        "build:  # crlint: ignore[CR101] -- renamed next sprint\n"
        "  image: registry.example.com/_grp/app\n"
        "  services:\n    - registry.example.com/_grp/db\n"
        "  script: [x]\n"
        "test:\n  image: registry.example.com/_grp/test\n  script: [x]\n"
    )
    assert [line.split(":")[1] for line in findings(crlint, tmp_path, {".gitlab-ci.yml": ci})] == [
        "7"
    ]


def test_comment_above_a_sequence_item_covers_that_item_only(tmp_path, crlint):
    ci = (
        "build:\n  services:\n"
        "    # crlint: ignore[invalid-image-reference]\n"
        "    - name: registry.example.com/_grp/db\n      alias: db\n"
        "    - registry.example.com/_grp/cache\n"
        "  script: [x]\n"
    )
    assert [line.split(":")[1] for line in findings(crlint, tmp_path, {".gitlab-ci.yml": ci})] == [
        "6"
    ]


def test_comment_above_a_dockerfile_instruction_covers_its_continuation_lines(tmp_path, crlint):
    dockerfile = (
        "# crlint: ignore[CR1]\n"
        "FROM \\\n    registry.example.com/_grp/base\n"
        "FROM registry.example.com/_grp/other\n"
    )
    assert [
        line.split(":")[1] for line in findings(crlint, tmp_path, {"Dockerfile": dockerfile})
    ] == ["4"]


def test_file_ignore_anywhere_covers_the_file(tmp_path, crlint):
    dockerfile = (
        "FROM registry.example.com/_a\nFROM registry.example.com/_b\n# crlint: file-ignore[CR101]\n"
    )
    assert findings(crlint, tmp_path, {"Dockerfile": dockerfile}) == []


def test_malformed_and_unknown_directives_are_reported_and_not_applied(tmp_path, crlint):
    dockerfile = (
        "# crlint: ignore CR101\n"
        "FROM registry.example.com/_a\n"
        "# crlint: ignore[CR999]\n"
        "FROM registry.example.com/_b\n"
        "# crlint: ignore[]\n"
        "FROM registry.example.com/_c\n"
    )
    rules = [line.split(" ")[1] for line in findings(crlint, tmp_path, {"Dockerfile": dockerfile})]
    assert rules == ["CR003", "CR101", "CR003", "CR101", "CR003", "CR101"]


def test_unused_suppressions_are_reported_on_request(tmp_path, crlint):
    dockerfile = "# crlint: ignore[CR101]\nFROM alpine\n"
    assert findings(crlint, tmp_path, {"Dockerfile": dockerfile}) == []
    assert findings(crlint, tmp_path, {"Dockerfile": dockerfile}, "--extend-select", "CR004") == [
        "Dockerfile:1:1: CR004 [note] this suppression comment matches no finding; remove it"
    ]


def test_hash_inside_a_word_is_not_a_comment(tmp_path, crlint):
    ci = "build:\n  image: registry.example.com/_x/app#crlint:ignore[CR101]\n  script: [x]\n"
    messages = [line.split("] ")[1] for line in findings(crlint, tmp_path, {".gitlab-ci.yml": ci})]
    assert [m.split(";")[0] for m in messages] == [
        "path component `_x` starts with an underscore",
        "path component `app#crlint` contains `#`, which is not allowed in a repository name",
        "tag `ignore[CR101]` contains `[`",
    ]
