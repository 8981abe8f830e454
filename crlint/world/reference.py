"""The distribution reference grammar, and what breaks it.

This is the one place that knows what a registry accepts as an image name
(github.com/distribution/reference, `regexp.go` and `normalize.go`):

    reference  := name [":" tag] ["@" digest]
    name       := [domain "/"] path-component ("/" path-component)*
    path-component := [a-z0-9]+ ((\\.|_|__|-+) [a-z0-9]+)*
    tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}      (ASCII only)
    digest     := algorithm ":" hex{32,}
    domain     := host [":" port], host a DNS name, IPv4 or [IPv6]

Docker treats the first component as a domain only if it contains `.` or
`:`, is `localhost`, or has an uppercase letter; otherwise the image lives on
Docker Hub.

References usually contain variables. `problems()` works on an expansion
(known `Literal` parts and `Unknown` parts) and reports only what is wrong
whatever the unknown parts turn out to be; the one assumption is that a
variable written after the tag's `:` holds tag text, and that no variable
holds an `@`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crlint.facts.model import Literal, Part, Unknown, show_unknown
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Patterns the diagnosis needs only for invalid references: left to `re`'s
# own cache rather than compiled at import.
DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
DOMAIN_COMPONENT = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
IPV6 = r"\[[a-fA-F0-9:]+\]"
SEPARATOR = r"[._]|__|-+"
# The whole grammar in one pattern: most references are valid, and this
# answers for them without the component-by-component diagnosis.
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_DOMAIN = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH = rf"{_COMPONENT}(?:/{_COMPONENT})*"
VALID_REFERENCE = re.compile(
    rf"(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_PATH})"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?",
    re.ASCII,
)

MAX_PATH_LENGTH = 255
MAX_TAG_LENGTH = 128

_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")
_TAG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_ALNUM_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PATH_CHARS_OR_UPPER = _PATH_CHARS | _UPPER
# Characters a name can hold somewhere (domain or path); anything else is
# wrong wherever it stands.
_NAME_CHARS = _TAG_CHARS | frozenset(":[]")

_CHAR_NAMES = {"_": "an underscore", "-": "a hyphen", ".": "a dot", " ": "a space", "\t": "a tab"}


class Problem(Record):
    """What is wrong, and where: offsets in the written text."""

    message: str
    start: int
    end: int


class Reference(Record):
    """A fully known reference, split and normalized as Docker does."""

    domain: str
    path: str
    tag: str | None
    digest: str | None


def parse(text: str) -> Reference | None:
    """Split a known reference, or None if it is not valid."""
    if problems((Literal(text, 0, len(text)),)):
        return None
    name, _, digest = text.partition("@")
    name, tag = split_tag(name)
    domain, path = split_domain(name)
    return Reference(domain, path, tag, digest or None)


def split_tag(name: str) -> tuple[str, str | None]:
    """A reference (without its digest) as its name and its tag, if it has one."""
    colon = tag_separator(name)
    return (name, None) if colon is None else (name[:colon], name[colon + 1 :])


def split_domain(name: str) -> tuple[str, str]:
    """Docker's normalization: which part of a name is the registry host."""
    first, slash, rest = name.partition("/")
    if slash and (any(c in first for c in ".:") or first == "localhost" or first != first.lower()):
        return first, rest
    if not slash:
        return "docker.io", "library/" + name
    return "docker.io", name


class Region(Record):
    """Which part of a reference an expansion part stands in."""

    name: bool
    """In the name (registry host and repository path)."""
    tag: bool
    """In the tag (after the last `:` that no `/` follows)."""


def regions(parts: tuple[Part, ...]) -> list[Region]:
    """For each part, whether it stands in the name, the tag, or (an unknown
    part that may hold a `:`) possibly both; a digest part is in neither."""
    flat: list[tuple[int, str | None]] = []
    for index, part in enumerate(parts):
        if isinstance(part, Literal):
            flat.extend((index, char) for char in part.text)
        else:
            flat.append((index, None))
    at = next((i for i, (_, char) in enumerate(flat) if char == "@"), len(flat))
    colon = tag_separator([char for _, char in flat[:at]])
    found = [Region(False, False) for _ in parts]
    for i, (index, char) in enumerate(flat[:at]):
        in_tag = colon is not None and i > colon
        # Without a literal `:`, a variable at the end may carry the tag too.
        maybe_tag = colon is None and char is None and not any(c == "/" for _, c in flat[i:at])
        previous = found[index]
        found[index] = Region(previous.name or not in_tag, previous.tag or in_tag or maybe_tag)
    return found


