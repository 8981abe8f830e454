r"""Which refs a job runs for, as its `rules:`, `only:` and `workflow:rules` say.

`$CI_COMMIT_REF_NAME` in a tag breaks on the first branch named
`feature/login`, but a job that runs only for `main`, or only for tags that
match `/^v\d+\.\d+\.\d+$/`, never sees such a name. This reads what a job's
conditions say about the ref and works out, for each ref variable, whether
every value the job can see fits a tag and fits a path component.

Only what is certain narrows the refs: a rule with no `if:`, a condition on
anything else (`$CI_PIPELINE_SOURCE == "web"`), a negation, and `except:` say
nothing, so the job may still run for any ref. Of several conditions joined
with `&&`, one that narrows the refs is enough; of several rules or `||`
alternatives, every one must.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crlint.facts.model import SafeRefs
from crlint.facts.record import Record
from crlint.frontends.gitlab_ci.values import Map, Scalar, text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crlint.frontends.gitlab_ci.values import Value


class Name(Record):
    """What a ref's name may be: anything, a literal, a regular expression, the
    default branch, or any git tag."""

    kind: str
    """"any", "literal", "regex", "default" or "tag"."""
    text: str = ""
    flags: str = ""


class Scenario(Record):
    """A kind of pipeline a job runs in, and the ref's name there."""

    ref: str
    """"branch", "tag", "mr" (a merge request pipeline) or "any"."""
    name: Name


ANY_NAME = Name("any")
ANYWHERE = [Scenario("any", ANY_NAME)]
REF_VARIABLES = ("CI_COMMIT_REF_NAME", "CI_COMMIT_BRANCH", "CI_COMMIT_TAG")
_DEFAULT_BRANCH = frozenset({"$CI_DEFAULT_BRANCH", "${CI_DEFAULT_BRANCH}"})


def safe_refs(rules: Value | None, only: Value | None, workflow: Value | None) -> SafeRefs | None:
    """What a job's `rules:` (or else `only:`) and the pipeline's `workflow:rules`
    make safe; None when they say nothing certain."""
    if rules is not None:
        scenarios = _rules(rules)
    elif only is not None:
        scenarios = _only(only)
    else:
        scenarios = ANYWHERE
    if _unconstrained(scenarios) and isinstance(workflow, Map):
        scenarios = _rules(workflow.get("rules"))
    if _unconstrained(scenarios):
        return None
    return _safe_in(tuple(scenarios))


@lru_cache(maxsize=256)  # job after job runs under the same few rules
def _safe_in(scenarios: tuple[Scenario, ...]) -> SafeRefs | None:
    in_tag = frozenset(v for v in REF_VARIABLES if all(_fits(v, s, _tag_safe) for s in scenarios))
    in_path = frozenset(v for v in REF_VARIABLES if all(_fits(v, s, _path_safe) for s in scenarios))
    return SafeRefs(in_tag, in_path) if in_tag or in_path else None


def _unconstrained(scenarios: list[Scenario]) -> bool:
    return any(s.ref == "any" and s.name.kind == "any" for s in scenarios)


def _rules(rules: Value | None) -> list[Scenario]:
    if not isinstance(rules, list):
        return ANYWHERE
    found: list[Scenario] = []
    for rule in rules:
        if not isinstance(rule, Map):
            return ANYWHERE
        when = rule.get("when")
        if isinstance(when, Scalar) and when.value == "never":
            continue  # it keeps the job out; leaving it out keeps more refs in
        condition = rule.get("if")
        if condition is None:
            return ANYWHERE
        found.extend(_condition(text(condition) or ""))
    return found


def _only(only: Value | None) -> list[Scenario]:
    """`only:` refs: names, `/regex/`, `name@project`, and keywords."""
    if isinstance(only, Map):
        if any(key != "refs" for key in only):
            return ANYWHERE  # `variables:`, `changes:`: conditions crlint does not read
        only = only.get("refs")
    entries = only if isinstance(only, list) else [only]
    found: list[Scenario] = []
    for entry in entries:
        value = text(entry) if isinstance(entry, Scalar) else None
        if not value:
            return ANYWHERE
        if value == "tags":
            found.append(Scenario("tag", Name("tag")))
        elif value in ("main", "master") or not _KEYWORD.fullmatch(value):
            found.append(Scenario("any", _only_name(value)))
        else:  # branches, merge_requests, schedules, api, web, pushes, …
            return ANYWHERE
    return found


