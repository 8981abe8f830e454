"""Shell text to simple commands, each word keeping where it was written.

`parse` ties the commands of a located text to where it was written;
`split` gives their shapes, split once per distinct text (and a multi-line
block a line at a time where no line is bound to another), by
`crlint.commands.lexer`; `command_facts` makes them `Command` facts.
"""

from __future__ import annotations

import re

from crlint.commands.lexer import CommandShape, ShellCommand, shapes
from crlint.commands.words import WordShape
from crlint.facts.model import Assignment, Command, Word
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from crlint.facts.locations import LocatedText
    from crlint.facts.model import Env


class ShellParse(Record):
    commands: list[ShellCommand]
    error: tuple[int, str] | None
    """Where and why parsing stopped early, if it did."""


# Script texts already split, by text: the same line recurs in job after job
# (a third of the corpus's script units are repeats), and its commands do
# not depend on where it was written.
_SHAPES: dict[str, tuple[list[CommandShape], tuple[int, str] | None]] = {}
_SHAPES_KEPT = 2_000
"""Texts kept; once full the cache starts again, since repeats are mostly
near each other (the same pipeline's jobs), and a run's memory stays flat."""


def parse(text: LocatedText) -> ShellParse:
    """The simple commands of a shell script, in the order they appear."""
    commands, error = split(text.text)
    return ShellParse([command.bind(text) for command in commands], error)


def split(text: str) -> tuple[list[CommandShape], tuple[int, str] | None]:
    """The simple commands of a script text, not yet tied to a file; and where
    and why the split stopped early, if it did."""
    known = _SHAPES.get(text)
    if known is None:
        by_line = _by_line(text) if "\n" in text else None
        known = (by_line, None) if by_line is not None else shapes(text)
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[text] = known
    return known


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


def _by_line(text: str) -> list[CommandShape] | None:
    """A multi-line script split a line at a time, or None if a line may be
    bound to another.

    Script blocks are mostly lines of independent commands, and the same
    line recurs in block after block with other lines around it; split
    alone, each line is split once per run.
    """
    lines = text.split("\n")
    for line in lines:
        alone = _ALONE.get(line)
        if alone is None:
            if len(_ALONE) >= _SHAPES_KEPT:
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
"""`_stands_alone` of lines already asked about: a line recurs in block after block."""


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
    )


def _shifted_word(word: WordShape, offset: int) -> WordShape:
    return WordShape(word.start + offset, word.end + offset, word.parts)


"""Shells: a command of theirs runs a script file, or a string with `-c`."""


def command_facts(
    script: LocatedText,
    commands: Iterable[ShellCommand],
    env: Env,
    context: str,
    fill: Callable[[Word], Word] | None = None,
) -> Iterator[Command]:
    """`Command` facts for the simple commands of a script that run a program.

    `fill` may replace each argv word (a Dockerfile fills in ARG and ENV
    values, which Docker expands before the shell sees them).
    """
    for command in commands:
        if not command.words:
            continue
        assignments = assignment_facts(command)
        words = command.words if fill is None else tuple(fill(word) for word in command.words)
        yield Command(words, assignments, env, context, script.slice(command.start, command.end))


def assignment_facts(command: ShellCommand) -> tuple[Assignment, ...]:
    """The `NAME=value` words before a command, as facts."""
    return tuple(
        Assignment(name, word, word.written.location()) for name, word in command.assignments
    )
