"""The GitHub composite action runs crlint once for annotations and SARIF, then uploads it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from crlint.cli import _check_parser

ACTION = Path(__file__).resolve().parent.parent / "action.yml"


def test_the_action_lints_uploads_the_sarif_and_keeps_crlints_exit_code():
    action = yaml.safe_load(ACTION.read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    used = [step.get("uses", "").split("@")[0] for step in steps]
    assert "github/codeql-action/upload-sarif" in used
    upload = steps[used.index("github/codeql-action/upload-sarif")]
    assert upload["with"]["sarif_file"] == "crlint.sarif" and "always()" in upload["if"]
    (run,) = [s for s in steps if s.get("id") == "crlint"]
    line = next(line for line in run["run"].splitlines() if line.startswith("crlint "))
    defaults = {name: str(spec["default"]) for name, spec in action["inputs"].items()}
    line = re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: defaults[m.group(1)], line)
    options = _check_parser().parse_args(shlex.split(line)[1:])
    assert options.output_format == [("github", None), ("sarif", "crlint.sarif")]
    assert options.fail_level == "warning" and options.rule_pages is None
    assert steps[-1]["run"] == 'exit "${{ steps.crlint.outputs.code }}"'
    referenced = set(re.findall(r"inputs\.([\w-]+)", ACTION.read_text()))
    assert referenced <= set(action["inputs"]) and "container-registry-lint==" in ACTION.read_text()
