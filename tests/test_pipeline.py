"""The resolved pipeline, built from GitLab's documented examples.

Each test writes a small repository, resolves its `.gitlab-ci.yml` the way
`crlint inspect` does, and asserts the effective jobs: image, variables in
force with where they were set, and commands with the exact `path:line`
they were written at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crlint.engine import inspection
from crlint.engine.lint import all_checks, catalog_with
from crlint.engine.settings import Layer, Resolver
from crlint.facts.model import known_text

from .conftest import write_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.frontends.gitlab_ci.jobs import Job
    from crlint.frontends.gitlab_ci.pipeline import Pipeline


@pytest.fixture
def resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def run(files: dict[str, str]) -> Pipeline:
        root = write_tree(tmp_path / "repo", files)
        (root / ".git").mkdir(exist_ok=True)
        monkeypatch.chdir(root)
        resolver = Resolver(catalog_with(all_checks()), Layer())
        return inspection.pipeline_for(".", resolver)

    return run


def job(pipeline: Pipeline, name: str) -> Job:
    return next(j for j in pipeline.jobs if j.name == name)


def commands(found: Job) -> list[tuple[str, str, int]]:
    """(command text, path, line) for each command of a job."""
    return [
        (" ".join(w.written.text for w in c.words), c.location.path, c.location.line)
        for c in found.commands
    ]


def variables(found: Job) -> dict[str, tuple[str | None, int | None]]:
    return {
        name: (b.value, b.location.line if b.location else None)
        for name, b in found.variables.items()
    }


def messages(pipeline: Pipeline) -> list[str]:
    return [
        f"{f.rule.id} {f.location.path}:{f.location.line} {f.message}" for f in pipeline.findings
    ]


# -- extends: GitLab's "merge details" example --------------------------------


EXTENDS = """\
.only-important:
  variables:
    URL: "http://my-url.internal"
    IMPORTANT_VAR: "the details"
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - echo "Hello world!"

.in-docker:
  variables:
    URL: "http://docker-url.internal"
  tags:
    - docker
  image: alpine

rspec:
  variables:
    GITLAB: "is-awesome"
  extends:
    - .only-important
    - .in-docker
  script:
    - rake rspec
"""


def test_extends_deep_merges_mappings_and_replaces_lists(resolve):
    pipeline = resolve({".gitlab-ci.yml": EXTENDS})
    assert [j.name for j in pipeline.jobs] == ["rspec"]
    rspec = job(pipeline, "rspec")
    assert rspec.image is not None and rspec.image.name.value == "alpine"
    # the last parent wins over the first, the job over both; lines say who set each
    assert variables(rspec) == {
        "URL": ("http://docker-url.internal", 12),
        "IMPORTANT_VAR": ("the details", 4),
        "GITLAB": ("is-awesome", 19),
    }
    assert commands(rspec) == [("rake rspec", ".gitlab-ci.yml", 24)]
    assert pipeline.findings == []


def test_extends_chains_are_followed_to_any_depth_gitlab_allows(resolve):
    chain = "".join(f".l{i}: {{extends: .l{i - 1}}}\n" for i in range(2, 11))
    pipeline = resolve(
        {
            ".gitlab-ci.yml": ".l1:\n  image: docker:27\n  script: [make]\n"
            + chain
            + "job: {extends: .l10}\n"
        }
    )
    found = job(pipeline, "job")
    assert found.image is not None and found.image.name.value == "docker:27"
    assert commands(found) == [("make", ".gitlab-ci.yml", 3)]
    assert pipeline.findings == []


def test_extends_null_removes_a_parent_key(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": ".base:\n  image: alpine\n  variables: {A: '1'}\n  script: [x]\n"
         "job:\n  extends: .base\n  image: null\n  variables: {}\n"}
    )  # fmt: skip
    found = job(pipeline, "job")
    assert found.image is None
    assert variables(found) == {"A": ("1", 3)}  # `{}` keeps the parent's variables


def test_extends_cycles_and_unknown_parents_are_findings_not_hangs(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": ".a: {extends: .b, script: [x]}\n.b: {extends: .a}\n"
         "job: {extends: [.a, .nope]}\n"}
    )  # fmt: skip
    assert messages(pipeline) == [
        "CR005 .gitlab-ci.yml:2 `extends` cycle: .a → .b → .a; GitLab rejects the pipeline",
        "CR005 .gitlab-ci.yml:3 `job` extends `.nope`, which is not defined; GitLab rejects the pipeline",
    ]
    assert commands(job(pipeline, "job")) == [("x", ".gitlab-ci.yml", 1)]


# -- !reference: GitLab's examples --------------------------------------------


REFERENCE = """\
.setup:
  script:
    - echo creating environment
