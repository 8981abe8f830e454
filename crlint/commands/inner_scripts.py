"""Commands that run text as a script, and command words that come from variables.

`sh -c "docker push $IMAGE"`, `bash -ec '…'`, `eval "…"`, `su -c "…" user`,
`ssh host '…'`, `docker run IMAGE sh -c "…"`, `kubectl exec POD -- sh -c "…"`:
the string is a script of its own, and the registry commands in it fail the
same way. `script_of()` finds that string and what the shell running it
knows; `inner_text()` turns the word into text for the shell model whose
offsets still point into the file, with the outer shell's expansions made
first (inside double quotes `$X` is expanded before the inner shell runs).

`$BUILDAH push …` and `${KANIKO:-/kaniko/executor} …` run the program a
variable holds, and `docker build $ARGS .` gets the words `$ARGS` holds;
`split_words()` splits known values into the words the shell runs, each
pointing at the variable.
"""

from __future__ import annotations

import re

from crlint.commands.images import known_prefix, run_options
from crlint.commands.programs import program
from crlint.commands.words import lone_variable
from crlint.facts.choice import Choice
from crlint.facts.expand import expand_word
from crlint.facts.locations import LocatedText, Segment
from crlint.facts.model import Literal, Unknown, Word
from crlint.world.tools import SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import Env, Part


class Runs(Choice):
    """Which shell runs a command string, and so which variables it sees."""

    SAME_SHELL = "same shell"  # `eval`: the caller's shell, with all its variables
    CHILD = "child shell"  # `sh -c`: the caller's exported variables
    ELSEWHERE = "elsewhere"  # `ssh`, `su -c`, a container: none of the caller's


# ssh's options that take a value (OpenSSH's `ssh(1)`); the others are flags.
_SSH_VALUED = frozenset("BbcDEeFIiJLlmOoPpQRSWw")
_SSH_FLAGS = frozenset("46AaCfGgKkMNnqsTtVvXxYy")
_DOCKER_EXEC_VALUED = frozenset({"-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir"})


RUNS_STRINGS = SHELLS | {"eval", "su", "ssh", "docker", "podman", "kubectl"}
"""The programs `script_of` may find a script string in: for another, it has none."""


def script_of(words: tuple[Word, ...]) -> tuple[tuple[Word, ...], Runs] | None:
    """The words a command runs as a script (joined with spaces), and where."""
    found = program(words)
    if found is None or found[0] not in RUNS_STRINGS:
        return None
    name, index = found
    rest = words[index + 1 :]
    if name == "eval":
        return (rest, Runs.SAME_SHELL) if rest else None
    if name in SHELLS:
        string = _shell_string(rest)
        return ((string,), Runs.CHILD) if string is not None else None
    if name == "su":
        string = _option_value(rest, ("-c", "--command"))
        return ((string,), Runs.ELSEWHERE) if string is not None else None
    if name == "ssh":
        remote = _ssh_command(rest)
        return (remote, Runs.ELSEWHERE) if remote else None
    if name in ("docker", "podman"):
        inner = _container_command(rest)
    elif name == "kubectl":
        inner = _after_dashes(rest) if rest and rest[0].value == "exec" else None
    else:
        return None
    if not inner:
        return None
    found_inner = script_of(inner)
    if found_inner is None:
        return (inner, Runs.ELSEWHERE) if program(inner) is not None else None
    return found_inner[0], Runs.ELSEWHERE


def _shell_string(words: tuple[Word, ...]) -> Word | None:
    """The command string of `sh [-opts] -c STRING` (`-ec`, `-o pipefail -c`)."""
    wants_string = False
    index = 0
    while index < len(words):
        text = known_prefix(words[index])
        index += 1
        if wants_string:
            return words[index - 1]
        if text in ("-o", "+o"):
            index += 1
        elif len(text) > 1 and text[0] in "-+" and text[1] != "-":
            wants_string = "c" in text[1:]
        else:
            return None  # a script file, or `--login`: not a string
    return None


def _option_value(words: tuple[Word, ...], names: tuple[str, ...]) -> Word | None:
    for index, word in enumerate(words):
        text = known_prefix(word)
        if text in names and index + 1 < len(words):
            return words[index + 1]
    return None


