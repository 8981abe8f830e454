"""`$[[ inputs.x ]]` interpolated as GitLab does, each character located."""

from __future__ import annotations

from pathlib import Path

import pytest

from crlint.engine import inspection
from crlint.engine.lint import all_checks, catalog_with
from crlint.engine.settings import Layer, Resolver
from crlint.facts.locations import LocatedText
from crlint.frontends.gitlab_ci.inputs import Interpolation, located

from .conftest import write_tree

INPUTS = Interpolation({"image": "registry.example.com/team/app", "tag": "v1.2.3", "n": "7"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$[[ inputs.image ]]:$[[inputs.tag]]", "registry.example.com/team/app:v1.2.3"),
        ("x-$[[ inputs.n ]]-y", "x-7-y"),
        ("$[[ inputs.image | expand_vars ]]", "registry.example.com/team/app"),
        ("$[[ inputs.tag | truncate(1, 3) ]]", "1.2"),
        ("$[[ inputs.tag | expand_vars | truncate(0,2) ]]", "v1"),
        # what crlint cannot know or read stays as written: a placeholder
        ("$[[ inputs.missing ]]/$[[ inputs.n ]]", "$[[ inputs.missing ]]/7"),
        ("$[[ inputs.tag | posix_escape ]]", None),
        ("$[[ inputs.tag | truncate(a, 2) ]]", None),
        ("no inputs here", None),
    ],
)
def test_expressions_are_replaced_by_their_values(text, expected):
    replaced = INPUTS.text(text)
    assert (replaced[0] if replaced else None) == expected


def test_what_only_looks_like_an_expression_is_text_and_read_in_linear_time():
    """An expression pattern with nested repeats took 13 s on the first of
    these (20,000 spaces); each is now a few scans of the text."""
    assert INPUTS.text("$[[ inputs.n |a" + " " * 200_000) is None
    assert INPUTS.text("$[[ inputs.n " + "| a " * 50_000 + "]]") is None
    assert INPUTS.text("$[[" * 100_000) is None
    assert INPUTS.text("$[[ inputs.n" + " " * 600 + "]]") is None  # too far for one expression


def test_a_value_is_located_across_the_expression_that_brought_it_in():
    written = 'docker push "$[[ inputs.image ]]:$[[ inputs.tag ]]" # end'
    base = LocatedText.at(written, "ci.yml", 4, 7)
    text, pieces = INPUTS.text(written) or ("", [])
    new = located(base, text, pieces)
    assert new.rewritten and new.slice(0, 6).rewritten  # no fix writes over it
    image = text.index("registry")
    expression = written.index("$[[")
    # all of the value: all of the expression
    whole = new.location(image, image + len("registry.example.com/team/app"))
    width = len("$[[ inputs.image ]]")
    assert (whole.column, whole.end_column) == (7 + expression, 7 + expression + width)
    # text kept around it stays where it was
    assert new.location(0, 6).column == 7
    end = text.index("# end")
    assert new.location(end, end + 5).column == 7 + written.index("# end")


def test_a_block_scalars_lines_keep_their_lines():
    base = LocatedText.from_lines("a $[[ inputs.n ]]\nb $[[ inputs.n ]] c\n", "ci.yml", 10, 5)
    text, pieces = INPUTS.text(base.text) or ("", [])
    new = located(base, text, pieces)
    assert text == "a 7\nb 7 c\n"
    assert new.position(text.index("b")) == (11, 1)
    assert new.position(text.index("c")) == (11, 1 + len("b $[[ inputs.n ]] "))


@pytest.fixture
def resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def run(files: dict[str, str]):
        root = write_tree(tmp_path / "repo", files)
        (root / ".git").mkdir(exist_ok=True)
        monkeypatch.chdir(root)
        return inspection.pipeline_for(".", Resolver(catalog_with(all_checks()), Layer()))

    return run


TEMPLATE = (
    "spec:\n  inputs:\n    name:\n      default: one\n    image:\n---\n"
    '"job-$[[ inputs.name ]]":\n  image: $[[ inputs.image ]]\n'
    "  script:\n    - docker push r.io/$[[ inputs.name ]]\n"
)


def commands_of(pipeline) -> dict[str, list[str]]:
    return {
        job.name: [" ".join(w.value or "?" for w in c.words) for c in job.commands]
        for job in pipeline.jobs
    }


def test_a_file_included_twice_with_other_inputs_gives_both_sets_of_jobs(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n  - local: ci/t.yml\n"
            "  - local: ci/t.yml\n    inputs: {name: two, image: 'alpine:3'}\n"
            "  - local: ci/t.yml\n    inputs: {name: two, image: 'alpine:3'}\n"  # the same again
            "  - local: ci/t.yml\n    inputs: {name: three, image: {not: text}}\n",
            "ci/t.yml": TEMPLATE,
        }
    )
    assert commands_of(pipeline) == {
        "job-one": ["docker push r.io/one"],
        "job-two": ["docker push r.io/two"],
        "job-three": ["docker push r.io/three"],
    }
    images = {job.name: job.image.name.value if job.image else None for job in pipeline.jobs}
    # no default and none given, or given as a mapping: unknown, never guessed
    assert images == {
        "job-one": "$[[ inputs.image ]]",
        "job-two": "alpine:3",
        "job-three": "$[[ inputs.image ]]",
    }
    assert [i.status for i in pipeline.includes] == ["read", "read", "read"]
    assert pipeline.findings == []


@pytest.mark.parametrize("place", ["templates/t.yml", "templates/t/template.yml"])
def test_this_projects_own_component_is_read_with_its_inputs(resolve, place):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n"
            "  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/t@$CI_COMMIT_SHA\n"
            "    inputs: {name: comp}\n",
            place: TEMPLATE,
        }
    )
    assert commands_of(pipeline) == {"job-comp": ["docker push r.io/comp"]}
    assert [(i.kind, i.status) for i in pipeline.includes] == [("component", "read")]


def test_another_projects_component_is_not_read(resolve):
    pipeline = resolve(
        {
            ".gitlab-ci.yml": "include:\n"
            "  - component: $CI_SERVER_FQDN/other/project/t@1.0\n"
            "job:\n  script: [x]\n",
            "templates/t.yml": TEMPLATE,
        }
    )
    assert [j.name for j in pipeline.jobs] == ["job"]
    assert [f.rule.id for f in pipeline.findings] == ["CR002"]


def test_a_file_without_a_spec_header_is_not_interpolated(resolve):
    pipeline = resolve(
        {".gitlab-ci.yml": "job:\n  script:\n    - docker push r.io/$[[ inputs.x ]]\n"}
    )
    assert commands_of(pipeline) == {"job": ["docker push r.io/$[[ inputs.x ]]"]}
