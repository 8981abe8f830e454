"""What `rules:`/`only:` say about the ref a job runs for (crlint.frontends.gitlab_ci.refs)."""

from __future__ import annotations

import pytest
import yaml

from crlint.frontends.gitlab_ci.refs import safe_refs
from crlint.frontends.gitlab_ci.values import Map, Scalar


def value(data):
    """Plain YAML data as pipeline values (scalars without positions are enough here)."""
    node = yaml.compose(yaml.safe_dump(data))
    from crlint.discover.sources import SourceFile
    from crlint.frontends.gitlab_ci.values import Origin, convert

    return convert(node, Origin(SourceFile("ci.yml", "ci.yml", "", "gitlab-ci")))


@pytest.mark.parametrize(
    ("rules", "tag_safe"),
    [
        (
            [{"if": '$CI_COMMIT_BRANCH == "main"'}],
            {"CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
        (
            [{"if": r"$CI_COMMIT_TAG =~ /^v\d+\.\d+\.\d+$/"}],
            {"CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
        ([{"if": "$CI_COMMIT_TAG =~ /^v.+$/"}], {"CI_COMMIT_BRANCH"}),  # `.` lets `/` through
        (
            [{"if": "$CI_COMMIT_BRANCH =~ /^(main|next)$/"}, {"if": "$CI_COMMIT_TAG"}],
            {"CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
        ([{"if": '$CI_COMMIT_BRANCH == "main"'}, {"when": "manual"}], set()),
        ([{"if": '$CI_COMMIT_BRANCH != "main"'}], set()),
        (
            [
                {"if": "$CI_MERGE_REQUEST_ID", "when": "never"},
                {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"},
            ],
            {"CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
        (
            [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}],
            {"CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
        ([{"if": '$CI_COMMIT_BRANCH == "main" || $FORCE'}], set()),
        (
            [{"if": '$FORCE && $CI_COMMIT_BRANCH == "main"'}],
            {"CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG"},
        ),
    ],
)
def test_rules(rules, tag_safe):
    found = safe_refs(value(rules), None, None)
    assert (found.in_tag if found else frozenset()) == frozenset(tag_safe)


def test_only_and_workflow():
    assert safe_refs(None, value(["main", "tags"]), None).in_tag == {
        "CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG",
    }  # fmt: skip
    assert safe_refs(None, value(["branches"]), None) is None
    workflow = value({"rules": [{"if": '$CI_COMMIT_BRANCH == "main"'}]})
    assert isinstance(workflow, Map)
    assert "CI_COMMIT_REF_NAME" in safe_refs(None, None, workflow).in_tag
    # a tag in a path may hold capitals: only the tag is safe
    tags = safe_refs(None, value(["tags"]), None)
    assert "CI_COMMIT_REF_NAME" in tags.in_tag and "CI_COMMIT_REF_NAME" not in tags.in_path
    assert isinstance(value("x"), Scalar)
