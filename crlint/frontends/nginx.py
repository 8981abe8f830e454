"""nginx configuration: which `location` serves a path, and what it does to headers.

A small tokenizer, not regular expressions over lines: nginx splits its
configuration into words, quoted strings (`"…"`, `'…'`, with `\\` escapes),
`{`, `}` and `;`, with `#` comments; a directive is words up to `;` or a
block. Each `location` becomes a `ProxyRoute` with the directives that drop
or blank the `Authorization` header (`proxy_set_header Authorization ""`,
`proxy_pass_request_headers off`, inherited from the enclosing `server` or
`http` when the location sets none of its own, as nginx inherits them) or
redirect the request (`return 3xx`, `rewrite … redirect|permanent`). Each
`server` block is a group: the check picks the location nginx would pick.
"""

from __future__ import annotations

from crlint.discover.kinds import FileKind
from crlint.facts.locations import Location
from crlint.facts.model import FileFacts, ProxyRoute
from crlint.facts.record import Record
from crlint.frontends.base import Extraction, Frontend, parse_error

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.frontends.base import Context


class Token(Record):
    text: str
    line: int
    column: int
    end_column: int
    quoted: bool = False


class Directive(Record):
    name: Token
    args: tuple[Token, ...]
    block: tuple[Directive, ...] | None


class NginxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def tokens(text: str) -> list[Token]:
    """nginx's words, as `ngx_conf_read_token` splits them.

    Quotes and `#` start a string or a comment only where a word starts; in a
    word, `{` right after `$` is part of a variable (`${host}`) and `}` is a
    plain character. The body of an OpenResty `*_by_lua_block { … }` is Lua,
    which the module reads itself: it becomes one opaque block.
    """
    found: list[Token] = []
    line, start_of_line, index, size = 1, 0, 0, len(text)
    statement_start = 0
    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
            index += 1
            start_of_line = index
        elif char in " \t\r":
            index += 1
        elif char == "#":
            newline = text.find("\n", index)
            index = size if newline == -1 else newline
        elif char in "{};":
            column = index - start_of_line + 1
            found.append(Token(char, line, column, column + 1))
            index += 1
            if char == "{" and _lua_block(found, statement_start):
                index, line, start_of_line = _skip_lua(text, index, line, start_of_line)
                column = index - start_of_line
                found.append(Token("}", line, column, column + 1))
            statement_start = len(found)
        elif char in "\"'":
            begin, column, first_line = index, index - start_of_line + 1, line
            index += 1
            value: list[str] = []
            while index < size and text[index] != char:
                if text[index] == "\\" and index + 1 < size:
                    index += 1
                if text[index] == "\n":
                    line += 1
                    start_of_line = index + 1
                value.append(text[index])
                index += 1
            if index >= size:
                raise NginxError("a quoted string is not closed", first_line, column)
            index += 1
            end = column + index - begin if line == first_line else column + 1
            found.append(Token("".join(value), first_line, column, end, quoted=True))
        else:
            begin, column = index, index - start_of_line + 1
            while index < size:
                char = text[index]
                if char in " \t\r\n;" or (char == "{" and text[index - 1] != "$"):
                    break
                index += 2 if char == "\\" else 1
            index = min(index, size)
            found.append(Token(text[begin:index], line, column, column + index - begin))
    return found


def _lua_block(found: list[Token], statement_start: int) -> bool:
    """Whether the `{` just read opens an OpenResty Lua block."""
    name = found[statement_start] if statement_start < len(found) - 1 else None
    return name is not None and not name.quoted and name.text.endswith("_by_lua_block")


def _skip_lua(text: str, index: int, line: int, start_of_line: int) -> tuple[int, int, int]:
    """Past the `}` that closes a Lua block opened just before `index` (strings,
    long brackets and comments skipped); the line and its start there."""
    depth, size = 1, len(text)
    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
            start_of_line = index + 1
        elif char in "\"'":
            close = index + 1
            while close < size and text[close] not in (char, "\n"):
                close += 2 if text[close] == "\\" else 1
            index = close
        elif text.startswith("--", index):
            newline = text.find("\n", index)
            index = (size if newline == -1 else newline) - 1
        elif text.startswith("[[", index):
            close = text.find("]]", index + 2)
            close = size if close == -1 else close + 1
            line += text.count("\n", index, close)
            if "\n" in text[index:close]:
                start_of_line = text.rindex("\n", index, close) + 1
            index = close
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1, line, start_of_line
        index += 1
    raise NginxError("a Lua block is not closed with `}`", line, index - start_of_line + 1)


MAX_DEPTH = 100
"""Blocks nested deeper are refused: nginx's own configurations nest a few deep."""


def parse(text: str) -> tuple[Directive, ...]:
    stream = tokens(text)
    directives, _ = _block(stream, 0, top=True)
    return directives


