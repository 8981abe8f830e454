"""What a shell's parameter operations do to a value: `${X//\\//-}`, `${X,,}`, `${X:0:8}`.

A script that puts `$CI_COMMIT_REF_NAME` in a tag often sanitises it first.
Whether that is enough depends on the operation: `${X//\\//-}` replaces every
`/`, `${X/\\//-}` only the first, `${X%%/*}` cuts from the first `/`, and
`${X,,}` lowercases. This module applies an operation to a known value
(`apply`), and says of an unknown one which characters it can no longer hold
(`absent`) or the only ones it can (`only`).

The operations are bash's (`man bash`, Parameter Expansion); patterns are
globs: `*`, `?`, `[…]`/`[!…]`/`[^…]`, and `\\` escapes.
"""

from __future__ import annotations

import re

from crlint.facts.model import OPERATION
from crlint.facts.wildcards import Token, Wild, translate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


MAX_OPERAND = 1024
"""Longer than any tag, name or branch an operation could shape: a longer value
is not worked out (trimming tries every length, so the cost is its square)."""


def apply(operations: Sequence[str], value: str) -> str | None:
    """The value after the operations, in order; None if one cannot be worked out."""
    if len(value) > MAX_OPERAND and operations:
        return None
    current: str | None = value
    for operation in operations:
        if current is None:
            return None
        current = _apply_one(operation, current)
    return current


def _apply_one(operation: str, value: str) -> str | None:
    match = OPERATION.fullmatch(operation)
    if match is None or "$" in operation or "`" in operation:
        return None
    kind = match.lastgroup
    if kind == "substring":
        numbers = [int(n) for n in re.findall(r"-?[0-9]+", operation)]
        start = numbers[0] if numbers[0] >= 0 else max(len(value) + numbers[0], 0)
        if len(numbers) == 1:
            return value[start:]
        length = numbers[1]
        end = start + length if length >= 0 else len(value) + length
        return value[start:end] if end >= start else None
    if kind == "case":
        if operation == ",,":
            return value.lower()
        if operation == "^^":
            return value.upper()
        head = value[:1].lower() if operation == "," else value[:1].upper()
        return head + value[1:]
    if kind == "trim":
        longest = operation[:2] in ("##", "%%")
        pattern = operation[2 if longest else 1 :]
        regex = _glob(pattern)
        if regex is None:
            return None
        if operation.startswith("#"):
            ends = range(len(value), -1, -1) if longest else range(len(value) + 1)
            for end in ends:
                if regex.fullmatch(value, 0, end):
                    return value[end:]
            return value
        starts = range(len(value) + 1) if longest else range(len(value), -1, -1)
        for start in starts:
            if regex.fullmatch(value, start):
                return value[:start]
        return value
    if kind == "replace":
        return _replace(operation, value)
    return None  # `:+alt`: whether the value is empty decides, and crlint leaves it


def _replace(operation: str, value: str) -> str | None:
    mode, pattern, replacement = _replace_parts(operation)
    regex = _glob(pattern)
    if regex is None or not pattern:
        return None
    if mode == "/":
        return regex.sub(lambda _: replacement, value)
    if mode == "#":
        match = regex.match(value)
        return replacement + value[match.end() :] if match else value
    if mode == "%":
        for start in range(len(value) + 1):
            if regex.fullmatch(value, start):
                return value[:start] + replacement
        return value
    return regex.sub(lambda _: replacement, value, count=1)


def _replace_parts(operation: str) -> tuple[str, str, str]:
    """`//pat/rep` as (`/`, pattern, replacement with escapes removed); the mode
    is `/` (every match), `#` (at the start), `%` (at the end) or "" (the first)."""
    mode = operation[1] if operation[1:2] in ("/", "#", "%") else ""
    pattern, _, replacement = _split_unescaped(operation[1 + len(mode) :])
    return mode, pattern, re.sub(r"\\(.)", r"\1", replacement)


def _split_unescaped(body: str) -> tuple[str, str, str]:
    """`pat/rep` at the first `/` that is neither escaped nor in a `[…]` class."""
    index = 0
    while index < len(body):
        if body[index] == "\\":
            index += 2
            continue
        if body[index] == "[":
            close = _class_end(body, index)
            if close is not None:
                index = close + 1
                continue
        if body[index] == "/":
            return body[:index], "/", body[index + 1 :]
        index += 1
    return body, "", ""


