"""`Check.programs` leaves out only commands no check would have read.

A check names the programs whose commands it reads, and script lines that
mention none of them are never split. A check that forgets a program would
silently never see its commands; run every fixture with every check
reading every command (`programs=None`) and the findings must not change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crlint.engine.lint import all_checks, lint
from crlint.engine.outcome import Request
from crlint.engine.settings import Layer
from crlint.world.tools import SHELLS, TOOLS

from .test_rule_fixtures import CASES, copy_case


def findings(
    repository: Path, rule: str, *, every_command: bool
) -> list[tuple[str, int, int, str, str]]:
    """The findings of the checks that may report `rule`, run alone: with
    others, their programs would cover for one the check forgot."""
    checks = tuple(c for c in all_checks() if rule in {r.id for r in c.rules})
    if every_command:
        checks = tuple(check._replace(programs=None) for check in checks)
    before = os.getcwd()
    os.chdir(repository)
    try:
        outcome = lint(Request((".",), Layer(select=(rule,))), checks)
    finally:
        os.chdir(before)
    return [
        (f.location.path, f.location.line, f.location.column, f.rule.id, f.message)
        for f in outcome.findings
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reading_every_command_finds_nothing_more(case: Path, tmp_path: Path):
    rule = case.parent.name
    repository = copy_case(case, tmp_path)
    every = findings(repository, rule, every_command=True)
    assert every == findings(repository, rule, every_command=False)


def test_every_check_reads_programs_of_the_tools_table():
    known = {tool.name for tool in TOOLS} | SHELLS
    unknown = {
        rule.id: sorted(check.programs - known)
        for check in all_checks()
        if check.programs is not None and check.programs - known
        for rule in check.rules
    }
    assert unknown == {}


# `mentions` as first written: one regular expression of every alternative.
# The fast test (words looked up in a set, the rest run only where its
# characters are) must say the same of any text.
_COMMAND_START = r"(?:^|[;&|(`\n{]|\b(?:then|do|else|elif|if|while|until))\s*"
_ONE_PATTERN = (
    rf"{_COMMAND_START}(?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=|\./|\.\s|\$\{{?[A-Za-z_])"
    r"|\b(?:export|unset|cd|source|declare|typeset|readonly|local|pushd|popd|eval)\b"
    r"|\.(?:sh|bash)\b|\b(?:sh|bash|dash|ash|zsh|ksh)\b"
    r"|(?<![\w.-])(?:crane|docker|kaniko)(?![\w-])"
)
_PIECES = [
    "docker", "docker-x", "a.docker", "kaniko.io", "x", "=", ".", "/", "$", "{", "sh", "bash",
    "cd", "export", "ab", "-", " ", "\n", ";", "&", "|", "(", "then", "do", "if", "[", "]",
    "+", "é", "_", "1", ".sh", "run", "\t", "ksh", "crane", "$(", "`",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=10))
def test_mentions_says_what_one_pattern_of_every_alternative_says(pieces: list[str]) -> None:
    import re

    from crlint.commands.programs import mentions

    text = "".join(pieces)
    expected = re.search(_ONE_PATTERN, text) is not None
    assert mentions(frozenset({"docker", "kaniko", "crane"}))(text) is expected