# An expansion flattened to characters: (char, start, end); char None is a hole.
_Item = tuple[str | None, int, int]


def _items(parts: tuple[Part, ...]) -> list[_Item]:
    items: list[_Item] = []
    for part in parts:
        if isinstance(part, Unknown):
            items.append((None, part.start, part.end))
        elif part.via is None and len(part.text) == part.end - part.start:
            items.extend((c, part.start + i, part.start + i + 1) for i, c in enumerate(part.text))
        else:
            items.extend((c, part.start, part.end) for c in part.text)
    return items


def _show(items: list[_Item], parts: tuple[Part, ...]) -> str:
    """Text of a run of items for messages, holes shown as `${NAME}`."""
    unknowns = {(p.start, p.end): show_unknown(p) for p in parts if isinstance(p, Unknown)}
    return "".join(c if c is not None else unknowns.get((s, e), "?") for c, s, e in items)


def _span(items: list[_Item]) -> tuple[int, int]:
    return items[0][1], items[-1][2]


def _describe(char: str) -> str:
    return _CHAR_NAMES.get(char, f"`{char}`")


class _Checker:
    def __init__(self, parts: tuple[Part, ...]) -> None:
        self.parts = parts
        self.items: list[_Item] = []
        self.found: list[Problem] = []

    def report(self, message: str, items: list[_Item]) -> None:
        start, end = _span(items or self.items)
        self.found.append(Problem(message, start, end))

    def show(self, items: list[_Item]) -> str:
        return _show(items, self.parts)

    def run(self, items: list[_Item]) -> list[Problem]:
        self.items = items
        at = next((i for i, (c, _, _) in enumerate(items) if c == "@"), None)
        name_and_tag = items if at is None else items[:at]
        tag_sep = tag_separator([c for c, _, _ in name_and_tag])
        name = name_and_tag if tag_sep is None else name_and_tag[:tag_sep]
        if not name:
            if items:
                self.report("the reference has no image name", items)
            return self.found
        # Without a literal tag separator, text after a variable in the last
        # component may be tag text (`${IMAGE}-debug` with IMAGE=`app:1.0`).
        self.check_name(name, tag_is_literal=tag_sep is not None)
        if tag_sep is not None:
            self.check_tag(name_and_tag[tag_sep + 1 :], name_and_tag[tag_sep : tag_sep + 1])
        if at is not None:
            self.check_digest(items[at + 1 :], items[at : at + 1])
        return self.found

    def check_name(self, name: list[_Item], tag_is_literal: bool) -> None:
        slash = next((i for i, (c, _, _) in enumerate(name) if c == "/"), None)
        if slash is not None:
            colon = next((i for i in range(slash, len(name)) if name[i][0] == ":"), None)
            if colon is not None:
                # `grp/app:feature/x`: a tag that contains `/`.
                self.report_slash_in_tag(name[colon + 1 :] or name[colon : colon + 1])
                name, tag_is_literal = name[:colon], True
        components = _split(name, "/")
        first = components[0]
        first_has_holes = any(c is None for c, _, _ in first)
        if len(components) == 1:
            if first_has_holes:
                self.check_chars_anywhere(first)
            else:
                self.check_path_component(first, name, ambiguous_tail=False)
            path = components
        else:
            if first_has_holes:
                self.check_chars_anywhere(first)
                path = components[1:]
            elif _is_domain(first):
                self.check_domain(first, name)
                path = components[1:]
            else:
                path = components
            for index, component in enumerate(path):
                last = index == len(path) - 1
                self.check_path_component(
                    component, name, ambiguous_tail=last and not tag_is_literal
                )
        length = sum(1 for comp in path for c, _, _ in comp if c is not None) + len(path) - 1
        if length > MAX_PATH_LENGTH:
            self.report(
                f"repository path is {length} characters long; registries reject "
                f"names longer than {MAX_PATH_LENGTH} characters",
                [item for comp in path for item in comp],
            )

    def check_chars_anywhere(self, items: list[_Item]) -> None:
        bad = _first_outside(items, _NAME_CHARS)
        if bad is not None:
            self.report(
                f"`{self.show(items)}` contains {_describe(bad[0] or '')}, which is not allowed "
                "in an image name",
                [bad],
            )

    def check_domain(self, items: list[_Item], name: list[_Item]) -> None:
        text = "".join(c or "" for c, _, _ in items)
        if text.startswith("["):
            close = text.find("]")
            host, port = text[: close + 1], text[close + 1 :]
            if close == -1 or not re.fullmatch(IPV6, host) or (port and not port.startswith(":")):
                self.report(f"registry host `{text}` is not a valid IPv6 address", items)
                return
            port = port[1:]
            has_port = bool(text[close + 1 :])
        else:
            host, has_colon, port = text.partition(":")
            has_port = bool(has_colon)
        port_items = items[len(text) - len(port) :]
        if has_port and not (port.isascii() and port.isdigit()):
            tail = port_items + name[len(items) :]
            if port and "." not in host and any(c == "/" for c, _, _ in tail):
                # `app:feature/x`: the `:` was meant for a tag that contains `/`.
                self.report_slash_in_tag(tail)
            elif port:
                self.report(f"registry port `{port}` in `{text}` is not a number", port_items)
            else:
                self.report(f"registry host `{text}` ends with `:` but has no port", items)
            return
        if host.startswith("["):
            return
        if (
            not any(c in text for c in ".:")
            and host.lower() != "localhost"
            and host != host.lower()
        ):
            self.report(
                f"`{host}` contains uppercase letters, so Docker reads it as a registry host, "
                "not as a path; repository paths must be lowercase",
                items,
            )
            return
        for label in host.split("."):
            if not re.fullmatch(DOMAIN_COMPONENT, label):
                self.report(
                    f"registry host `{host}` is not a valid host name: "
                    f"{_domain_label_reason(label)}",
                    items[: len(host)],
                )
                return

    def report_slash_in_tag(self, tag_items: list[_Item]) -> None:
        self.report(
            f"tag `{self.show(tag_items)}` contains `/`; a tag may only contain letters, "
            "digits, `_`, `.` and `-`",
            tag_items,
        )

    def check_path_component(
        self, items: list[_Item], name: list[_Item], ambiguous_tail: bool
    ) -> None:
        if not items:
            self.report(
                f"empty path component in `{self.show(name)}`; a name cannot contain `//` "
                "or start or end with `/`",
                name,
            )
            return
        shown = self.show(items)
        hole = next((i for i, (c, _, _) in enumerate(items) if c is None), len(items))
        # Known path text; after a variable in an ambiguous tail, text may be a tag.
        definite = items[:hole] if ambiguous_tail else items
        maybe_tag = items[hole:] if ambiguous_tail else []
        bad = _first_outside(definite, _PATH_CHARS_OR_UPPER)
        if bad is not None:
            self.report(
                f"path component `{shown}` contains {_describe(bad[0] or '')}, which is not "
                "allowed in a repository name",
                [bad],
            )
            return
        bad = _first_outside(maybe_tag, _TAG_CHARS)
        if bad is not None:
            self.report(
                f"`{shown}` contains {_describe(bad[0] or '')}, which is not allowed in an "
                "image name",
                [bad],
            )
            return
        if any(c is not None and c in _UPPER for c, _, _ in definite):
            self.report(
                f"path component `{shown}` contains uppercase letters; repository names "
                "must be lowercase",
                items,
            )
            return
        first, last = items[0][0], items[-1][0]
        if first is not None and first not in _ALNUM_LOWER:
            self.report(
                f"path component `{shown}` starts with {_describe(first)}; registry paths "
                "must start with a lowercase letter or digit",
                items,
            )
            return
        if last is not None and last not in _ALNUM_LOWER and not maybe_tag:
            self.report(
                f"path component `{shown}` ends with {_describe(last)}; path components "
                "must end with a lowercase letter or digit",
                items,
            )
            return
        for run in _separator_runs(definite):
            text = "".join(c or "" for c, _, _ in run)
            if not re.fullmatch(SEPARATOR, text):
                self.report(
                    f"path component `{shown}` contains `{text}`; lowercase letters and "
                    "digits may only be separated by `.`, `_`, `__` or hyphens",
                    run,
                )
                return

    def check_tag(self, tag: list[_Item], colon: list[_Item]) -> None:
        if not tag:
            self.report("the tag after `:` is empty", colon)
            return
        shown = self.show(tag)
        bad = _first_outside(tag, _TAG_CHARS)
        if bad is not None:
            self.report(
                f"tag `{shown}` contains {_describe(bad[0] or '')}; a tag may only contain "
                "letters, digits, `_`, `.` and `-`",
                [bad],
            )
            return
        first = tag[0][0]
        if first is not None and first in ".-":
            self.report(
                f"tag `{shown}` starts with {_describe(first)}; a tag must start with a "
                "letter, digit or underscore",
                tag,
            )
            return
        length = sum(1 for c, _, _ in tag if c is not None)
        if length > MAX_TAG_LENGTH:
            self.report(
                f"tag is {length} characters long; registries reject tags longer than "
                f"{MAX_TAG_LENGTH} characters",
                tag,
            )

    def check_digest(self, digest: list[_Item], at: list[_Item]) -> None:
        if any(c is None for c, _, _ in digest):
            return
        text = "".join(c or "" for c, _, _ in digest)
        if not re.fullmatch(DIGEST, text):
            self.report(
                f"digest `{text}` is not valid; a digest is `algorithm:hex` with at least "
                "32 hexadecimal digits, like `sha256:…`",
                digest or at,
            )