# `only:` keywords are lowercase words; a branch named like one is a literal only
# where it is not a keyword (`main` is taken for the branch it almost always is).
_KEYWORD = re.compile(r"[a-z_]+")


def _only_name(value: str) -> Name:
    name = value.partition("@")[0] if "@" in value else value  # `master@group/project`
    regex = _REGEX.fullmatch(name)
    if regex:
        return Name("regex", regex.group(1), regex.group(2))
    return Name("literal", name)


# -- `if:` expressions ----------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<var>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)|(?P<string>\"(?:[^\"\\]|\\.)*\"|'[^']*')"
    r"|(?P<regex>/(?:[^/\\]|\\.)*/[a-z]*)|(?P<op>==|!=|=~|!~|&&|\|\||\(|\)|!)|(?P<word>[A-Za-z_]+))"
)
_REGEX = re.compile(r"/((?:[^/\\]|\\.)*)/([a-z]*)")


@lru_cache(maxsize=1024)  # a pipeline's jobs share a few conditions, in rule after rule
def _condition(expression: str) -> list[Scenario]:
    """The scenarios an `if:` expression lets a job run in (never changed by callers)."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None or match.end() == position:
            if expression[position:].strip():
                return ANYWHERE  # something crlint does not read
            break
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    parser = _Parser(tokens)
    scenarios = parser.disjunction()
    return scenarios if parser.at_end() else ANYWHERE


class _Parser:
    """`a || b`, `a && b`, `( … )`, comparisons: GitLab's expression grammar."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def at_end(self) -> bool:
        return self.index == len(self.tokens)

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.index += 1
        return token

    def disjunction(self) -> list[Scenario]:
        found = self.conjunction()
        while self.peek() == ("op", "||"):
            self.take()
            found = found + self.conjunction()
        return found

    def conjunction(self) -> list[Scenario]:
        found = self.atom()
        while self.peek() == ("op", "&&"):
            self.take()
            found = _both(found, self.atom())
        return found

    def atom(self) -> list[Scenario]:
        kind, value = self.take()
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                self.index = len(self.tokens) + 1  # unbalanced: not read
            return inner
        if (kind, value) == ("op", "!"):
            self.atom()
            return ANYWHERE
        if kind != "var":
            return ANYWHERE
        name = value.strip("${}")
        operator = self.peek()
        if operator[0] != "op" or operator[1] not in ("==", "!=", "=~", "!~"):
            return _present(name)
        self.take()
        other_kind, other = self.take()
        if operator[1] in ("!=", "!~"):
            return ANYWHERE
        if other_kind == "var":
            if name in REF_VARIABLES and other in _DEFAULT_BRANCH:
                return _named(name, Name("default"))
            if other.strip("${}") in REF_VARIABLES and value in _DEFAULT_BRANCH:
                return _named(other.strip("${}"), Name("default"))
            return ANYWHERE
        if operator[1] == "==" and other_kind == "string":
            literal = other[1:-1]
            if name == "CI_PIPELINE_SOURCE" and literal in _MERGE_REQUEST_SOURCES:
                return [Scenario("mr", ANY_NAME)]
            return _named(name, Name("literal", literal))
        if operator[1] == "=~" and other_kind == "regex":
            regex = _REGEX.fullmatch(other)
            if regex:
                return _named(name, Name("regex", regex.group(1), regex.group(2)))
        return ANYWHERE


_MERGE_REQUEST_SOURCES = frozenset({"merge_request_event", "external_pull_request_event"})


def _present(name: str) -> list[Scenario]:
    """`$CI_COMMIT_TAG` alone: the variable is set."""
    if name == "CI_COMMIT_TAG":
        return [Scenario("tag", Name("tag"))]
    if name in ("CI_MERGE_REQUEST_ID", "CI_MERGE_REQUEST_IID"):
        return [Scenario("mr", ANY_NAME)]
    if name == "CI_COMMIT_BRANCH":
        return [Scenario("branch", ANY_NAME)]
    return ANYWHERE


def _named(variable: str, name: Name) -> list[Scenario]:
    if variable == "CI_COMMIT_BRANCH":
        return [Scenario("branch", name)]
    if variable == "CI_COMMIT_TAG":
        return [Scenario("tag", name)]
    if variable == "CI_COMMIT_REF_NAME":
        return [Scenario("any", name)]
    return ANYWHERE


