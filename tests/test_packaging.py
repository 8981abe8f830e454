"""A plain wheel install carries the rule pages: `explain` and SARIF `help` work without a checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT, run_process, write_tree


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(wheels), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = wheels.glob("container_registry_lint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    return names, target


def test_wheel_contains_every_rule_page(installed):
    names, _ = installed
    pages = {name.rsplit("/", 1)[1] for name in names if name.startswith("crlint/rule_pages/")}
    assert pages == {path.name for path in (ROOT / "rules").glob("*.md")}


def test_explain_and_sarif_help_work_from_the_installed_wheel(installed, tmp_path):
    _, target = installed
    env = {"PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import crlint, sys; print(crlint.__file__)"],
        cwd=tmp_path, env={**env, "PATH": ""}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target)), (
        "the test must exercise the wheel, not the checkout"
    )
    explained = run_process("explain", "CR101", cwd=tmp_path, env=env)
    assert explained.out == (ROOT / "rules" / "CR101.md").read_text(encoding="utf-8")
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n"})
    sarif = json.loads(run_process("--format", "sarif", ".", cwd=tmp_path, env=env).out)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["help"]["markdown"].startswith(f"# {rule['id']} ") for rule in rules)
