"""The GitLab CI frontend: images of jobs, unused templates and defaults."""

from __future__ import annotations

from crlint.discover.sources import SourceFile
from crlint.facts.model import ImageRole, display_text
from crlint.frontends.base import Context
from crlint.frontends.gitlab_ci.frontend import extract


def images(text: str, ui: dict[str, str] | None = None, named: bool = True):
    source = SourceFile(".gitlab-ci.yml", ".gitlab-ci.yml", text, "gitlab-ci")
    result = extract(source, Context(ui or {}, named=named))
    return [(display_text(i.parts), i.role, i.context) for i in result.facts.images], result


def test_string_and_mapping_forms_of_jobs_and_defaults():
    found, _ = images(
        "default:\n  image: {name: 'python:3.12', entrypoint: ['']}\n  services: [docker:dind]\n"
        "build:\n  image: node:22\n  services:\n    - postgres:16\n    - name: redis:7\n      alias: cache\n  script: [make]\n"
        "test:\n  script: [make test]\n"
    )
    assert found == [
        ("node:22", ImageRole.CI_IMAGE, "job `build`"),
        ("postgres:16", ImageRole.CI_SERVICE, "job `build`"),
        ("redis:7", ImageRole.CI_SERVICE, "job `build`"),
        ("python:3.12", ImageRole.CI_IMAGE, "job `test`"),
        ("docker:dind", ImageRole.CI_SERVICE, "job `test`"),
    ]


def test_deprecated_global_image_acts_as_default_and_is_checked_even_if_unused():
    found, _ = images(
        "image: alpine:3\nservices: [docker:dind]\nbuild:\n  image: node:22\n  script: [x]\n"
    )
    assert found == [
        ("node:22", ImageRole.CI_IMAGE, "job `build`"),
        ("docker:dind", ImageRole.CI_SERVICE, "job `build`"),
        ("alpine:3", ImageRole.CI_IMAGE, "`default:`"),
    ]


def test_job_variables_override_global_ones_and_ui_variables_override_both():
    text = (
        "variables:\n  REG: global.example.com\n  TAG: '1'\n"
        "a:\n  variables:\n    REG: job.example.com\n  image: $REG/app:$TAG\n  script: [x]\n"
    )
    found, _ = images(text)
    assert found[0][0] == "job.example.com/app:1"
    found, _ = images(text, ui={"TAG": "2"})
    assert found[0][0] == "job.example.com/app:2"


def test_inherit_variables_false_or_list():
    text = (
        "variables:\n  A: a.example.com\n  B: b\n"
        "x:\n  inherit:\n    variables: false\n  image: $A/$B\n  script: [x]\n"
        "y:\n  inherit:\n    variables: [A]\n  image: $A/$B\n  script: [x]\n"
    )
    found, _ = images(text)
    assert [f[0] for f in found] == ["${A}/${B}", "a.example.com/${B}"]


def test_mapping_variables_and_expand_false():
    text = (
        "variables:\n  REG:\n    value: reg.example.com\n    description: registry\n"
        "  RAW:\n    value: $REG\n    expand: false\n"
        "a:\n  image: $REG/app\n  script: [x]\n"
        "b:\n  image: $RAW/app\n  script: [x]\n"
    )
    found, _ = images(text)
    assert [f[0] for f in found] == ["reg.example.com/app", "$REG/app"]


def test_anchors_and_merge_keys_resolve_with_positions():
    text = ".base: &base\n  image: reg.example.com/_x/app\n  script: [x]\njob:\n  <<: *base\n  stage: build\n"
    _, result = images(text)
    # the template and the job both name the image written on line 2
    lines = {i.written.location().line for i in result.facts.images}
    assert lines == {2}


def test_reference_tags_resolve_to_the_image_they_name():
    found, result = images(
        ".img:\n  image: alpine\njob:\n  image: !reference [.img, image]\n  script: [x]\n"
    )
    assert found == [("alpine", ImageRole.CI_IMAGE, "job `job`")]
    assert result.facts.images[0].written.location().line == 2


def test_yaml_that_is_not_ci_is_skipped_when_the_name_does_not_say_ci():
    _, result = images("services:\n  web:\n    image: nginx\n", named=False)
    assert result.skipped == "not a GitLab CI configuration"


def test_spec_header_document_is_not_the_configuration():
    found, _ = images(
        "spec:\n  inputs:\n    tag: {}\n---\nbuild:\n  image: alpine:$[[ inputs.tag ]]\n  script: [x]\n"
    )
    assert [f[2] for f in found] == ["job `build`"]


def test_invalid_yaml_is_cr001_at_the_error():
    _, result = images("build:\n  script:\n    - a\n   - b\n")
    assert [(f.rule.id, f.location.line, f.location.column) for f in result.findings] == [
        ("CR001", 4, 4)
    ]
