"""Variable references in written text, and their expansion where values are known.

Two steps, kept apart so every frontend shares the second:

1. `scan()` turns written text into parts: known `Literal` text and an
   `Unknown` for each `$VAR`, `${VAR}`, `${VAR:-default}` or template
   placeholder, with offsets into the written text.
2. `substitute()` replaces the `Unknown` parts whose variables have a known
   value in an `Env`, recursively, so a finding can still point at the
   `$VAR` that brought the bad text in.

An unknown value is never guessed: it stays an `Unknown` part.
"""

from __future__ import annotations

import re

from crlint.facts.choice import Choice
from crlint.facts.model import Literal, Part, Unknown

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import Env

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::?[-=](.*))?", re.DOTALL)

# Text that templating tools replace before anything runs: `$[[ inputs.x ]]`
# (GitLab CI inputs), `__REGISTRY__` (sed), `<user-name>` (documentation),
# `{{ .Values.x }}` (Helm, Jinja), `$(params.IMAGE)` (Tekton, Kubernetes).
# Registries never see them.
# A placeholder is at most `_PLACEHOLDER_LENGTH` long: an open `{{` without its
# `}}` is then looked past in bounded time, and a line of them stays linear.
_PLACEHOLDER_LENGTH = 256
PLACEHOLDER = re.compile(
    rf"\$\[\[.{{0,{_PLACEHOLDER_LENGTH}}}?\]\]|__[A-Z][A-Z0-9_]*__|<[^<>\s]+>"
    rf"|\{{\{{.{{0,{_PLACEHOLDER_LENGTH}}}?\}}\}}|\$\([A-Za-z_][\w.\-\[\]']*\)"
)

MAX_DEPTH = 10

# Placeholders in text that reached an image word as it is (a shell word, a
# variable's value): those `scan` finds, and `{tag}` (Python's format), `%s`,
# `%(tag)s`, `@@IMAGE@@`, `#{tag}`, `${{ tag }}` (sed, envsubst and other tools
# fill them in), and a component written in capitals only (`REPLACE_ME`,
# `TODO`, `IMAGE`), a word to replace rather than a name anyone chose.
_FILLED_IN = re.compile(
    PLACEHOLDER.pattern
    + rf"|\$\{{\{{.{{0,{_PLACEHOLDER_LENGTH}}}?\}}\}}|\{{[A-Za-z_][\w.-]*\}}"
    + r"|%\([A-Za-z_]\w*\)[sd]|%[sd]|@@[\w.-]+@@|#\{[^{}]*\}"
    # One character at a time, so a long capital word that is not one fails in
    # linear time (`[A-Z0-9]*(?:[_-]?[A-Z0-9]+)+` took exponential time).
    + r"|(?<![^/:@])[A-Z](?:[_-]?[A-Z0-9])+(?![^/:@])"
)


class Dialect(Choice):
    """How `$` is escaped where the text is written."""

    GITLAB = "gitlab"  # `$$` is a literal `$`
    DOCKERFILE = "dockerfile"  # `\$` is a literal `$`
    PLAIN = "plain"  # no escapes (Kubernetes, manifest specs, envsubst templates)


def scan(text: str, dialect: Dialect = Dialect.PLAIN) -> tuple[Part, ...]:
    """Split written text into literal text and variable references."""
    if "$" not in text and "_" not in text and "<" not in text and "{" not in text:
        return (Literal(text, 0, len(text)),) if text else ()
    parts: list[Part] = []
    literal_start = 0
    pos = 0
    length = len(text)

    def flush(end: int) -> None:
        if end > literal_start:
            parts.append(Literal(text[literal_start:end], literal_start, end))

    while pos < length:
        char = text[pos]
        placeholder = PLACEHOLDER.match(text, pos) if char in "_<{$" else None
        if placeholder:
            flush(pos)
            parts.append(Unknown(placeholder.group(0), pos, placeholder.end(), variable=False))
            pos = literal_start = placeholder.end()
            continue
        if char == "$" and dialect is Dialect.GITLAB and text.startswith("$$", pos):
            flush(pos)
            parts.append(Literal("$", pos, pos + 2))
            pos = literal_start = pos + 2
            continue
        if char == "\\" and dialect is Dialect.DOCKERFILE and text.startswith("\\$", pos):
            flush(pos)
            parts.append(Literal("$", pos, pos + 2))
            pos = literal_start = pos + 2
            continue
        if char != "$":
            pos += 1
            continue
        reference = _reference_at(text, pos)
        if reference is None:
            pos += 1
            continue
        part, end = reference
        flush(pos)
        parts.append(part)
        pos = literal_start = end
    flush(length)
    return tuple(parts)


