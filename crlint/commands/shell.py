"""Shell text to simple commands, each word keeping where it was written.

`parse` ties the commands of a located text to where it was written;
`split` gives their shapes, split once per distinct text (and a multi-line
block a line at a time where no line is bound to another,
`crlint.commands.block_lines`), by `crlint.commands.lexer`;
`command_facts` makes them `Command` facts.
"""

from __future__ import annotations

from crlint.facts.model import Assignment, Command, Word
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from crlint.commands.lexer import CommandShape, ShellCommand
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
        # The lexer (and its patterns) only once a text is split: a pipeline of
        # includes and templates has none (`crlint.commands.lexer`).
        from crlint.commands.lexer import shapes

        by_line = None
        if "\n" in text:
            from crlint.commands.block_lines import by_line as split_by_line

            by_line = split_by_line(text, split)
        known = (by_line, None) if by_line is not None else shapes(text)
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[text] = known
    return known


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