def _ssh_command(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """The remote command of `ssh [options] host command…`; none at an option
    crlint does not know."""
    index = 0
    while index < len(words):
        text = known_prefix(words[index])
        if text == "--":
            index += 1
            break
        if not text.startswith("-"):
            break
        letters = text[1:]
        if letters and letters[0] in _SSH_VALUED:
            index += 1 if len(letters) > 1 else 2
        elif letters and set(letters) <= _SSH_FLAGS:
            index += 1
        else:
            return ()
    return words[index + 1 :] if index < len(words) else ()


def _container_command(words: tuple[Word, ...]) -> tuple[Word, ...] | None:
    """The command `docker run IMAGE cmd…` or `docker exec CONTAINER cmd…` runs."""
    if not words:
        return None
    subcommand = words[0].value
    if subcommand == "run":
        run = run_options(words[1:])
        return words[1 + run.image + 1 :] if run is not None else None
    if subcommand != "exec":
        return None
    index = 1
    while index < len(words):
        text = known_prefix(words[index])
        if not text.startswith("-"):
            return words[index + 1 :]
        name, equals, _ = text.partition("=")
        index += 1 if equals or name not in _DOCKER_EXEC_VALUED else 2
    return None


def _after_dashes(words: tuple[Word, ...]) -> tuple[Word, ...] | None:
    for index, word in enumerate(words):
        if known_prefix(word) == "--":
            return words[index + 1 :]
    return None


def inner_text(words: tuple[Word, ...], env: Env) -> LocatedText | None:
    """The script the words make, located where each character was written.

    What the outer shell expands (a variable outside single quotes) is filled
    in when its value is known; otherwise its reference is kept as written,
    for the inner shell to read as an unknown. Words are joined with spaces,
    as `eval` and `ssh` join them. None when a command substitution is part of
    the text: what it prints is not known.
    """
    pieces: list[str] = []
    segments: list[Segment] = []
    path = words[0].written.path if words else ""
    length = 0
    for number, word in enumerate(words):
        if number:
            pieces.append(" ")
            length += 1
        for part in expand_word(word.parts, env):
            if isinstance(part, Literal):
                text = part.text
            elif part.variable or not part.name.startswith(("$(", "`")):
                text = word.written.text[part.start : part.end]
            else:
                return None  # what a command substitution prints is not known
            if not text:
                continue
            line, column = word.written.position(part.start)
            segments.append(Segment(length, line, column))
            pieces.append(text)
            length += len(text)
    if not segments:
        return None
    return LocatedText("".join(pieces), path, tuple(segments))


def split_words(words: tuple[Word, ...], env: Env) -> tuple[Word, ...] | None:
    """The words the shell runs, where an unquoted variable's known value is split
    into several (`$DOCKER push x`, `docker build $ARGS .` with `ARGS="--tag
    app:1 --pull"`); the program's own word is read by its `${X:-default}` when
    the value is not known. None when no word splits; the new words point at
    the variable."""
    found: list[Word] = []
    changed = False
    for index, word in enumerate(words):
        fields = _fields(word, env, program=index == 0)
        changed = changed or fields is not None
        found.extend(fields if fields is not None else (word,))
    return tuple(found) if changed else None


def _fields(word: Word, env: Env, program: bool) -> list[Word] | None:
    reference = lone_variable(word.parts, word.written.text)
    if reference is None:
        return None
    value: tuple[Part, ...] = expand_word(word.parts, env)
    lone = value[0] if len(value) == 1 and isinstance(value[0], Unknown) else None
    if program and lone is not None and lone.default is not None:
        value = (Literal(lone.default, reference.start, reference.end),)  # `${X:-docker}`
    blanks = any(isinstance(part, Literal) and _BLANKS.search(part.text) for part in value)
    if not blanks and not (program and value != word.parts):
        return None  # one word, whose value the checks fill in themselves
    return _split_fields(value, word.written, reference.name) or None


_BLANKS = re.compile(r"\s")


def _split_fields(parts: tuple[Part, ...], written: LocatedText, name: str) -> list[Word]:
    """A value's fields, split on blanks as the shell splits an unquoted expansion."""
    fields: list[list[Part]] = [[]]
    span = len(written.text)
    for part in parts:
        if isinstance(part, Unknown):
            fields[-1].append(Unknown(part.name, 0, span, part.default, part.variable, name))
            continue
        for index, piece in enumerate(part.text.split()):
            if index or (part.text[:1].isspace() and fields[-1]):
                fields.append([])
            fields[-1].append(Literal(piece, 0, span, name))
        if part.text[-1:].isspace():
            fields.append([])
    return [Word(written, tuple(field)) for field in fields if field]