def _both(left: list[Scenario], right: list[Scenario]) -> list[Scenario]:
    """`a && b`: each pair of alternatives that can hold together, named by the
    side that says more (either one is enough to narrow the name)."""
    if _unconstrained(left) and len(left) == 1:
        return right
    if _unconstrained(right) and len(right) == 1:
        return left
    found: list[Scenario] = []
    for one in left:
        for other in right:
            if one.ref != "any" and other.ref not in ("any", one.ref):
                continue  # a branch pipeline is not a tag pipeline
            ref = other.ref if one.ref == "any" else one.ref
            name = one.name if one.name.kind != "any" else other.name
            found.append(Scenario(ref, name))
    return found


# -- what a name may hold ------------------------------------------------------

_TAG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-/")


def _fits(variable: str, scenario: Scenario, safe: _Safe) -> bool:
    """Whether the variable's value in this scenario is safe (`safe`), or empty."""
    ref, name = scenario.ref, scenario.name
    if variable == "CI_COMMIT_BRANCH" and ref in ("tag", "mr"):
        return True  # not set there: no name to break anything
    if variable == "CI_COMMIT_TAG" and ref in ("branch", "mr"):
        return True
    if ref == "mr" and variable == "CI_COMMIT_REF_NAME":
        return False  # the source branch, any name
    return safe(name)


class _Safe:
    def __init__(self, allowed: frozenset[str], tags: bool) -> None:
        self.allowed = allowed
        self.tags = tags
        """Whether any git tag counts as safe (crlint's rule for `$CI_COMMIT_TAG`)."""

    def __call__(self, name: Name) -> bool:
        if name.kind == "default":
            return True  # `main`, `master`, `develop`: a default branch with a `/` is rare
        if name.kind == "tag":
            return self.tags
        if name.kind == "literal":
            return bool(name.text) and set(name.text) <= self.allowed
        if name.kind == "regex":
            return "i" not in name.flags and _regex_within(name.text, self.allowed)
        return False


_tag_safe = _Safe(_TAG_CHARS, tags=True)
_path_safe = _Safe(_PATH_CHARS, tags=False)


def _regex_within(pattern: str, allowed: frozenset[str]) -> bool:
    """Whether every string the anchored regular expression matches is made of
    `allowed` characters (GitLab's RE2 syntax agrees with Python's here)."""
    sre = _sre()
    try:
        items = list(sre.parse(pattern))
    except (re.error, RecursionError, OverflowError):
        return False
    return _anchored_within(items, allowed, sre)


def _sre() -> Any:
    """Python's own parser of regular expressions (its syntax tree)."""
    import re._parser as parser  # type: ignore[import-not-found,unused-ignore]

    return parser


def _anchored_within(items: list[Any], allowed: frozenset[str], sre: Any) -> bool:
    """`^…$` with every atom within `allowed`, or alternatives that each are."""
    if len(items) == 1 and items[0][0] is sre.BRANCH:
        return all(_anchored_within(list(branch), allowed, sre) for branch in items[0][1][1])
    ends = (sre.AT_END, sre.AT_END_STRING)
    if len(items) < 2 or items[0] != (sre.AT, sre.AT_BEGINNING):
        return False
    if items[-1][0] is not sre.AT or items[-1][1] not in ends:
        return False
    return _within(items[1:-1], allowed, sre)


def _within(items: list[Any], allowed: frozenset[str], sre: Any) -> bool:
    for op, value in items:
        if op is sre.LITERAL:
            ok = chr(value) in allowed
        elif op is sre.IN:
            ok = all(_member_within(member, allowed, sre) for member in value)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            ok = _within(list(value[2]), allowed, sre)
        elif op is sre.SUBPATTERN:
            ok = _within(list(value[3]), allowed, sre)
        elif op is sre.BRANCH:
            ok = all(_within(list(branch), allowed, sre) for branch in value[1])
        else:  # `.`, an anchor inside, a back reference: anything may match
            ok = False
        if not ok:
            return False
    return True


def _member_within(member: Any, allowed: frozenset[str], sre: Any) -> bool:
    """One member of a `[…]` class; a negated class may match anything."""
    op, value = member
    if op is sre.LITERAL:
        return chr(value) in allowed
    if op is sre.RANGE:
        low, high = value
        return high - low <= 64 and all(chr(c) in allowed for c in range(low, high + 1))
    if op is sre.CATEGORY:
        chars = _CATEGORY_CHARS.get(str(value))
        return chars is not None and chars <= allowed
    return False


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": frozenset("0123456789"),
    "CATEGORY_WORD": frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"),
}
