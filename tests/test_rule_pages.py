"""Every rule has a page with fixed sections, and the page's examples are true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crlint.engine.lint import all_checks, catalog_with
from crlint.report import pages

from .conftest import write_tree

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.findings import Rule

CATALOG = catalog_with(all_checks())
FENCE = re.compile(r"^```(\w+)(?: +(file=\S+|fixed=\S+|output))?\n(.*?)^```\s*$", re.M | re.S)


def examples(section: str) -> list[tuple[dict[str, str], list[str]]]:
    """(files, expected output lines) groups, in the order the section gives them."""
    groups: list[tuple[dict[str, str], list[str]]] = []
    files: dict[str, str] = {}
    for match in FENCE.finditer(section):
        role, body = match.group(2), match.group(3)
        if role and role.startswith("file="):
            files[role[len("file=") :]] = body
        elif role == "output":
            groups.append((files, body.strip().splitlines()))
            files = {}
    if files:
        groups.append((files, []))
    return groups


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda rule: rule.id)
def test_page_has_every_section(rule):
    markdown = pages.page(rule)
    assert markdown is not None, f"rules/{rule.id}.md is missing"
    assert markdown.startswith(f"# {rule.id} {rule.name}\n")
    found = pages.sections(markdown)
    assert list(found) == list(pages.SECTIONS)
    assert all(found.values()), "a section is empty"


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda rule: rule.id)
def test_bad_examples_produce_exactly_the_output_shown(rule, tmp_path: Path, crlint):
    section = pages.sections(pages.page(rule) or "")["Bad example"]
    groups = examples(section)
    assert groups and all(expected for _, expected in groups), "bad example without output"
    for index, (files, expected) in enumerate(groups):
        case = write_tree(tmp_path / str(index), files)
        (case / ".git").mkdir()  # each example is a repository of its own
        run = crlint("--format", "json", "--select", rule.id, ".", cwd=case)
        assert run.lines() == expected


def fixed_files(section: str) -> dict[str, str]:
    """`fixed=PATH` blocks: what `--fix` makes of the bad example's files."""
    return {
        match.group(2)[len("fixed=") :]: match.group(3)
        for match in FENCE.finditer(section)
        if match.group(2) and match.group(2).startswith("fixed=")
    }


@pytest.mark.parametrize("rule", [r for r in CATALOG.rules if r.fixable], ids=lambda r: r.id)
def test_fixable_rules_show_what_fix_writes(rule, tmp_path: Path, crlint):
    sections = pages.sections(pages.page(rule) or "")
    expected = fixed_files(sections["How to fix"])
    assert expected, "a fixable rule's page shows the fixed file"
    checked = set()
    for index, (files, _) in enumerate(examples(sections["Bad example"])):
        case = write_tree(tmp_path / str(index), files)
        (case / ".git").mkdir()
        crlint("--fix", "--select", rule.id, ".", cwd=case)
        for path in expected.keys() & files.keys():
            assert (case / path).read_text(encoding="utf-8") == expected[path]
            checked.add(path)
        before = {path: (case / path).read_bytes() for path in files}
        crlint("--fix", "--select", rule.id, ".", cwd=case)  # a second run changes nothing
        assert {path: (case / path).read_bytes() for path in files} == before
    assert checked == expected.keys()


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda rule: rule.id)
def test_good_examples_are_silent(rule, tmp_path: Path, crlint):
    section = pages.sections(pages.page(rule) or "")["Good example"]
    groups = examples(section)
    assert groups, "good example without files"
    for index, (files, _) in enumerate(groups):
        case = write_tree(tmp_path / str(index), files)
        (case / ".git").mkdir()  # each example is a repository of its own
        run = crlint("--format", "json", "--select", rule.id, ".", cwd=case)
        assert run.lines() == []
        assert run.code == 0


# The page helpers as first written, with patterns anchored by `^`; the
# helpers search by first characters instead and must give the same.
def _plain_text_by_anchors(markdown: str) -> str:
    text = re.sub(r"^```[^\n]*\n", "", markdown, flags=re.M)
    text = re.sub(r"^```\s*$", "", text, flags=re.M)
    text = re.sub(r"^#+ +", "", text, flags=re.M)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _sections_by_anchors(markdown: str) -> dict[str, str]:
    matches = list(re.finditer(r"^## +(.+?)\s*$", markdown, re.M))
    return {
        match.group(1): markdown[
            match.end() : matches[index + 1].start() if index + 1 < len(matches) else None
        ].strip()
        for index, match in enumerate(matches)
    }


_MARKDOWN = [
    "```",
    "`",
    "#",
    "##",
    " ",
    "\n",
    "\n\n\n",
    "a",
    "yaml",
    "[x](y)",
    "](",
    "\t",
    "x ## b",
]


@given(st.lists(st.sampled_from(_MARKDOWN), max_size=12))
def test_page_helpers_agree_with_their_anchored_definitions(pieces: list[str]) -> None:
    markdown = "".join(pieces)
    assert pages.plain_text(markdown) == _plain_text_by_anchors(markdown)
    assert pages.sections(markdown) == _sections_by_anchors(markdown)


@pytest.mark.parametrize("rule", CATALOG.rules, ids=lambda rule: rule.id)
def test_every_page_converts_as_its_anchored_definition_does(rule: Rule) -> None:
    markdown = pages.page(rule) or ""
    assert pages.plain_text(markdown) == _plain_text_by_anchors(markdown)
    assert pages.sections(markdown) == _sections_by_anchors(markdown)