def _glob(pattern: str) -> re.Pattern[str] | None:
    """A glob as a regular expression (`*` `?` `[…]`, `\\` escapes); a search finds
    the longest match at the leftmost place, as bash's replacements do."""
    tokens: list[Token] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            tokens.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "*":
            tokens.append(Wild.CROSS)
        elif char == "?":
            tokens.append(".")
        elif char == "[":
            close = _class_end(pattern, index)
            if close is None:
                tokens.append(re.escape(char))
            else:
                members = pattern[index + 1 : close]
                negated = members[:1] in ("!", "^")
                inner = members[1:] if negated else members
                tokens.append("[" + ("^" if negated else "") + inner.replace("\\", "\\\\") + "]")
                index = close + 1
                continue
        else:
            tokens.append(re.escape(char))
        index += 1
    try:
        return re.compile(translate(tokens, longest=True), re.DOTALL)
    except re.error:
        return None


def _class_end(pattern: str, start: int) -> int | None:
    index = start + 1
    if pattern[index : index + 1] in ("!", "^"):
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    close = pattern.find("]", index)
    return close if close != -1 else None


def absent(operations: Sequence[str]) -> frozenset[str]:
    """Characters an unknown value cannot hold once the operations are applied."""
    gone: set[str] = set()
    for operation in operations:
        match = OPERATION.fullmatch(operation)
        kind = match.lastgroup if match else None
        if operation == ",,":
            gone |= _UPPER
        elif operation in ("^^", "^"):
            gone = (gone | _LOWER) - _UPPER if operation == "^^" else gone - _UPPER
        elif kind == "replace":
            mode, pattern, replacement = _replace_parts(operation)
            if mode == "/":
                gone |= _pattern_chars(pattern)
            gone -= set(replacement)
        elif kind == "trim" and operation.startswith("%%") and operation.endswith("*"):
            first = _pattern_chars(operation[2:-1])  # `%%/*`: cut from the first `/`
            gone |= first if len(first) == 1 else set()
        elif kind == "trim" and operation.startswith("##*"):
            last = _pattern_chars(operation[3:])  # `##*/`: cut to the last `/`
            gone |= last if len(last) == 1 else set()
        # a substring, a shorter trim or a first letter's case keep what was gone
    return frozenset(gone)


def only(operations: Sequence[str]) -> frozenset[str] | None:
    """The only characters the value can hold after the operations, when a
    replacement of every other character says so (`${X//[^a-z0-9]/-}`)."""
    allowed: frozenset[str] | None = None
    for operation in operations:
        mode, pattern, replacement = (
            _replace_parts(operation) if operation[:1] == "/" else ("", "", "")
        )
        if (
            mode == "/"
            and pattern[:2] in ("[!", "[^")
            and _class_end(pattern, 0) == len(pattern) - 1
        ):
            kept = _class_members(pattern[2:-1])
            if kept is not None:
                allowed = frozenset(kept | set(replacement))
                continue
        if allowed is not None and operation == ",,":
            allowed = frozenset(c.lower() for c in allowed)
        elif allowed is not None and OPERATION.fullmatch(operation) and operation[:1] in ":#%":
            continue  # a substring or a trim keeps within the same characters
        else:
            allowed = None
    return allowed


def _pattern_chars(pattern: str) -> set[str]:
    """The characters a pattern of one literal (`\\/`, `/`) or one plain class
    (`[/_.]`) matches; empty for anything else."""
    if len(pattern) == 2 and pattern[0] == "\\":
        return {pattern[1]}
    if len(pattern) == 1 and pattern not in "*?[":
        return {pattern}
    if (
        pattern[:1] == "["
        and pattern[1:2] not in ("!", "^")
        and _class_end(pattern, 0) == len(pattern) - 1
    ):
        members = _class_members(pattern[1:-1])
        return members if members is not None else set()
    return set()


def _class_members(members: str) -> set[str] | None:
    """The characters of a class body (`a-z0-9._-`), or None if too many to list."""
    found: set[str] = set()
    index = 0
    members = members.replace("\\", "")
    while index < len(members):
        if index + 2 < len(members) and members[index + 1] == "-":
            low, high = ord(members[index]), ord(members[index + 2])
            if high < low or high - low > 128:
                return None
            found |= {chr(c) for c in range(low, high + 1)}
            index += 3
        elif members.startswith("[:", index):
            close = members.find(":]", index)
            named = _NAMED_CLASSES.get(members[index + 2 : close]) if close != -1 else None
            if named is None:
                return None
            found |= named
            index = close + 2
        else:
            found.add(members[index])
            index += 1
    return found


_NAMED_CLASSES = {
    "alnum": set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
    "alpha": set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    "digit": set("0123456789"),
    "lower": set("abcdefghijklmnopqrstuvwxyz"),
    "upper": set("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
}
