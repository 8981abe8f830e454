"""The distribution's name: `crlint` on PyPI is an unrelated project.

The import package and the command are `crlint`; what users install is
`container-registry-lint`, and nothing the project ships may tell them to
install `crlint`.
"""

from __future__ import annotations

import re
import subprocess
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


def test_every_place_that_names_a_release_names_this_version():
    """The README's pre-commit `rev`, the component and action defaults and
    the component's `@version` all name the version being built, and `rev`
    is a tag of this repository wherever its tags were cloned."""
    version = metadata.version(NAME)
    readme = (ROOT / "README.md").read_text("utf-8")
    assert re.findall(r"^\s+rev: (\S+)", readme, re.M) == [f"v{version}"]
    assert set(re.findall(r"crlint/crlint@(\S+)", readme)) == {version}
    component = (ROOT / "templates" / "crlint.yml").read_text("utf-8")
    action = (ROOT / "action.yml").read_text("utf-8")
    for text in (component, action):
        assert re.search(rf'version:\n(?:\s+.*\n)*?\s+default: "{re.escape(version)}"', text)
    tags = subprocess.run(
        ["git", "tag", "--list"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if tags:  # a shallow or tagless clone cannot say; a full one must have it
        assert f"v{version}" in tags