def _reference_at(text: str, pos: int) -> tuple[Unknown, int] | None:
    """The variable reference starting at the `$` at `pos`, and where it ends."""
    plain = NAME.match(text, pos + 1)
    if plain:
        return Unknown(plain.group(0), pos, plain.end()), plain.end()
    if not text.startswith("${", pos):
        return None
    depth, end = 0, len(text)
    for index in range(pos + 1, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                end = index + 1
                break
    braced = _BRACED_BODY.fullmatch(text, pos + 2, end - 1)
    if braced:
        return Unknown(braced.group(1), pos, end, default=braced.group(2)), end
    return Unknown(text[pos:end], pos, end, variable=False), end


def expand_word(parts: tuple[Part, ...], env: Env) -> tuple[Part, ...]:
    """A shell word's parts with the variables of its environment filled in.

    In a CI job the environment's values are GitLab variables, whose `$$`
    is GitLab's escape; values set by the script itself arrive expanded.
    """
    return substitute(parts, env, Dialect.GITLAB)


MAX_EXPANSION = 16_384
"""Characters one reference may expand to. `X=$X$X` twenty times, or
variables that each name the next twenty times, double or multiply without
end; past this, the reference is taken for what it is, a value crlint does
not know, and the expansion stops there."""
MAX_PARTS = 256
"""Literal and unknown parts one reference may expand to. No image name has
more than a dozen; without this bound `X=$X$X` with `X` unknown doubles its
parts on every line (a script of such lines cost 8 ms a line)."""


class _TooLong(Exception):
    """An expansion ran past `MAX_EXPANSION`."""


def substitute(
    parts: tuple[Part, ...], env: Env, dialect: Dialect = Dialect.PLAIN
) -> tuple[Part, ...]:
    """Replace references to variables with known values by those values; a
    reference whose value would run past `MAX_EXPANSION` stays unknown."""
    if not any(isinstance(p, Unknown) for p in parts):
        return parts
    result: list[Part] = []
    for part in parts:
        if isinstance(part, Literal):
            result.append(part)
            continue
        try:
            result.extend(_Expansion(env, dialect).parts((part,), 0, frozenset()))
        except _TooLong:
            result.append(part)
    return tuple(result)


class _Expansion:
    """One reference expanded, within `MAX_EXPANSION`."""

    __slots__ = ("dialect", "env", "left", "parts_left")

    def __init__(self, env: Env, dialect: Dialect) -> None:
        self.env = env
        self.dialect = dialect
        self.left = MAX_EXPANSION
        self.parts_left = MAX_PARTS

    def spend(self, amount: int, parts: int = 1) -> None:
        self.left -= max(amount, 1)
        self.parts_left -= parts
        if self.left < 0 or self.parts_left < 0:
            raise _TooLong

    def parts(self, parts: tuple[Part, ...], depth: int, seen: frozenset[str]) -> list[Part]:
        result: list[Part] = []
        for part in parts:
            if isinstance(part, Literal):
                self.spend(len(part.text))
                result.append(part)
                continue
            self.spend(1)
            value_parts = self.value_of(part, depth, seen)
            if value_parts is not None and part.operations:
                value_parts = _operated(value_parts, part.operations)
            if value_parts is None:
                result.append(part)
                continue
            for value_part in value_parts:
                if isinstance(value_part, Literal):
                    result.append(Literal(value_part.text, part.start, part.end, part.name))
                else:
                    via = value_part.via or part.name
                    result.append(value_part._replace(start=part.start, end=part.end, via=via))
        return result

    def value_of(self, part: Unknown, depth: int, seen: frozenset[str]) -> list[Part] | None:
        """The expansion of one reference, or None if it stays unknown."""
        if depth >= MAX_DEPTH or not part.variable or part.name in seen:
            return None
        binding = self.env.get(part.name)
        if binding is None:
            return None
        if binding.parts is not None:
            size = sum(len(p.text) if isinstance(p, Literal) else 1 for p in binding.parts)
            self.spend(size, len(binding.parts))
            return list(binding.parts)
        if binding.value is None:
            return None
        value = binding.value
        self.spend(len(value))
        if value == "" and part.default is not None:
            value = part.default
        dialect = self.dialect
        inner = scan(value, dialect) if binding.expand else (Literal(value, 0, len(value)),)
        return self.parts(inner, depth + 1, seen | {part.name})


def _operated(parts: list[Part], operations: tuple[str, ...]) -> list[Part] | None:
    """A value's parts after shell operations (`${X,,}`): a known value worked out,
    a lone unknown one carrying them; None when they cannot be followed."""
    from crlint.facts.parameter_operations import apply

    texts = [p.text for p in parts if isinstance(p, Literal)]
    if len(texts) == len(parts):
        value = apply(operations, "".join(texts))
        return None if value is None else [Literal(value, 0, len(value))]
    if len(parts) == 1 and isinstance(parts[0], Unknown) and parts[0].variable:
        unknown = parts[0]
        return [unknown._replace(operations=unknown.operations + operations)]
    return None


# Defaults that say "pass a real value": `ARG DIGEST=null`, `ARG TAG=changeme`.
PLACEHOLDER_WORDS = frozenset(
    {"", "null", "none", "nil", "undefined", "unset", "changeme", "change-me", "replaceme",
     "replace-me", "replace_me", "todo", "tbd", "xxx"}
)  # fmt: skip


def placeholders(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Parts with the placeholders in known text made unknown (see `_FILLED_IN`):
    what a tool fills in before anything runs is not a name to check."""
    if not any(isinstance(part, Literal) and _FILLED_IN.search(part.text) for part in parts):
        return parts
    result: list[Part] = []
    for part in parts:
        if not isinstance(part, Literal) or not _FILLED_IN.search(part.text):
            result.append(part)
            continue
        one_to_one = part.via is None and len(part.text) == part.end - part.start
        taken = 0
        for match in _FILLED_IN.finditer(part.text):
            if match.start() > taken:
                result.append(_piece(part, taken, match.start(), one_to_one))
            start, end = _span(part, match.start(), match.end(), one_to_one)
            result.append(Unknown(match.group(0), start, end, variable=False, via=part.via))
            taken = match.end()
        if taken < len(part.text):
            result.append(_piece(part, taken, len(part.text), one_to_one))
    return tuple(result)


def _piece(part: Literal, start: int, end: int, one_to_one: bool) -> Literal:
    written_start, written_end = _span(part, start, end, one_to_one)
    return Literal(part.text[start:end], written_start, written_end, part.via)


def _span(part: Literal, start: int, end: int, one_to_one: bool) -> tuple[int, int]:
    """Where characters `start:end` of a part's text were written."""
    return (part.start + start, part.start + end) if one_to_one else (part.start, part.end)