.teardown:
  after_script:
    - echo deleting environment
.vars:
  variables:
    URL: "http://my-url.internal"
    IMPORTANT_VAR: "the details"

test:
  variables:
    ONLY: !reference [.vars, variables, IMPORTANT_VAR]
  script:
    - !reference [.setup, script]
    - echo running my own command
  after_script:
    - !reference [.teardown, after_script]

nested:
  variables: !reference [.vars, variables]
  script:
    - !reference [test, script]
"""


def test_reference_tags_in_scripts_and_variables(resolve):
    pipeline = resolve({".gitlab-ci.yml": REFERENCE})
    test = job(pipeline, "test")
    assert commands(test) == [
        ("echo creating environment", ".gitlab-ci.yml", 3),
        ("echo running my own command", ".gitlab-ci.yml", 17),
        ("echo deleting environment", ".gitlab-ci.yml", 6),
    ]
    assert variables(test) == {"ONLY": ("the details", 14)}
    nested = job(pipeline, "nested")
    # a reference to a job whose script holds a reference: resolved to the end
    assert [c[0] for c in commands(nested)] == [
        "echo creating environment",
        "echo running my own command",
    ]
    assert variables(nested) == {
        "URL": ("http://my-url.internal", 9),
        "IMPORTANT_VAR": ("the details", 10),
    }
    assert pipeline.findings == []


def test_reference_to_a_missing_key_is_a_finding(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": ".setup:\n  script: [x]\njob:\n  script:\n    - !reference [.setup, before_script]\n"
        }
    )
    assert messages(pipeline) == [
        "CR005 .gitlab-ci.yml:5 `!reference [.setup, before_script]`: `.setup` has no "
        "`before_script`; GitLab rejects the pipeline"
    ]


# -- anchors ------------------------------------------------------------------


ANCHORS = """\
.job_template: &job_configuration
  image: ruby:3.0
  services:
    - postgres
    - redis

.some-script-before: &some-script-before
  - echo "Execute this script first"

.some-script: &some-script
  - echo "Execute this script second"
  - echo "Execute this script too"

test1:
  <<: *job_configuration
  script:
    - test1 project

test2:
  <<: *job_configuration
  services: [mysql]
  before_script:
    - *some-script-before
  script:
    - *some-script
    - echo "Execute something, for this job only"
"""


def test_anchors_merge_keys_and_nested_script_lists(resolve):
    pipeline = resolve({".gitlab-ci.yml": ANCHORS})
    test1, test2 = job(pipeline, "test1"), job(pipeline, "test2")
    assert [s.name.value for s in test1.services] == ["postgres", "redis"]
    assert [s.name.value for s in test2.services] == ["mysql"]  # explicit key beats `<<`
    assert test2.image is not None and test2.image.name.value == "ruby:3.0"
    assert commands(test2) == [
        ('echo "Execute this script first"', ".gitlab-ci.yml", 8),
        ('echo "Execute this script second"', ".gitlab-ci.yml", 11),
        ('echo "Execute this script too"', ".gitlab-ci.yml", 12),
        ('echo "Execute something, for this job only"', ".gitlab-ci.yml", 26),
    ]


def test_duplicate_keys_last_one_wins(resolve):
    pipeline = resolve({".gitlab-ci.yml": "job:\n  script: [first]\n  script: [second]\n"})
    assert commands(job(pipeline, "job")) == [("second", ".gitlab-ci.yml", 3)]


# -- default: and inherit: ----------------------------------------------------


INHERIT = """\
default:
  image: ruby:3.0
  before_script:
    - bundle install

