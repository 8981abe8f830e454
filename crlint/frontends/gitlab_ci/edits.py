"""Text edits to a job's YAML: set a variable in the job's own `variables:`.

A fix that adds a key is written as text where the key belongs: a new line
after the mapping's last entry, at its entries' indentation, so comments,
quoting and key order stay as written (`crlint.fix.apply` then checks the file
still composes to the same tree plus the new key). Flow-style mappings
(`{a: 1}`) and values written across lines are left alone: None.
"""

from __future__ import annotations

from crlint.facts.findings import Edit, insertion_after
from crlint.facts.locations import Location
from crlint.frontends.gitlab_ci.values import Map, Scalar

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import SetVariable
    from crlint.frontends.gitlab_ci.values import Key


def variable_setter(key: Key, own: Map) -> SetVariable:
    """`set(name, value)` for the job written at `key` with its own entries `own`."""

    def set_variable(name: str, value: str) -> tuple[Edit, ...] | None:
        return _set(key, own, name, value)

    return set_variable


def _set(key: Key, own: Map, name: str, value: str) -> tuple[Edit, ...] | None:
    import json  # only a fix needs it

    text = key.origin.source.text
    lines = text.split("\n")
    path = key.origin.path
    quoted = json.dumps(value)  # a JSON string is a YAML double-quoted scalar
    variables = own.get("variables")
    variables_key = own.keys_at.get("variables")
    if variables_key is not None and variables_key.origin is key.origin:
        if not isinstance(variables, Map):
            return None
        current = variables.get(name)
        if isinstance(current, Map):  # `NAME: {value: …, description: …}`
            current = current.get("value")
        if current is not None:
            return _replace(current, key, quoted)
        entry = _block_entry(variables, variables_key, key)
        if entry is None:
            return None
        return (_append(lines, path, variables_key, f"{' ' * entry}{name}: {quoted}"),)
    child = _block_entry(own, key, key)
    if child is None:
        return None
    step = child - (key.position()[1] - 1)
    line = f"{' ' * child}variables:\n{' ' * (child + step)}{name}: {quoted}"
    return (_append(lines, path, key, line),)


def _replace(current: object, key: Key, quoted: str) -> tuple[Edit, ...] | None:
    """A variable the job sets itself: its value replaced where it is written."""
    if not isinstance(current, Scalar) or current.origin is not key.origin:
        return None
    if current.value is not None and current.value != current.raw:
        return None  # an input's value (`$[[ inputs.x ]]`): the input is what to change
    line, column = key.origin.index.position(current.start)
    end_line, end_column = key.origin.index.position(current.end)
    if line != end_line:
        return None
    original = key.origin.source.text[current.start : current.end]
    location = Location(key.origin.path, line, column, end_line, end_column)
    return (Edit(location, original, quoted),)


def _block_entry(entries: Map, owner: Key, job: Key) -> int | None:
    """The column of a block mapping's entries, written below its key in the
    job's file; None for a flow mapping, an empty one, or one built elsewhere."""
    owner_line, owner_column = owner.position()
    columns = {
        column - 1
        for entry in entries.keys_at.values()
        if entry.origin is job.origin
        for line, column in (entry.position(),)
        if line > owner_line
    }
    if len(columns) != 1:
        return None
    column = columns.pop()
    return column if column > owner_column - 1 else None


def _append(lines: list[str], path: str, owner: Key, new: str) -> Edit:
    """Insert `new` as the line(s) after the block that `owner` opens."""
    line, column = owner.position()
    last = line - 1  # 0-based from here on, as `lines` is
    for number in range(line, len(lines)):
        content = lines[number]
        stripped = content.strip()
        if not stripped:
            continue
        if len(content) - len(content.lstrip(" ")) <= column - 1:
            break
        last = number
    return insertion_after(lines, path, last + 1, new)
