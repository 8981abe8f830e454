"""The shell lexer and assembler: script text to simple commands' shapes.

crlint needs the simple commands of a script (`docker login -p …`,
`/kaniko/executor --destination …`) with their argv words, prefix
assignments and positions, not a full shell AST. This tokenizer knows
quoting (`'…'`, `"…"`, `$'…'`, backslashes, line continuations), parameter
references (kept as `Unknown` parts, since their values are the
environment's business), command substitution (whose commands are parsed
too), operators (`&&`, `||`, `;`, `|`, `&`, subshells), redirections,
here-documents (skipped), comments, and the compound commands (`if`,
`for`, `while`, `case`, functions) whose inner simple commands it yields.

Text it cannot read (an unterminated quote) ends the parse with a note;
the commands before it are kept.
"""

from __future__ import annotations

import re

from crlint.commands.programs import program
from crlint.commands.words import WordShape, lone_variable, rebased
from crlint.facts.model import OPERATION, Literal, Part, Unknown, Word
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.locations import LocatedText


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?(\+?=)")


_ARRAY_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")


_SPECIAL_PARAMETER = re.compile(r"[0-9@*#?$!\-]")


_BRACED_BODY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::?[-=](.*))?", re.DOTALL)


_OPERATED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(" + OPERATION.pattern + ")", re.DOTALL)


_REDIRECT = re.compile(r"[0-9]*(?:<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>)")


_OPERATORS = ("&&", "||", ";;&", ";;", ";&", "|&", ";", "|", "&", "(", ")", "\n")


_METACHARACTERS = frozenset(" \t\n;&|()<>")


# Runs of characters that are plain word text, consumed in one step.
_PLAIN_RUN = re.compile(r"[^ \t\n;&|()<>\\'\"$`]+")


_DOUBLE_QUOTED_RUN = re.compile(r'[^"\\$`]+')


# Words that open or close a compound command; at the start of a command
# they are syntax, not a program to run.
_PREFIX_WORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})


_CLOSING_WORDS = frozenset({"fi", "done", "esac", "}"})


# Of the prefix words, those that open a compound command (`for`, `select`
# and `case` are handled where their headers are skipped).
_OPENING_WORDS = frozenset({"if", "while", "until", "{"})


class ShellCommand(Record):
    """One simple command: prefix assignments, argv words, and its text span."""

    assignments: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    start: int
    end: int
    conditional: bool = False
    """It may not run, or runs in a subshell: inside `if`/loops/`case`/functions,
    `( … )`, `$( … )`, or after `&&`/`||`. Variables it sets are then unknown
    afterwards, never assumed."""


class _Token(Record):
    kind: str  # "word", "op", "redirect"
    text: str
    start: int
    end: int
    parts: tuple[Part, ...]
    quoted: bool