MAX_REFERENCE_LENGTH = 1024
"""Longer than any valid reference (a 253-character host, a 255-character path,
a 128-character tag, a digest): judged by its length alone, not character by
character."""


def problems(parts: tuple[Part, ...]) -> list[Problem]:
    """Everything wrong with a reference whatever its unknown parts hold.

    At most one problem per component, so one bad name gives one message.
    """
    length = sum(len(part.text) for part in parts if isinstance(part, Literal))
    if length <= MAX_REFERENCE_LENGTH and _valid_for_some_values(parts):
        return []
    if length > MAX_REFERENCE_LENGTH:
        message = (
            f"the reference is {length} characters long; a registry accepts at most "
            f"{MAX_PATH_LENGTH} in its path and {MAX_TAG_LENGTH} in its tag"
        )
        return [Problem(message, parts[0].start, parts[-1].end)]
    return _Checker(parts).run(_items(parts))


@lru_cache(maxsize=4096)
def _valid_for_some_values(parts: tuple[Part, ...]) -> bool:
    """True if the reference is valid with `x` for every unknown part.

    Then no problem can hold whatever the unknowns are, so there is nothing
    to report; this settles the common case in one regular expression (once
    for each reference: a base image is named by file after file).
    """
    text = "".join(p.text if isinstance(p, Literal) else "x" for p in parts)
    match = VALID_REFERENCE.fullmatch(text)
    if match is None or len(match.group("path")) > MAX_PATH_LENGTH:
        return False
    domain = match.group("domain")
    if domain is None:
        # `my_registry.io/app` parses as a path, but Docker takes the first
        # component for a host as soon as it has a dot.
        first, slash, _ = match.group("path").partition("/")
        return not (slash and ("." in first or first == "localhost"))
    if any(c in domain for c in ".:") or domain == "localhost":
        return True
    # Otherwise Docker reads it as a path component: `MyGroup/app` and
    # `[a]/app` parse here but fail there.
    return domain == domain.lower() and not domain.startswith("[")


