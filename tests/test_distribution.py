"""The distribution's name: `crlint` on PyPI is an unrelated project.

The import package and the command are `crlint`; what users install is
`container-registry-lint`, and nothing the project ships may tell them to
install `crlint`.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "container-registry-lint"


def test_the_installed_distribution_is_container_registry_lint_with_the_crlint_command():
    distribution = metadata.distribution(NAME)
    assert distribution.metadata["Name"] == NAME
    scripts = {e.name: e.value for e in distribution.entry_points if e.group == "console_scripts"}
    assert scripts == {"crlint": "crlint.cli:run"}


def test_nothing_shipped_says_to_install_the_other_crlint():
    wrong = re.compile(r"pip3? install\s+(?:-U\s+|--upgrade\s+)?crlint(?![\w-])")
    shipped = [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml", *ROOT.glob("rules/*.md")]
    shipped += [*ROOT.glob("templates/**/*.yml"), *ROOT.glob("action.y*ml")]
    said = [str(p.relative_to(ROOT)) for p in shipped if wrong.search(p.read_text("utf-8"))]
    assert said == []
