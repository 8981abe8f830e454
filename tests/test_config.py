"""Configuration: closest file wins, strict validation, selection layers."""

from __future__ import annotations

import pytest

from .conftest import write_tree

BAD = "FROM registry.example.com/_grp/app\n"


def test_closest_configuration_governs_each_file(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "x\n",
            "pyproject.toml": "[tool.crlint]\nignore = ['CR101']\n",
            "Dockerfile": BAD,
            "service/.crlint.toml": "select = ['CR1']\n",
            "service/Dockerfile": BAD,
            "other/pyproject.toml": "[project]\nname = 'x'\n",  # no [tool.crlint]: not a config
            "other/Dockerfile": BAD,
        },
    )
    run = crlint("--format", "json", ".", cwd=tmp_path)
    assert [f["path"] for f in run.json()["findings"]] == ["service/Dockerfile"]


def test_search_stops_at_the_repository_root(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".crlint.toml": "ignore = ['CR101']\n",  # above the repository: never read
            "repo/.git/HEAD": "x\n",
            "repo/Dockerfile": BAD,
        },
    )
    assert crlint("--format", "json", ".", cwd=tmp_path / "repo").code == 1


def test_cli_selection_is_a_layer_over_the_file(tmp_path, crlint):
    write_tree(
        tmp_path, {".git/HEAD": "x\n", ".crlint.toml": "ignore = ['CR101']\n", "Dockerfile": BAD}
    )
    assert crlint(".", cwd=tmp_path).code == 0
    assert crlint("--extend-select", "invalid-image-reference", ".", cwd=tmp_path).code == 1
    assert crlint("--select", "CR1", "--ignore", "CR101", ".", cwd=tmp_path).code == 0


def test_levels_and_per_file_ignores(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "x\n",
            ".crlint.toml": (
                "[levels]\nCR101 = 'warning'\n"
                "[per-file-ignores]\n'legacy/**' = ['CR101']\n'*.prod' = ['ALL']\n"
            ),
            "Dockerfile": BAD,
            "Dockerfile.prod": BAD,
            "legacy/old/Dockerfile": BAD,
        },
    )
    run = crlint("--format", "json", "--fail-level", "error", ".", cwd=tmp_path)
    assert [(f["path"], f["level"]) for f in run.json()["findings"]] == [("Dockerfile", "warning")]
    assert run.code == 0
    assert crlint("--fail-level", "warning", ".", cwd=tmp_path).code == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("selct = ['CR1']\n", "unknown key `selct` in [tool.crlint]"),
        ("select = 'CR101'\n", "`select` must be a list of strings"),
        ("ignore = ['CR999']\n", "`CR999` is not a rule id, id prefix or rule name"),
        (
            "[levels]\nCR101 = 'fatal'\n",
            "level `fatal` for `CR101` is not one of error, warning, note",
        ),
        ("respect-gitignore = 'yes'\n", "`respect-gitignore` must be true or false"),
        ("select = [\n", "invalid TOML"),
        ("[ci-variables]\nA = [1]\n", "`ci-variables` must be a table of names to strings"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path, crlint, config, message):
    write_tree(
        tmp_path, {".git/HEAD": "x\n", ".crlint.toml": config, "Dockerfile": "FROM alpine\n"}
    )
    run = crlint(".", cwd=tmp_path)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


def test_unknown_cli_selector_is_a_usage_error(tmp_path, crlint):
    run = crlint("--select", "CR9", ".", cwd=tmp_path)
    assert run.code == 2
    assert "--select: `CR9` is not a rule id" in run.err


def test_ci_variables_declared_in_configuration_are_known(tmp_path, crlint):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "x\n",
            ".crlint.toml": "[ci-variables]\nGROUP = '_platform'\n",
            ".gitlab-ci.yml": "build:\n  image: registry.example.com/$GROUP/app\n  script: [x]\n",
        },
    )
    run = crlint("--format", "json", ".", cwd=tmp_path)
    assert [f["message"].split(";")[0] for f in run.json()["findings"]] == [
        "path component `_platform` starts with an underscore"
    ]


def test_explicit_config_file_applies_everywhere(tmp_path, crlint):
    write_tree(tmp_path, {"cfg.toml": "ignore = ['CR101']\n", "a/Dockerfile": BAD})
    assert crlint("--config", "cfg.toml", ".", cwd=tmp_path).code == 0


def test_kaniko_images_from_configuration_are_kaniko(tmp_path, crlint):
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n"
        "    - name: k\n      image: registry.acme.internal/tools/builder:3\n"
    )
    files = {"pod.yaml": pod}
    write_tree(tmp_path, files)
    (tmp_path / ".git").mkdir()
    assert crlint("--select", "CR301", ".", cwd=tmp_path).code == 0
    (tmp_path / ".crlint.toml").write_text(
        'kaniko-images = ["registry.acme.internal/tools/builder"]\n'
    )
    run = crlint("--select", "CR301", "--format", "json", ".", cwd=tmp_path)
    assert [f["line"] for f in run.json()["findings"]] == [8]


def test_kaniko_images_must_be_a_list_of_strings(tmp_path, crlint):
    write_tree(tmp_path, {".crlint.toml": "kaniko-images = 'x'\n", "Dockerfile": "FROM a\n"})
    run = crlint(".", cwd=tmp_path)
    assert run.code == 2 and "`kaniko-images` must be a list of strings" in run.err
