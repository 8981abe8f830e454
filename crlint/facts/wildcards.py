"""Wildcard patterns as regular expressions whose matching cannot backtrack without end.

A glob translated wildcard by wildcard (`*` as `[^/]*`) backtracks through
every way of sharing the text among its wildcards: `*a*a*a*a*a*a*b` against
sixty `a`s took three seconds, eight `*a` minutes. The patterns (`.gitignore`
lines, `include:` wildcards, `${TAG##*/}`) and the names and values they
meet are all the repository's, so an attacker chooses both.

The translation here commits early. Where a wildcard is followed, after
some fixed text, by another wildcard that can take whatever the first one
could, the first one and that text are an atomic group: the earliest place
that text matches is never worse than a later one, since the next wildcard
can take up the difference (Python's `fnmatch` does the same for `*`). A
wildcard that crosses directories commits up to the next one that does; a
`*` that does not, up to the next `*` of the same path segment. What is left
to backtrack is one wildcard's reach at a time, so a match costs at most
the text's length times a segment's.
"""

from __future__ import annotations

from enum import Enum


class Wild(Enum):
    STAR = "[^/]*"  # any characters but `/`
    CROSS = ".*"  # any characters
    DIRS = "(?:[^/]*/)*"  # any number of whole directories, each with its `/`


Token = str | Wild
"""A `Wild`, or a regular expression for exactly one character (`a`, `\\.`, `[^/]`, `[a-z]`)."""

_CROSSING = (Wild.CROSS, Wild.DIRS)


def translate(tokens: list[Token], longest: bool = False) -> str:
    """The tokens as a regular expression matching what they do.

    With `longest`, the last wildcard that crosses directories is greedy, so
    an unanchored search finds the longest match at the leftmost place
    (bash's `${X/pattern/}`); anchored matches need not care.
    """
    head, groups = _groups(_merged(tokens))
    out = [_run(head)]
    for index, (wild, run) in enumerate(groups):
        last = index == len(groups) - 1
        quantifier = "" if last and longest else "?"
        # An atomic group keeps only its first match, so all it holds must be
        # lazy: its earliest end is what the next crossing wildcard builds on.
        body = wild.value + quantifier + _run(run, lazy=not last)
        out.append(body if last else f"(?>{body})")
    return "".join(out)


def _merged(tokens: list[Token]) -> list[Token]:
    """Adjacent wildcards as one: together they take what the widest of them takes."""
    merged: list[Token] = []
    for token in tokens:
        before = merged[-1] if merged else None
        if isinstance(token, Wild) and isinstance(before, Wild):
            if token is Wild.CROSS or before is Wild.CROSS:
                merged[-1] = Wild.CROSS
            elif token is Wild.STAR and before is Wild.DIRS:
                merged.append(token)  # `**/*`: whole directories, then one name
            continue
        merged.append(token)
    return merged


def _groups(tokens: list[Token]) -> tuple[list[Token], list[tuple[Wild, list[Token]]]]:
    """The tokens before the first crossing wildcard, then each such wildcard with
    the tokens up to the next."""
    head: list[Token] = []
    groups: list[tuple[Wild, list[Token]]] = []
    for token in tokens:
        if isinstance(token, Wild) and token in _CROSSING:
            groups.append((token, []))
        elif groups:
            groups[-1][1].append(token)
        else:
            head.append(token)
    return head, groups


def _run(tokens: list[Token], lazy: bool = False) -> str:
    """Characters and `*`s: each `*` but the last of its segment commits to the
    earliest place the characters after it match; with `lazy` (inside an atomic
    group) the last one takes as little as it can too."""
    out: list[str] = []
    open_group = False
    for token, stars_after in zip(tokens, _stars_left_in_segment(tokens), strict=True):
        if token is Wild.STAR:
            out.append(")" if open_group else "")
            open_group = stars_after > 0
            if open_group:
                out.append("(?>" + Wild.STAR.value + "?")
            else:
                out.append(Wild.STAR.value + ("?" if lazy else ""))
        else:
            assert isinstance(token, str)
            out.append(token)
    out.append(")" if open_group else "")
    return "".join(out)


def _stars_left_in_segment(tokens: list[Token]) -> list[int]:
    """For each token, how many `*`s follow it before the segment's next `/`."""
    counts = [0] * len(tokens)
    left = 0
    for index in range(len(tokens) - 1, -1, -1):
        counts[index] = left
        if tokens[index] == "/":
            left = 0
        elif tokens[index] is Wild.STAR:
            left += 1
    return counts
