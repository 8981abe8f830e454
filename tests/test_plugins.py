"""Third-party checks load from the `crlint.checks` entry point of an installed package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run_process, write_tree

PLUGIN = Path(__file__).resolve().parent / "plugin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The demo plugin really installed (by pip, from its pyproject) into a target dir."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(PLUGIN)],
        check=True, capture_output=True, cwd=build,
    )  # fmt: skip
    assert list(target.glob("crlint_demo_plugin-1.0.0.dist-info/entry_points.txt"))
    return target


def test_plugin_check_runs_and_is_selectable(installed, tmp_path):
    write_tree(tmp_path, {".gitlab-ci.yml": "build:\n  image: alpine:latest\n  script: [x]\n"})
    env = {"PYTHONPATH": str(installed)}
    run = run_process("--format", "json", ".", cwd=tmp_path, env=env)
    assert [(f["rule"], f["line"], f["message"]) for f in run.json()["findings"]] == [
        ("DEMO001", 2, "`alpine:latest` is pulled by the moving `latest` tag")
    ]
    assert run_process("--ignore", "DEMO", ".", cwd=tmp_path, env=env).code == 0
    listing = run_process("rules", "--format", "json", env=env).json()
    assert "DEMO001" in [r["id"] for r in listing]
    sarif = run_process("--format", "sarif", ".", cwd=tmp_path, env=env).json()
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "DEMO001")
    assert rule["help"]["markdown"].startswith("# DEMO001 latest-tag")


def test_without_the_plugin_the_rule_does_not_exist(tmp_path):
    write_tree(tmp_path, {".gitlab-ci.yml": "build:\n  image: alpine:latest\n  script: [x]\n"})
    run = run_process("--select", "DEMO001", ".", cwd=tmp_path)
    assert run.code == 2 and "`DEMO001` is not a rule" in run.err


def test_a_broken_plugin_is_reported_not_a_traceback(tmp_path):
    site = write_tree(
        tmp_path / "site",
        {
            "broken_plugin.py": "raise ImportError('missing dependency acme')\n",
            "broken_plugin-0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n",
            "broken_plugin-0.1.dist-info/entry_points.txt": "[crlint.checks]\nbroken = broken_plugin:CHECKS\n",
        },
    )
    run = run_process(".", cwd=tmp_path, env={"PYTHONPATH": str(site)})
    assert run.code == 2
    assert (
        "plugin `broken` (broken_plugin:CHECKS) failed to load: missing dependency acme" in run.err
    )
    assert "Traceback" not in run.err
