"""The pre-commit hook's `files` pattern passes every name crlint reads.

crlint classifies files itself; the hook only narrows what pre-commit hands
it. A name the classifier knows (`Dockerfile-dev.amd64`, `base_Dockerfile.arm`,
`Containerfile-x.y`) or would sniff that the pattern drops is a file the hook
silently never lints.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crlint.discover.classify import kind_from_name, needs_sniff

HOOKS = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
PATTERN = re.compile(yaml.safe_load(HOOKS.read_text())[0]["files"])

NAMES = st.text(alphabet="aDdockerfilntCF.-_ymlshjopnc", min_size=1, max_size=24)


def read_by_crlint(name: str) -> bool:
    return kind_from_name(name) is not None or needs_sniff(name)


@settings(max_examples=3000, deadline=None)
@given(NAMES, st.sampled_from(["", "ci/", "docker/arm64/"]))
@example("Dockerfile-dev.amd64", "")
@example("base_Dockerfile.arm", "build/")
@example("Containerfile-x.y", "")
@example("prod.Dockerfile", "")
@example("nginx.conf", "deploy/")
def test_every_name_crlint_reads_passes_the_hook(name, directory):
    if read_by_crlint(name):
        assert PATTERN.search(directory + name), directory + name


def test_the_pattern_is_not_everything():
    assert not any(PATTERN.search(n) for n in ("README.md", "main.go", "src/app.ts", "a.txt"))
