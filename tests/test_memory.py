"""A run's memory stays flat: each unit is released once checked, and nothing
crlint builds forms a reference cycle, so nothing waits for the collector
(which crlint's command line turns off).

The figures (peak memory on 2,000 files) are `bench/run.py --all`'s; these
tests pin what makes them possible, and that letting texts go changes no
report: a text a later unit needs is read again, and a fix that edits a file
no finding points into still finds its text.
"""

from __future__ import annotations

import gc
import json

import yaml

from crlint.engine.lint import lint
from crlint.engine.outcome import Request
from crlint.engine.settings import Layer

from .conftest import FIXTURES, write_tree


def test_linting_pipelines_leaves_no_reference_cycle_behind(monkeypatch):
    """Every rule's fixtures (anchors, `extends`, `!reference`, nested script
    lists, scripts a job runs, Dockerfiles, Kubernetes specs, invalid YAML):
    everything a run builds is freed by reference counts."""
    cases = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    was_enabled = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for case in cases:
            monkeypatch.chdir(case)
            outcome = lint(Request((".",), Layer()), jobs=1)
            assert outcome.sources  # something was read
            del outcome
        gc.collect()
        leaked = [
            type(o).__module__ + "." + type(o).__qualname__
            for o in gc.garbage
            if type(o).__module__.startswith("crlint") or isinstance(o, yaml.Node)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert leaked == []


PIPELINE = {
    ".git/HEAD": "ref: refs/heads/main\n",
    "ci/a.gitlab-ci.yml": "build:\n  image: $IMG\n  script:\n    - echo hi\n",
    "ci/b.gitlab-ci.yml": "include:\n  - local: ci/a.gitlab-ci.yml\n"
    "variables:\n  IMG: registry.example.com/_bad/app:1\n",
}


def test_a_file_released_alone_is_read_again_for_the_pipeline_that_includes_it(tmp_path, crlint):
    """`a` is linted first, alone and clean, and its text let go; `b` then
    includes it and finds a problem in it, shown with its line."""
    write_tree(tmp_path, PIPELINE)
    run = crlint("--color", "never", ".", cwd=tmp_path)
    assert "ci/a.gitlab-ci.yml:2:10: CR101" in run.out
    assert " 2 |   image: $IMG" in run.out
    assert "in 1 of 2 files" in run.out
    whole = crlint("--format", "json", ".", cwd=tmp_path).json()["findings"]
    alone = crlint("--format", "json", "ci/b.gitlab-ci.yml", cwd=tmp_path).json()["findings"]
    assert [f["fingerprint"] for f in whole] == [f["fingerprint"] for f in alone]


def test_a_fix_that_edits_a_file_no_finding_points_into_still_applies(tmp_path, crlint):
    """The kaniko job's finding is in the template; its fix adds the variable
    to the job in `.gitlab-ci.yml`, whose text must not have been let go."""
    case = FIXTURES / "CR104" / "good-shared-template"
    files = {
        str(p.relative_to(case)): p.read_text()
        for p in case.rglob("*")
        if p.is_file() and p.name not in ("expected.out", "git-config")
    }
    write_tree(tmp_path, {**files, ".git/HEAD": "ref: refs/heads/main\n"})
    run = crlint("--diff", ".", cwd=tmp_path)
    assert run.code == 1
    assert "+++ b/.gitlab-ci.yml" in run.out and '+    GODEBUG: "http2client=0"' in run.out
    report = json.loads(crlint("--format", "json", ".", cwd=tmp_path).out)
    assert [f["rule"] for f in report["findings"]] == ["CR301"]


def test_values_of_a_file_keep_no_scalar_node_and_the_tree_is_let_go():
    """A CI file's values keep where each scalar was written, not its node
    (with two marks, three objects a scalar): once an owned document is
    converted, the nodes reachable from the values are only those of what
    is kept unread (`Raw`, `!reference`), and the document itself is empty."""
    from crlint.discover.sources import SourceFile
    from crlint.frontends.gitlab_ci.values import Map, Origin, Raw, Reference, convert
    from crlint.frontends.yaml_nodes import compose

    text = (
        ".base: &base\n  image: reg.io/app:1\n  script: [echo one]\n"
        "job:\n  <<: *base\n  variables: {A: b}\n  artifacts: {paths: [a]}\n"
        "  script: [!reference [.base, script], 'docker push x']\n"
    )
    (document,) = compose(text)
    values = convert(
        document, Origin(SourceFile("ci.yml", "ci.yml", text, "gitlab-ci")), owned=True
    )
    assert isinstance(values, Map) and document.value == []
    nodes, stack, seen = [], [values], set()
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, Raw | Reference):
            continue  # kept as YAML on purpose
        if isinstance(value, yaml.Node):
            nodes.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
            stack.extend(value.keys_at.values() if isinstance(value, Map) else ())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    assert nodes == []
    job = values["job"]
    assert isinstance(job, Map) and isinstance(job["artifacts"], Raw)
    assert job["image"].location()[1:3] == (2, 10)  # kept by the merge, placed by index