def _first_outside(items: list[_Item], allowed: frozenset[str]) -> _Item | None:
    """The first known character that is not allowed, if any."""
    return next((item for item in items if item[0] is not None and item[0] not in allowed), None)


def tag_separator(chars: Sequence[object]) -> int | None:
    """The index of the `:` that starts the tag in a reference's characters
    (anything else for an unknown part): the last one with no `/` after it."""
    for i in range(len(chars) - 1, -1, -1):
        char = chars[i]
        if char == "/":
            return None
        if char == ":":
            return i
    return None


def _split(items: list[_Item], separator: str) -> list[list[_Item]]:
    chunks: list[list[_Item]] = [[]]
    for item in items:
        if item[0] == separator:
            chunks.append([])
        else:
            chunks[-1].append(item)
    return chunks


def _is_domain(items: list[_Item]) -> bool:
    text = "".join(c or "" for c, _, _ in items)
    return any(c in text for c in ".:") or text == "localhost" or text != text.lower()


def _separator_runs(items: list[_Item]) -> list[list[_Item]]:
    """Runs of separator characters bounded by known alphanumerics on both sides."""
    runs: list[list[_Item]] = []
    current: list[_Item] = []
    bounded_left = False
    for item in items:
        char = item[0]
        if char is None:
            current, bounded_left = [], False
        elif char in _ALNUM_LOWER:
            if current and bounded_left:
                runs.append(current)
            current, bounded_left = [], True
        else:
            current.append(item)
    return runs


def _domain_label_reason(label: str) -> str:
    if not label:
        return "it has an empty label (`..` or a leading or trailing dot)"
    if label[0] == "-" or label[-1] == "-":
        return f"the label `{label}` starts or ends with a hyphen"
    bad = next(c for c in label if not (c.isascii() and (c.isalnum() or c == "-")))
    return f"the label `{label}` contains {_describe(bad)}"
