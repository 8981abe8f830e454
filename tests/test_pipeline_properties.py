"""Any configuration of GitLab CI's shape resolves without raising.

Generated pipelines mix the keywords crlint reads with wrong types, `!reference`
tags to anything, `extends` to anything (cycles included) and local includes
to files that may or may not exist. Resolution must end, every finding must
be one of the engine's (CR001/CR002/CR005), and commands must only come
from the files of the repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crlint.engine.lint import all_checks, catalog_with
from crlint.engine.settings import Layer, Resolver

NAMES = [".a", ".b", "job", "other", "default", "variables", "X"]
KEYS = ["image", "services", "script", "before_script", "after_script", "variables", "extends",
        "inherit", "include", "default", "rules", "name", "value", "expand", "local"]  # fmt: skip
SCALARS = st.sampled_from(
    ["alpine", "_bad/x", "$X/app", "echo $X", "export X=1", "./ci/x.sh", ".a", ".b", "job",
     "ci/other.yml", "false", "", None, 5]
)  # fmt: skip
REFERENCE = st.lists(st.sampled_from(NAMES + KEYS), min_size=0, max_size=4).map(
    lambda path: "REF" + "|".join(path)
)


def values(depth: int = 0) -> st.SearchStrategy[object]:
    if depth > 3:
        return st.one_of(SCALARS, REFERENCE)
    inner = st.deferred(lambda: values(depth + 1))
    return st.one_of(
        SCALARS,
        REFERENCE,
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    )


CONFIGS = st.dictionaries(st.sampled_from(NAMES + KEYS), values(), max_size=6)


def render(config: object) -> str:
    text = yaml.safe_dump(config, sort_keys=False)
    # `REFa|b` strings become `!reference [a, b]`
    lines = []
    for line in text.splitlines():
        head, marker, tail = line.partition("REF")
        if marker:
            path = tail.strip().strip("'\"")
            head += "!reference [" + ", ".join(path.split("|") if path else []) + "]"
        lines.append(head)
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(main=CONFIGS, other=CONFIGS)
def test_any_shape_resolves_to_engine_findings_only(main: object, other: object):
    from crlint.engine import inspection

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / ".git").mkdir()
        (root / "ci").mkdir()
        (root / ".gitlab-ci.yml").write_text(render(main), encoding="utf-8")
        (root / "ci" / "other.yml").write_text(render(other), encoding="utf-8")
        (root / "ci" / "x.sh").write_text("source ./ci/x.sh\ndocker push $X\n", encoding="utf-8")
        resolver = Resolver(catalog_with(all_checks()), Layer())
        previous = os.getcwd()
        os.chdir(root)
        try:
            pipeline = inspection.pipeline_for(".", resolver)
        except inspection.InspectError:
            return  # the generated text was not valid YAML: reported as CR001 when linting
        finally:
            os.chdir(previous)
        assert {f.rule.id for f in pipeline.findings} <= {"CR001", "CR002", "CR005"}
        for job in pipeline.jobs:
            for command in job.commands:
                assert command.location.path in {".gitlab-ci.yml", "ci/other.yml", "ci/x.sh"}