variables:
  DOMAIN: example.com
  WEBHOOK_URL: https://my-webhook.example.com

job1:
  script: echo "no defaults"
  inherit:
    default: false
    variables: false

job2:
  script: echo "image only"
  inherit:
    default: [image]
    variables: [DOMAIN]

job3:
  image: alpine
  script: echo "everything"
"""


def test_default_and_inherit(resolve):
    pipeline = resolve({".gitlab-ci.yml": INHERIT})
    job1, job2, job3 = (job(pipeline, n) for n in ("job1", "job2", "job3"))
    assert job1.image is None and variables(job1) == {}
    assert [c[0] for c in commands(job1)] == ['echo "no defaults"']
    assert job2.image is not None and job2.image.name.value == "ruby:3.0"
    assert [c[0] for c in commands(job2)] == ['echo "image only"']
    assert variables(job2) == {"DOMAIN": ("example.com", 7)}
    # a job's own image replaces the default whole; before_script still comes
    assert job3.image is not None and job3.image.name.value == "alpine"
    assert commands(job3) == [
        ("bundle install", ".gitlab-ci.yml", 4),
        ('echo "everything"', ".gitlab-ci.yml", 24),
    ]
    assert set(variables(job3)) == {"DOMAIN", "WEBHOOK_URL"}


def test_variables_forms_and_ui_variables(resolve, tmp_path: Path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".crlint.toml").write_text('[ci-variables]\nTOKEN = "from-ui"\n')
    pipeline = resolve(
        {".gitlab-ci.yml": "variables:\n  REG:\n    value: reg.example.com\n    description: where\n"
         "  RAW:\n    value: $REG\n    expand: false\n  TOKEN: yaml\n"
         "job:\n  variables:\n    REG: job.example.com\n  script: [x]\n"}
    )  # fmt: skip
    found = job(pipeline, "job")
    assert found.variables["REG"].value == "job.example.com"
    assert found.variables["REG"].origin == "job variables"
    assert found.variables["RAW"].expand is False
    assert found.variables["TOKEN"].value == "from-ui"
    assert found.variables["TOKEN"].location is None


# -- include: -------------------------------------------------------------------


def test_local_includes_in_every_form_with_paths_into_the_included_files(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n  - local: /ci/templates.yml\n  - 'ci/jobs/*.yml'\n"
            "  - local: ci/templates.yml\n"  # a duplicate is ignored
            "test:\n  extends: .test\n",
            "ci/templates.yml": "include: ci/nested/base.yml\n.test:\n  extends: .base\n  script:\n    - make test\n",
            "ci/nested/base.yml": ".base:\n  image: python:3.12\n  before_script:\n    - pip install -r requirements.txt\n",
            "ci/jobs/build.yml": "build:\n  extends: .base\n  script:\n    - make build\n",
            "ci/jobs/lint.yml": "lint:\n  extends: .base\n  script: make lint\n",
        }
    )
    assert [j.name for j in pipeline.jobs] == ["build", "lint", "test"]
    assert commands(job(pipeline, "test")) == [
        ("pip install -r requirements.txt", "ci/nested/base.yml", 4),
        ("make test", "ci/templates.yml", 5),
    ]
    assert commands(job(pipeline, "lint"))[-1] == ("make lint", "ci/jobs/lint.yml", 3)
    assert [(i.kind, i.target, i.path) for i in pipeline.includes] == [
        ("local", "/ci/templates.yml", "ci/templates.yml"),
        ("local", "ci/nested/base.yml", "ci/nested/base.yml"),
        ("local", "ci/jobs/*.yml", "ci/jobs/build.yml"),
        ("local", "ci/jobs/*.yml", "ci/jobs/lint.yml"),
    ]
    assert pipeline.findings == []


def test_the_including_file_wins_over_what_it_includes(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include: ci/a.yml\njob:\n  variables: {B: main}\n",
            "ci/a.yml": "job:\n  image: alpine\n  variables: {A: a, B: a}\n  script: [x]\n",
        }
    )
    found = job(pipeline, "job")
    assert variables(found) == {"A": ("a", 3), "B": ("main", 3)}
    assert found.variables["B"].location.path == ".gitlab-ci.yml"  # type: ignore[union-attr]
    assert found.image is not None and found.image.name.location().path == "ci/a.yml"


def test_missing_and_cyclic_includes_are_findings(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n  - local: ci/gone.yml\n  - local: ci/a.yml\njob: {script: [x]}\n",
            "ci/a.yml": "include: ci/b.yml\n",
            "ci/b.yml": "include: ci/a.yml\n",
        }
    )
    assert messages(pipeline) == [
        "CR005 .gitlab-ci.yml:2 local include `ci/gone.yml` does not exist in the repository; "
        "GitLab rejects the pipeline",
        "CR005 ci/b.yml:1 include cycle: ci/a.yml → ci/b.yml → ci/a.yml; "
        "GitLab rejects the pipeline",
    ]


@pytest.mark.parametrize("count", [150, 151])
def test_more_includes_than_gitlab_allows_is_said_once_and_the_rest_is_unread(resolve, count):
    """GitLab includes 150 files at most, nested ones counted, and rejects a
    pipeline with more. The remote include counts too; past the limit nothing
    more is read, so a job extending an unread file's template is not
    claimed missing."""
    files = {f"ci/j{i:03}.yml": f".t{i}: {{image: docker:27}}\n" for i in range(count - 1)}
    root = (
        "include:\n  - remote: https://example.com/x.yml\n  - local: ci/*.yml\n"
        f"last:\n  extends: .t{count - 2}\n  script: [x]\n"
    )
    pipeline = resolve({".gitlab-ci.yml": root, **files})
    over = [m for m in messages(pipeline) if m.startswith("CR005")]
    if count == 150:
        assert over == []
        assert len([i for i in pipeline.includes if i.status == "read"]) == 149
    else:
        assert over == [
            "CR005 .gitlab-ci.yml:3 more than 150 files are included, nested ones counted "
            "(GitLab's limit, which a self-managed instance may raise); GitLab rejects the "
            "pipeline"
        ]
        assert len([i for i in pipeline.includes if i.status == "read"]) == 149
        assert pipeline.incomplete


def test_unreadable_includes_are_noted_once_and_silence_missing_jobs(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n  - remote: https://example.com/x.yml\n"
            "  - template: Auto-DevOps.gitlab-ci.yml\n"
            "  - project: grp/templates\n    file: [/a.yml, /b.yml]\n"
            "job:\n  extends: .from-remote\n  script: [x]\n"
        }
    )
    # GitLab's own template is fixed and public: a note (`--verbose`), not a finding.
    assert [f.rule.id for f in pipeline.findings] == ["CR002", "CR002"]
    assert pipeline.notes == [
        ".gitlab-ci.yml:3:15: `include: template` of `Auto-DevOps.gitlab-ci.yml` not read: "
        "GitLab's own template"
    ]
    assert pipeline.incomplete


def test_an_included_file_on_its_own_does_not_claim_missing_jobs(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": "include: ci/jobs.yml\n.base: {image: alpine}\n",
         "ci/jobs.yml": "job:\n  extends: .base\n  script: [x]\n"}
    )  # fmt: skip
    assert pipeline.findings == []
    resolver = Resolver(catalog_with(all_checks()), Layer())
    alone = inspection.pipeline_for("ci/jobs.yml", resolver)
    assert not alone.entry and alone.findings == []
    assert commands(job(alone, "job")) == [("x", "ci/jobs.yml", 3)]


# -- script text to commands ----------------------------------------------------


BLOCKS = """\
job:
  script:
    - |
      echo one
      docker build \\
        -t "$IMAGE" .
    - >
      docker push
      "$IMAGE"
    - >-
      echo folded
      strip
    - echo plain
      continued
    - "echo quoted"
