"""Words of a script: their shapes before they are tied to a file, and the
rest of a word from a character on (`--tag=x`, `NAME=x`, `docker://x`)."""

from __future__ import annotations

from crlint.facts.model import Literal, Part, Unknown, Word, known_text
from crlint.facts.record import Record


class WordShape(Record):
    """A word of a script text, before it is tied to where the text was written."""

    start: int
    end: int
    parts: tuple[Part, ...]

    @property
    def value(self) -> str | None:
        return known_text(self.parts)


def lone_variable(parts: tuple[Part, ...], written: str) -> Unknown | None:
    """The variable a word is, when it is nothing but one unquoted `$NAME` or
    `${NAME}` with no operation: the shell splits its value into words
    (`crlint.commands.inner_scripts.split_words`). `written`: the word's text."""
    if len(parts) != 1 or written[:1] != "$":
        return None
    part = parts[0]
    if not isinstance(part, Unknown) or not part.variable or part.operations:
        return None
    return part


def rebased(parts: tuple[Part, ...], offset: int) -> tuple[Part, ...]:
    """Parts of a text from `offset` on, their offsets counted from there.

    A part that starts before `offset` keeps only its characters after it:
    the value of `NAME=value` is the word's text after the `=`. (Parts made
    as plain tuples, fields by position: the lexer rebases every part of
    every word of every script it reads, and `Record._replace` made each
    unknown part anew field by field.)
    """
    result: list[Part] = []
    for part in parts:
        start, end = part[1] - offset, part[2] - offset
        if end <= 0:
            continue
        if part.__class__ is Literal:
            text = part[0] if start >= 0 else part[0][-start:]
            result.append(_new(Literal, (text, max(start, 0), end, part[3])))
        else:
            result.append(_new(Unknown, (part[0], max(start, 0), end, *part[3:])))
    return tuple(result)


_new = tuple.__new__


def word_from(word: Word, offset: int) -> Word:
    """The rest of a word from its `offset`-th value character on, as a word of its own.

    The value of `--tag=x` or `NAME=x`, the image of `docker://x`: the
    offset counts characters of the word's value, which sit further on in
    its written text when the word is quoted (`"--tag=$IMAGE"`).
    """
    written_offset = _written_offset(word.parts, offset)
    return Word(
        word.written.slice(written_offset, len(word.written.text)),
        rebased(word.parts, written_offset),
    )


def _written_offset(parts: tuple[Part, ...], offset: int) -> int:
    seen = 0
    for part in parts:
        if isinstance(part, Literal):
            if seen + len(part.text) > offset:
                if part.via is None and len(part.text) == part.end - part.start:
                    return part.start + offset - seen
                return part.start
            seen += len(part.text)
        elif seen >= offset:
            return part.start
    return parts[-1].end if parts else offset