def _block(
    stream: list[Token], position: int, top: bool, depth: int = 0
) -> tuple[tuple[Directive, ...], int]:
    directives: list[Directive] = []
    current: list[Token] = []
    while position < len(stream):
        token = stream[position]
        position += 1
        if token.quoted:
            current.append(token)
        elif token.text == ";":
            if current:
                directives.append(Directive(current[0], tuple(current[1:]), None))
            current = []
        elif token.text == "{":
            if not current:
                raise NginxError("a block has no directive name", token.line, token.column)
            if depth >= MAX_DEPTH:
                raise NginxError(
                    f"blocks nested more than {MAX_DEPTH} deep", token.line, token.column
                )
            inner, position = _block(stream, position, top=False, depth=depth + 1)
            directives.append(Directive(current[0], tuple(current[1:]), inner))
            current = []
        elif token.text == "}":
            if top:
                raise NginxError("unexpected `}`", token.line, token.column)
            if current:
                raise NginxError("a directive before `}` has no `;`", token.line, token.column)
            return tuple(directives), position
        else:
            current.append(token)
    if not top:
        last = stream[-1] if stream else Token("", 1, 1, 1)
        raise NginxError("a block is not closed with `}`", last.line, last.column)
    if current:
        raise NginxError("the last directive has no `;`", current[0].line, current[0].column)
    return tuple(directives), position


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    try:
        directives = parse(source.text)
    except NginxError as error:
        message = f"{error}; nginx refuses this configuration"
        return Extraction(findings=[parse_error(source, message, error.line, error.column)])
    facts = FileFacts()
    _Walker(source.path, facts).walk(directives, (), 0)
    return Extraction(facts=facts)


# What drops the header or redirects, and where it is written.
_Strips = tuple[tuple[str, Location], ...]


class _Walker:
    def __init__(self, path: str, facts: FileFacts) -> None:
        self.path = path
        self.facts = facts
        self.server = 0
        self.tls = True
        """The current `server` listens with TLS (or crlint cannot tell it does not)."""

    def walk(
        self,
        directives: tuple[Directive, ...],
        inherited: tuple[tuple[str, Location], ...],
        depth: int,
    ) -> None:
        if depth > 50:
            return
        own = _header_directives(directives, self.path)
        headers = own if _sets_headers(directives) else inherited
        for directive in directives:
            if directive.block is None:
                continue
            name = directive.name.text
            if name == "server":
                self.server += 1
                self.tls = _listens_with_tls(directive.block)
            if name == "location" and directive.args:
                self.location(directive, headers)
            self.walk(directive.block, headers, depth + 1)

    def location(self, directive: Directive, inherited: tuple[tuple[str, Location], ...]) -> None:
        assert directive.block is not None
        args = directive.args
        modifier = args[0].text if len(args) == 2 else ""
        match = args[-1].text
        block = directive.block
        strips = list(_header_directives(block, self.path) if _sets_headers(block) else inherited)
        for inner in block:
            words = [token.text for token in inner.args]
            if inner.name.text == "return" and words and words[0] in _REDIRECTS:
                target = words[1] if len(words) > 1 else ""
                redirect = f"`return {words[0]}` redirects"
            elif inner.name.text == "rewrite" and words and words[-1] in ("redirect", "permanent"):
                target = words[1] if len(words) > 2 else ""
                redirect = f"`rewrite … {words[-1]}` redirects"
            else:
                continue
            # A plain-http server sending everyone to https is the usual setup: the
            # problem there is a realm written as http://, reported where it is set.
            if not self.tls and target.startswith("https://"):
                continue
            strips.append((redirect, self._at(inner.name)))
        self.facts.proxy_routes.append(
            ProxyRoute(match, modifier, self.server, self._at(directive.name), tuple(strips))
        )

    def _at(self, token: Token) -> Location:
        return Location(self.path, token.line, token.column, token.line, token.end_column)


_REDIRECTS = frozenset({"301", "302", "303", "307", "308"})


def _listens_with_tls(block: tuple[Directive, ...]) -> bool:
    listens = [
        [token.text for token in directive.args]
        for directive in block
        if directive.name.text == "listen"
    ]
    return not listens or any("ssl" in words or "443" in " ".join(words) for words in listens)


def _sets_headers(directives: tuple[Directive, ...]) -> bool:
    """nginx inherits `proxy_set_header` only into a block that sets none itself."""
    return any(
        d.name.text in ("proxy_set_header", "proxy_pass_request_headers") for d in directives
    )


def _header_directives(directives: tuple[Directive, ...], path: str) -> _Strips:
    found = []
    for directive in directives:
        words = [token.text for token in directive.args]
        at = Location(
            path,
            directive.name.line,
            directive.name.column,
            directive.name.line,
            directive.name.end_column,
        )
        name = directive.name.text
        if name == "proxy_set_header" and len(words) == 2 and words[0].lower() == "authorization":
            if not words[1]:
                found.append(('`proxy_set_header Authorization ""` blanks the header', at))
        elif name == "proxy_pass_request_headers" and words == ["off"]:
            found.append(("`proxy_pass_request_headers off` drops every header", at))
    return tuple(found)


FRONTEND = Frontend(FileKind.NGINX, extract)