"""


def test_block_scalars_map_each_command_to_its_physical_line(resolve):
    found = job(resolve({".gitlab-ci.yml": BLOCKS}), "job")
    assert [(c[0], c[2]) for c in commands(found)] == [
        ("echo one", 4),
        ('docker build -t "$IMAGE" .', 5),
        ('docker push "$IMAGE"', 8),
        ("echo folded strip", 11),
        ("echo plain continued", 13),
        ("echo quoted", 15),
    ]
    words = found.commands[1].words
    at = words[3].written.location()
    assert (at.line, at.column) == (6, 12)  # `"$IMAGE"` on the continuation line
    at = found.commands[2].words[2].written.location()
    assert (at.line, at.column) == (9, 7)  # the folded line's word


ENVIRONMENT = """\
variables:
  REGISTRY: registry.example.com
job:
  before_script:
    - export IMAGE=$REGISTRY/app
  script:
    - TAG=1.0
    - docker build -t $IMAGE:$TAG .
    - if [ -n "$X" ]; then TAG=2.0; fi
    - docker push $IMAGE:$TAG
    - GODEBUG=http2client=0 /kaniko/executor --destination $IMAGE
  after_script:
    - echo $IMAGE
"""


def test_variables_set_by_the_script_carry_forward_and_branches_make_them_unknown(resolve):
    found = job(resolve({".gitlab-ci.yml": ENVIRONMENT}), "job")
    programs = ("docker", "/kaniko/executor", "echo")
    build, push, kaniko, after = (c for c in found.commands if c.words[0].written.text in programs)
    from crlint.facts.expand import expand_word

    def value(command, index):
        return known_text(expand_word(command.words[index].parts, command.env))

    assert value(build, 3) == "registry.example.com/app:1.0"
    assert value(push, 2) is None  # TAG may be 1.0 or 2.0
    assert kaniko.env.get("GODEBUG").value == "http2client=0"
    assert [a.name for a in kaniko.assignments] == ["GODEBUG"]
    assert after.env.get("IMAGE") is None  # after_script is a new shell


def test_following_scripts_with_the_jobs_environment(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "variables:\n  IMAGE: registry.example.com/app\n"
            "job:\n  script:\n    - source ci/env.sh\n    - ./ci/build.sh\n"
            "    - sh ci/push.sh\n    - bash -e $CI_PROJECT_DIR/ci/push.sh\n",
            "ci/env.sh": "export TAG=1.0\nLOCAL=only-here\n",
            "ci/build.sh": '#!/bin/sh\ndocker build -t "$IMAGE:$TAG" .\n',
            "ci/push.sh": 'docker push "$IMAGE:$TAG" $LOCAL\n',
        }
    )
    found = job(pipeline, "job")
    from crlint.facts.expand import expand_word

    located = [
        (c.location.path, c.location.line, c.context)
        for c in found.commands
        if c.words[0].written.text == "docker"
    ]
    assert located == [
        ("ci/build.sh", 2, "script ci/build.sh (run by job `job`)"),
        ("ci/push.sh", 1, "script ci/push.sh (run by job `job`)"),
        ("ci/push.sh", 1, "script ci/push.sh (run by job `job`)"),
    ]
    docker_push = next(c for c in found.commands if c.location.path == "ci/push.sh")
    assert known_text(expand_word(docker_push.words[2].parts, docker_push.env)) == (
        "registry.example.com/app:1.0"
    )
    assert docker_push.env.get("LOCAL") is None  # not exported: a child shell lacks it
    assert {s.path for s in pipeline.scripts or ()} == {"ci/env.sh", "ci/build.sh", "ci/push.sh"}


def test_unparseable_script_text_is_a_note_not_a_crash(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": "job:\n  script:\n    - echo ok\n    - echo 'unterminated\n"}
    )
    assert [c[0] for c in commands(job(pipeline, "job"))] == ["echo ok"]
    assert pipeline.notes == [
        ".gitlab-ci.yml:4:12: shell text not analysed from here: unterminated single quote"
    ]


def test_spec_header_and_hidden_jobs_never_run(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": "spec:\n  inputs:\n    image: {default: alpine}\n---\n"
         ".hidden: {script: [x]}\njob:\n  image: $[[ inputs.image ]]\n  script: [y]\n"}
    )  # fmt: skip
    assert [j.name for j in pipeline.jobs] == ["job"]
    assert [t.name for t in pipeline.templates] == [".hidden"]


def test_a_directory_without_a_ci_file_is_a_clear_error(tmp_path: Path):
    resolver = Resolver(catalog_with(all_checks()), Layer())
    with pytest.raises(inspection.InspectError, match="no such file"):
        inspection.pipeline_for(os.fspath(tmp_path), resolver)


def test_a_script_linted_alone_tracks_what_it_sets_and_sources(tmp_path: Path):
    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.facts.expand import expand_word
    from crlint.facts.model import display_text
    from crlint.frontends.base import Context
    from crlint.frontends.shell_script import extract

    root = write_tree(
        tmp_path,
        {
            "ci/build.sh": '#!/bin/sh\n. ./ci/env.sh\nIMAGE="$REGISTRY/app"\ndocker push "$IMAGE:$TAG"\n',
            "ci/env.sh": "REGISTRY=registry.example.com\nTAG=$1\n",
        },
    )
    files = SourceCache(os.fspath(root))
    source = files.get(os.fspath(root / "ci/build.sh"), "shell", os.fspath(root))
    assert isinstance(source, SourceFile)
    context = Context({}, True, files, os.fspath(root))
    # `. ./ci/env.sh` is relative to where jobs run scripts: the repository root
    extraction = extract(source, context)
    assert extraction.later is not None
    later = extraction.later()
    push = next(c for c in later.commands if c.words[0].written.text == "docker")
    parts = expand_word(push.words[2].parts, push.env)
    # REGISTRY is known from the sourced file; TAG is `$1`, unknown
    assert display_text(parts) == "registry.example.com/app:$1"
    assert [s.path for s, _ in later.related] == ["ci/env.sh"]


def test_reference_to_keys_crlint_does_not_otherwise_read(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": ".snippets:\n  login:\n    - docker login -u u --password-stdin r < f\n"
         "  rules: [{if: $X}]\n"
         "job:\n  rules: !reference [.snippets, rules]\n  script:\n"
         "    - !reference [.snippets, login]\n    - docker push r/app\n"}
    )  # fmt: skip
    assert commands(job(pipeline, "job")) == [
        ("docker login -u u --password-stdin r", ".gitlab-ci.yml", 3),
        ("docker push r/app", ".gitlab-ci.yml", 9),
    ]
    assert pipeline.findings == []


def test_include_wildcards_star_stays_in_a_directory_double_star_crosses(resolve):
    files = {
        ".gitlab-ci.yml": "include:\n  - local: 'ci/*.yml'\n  - local: 'deep/**.yml'\n",
        "ci/a.yml": "a: {script: [a]}\n",
        "ci/sub/b.yml": "b: {script: [b]}\n",
        "deep/c.yml": "c: {script: [c]}\n",
        "deep/x/y/d.yml": "d: {script: [d]}\n",
        "deep/x/notes.txt": "not included\n",
    }
    assert [j.name for j in resolve(files).jobs] == ["a", "c", "d"]


def test_inspect_reports_a_ci_file_that_is_not_yaml_without_a_traceback(tmp_path: Path, crlint):
    write_tree(tmp_path, {".gitlab-ci.yml": "job:\n  script: [x\n"})
    run = crlint("inspect", ".", cwd=tmp_path)
    assert run.code == 2
    assert run.err.startswith("crlint: error: .gitlab-ci.yml:3:1: invalid YAML")


def test_inspect_says_a_file_of_another_kind_has_no_jobs_to_show(tmp_path: Path, crlint):
    write_tree(tmp_path, {"Dockerfile": "FROM alpine\n", "ci/jobs.yml": "a: {script: [x]}\n"})
    run = crlint("inspect", "Dockerfile", cwd=tmp_path)
    assert run.code == 2
    assert run.err.startswith("crlint: error: Dockerfile: not a GitLab CI file")
    assert crlint("inspect", "ci/jobs.yml", cwd=tmp_path).out.startswith("job a  (ci/jobs.yml:1)")


def test_variables_rules_may_set_are_unknown_and_a_matrix_makes_a_job_of_each_value(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "workflow:\n  rules:\n    - if: $CI_COMMIT_TAG\n      variables: {REG: tags.example.com}\n"
            "    - when: always\n"
            "variables:\n  REG: main.example.com\n  ARCH: amd64\n  KEEP: yes\n"
            "job:\n  rules:\n    - if: $X\n      variables: {TAG: x}\n    - when: manual\n"
            "  variables: {TAG: '1'}\n"
            "  parallel:\n    matrix:\n      - ARCH: [amd64, arm64]\n"
            "  script: [x]\n"
        }
    )
    assert [j.name for j in pipeline.jobs] == ["job: [amd64]", "job: [arm64]"]
    for instance, arch in zip(pipeline.jobs, ("amd64", "arm64"), strict=True):
        assert variables(instance) == {
            "REG": (None, 4),
            "ARCH": (arch, 18),
            "KEEP": ("yes", 9),
            "TAG": (None, 13),
        }
        assert instance.variables["TAG"].origin == "`rules:variables`, when the rule matches"
        assert instance.variables["ARCH"].origin == "`parallel:matrix`, one value per job instance"


def test_matrix_combinations_are_gitlabs_and_what_cannot_be_read_stays_unknown(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "variables: {OS: linux}\n"
            ".m: &m\n  - PROVIDER: aws\n    STACK: [monitoring, app1]\n"
            "  - PROVIDER: [gcp, vultr]\n    STACK: data\n"
            "deploy:\n  parallel:\n    matrix: *m\n  script: [x]\n"
            "odd:\n  parallel:\n    matrix:\n      - STACK: {a: b}\n  script: [x]\n"
            "many:\n  parallel:\n    matrix:\n"
            "      - A: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n        B: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
            "        C: [1, 2, 3]\n  script: [x]\n"
            "ui:\n  parallel:\n    matrix:\n      - OS: [mac, win]\n  script: [x]\n"
        }
    )
    names = [j.name for j in pipeline.jobs]
    assert names[:4] == [
        "deploy: [aws, monitoring]",
        "deploy: [aws, app1]",
        "deploy: [gcp, data]",
        "deploy: [vultr, data]",
    ]
    assert [job(pipeline, n).env.get("STACK").value for n in names[:4]] == [
        "monitoring",
        "app1",
        "data",
        "data",
    ]
    assert job(pipeline, "odd").variables["STACK"].value is None  # one job, its value unknown
    assert job(pipeline, "many").variables["A"].value is None
    assert messages(pipeline) == [
        "CR005 .gitlab-ci.yml:17 `parallel:matrix` of `many` makes more than 200 jobs; "
        "GitLab rejects the pipeline"
    ]
    # a matrix value wins over the global variable of the same name
    assert [job(pipeline, n).env.get("OS").value for n in ("ui: [mac]", "ui: [win]")] == [
        "mac",
        "win",
    ]


def test_cd_into_the_project_directory_is_followed(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "job:\n  script:\n    - cd $CI_PROJECT_DIR/ci\n    - ./build.sh\n",
            "ci/build.sh": "docker build .\n",
        }
    )
    assert commands(job(pipeline, "job"))[-1] == ("docker build .", "ci/build.sh", 1)
