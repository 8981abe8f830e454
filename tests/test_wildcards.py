"""The backtrack-free wildcard translation matches exactly what the plain one does.

The plain translation (`*` as `[^/]*`, `**` as `.*`, each wildcard on its
own) is obviously right and exponentially slow; `crlint.facts.wildcards` commits
early. Over generated patterns and texts on a small alphabet, where every
way of sharing a text among wildcards gets tried, the two agree: for full
matches in every flavour, and for the leftmost-longest search bash's
`${X/pattern/}` uses. Then the inputs that took minutes finish.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crlint.discover.gitignore import compile_pattern
from crlint.facts.parameter_operations import apply
from crlint.facts.wildcards import Token, Wild, translate

CHARACTERS = ("a", "b", "/", "[^/]", "[ab]")
WILDS = (Wild.STAR, Wild.CROSS, Wild.DIRS)
patterns = st.lists(st.sampled_from(CHARACTERS + WILDS), max_size=9)
texts = st.text(alphabet="ab/", max_size=12)


def plain(tokens: list[Token]) -> str:
    return "".join(token.value if isinstance(token, Wild) else token for token in tokens)


def path_tokens(tokens: list[Token]) -> list[Token]:
    """`DIRS` only where the path languages put it: at the start or after a `/`."""
    out: list[Token] = []
    for token in tokens:
        if token is Wild.DIRS and out and out[-1] != "/":
            continue
        out.append(token)
    return out


@settings(max_examples=1000, deadline=None)
@given(patterns, texts)
@example([Wild.DIRS, Wild.STAR, "a", Wild.CROSS, "a"], "aa")  # a greedy `*` in an atomic group
def test_full_matches_agree_with_the_plain_translation(tokens, text):
    tokens = path_tokens(tokens)
    expected = re.fullmatch(plain(tokens), text, re.DOTALL) is not None
    assert (re.fullmatch(translate(tokens), text, re.DOTALL) is not None) == expected


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(("a", "b", ".", "[ab]", Wild.CROSS)), max_size=8), texts)
def test_searches_find_the_leftmost_longest_match_the_plain_translation_finds(tokens, text):
    expected = re.search(plain(tokens), text, re.DOTALL)
    found = re.search(translate(tokens, longest=True), text, re.DOTALL)
    assert (found and found.span()) == (expected and expected.span())


def test_patterns_that_took_minutes_finish():
    name = "a" * 60 + ".yml"
    assert not compile_pattern("*a" * 40 + "*b.yml").regex.match(name)
    assert not compile_pattern("a/" + "**/a/" * 30 + "b").regex.match("a/" * 60 + "c")
    assert compile_pattern("*a" * 40 + "*.yml").regex.match("a" * 40 + ".yml")
    assert apply(["##" + "*a" * 30 + "*b"], "a" * 1000) == "a" * 1000
    assert apply(["//" + "*a" * 30 + "*b/x"], "a" * 1000) == "a" * 1000