class _Stop(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class CommandShape(Record):
    """A simple command of a script text, its words not yet tied to a file position."""

    assignments: tuple[tuple[str, WordShape], ...]
    words: tuple[WordShape, ...]
    start: int
    end: int
    conditional: bool
    program: tuple[str, int] | None = None
    """`program(words)`, worked out once for every place the text recurs."""
    splits: bool = True
    """Some word is a lone unquoted variable (`lone_variable`), whose value the
    shell may split into words: only then has `split_words` work to do."""

    def bind(self, text: LocatedText) -> ShellCommand:
        words = self.words
        assignments = self.assignments
        if assignments:
            values = text.slices([shape for _, shape in assignments])
            bound = tuple(
                (name, _new(Word, (written, parts)))
                for (name, (_, _, parts)), written in zip(assignments, values, strict=True)
            )
        else:
            bound = ()
        return ShellCommand(
            bound,
            # Words made as plain tuples (`Word` has no defaults to fill in): a
            # run binds every word of every command it reads.
            tuple(
                [
                    _new(Word, (written, parts))
                    for written, (_, _, parts) in zip(text.slices(words), words, strict=True)
                ]
            ),
            self.start,
            self.end,
            self.conditional,
        )


_new = tuple.__new__


def shapes(text: str) -> tuple[list[CommandShape], tuple[int, str] | None]:
    """The simple commands of a script text, in order, and where and why the
    lexer stopped early, if it did."""
    lexer = _Lexer(text)
    try:
        lexer.run()
    except _Stop as stop:
        lexer.flush_tokens(complete=False)
        return _in_order(lexer.commands), (stop.offset, stop.message)
    except RecursionError:
        return _in_order(lexer.commands), (0, "nesting too deep")
    return _in_order(lexer.commands), None


def _in_order(commands: list[CommandShape]) -> list[CommandShape]:
    """Commands by position: those of a `$(...)` are found before their host."""
    return sorted(commands, key=lambda command: command.start)


class _Lexer:
    def __init__(self, text: str, base: int = 0, end: int | None = None) -> None:
        self.text = text
        self.pos = base
        self.end = len(self.text) if end is None else end
        self.tokens: list[_Token] = []
        self.commands: list[CommandShape] = []
        self.heredocs: list[tuple[str, bool]] = []
        self.in_test = False
        """Inside `[[ … ]]`, where `&&`, `||`, `(`, `<` are words of the test."""

    # -- the token stream -------------------------------------------------

    def run(self) -> None:
        text, end = self.text, self.end
        while self.pos < end:
            char = text[self.pos]
            if char in " \t" or (char == "\n" and self.in_test):
                self.pos += 1  # a `[[ … ]]` test may span lines
            elif char == "\\" and text.startswith("\\\n", self.pos):
                self.pos += 2
            elif char == "#":
                newline = text.find("\n", self.pos, end)
                self.pos = end if newline == -1 else newline
            elif char == "\n":
                self.tokens.append(_Token("op", "\n", self.pos, self.pos + 1, (), False))
                self.pos += 1
                if self.heredocs:
                    self.skip_heredocs()
            elif self.in_test and char in "<>&|()":
                start = self.pos
                while self.pos < end and text[self.pos] in "<>&|()":
                    self.pos += 1
                operator = text[start : self.pos]
                literal = (Literal(operator, start, self.pos),)
                self.tokens.append(_Token("word", operator, start, self.pos, literal, False))
            elif char in "<>" or (char.isdigit() and _REDIRECT.match(text, self.pos)):
                if not self.redirect():
                    self.word()
            elif char == "&" and text.startswith(("&>>", "&>"), self.pos):
                self.redirect()
            elif char in ";&|()":
                for operator in _OPERATORS:
                    if text.startswith(operator, self.pos):
                        self.tokens.append(
                            _Token("op", operator, self.pos, self.pos + len(operator), (), False)
                        )
                        self.pos += len(operator)
                        break
            else:
                self.word()
        self.flush_tokens(complete=True)

    def redirect(self) -> bool:
        match = _REDIRECT.match(self.text, self.pos)
        if not match or match.end() > self.end:
            return False
        operator = match.group(0).lstrip("0123456789")
        self.pos = match.end()
        if operator in (">&", "<&") and self.pos < self.end and self.text[self.pos] == "-":
            self.pos += 1
            return True
        while self.pos < self.end and self.text[self.pos] in " \t":
            self.pos += 1
        if self.pos >= self.end or self.text[self.pos] in "\n;&|()<>":
            return True
        target = self.read_word()
        if operator in ("<<", "<<-"):
            delimiter = "".join(p.text for p in target.parts if isinstance(p, Literal))
            self.heredocs.append((delimiter, operator == "<<-"))
        self.tokens.append(_Token("redirect", operator, match.start(), self.pos, (), False))
        return True

    def skip_heredocs(self) -> None:
        """Skip here-document bodies; they are data, not commands."""
        for delimiter, strip_tabs in self.heredocs:
            while self.pos < self.end:
                newline = self.text.find("\n", self.pos, self.end)
                line_end = self.end if newline == -1 else newline
                line = self.text[self.pos : line_end]
                self.pos = line_end + 1 if newline != -1 else self.end
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self.heredocs = []

    def word(self) -> None:
        start = self.pos
        token = self.read_word()
        if token.end == start:  # a lone metacharacter we do not handle: skip it
            self.pos = start + 1
            return
        previous = self.tokens[-1] if self.tokens else None
        if token.text == "[[" and (
            previous is None or previous.kind == "op" or previous.text in _PREFIX_WORDS
        ):
            self.in_test = True
        elif token.text == "]]":
            self.in_test = False
        self.tokens.append(token)

    def read_word(self) -> _Token:
        text, end = self.text, self.end
        start = self.pos
        parts: list[Part] = []
        literal_start = self.pos
        quoted = False
        while self.pos < end:
            char = text[self.pos]
            if char in _METACHARACTERS:
                if char == "(" and _ARRAY_ASSIGNMENT.fullmatch(text, start, self.pos):
                    # `NAME=( … )`: an array, one word however many lines it spans
                    close = self.matching(self.pos, "(", ")")
                    self._flush(parts, literal_start, self.pos)
                    parts.append(Unknown("(...)", self.pos, close, variable=False))
                    self.pos = literal_start = close
                    continue
                if char in "<>" and text.startswith(("<(", ">("), self.pos):
                    self._flush(parts, literal_start, self.pos)
                    close = self.matching(self.pos + 1, "(", ")")
                    parts.append(Unknown("<(...)", self.pos, close, variable=False))
                    self.pos = literal_start = close
                    continue
                break
            if char == "\\":
                self._flush(parts, literal_start, self.pos)
                if text.startswith("\\\n", self.pos):
                    self.pos += 2
                elif self.pos + 1 < end:
                    parts.append(Literal(text[self.pos + 1], self.pos, self.pos + 2))
                    self.pos += 2
                else:
                    self.pos += 1
                literal_start = self.pos
            elif char == "'":
                self._flush(parts, literal_start, self.pos)
                close = text.find("'", self.pos + 1, end)
                if close == -1:
                    raise _Stop(self.pos, "unterminated single quote")
                if close > self.pos + 1:
                    parts.append(Literal(text[self.pos + 1 : close], self.pos + 1, close))
                self.pos = literal_start = close + 1
                quoted = True
            elif char == '"':
                self._flush(parts, literal_start, self.pos)
                self.double_quoted(parts)
                literal_start = self.pos
                quoted = True
            elif char == "$":
                self._flush(parts, literal_start, self.pos)
                self.dollar(parts)
                literal_start = self.pos
            elif char == "`":
                self._flush(parts, literal_start, self.pos)
                close = self.backtick_end(self.pos)
                self.nested(self.pos + 1, close - 1)
                parts.append(Unknown("`...`", self.pos, close, variable=False))
                self.pos = literal_start = close
            else:
                plain = _PLAIN_RUN.match(text, self.pos, end)
                self.pos = plain.end() if plain else self.pos + 1
        self._flush(parts, literal_start, self.pos)
        # Records made as plain tuples here, in `_flush` and `word`: the lexer
        # makes one of each for every word of every script it reads.
        return _new(_Token, ("word", text[start : self.pos], start, self.pos, tuple(parts), quoted))

    def _flush(self, parts: list[Part], start: int, until: int) -> None:
        if until > start:
            parts.append(_new(Literal, (self.text[start:until], start, until, None)))

    def double_quoted(self, parts: list[Part]) -> None:
        text, end = self.text, self.end
        self.pos += 1
        literal_start = self.pos
        while True:
            if self.pos >= end:
                raise _Stop(literal_start - 1, "unterminated double quote")
            char = text[self.pos]
            if char == '"':
                if self.pos > literal_start:
                    parts.append(Literal(text[literal_start : self.pos], literal_start, self.pos))
                self.pos += 1
                return
            if char == "\\" and self.pos + 1 < end and text[self.pos + 1] in '"\\$`\n':
                if self.pos > literal_start:
                    parts.append(Literal(text[literal_start : self.pos], literal_start, self.pos))
                if text[self.pos + 1] != "\n":
                    parts.append(Literal(text[self.pos + 1], self.pos, self.pos + 2))
                self.pos += 2
                literal_start = self.pos
            elif char in "$`":
                if self.pos > literal_start:
                    parts.append(Literal(text[literal_start : self.pos], literal_start, self.pos))
                if char == "$":
                    self.dollar(parts)
                else:
                    close = self.backtick_end(self.pos)
                    self.nested(self.pos + 1, close - 1)
                    parts.append(Unknown("`...`", self.pos, close, variable=False))
                    self.pos = close
                literal_start = self.pos
            else:
                plain = _DOUBLE_QUOTED_RUN.match(text, self.pos, end)
                self.pos = plain.end() if plain else self.pos + 1

    def dollar(self, parts: list[Part]) -> None:
        text, start = self.text, self.pos
        following = text[start + 1 : start + 2]
        if text.startswith("$((", start):
            close = self.matching(start + 1, "(", ")")
            parts.append(Unknown("$((...))", start, close, variable=False))
            self.pos = close
        elif following == "(":
            close = self.matching(start + 1, "(", ")")
            self.nested(start + 2, close - 1)
            parts.append(Unknown("$(...)", start, close, variable=False))
            self.pos = close
        elif following == "{":
            close = self.matching(start + 1, "{", "}")
            braced = _BRACED_BODY.fullmatch(text, start + 2, close - 1)
            operated = None if braced else _OPERATED.fullmatch(text, start + 2, close - 1)
            if braced:
                parts.append(Unknown(braced.group(1), start, close, braced.group(2)))
            elif operated:  # `${x//\//-}`, `${x,,}`: known for what they do to x
                operation = (operated.group(2),)
                parts.append(Unknown(operated.group(1), start, close, operations=operation))
            else:  # `${#x}`, `${x[@]}`: some function of x, unknown
                parts.append(Unknown(text[start:close], start, close, variable=False))
            self.pos = close
        elif following == "'":
            close = start + 2
            while close < self.end and text[close] != "'":
                close += 2 if text[close] == "\\" else 1
            if close >= self.end:
                raise _Stop(start, "unterminated $'...' quote")
            parts.append(Literal(text[start + 2 : close], start, close + 1))
            self.pos = close + 1
        else:
            name = NAME.match(text, start + 1, self.end)
            if name:
                parts.append(Unknown(name.group(0), start, name.end()))
                self.pos = name.end()
            elif following and _SPECIAL_PARAMETER.match(following):
                parts.append(Unknown("$" + following, start, start + 2, variable=False))
                self.pos = start + 2
            else:
                parts.append(Literal("$", start, start + 1))
                self.pos = start + 1

    def matching(self, open_at: int, opener: str, closer: str) -> int:
        """Index just past the `closer` that matches the `opener` at `open_at`."""
        text, depth, pos = self.text, 0, open_at
        while pos < self.end:
            char = text[pos]
            if char == "\\":
                pos += 2
                continue
            if char == "'" and opener == "(":
                close = text.find("'", pos + 1, self.end)
                if close == -1:
                    break
                pos = close + 1
                continue
            if char == '"':
                pos = self.skip_double(pos)
                continue
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                if depth == 0:
                    return pos + 1
            pos += 1
        raise _Stop(open_at, f"unterminated `{opener}`")

    def skip_double(self, pos: int) -> int:
        pos += 1
        while pos < self.end:
            char = self.text[pos]
            if char == "\\":
                pos += 2
            elif char == '"':
                return pos + 1
            elif self.text.startswith("$(", pos):
                pos = self.matching(pos + 1, "(", ")")
            else:
                pos += 1
        raise _Stop(pos, "unterminated double quote")

    def backtick_end(self, start: int) -> int:
        pos = start + 1
        while pos < self.end:
            if self.text[pos] == "\\":
                pos += 2
            elif self.text[pos] == "`":
                return pos + 1
            else:
                pos += 1
        raise _Stop(start, "unterminated backquote")

    def nested(self, start: int, end: int) -> None:
        """Commands inside `$(...)` and backquotes are commands too."""
        inner = _Lexer(self.text, start, end)
        try:
            inner.run()
        except _Stop:
            inner.flush_tokens(complete=False)
        self.commands.extend(command._replace(conditional=True) for command in inner.commands)

    # -- tokens to commands -----------------------------------------------

    def flush_tokens(self, complete: bool) -> None:
        """Assemble the tokens read; an unfinished last command is dropped."""
        tokens = self.tokens
        if not complete:
            last_operator = max(
                (i for i, token in enumerate(tokens) if token.kind == "op"), default=-1
            )
            tokens = tokens[: last_operator + 1]
        _Assembler(self).assemble(tokens)
        self.tokens = []


class _Assembler:
    """Groups tokens into simple commands, stepping over compound syntax."""

    def __init__(self, lexer: _Lexer) -> None:
        self.lexer = lexer
        self.case_depth = 0
        self.in_case_pattern = False
        self.depth = 0
        """How many compound commands and subshells enclose the current command."""
        self.after_logic = False
        """The current command follows `&&` or `||`."""

    def assemble(self, tokens: list[_Token]) -> None:
        current: list[_Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.kind == "op":
                if (
                    token.text == "("
                    and len(current) == 1
                    and index + 1 < len(tokens)
                    and tokens[index + 1].text == ")"
                ):
                    current = []  # `name() { … }`: a function header, not a command
                    index += 2
                    continue
                if token.text in (";;", ";&", ";;&") and self.case_depth:
                    self.in_case_pattern = True
                self.emit(current)
                if token.text == "(" and not current:
                    self.depth += 1
                elif token.text == ")" and self.depth:
                    self.depth -= 1
                self.after_logic = token.text in ("&&", "||")
                current = []
                index += 1
                continue
            if token.kind == "redirect":
                index += 1
                continue
            if not current:
                skipped = self.command_start(tokens, index)
                if skipped != index:
                    index = skipped
                    continue
            current.append(token)
            index += 1
        self.emit(current)

    def command_start(self, tokens: list[_Token], index: int) -> int:
        """Index of the first token of the real command at `index`."""
        token = tokens[index]
        word = token.text if token.kind == "word" and not token.quoted else None
        if self.in_case_pattern:
            if word == "esac":
                self.case_depth -= 1
                self.depth = max(self.depth - 1, 0)
                self.in_case_pattern = self.case_depth > 0
                return index + 1
            # Skip `pattern|pattern)` up to the closing parenthesis.
            while index < len(tokens) and not (
                tokens[index].kind == "op" and tokens[index].text == ")"
            ):
                index += 1
            self.in_case_pattern = False
            return index + 1
        if word == "esac" and self.case_depth:
            self.case_depth -= 1
            self.depth = max(self.depth - 1, 0)
            return index + 1
        if word in _OPENING_WORDS:
            self.depth += 1
        elif word in _CLOSING_WORDS:
            self.depth = max(self.depth - 1, 0)
        if word in _PREFIX_WORDS or word in _CLOSING_WORDS:
            return index + 1
        if word in ("for", "select"):
            self.depth += 1
            while index < len(tokens) and not (
                tokens[index].kind == "word" and tokens[index].text == "do"
            ):
                index += 1
            return index + 1
        if word == "case":
            while index < len(tokens) and not (
                tokens[index].kind == "word" and tokens[index].text == "in"
            ):
                index += 1
            self.case_depth += 1
            self.depth += 1
            self.in_case_pattern = True
            return index + 1
        if word == "function":
            return index + 2
        if token.kind == "word" and token.text.startswith("(("):
            return index + 1
        return index

    def emit(self, tokens: list[_Token]) -> None:
        if not tokens:
            return
        assignments: list[tuple[str, WordShape]] = []
        words: list[WordShape] = []
        splits = False
        for token in tokens:
            if token.text.startswith("((") and not words:
                return  # an arithmetic command: nothing to run
            if not words:
                assignment = ASSIGNMENT.match(token.text)
                if assignment and _unquoted_prefix(token, assignment.end()):
                    value_start = token.start + assignment.end()
                    assignments.append(
                        (assignment.group(1), self.word(token, value_start, token.end))
                    )
                    continue
            word = self.word(token, token.start, token.end)
            splits = splits or lone_variable(word.parts, token.text) is not None
            words.append(word)
        conditional = self.depth > 0 or self.after_logic
        shaped = tuple(words)
        self.lexer.commands.append(
            CommandShape(
                tuple(assignments),
                shaped,
                tokens[0].start,
                tokens[-1].end,
                conditional,
                program(shaped),
                splits,
            )
        )

    def word(self, token: _Token, start: int, end: int) -> WordShape:
        """A word for `text[start:end]` of a token, its parts relative to itself."""
        return _new(WordShape, (start, end, rebased(token.parts, start)))


def _unquoted_prefix(token: _Token, length: int) -> bool:
    """Whether the first `length` characters of a word are plain, unquoted text."""
    first = token.parts[0] if token.parts else None
    return (
        isinstance(first, Literal)
        and first.start == token.start
        and first.end - first.start >= length
        and len(first.text) == first.end - first.start
    )
