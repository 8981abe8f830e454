"""A multi-line script block split a line at a time, where no line is bound to another.

Script blocks are mostly lines of independent commands, and the same line
recurs in block after block with other lines around it; split alone
(`crlint.commands.shell.split`), each line is lexed once per run. A line
that may reach into the next (a quote, a continuation, a here-document, a
compound command written over several lines) sends the whole block to the
lexer instead; what a line alone gives must be what the whole block gives
(tests/test_shell.py checks it on generated blocks).
"""

from __future__ import annotations

import re

from crlint.commands.lexer import CommandShape
from crlint.commands.words import WordShape

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    Split = Callable[[str], tuple[list[CommandShape], tuple[int, str] | None]]


# What may tie a line to the next (a quote, a continuation, a here-document,
# a pipe or list left open) or make it part of a compound command written
# over several lines; `${…}` and `$(…)` within a line are removed first, and
# `if`/loops are looked at apart (`_KEYWORD`).
_LINE_BOUND = re.compile(r"[\\{}()`]|<<|(?:\|\||&&|\|)\s*$|\b(?:case|esac|function)\b")
_WITHIN_LINE = re.compile(r"\$\{[^{}()\n]*\}|\$\(\([^{}()\n]*\)\)|\$\([^{}()\n]*\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEYWORD = re.compile(r"\b(if|then|else|elif|fi|for|while|until|select|do|done)\b")
# Where a reserved word is one: at the start of a command.
_COMMAND_START = re.compile(r"(?:^|[;&|!]|\b(?:then|else|elif|do|if|while|until))\s*$")
_OPENS = {"if": "fi", "for": "done", "while": "done", "until": "done", "select": "done"}
# A `case … esac` a line opens and closes, nothing in it that could reach
# another line (a continuation, a here-document, braces, backquotes, a
# pattern's optional `(`, which the lexer does not read as such).
_ONE_LINE_CASE = re.compile(r"(?:^|[;&|])\s*case\b[^\\{}`<(]*?\besac\b")


def by_line(text: str, split: Split) -> list[CommandShape] | None:
    """The commands of a block split a line at a time by `split` (the shell's,
    which keeps each line's split), or None if a line may be bound to another."""
    lines = text.split("\n")
    for line in lines:
        alone = _ALONE.get(line)
        if alone is None:
            if len(_ALONE) >= _ALONE_KEPT:
                _ALONE.clear()
            alone = _ALONE[line] = _stands_alone(line)
        if not alone:
            return None
    shapes: list[CommandShape] = []
    offset = 0
    for line in lines:
        line_shapes, error = split(line)
        if error is not None:
            return None
        shapes.extend(_shifted(shape, offset) if offset else shape for shape in line_shapes)
        offset += len(line) + 1
    return shapes


_ALONE: dict[str, bool] = {}
"""`_stands_alone` of lines already asked about."""
_ALONE_KEPT = 2_000
"""Lines kept; once full the cache starts again (as the shell's cache of splits)."""


def _stands_alone(line: str) -> bool:
    """Whether nothing in a line may tie it to the lines around it."""
    bare = _WITHIN_LINE.sub("", line) if "$" in line else line
    if "esac" in bare:
        bare = _ONE_LINE_CASE.sub(";", bare)
    if _LINE_BOUND.search(bare) or bare.count('"') % 2 or bare.count("'") % 2:
        return False
    return not _KEYWORD.search(bare) or _closed(_QUOTED.sub("''", bare))


def _closed(line: str) -> bool:
    """Whether every `if` and loop a line opens it also closes (`if …; then …; fi`,
    `for …; do …; done`), and it closes none it did not open: then the line is
    split the same alone as within its block. A reserved word counts only where
    a command starts; one in doubt (`echo x; fi` after `then` on a line before)
    leaves the line bound to the others."""
    open_: list[str] = []
    for match in _KEYWORD.finditer(line):
        if not _COMMAND_START.search(line, 0, match.start()):
            continue  # an argument (`echo done`), not a reserved word
        word = match.group(1)
        if word in _OPENS:
            open_.append(_OPENS[word])
        elif word in ("fi", "done"):
            if not open_ or open_.pop() != word:
                return False
        elif not open_:  # `then`, `else`, `elif`, `do` of a command opened before
            return False
    return not open_


def _shifted(shape: CommandShape, offset: int) -> CommandShape:
    return CommandShape(
        tuple((name, _shifted_word(word, offset)) for name, word in shape.assignments),
        tuple(_shifted_word(word, offset) for word in shape.words),
        shape.start + offset,
        shape.end + offset,
        shape.conditional,
        shape.program,
        shape.splits,
    )


def _shifted_word(word: WordShape, offset: int) -> WordShape:
    return WordShape(word.start + offset, word.end + offset, word.parts)
