"""Git's ignore-pattern language, for `.gitignore` files and configured excludes.

Written here rather than imported: `pathspec` costs about 45 ms to import,
more than a whole pre-commit run of crlint on one file may take. The
semantics follow gitignore(5): `!` negates, a pattern with a `/` other than
a trailing one is anchored to its base directory, a trailing `/` matches
directories only, `*` and `?` never cross `/`, `**` spans directories, and
the last matching pattern wins.
"""

from __future__ import annotations

import re

from crlint.facts.record import Record
from crlint.facts.wildcards import Token, Wild, translate


class PatternError(ValueError):
    """A pattern git cannot use either (a range like `[z-a]`)."""


class Pattern(Record):
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    text: str


def compile_pattern(line: str) -> Pattern | None:
    """One gitignore line as a pattern, or None for blanks and comments."""
    line = line.rstrip("\n\r")
    if not line or line.startswith("#"):
        return None
    # Trailing spaces are ignored unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    negated = line.startswith("!")
    if negated or line.startswith(("\\!", "\\#")):
        line = line[1:]
    directory_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    tokens = _tokens(line)
    if not anchored and not line.startswith("**/"):
        tokens.insert(0, Wild.DIRS)
    try:
        regex = re.compile(translate(tokens) + r"\Z", re.DOTALL)
    except re.error as error:
        raise PatternError(f"`{line}` is not a valid pattern: {error.msg}") from None
    return Pattern(regex, negated, directory_only, line)


def _tokens(glob: str) -> list[Token]:
    out: list[Token] = []
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if glob.startswith("**", i):
            before_ok = i == 0 or glob[i - 1] == "/"
            after = glob[i + 2 : i + 3]
            if before_ok and after == "/":
                out.append(Wild.DIRS)
                i += 3
                continue
            out.append(Wild.CROSS if before_ok and after == "" else Wild.STAR)
            i += 2
            continue
        if char == "*":
            out.append(Wild.STAR)
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = glob.find("]", i + 2)
            if close == -1:
                out.append(re.escape(char))
            else:
                content = glob[i + 1 : close]
                if content.startswith("!"):
                    content = "^" + content[1:]
                out.append("(?!/)[" + content.replace("\\", "\\\\") + "]")
                i = close
        elif char == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return out


class IgnoreList:
    """The patterns of one file (or one setting), relative to a base directory."""

    __slots__ = ("base", "patterns")

    def __init__(self, base: str, patterns: list[Pattern]) -> None:
        self.base = base.rstrip("/")
        self.patterns = patterns

    @classmethod
    def parse(cls, base: str, lines: list[str]) -> IgnoreList:
        """A `.gitignore`'s patterns; a line git cannot use matches nothing, as in git."""
        patterns = []
        for line in lines:
            try:
                pattern = compile_pattern(line)
            except PatternError:
                continue
            if pattern is not None:
                patterns.append(pattern)
        return cls(base, patterns)

    def match(self, path: str, is_dir: bool) -> bool | None:
        """True if ignored, False if re-included by `!`, None if no pattern matches.

        `path` is absolute, in posix form; paths outside `base` never match.
        """
        if self.base:
            if not path.startswith(self.base + "/"):
                return None
            relative = path[len(self.base) + 1 :]
        else:
            relative = path.lstrip("/")
        verdict: bool | None = None
        for pattern in self.patterns:
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.match(relative):
                verdict = not pattern.negated
        return verdict
