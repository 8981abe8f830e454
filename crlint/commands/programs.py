"""Which program a command runs, past `sudo`, `env`, `timeout` and the like,
and which script text may run one the checks read (`mentions`)."""

from __future__ import annotations

import re
from functools import cache

from crlint.world.tools import LINE_WORDS, SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from crlint.commands.words import WordShape
    from crlint.facts.model import Word


# Programs that run the command given after their own options.
_WRAPPER_VALUED = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-U", "-r", "-t", "-T", "-R"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "timeout": frozenset({"-k", "--kill-after", "-s", "--signal"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "command": frozenset(),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
}


WRAPPERS = frozenset(_WRAPPER_VALUED)
"""Programs that run another program given after their own options."""


def may_run(words: Sequence[Word], programs: frozenset[str]) -> bool:
    """A quick test before `program()`: False when the first word is known and
    is neither one of `programs` nor a wrapper that may run one."""
    first = words[0].value if words else None
    return first is None or (name := first.rpartition("/")[2]) in programs or name in WRAPPERS


def program(words: Sequence[Word] | Sequence[WordShape]) -> tuple[str, int] | None:
    """The program a command runs (its file name) and the index of its word,
    past `sudo`, `env`, `timeout` and the like; None if it is not known."""
    index = 0
    while index < len(words):
        value = words[index].value
        if value is None:
            return None
        name = value.rpartition("/")[2]
        valued = _WRAPPER_VALUED.get(name)
        if valued is None:
            return name, index
        index += 1
        while index < len(words):
            option = words[index].value
            if option is None:
                return None
            if name == "env" and "=" in option and not option.startswith("-"):
                index += 1
            elif option.startswith("-") and option != "-":
                index += 2 if option in valued else 1
            elif name == "timeout":  # the duration, then the command
                index += 1
                break
            else:
                break
    return None


# What can change a shell's variables, directory or the scripts it reads:
# an assignment, `./x` or `. x` where a command starts (`_STATEFUL`); a
# shell or `export`, `cd`, `source` and the like as a word (`_STATEFUL_WORDS`);
# a `.sh` file anywhere.
_COMMAND_START = r"(?:^|[;&|(`\n{]|\b(?:then|do|else|elif|if|while|until))\s*"
_STATEFUL = (
    rf"{_COMMAND_START}(?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=|\./|\.\s|\$\{{?"
    r"[A-Za-z_])"
    r"|\.(?:sh|bash)\b"
)
_DOT_SPACE = re.compile(r"\.\s")


def _stateful_signs(text: str) -> bool:
    """Whether a text holds what `_STATEFUL` needs somewhere to match: `=`,
    `$`, `./`, `.sh`/`.bash`, or `.` before a space (`. env`). Substring
    tests: searching the text for a class of characters cost twice as much."""
    return (
        "=" in text
        or "$" in text
        or "./" in text
        or ".sh" in text
        or ".bash" in text
        or ("." in text and _DOT_SPACE.search(text) is not None)
    )


_STATEFUL_WORDS = SHELLS | {
    "export", "unset", "cd", "source", "declare", "typeset", "readonly", "local", "pushd",
    "popd", "eval",
}  # fmt: skip
_MENTIONS: dict[frozenset[str], Callable[[str], bool]] = {}
_MENTIONS_KEPT = 10_000


@cache
def _stateful() -> re.Pattern[str]:
    """`_STATEFUL`, compiled when a text first needs it (0.7 ms: a file of templates never does)."""
    return re.compile(_STATEFUL)


def _as_words(words: frozenset[str], before: str, after: str) -> Callable[[str], bool]:
    """A test of whether a text holds one of `words` neither right after a
    character of the class `before` nor right before one of `after`: the
    search `(?<![before])(?:words)(?![after])`, run only on a text that holds
    one of the words at all. An expression of alternatives tries every
    position of a text, and most lines (`apt-get install …`, `npm ci`) hold
    none of the words: the test was most of a Dockerfile `RUN`'s cost."""
    names = tuple(sorted(words))
    pattern = rf"(?<![{before}])(?:{'|'.join(map(re.escape, names))})(?![{after}])"
    compiled: list[Callable[[str], re.Match[str] | None]] = []

    def test(text: str) -> bool:
        for name in names:
            if name in text:
                if not compiled:  # compiled when first needed, not at import
                    compiled.append(re.compile(pattern).search)
                return compiled[0](text) is not None
        return False

    return test


_stateful_word = _as_words(_STATEFUL_WORDS, r"\w", r"\w")
"""Whether a text holds one of `_STATEFUL_WORDS` as a word of its own."""


def mentions(programs: frozenset[str]) -> Callable[[str], bool]:
    """A test of whether script text may matter to checks reading `programs`.

    True when the text names one of the programs or may change the state
    later commands run in (an assignment, `./x`, `export`, a shell, a `.sh`
    file); other lines (`npm ci`, `make test`) are not split into commands,
    which is most of a run's cost, in CI scripts and Dockerfile `RUN` bodies
    alike. The word-shaped tests search a text only when it holds one of
    their words (`_as_words`), and the command-start test only where its
    characters are present: one regular expression of every alternative
    cost 40 µs on a three-line `RUN`.
    """
    known = _MENTIONS.get(programs)
    if known is not None:
        return known
    # (a program read for one purpose is looked for by its word: `Tool.only_with`)
    words = frozenset(LINE_WORDS.get(name, name) for name in programs)
    named = _as_words(words, r"\w.-", r"\w-") if words else None
    cache: dict[str, bool] = {}

    def test(text: str) -> bool:
        found = cache.get(text)
        if found is None:
            if len(cache) >= _MENTIONS_KEPT:  # bounded, as `shell`'s cache of splits
                cache.clear()
            found = cache[text] = (
                (named is not None and named(text))
                or _stateful_word(text)
                or (_stateful_signs(text) and bool(_stateful().search(text)))
            )
        return found

    _MENTIONS[programs] = test
    return test
