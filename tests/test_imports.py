"""Speed from day one: a run over one small file imports only what it needs.

Timings belong in `bench/`; these tests pin the imports that cost the most
(ruamel.yaml ~46 ms, jsonschema ~130 ms, importlib.metadata
~35 ms, pathspec ~45 ms, tomllib ~20 ms).
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import write_tree

PROBE = """
import sys
from crlint.cli import main
code = main(sys.argv[1:])
print(",".join(sorted(sys.modules)), file=sys.stderr)
"""


def imported(*args: str, cwd) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode in (0, 1), completed.stderr
    return set(completed.stderr.strip().splitlines()[-1].split(","))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_one_ci_file_imports_no_heavy_module(tmp_path):
    write_tree(tmp_path, {".gitlab-ci.yml": "build:\n  image: alpine\n  script: [x]\n"})
    full = imported(".gitlab-ci.yml", cwd=tmp_path)
    modules = top_level(full)
    assert "yaml" in modules
    heavy = {"ruamel", "jsonschema", "dockerfile_parse", "pathspec", "tomllib"}
    assert not modules & heavy
    # crlint.facts.record spares ~3 ms of typing; importlib is not needed to load frontends
    assert not modules & {"typing", "importlib"}
    # the walker and its pattern matcher are for directories; the project, for checks that ask
    assert not full & {
        "importlib.metadata",
        "crlint.discover.walk",
        "crlint.discover.gitignore",
        "crlint.discover.project",
    }


def test_one_dockerfile_does_not_import_yaml(tmp_path):
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n"})
    modules = top_level(imported("Dockerfile", cwd=tmp_path))
    assert not modules & {"yaml", "ruamel", "jsonschema", "dockerfile_parse"}


def test_text_report_needs_no_hashing(tmp_path):
    write_tree(tmp_path, {"Dockerfile": "FROM _bad\n"})
    assert "hashlib" not in imported("Dockerfile", cwd=tmp_path)


def test_one_shell_script_does_not_import_yaml(tmp_path):
    write_tree(tmp_path, {"build.sh": "#!/bin/sh\nexport TAG=1\ndocker push app:$TAG\n"})
    modules = imported("build.sh", cwd=tmp_path)
    assert "crlint.frontends.gitlab_ci.scripts" in modules
    assert not top_level(modules) & {"yaml", "ruamel", "jsonschema"}
