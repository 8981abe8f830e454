"""Which program a command runs, past `sudo`, `env`, `timeout` and the like."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

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
