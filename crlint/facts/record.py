"""`Record`: `typing.NamedTuple` for type checkers, without importing `typing` at run time.

Importing `typing` (with the `contextlib` it pulls in) costs about 3 ms, a
tenth of what a pre-commit run of crlint on one file may spend above the
floor (bench/run.py). Every value type in crlint is a named tuple, so this
module gives type checkers `typing.NamedTuple` itself and builds, at run
time, the very same `collections.namedtuple` class from the annotations.
Modules write `TYPE_CHECKING = False` for the same reason; mypy and ruff
treat `if TYPE_CHECKING:` blocks alike whatever the name is bound to.
"""

from __future__ import annotations

__all__ = ["Record"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    from collections import namedtuple

    _CLASS_KEYS = frozenset({"__annotations__", "__module__", "__qualname__", "__dict__"})

    class _RecordType(type):
        """Turns `class X(Record): a: int; b: str = ""` into `namedtuple("X", ...)`."""

        def __new__(mcs, name, bases, namespace):
            if not bases:
                return super().__new__(mcs, name, bases, namespace)
            fields = list(namespace.get("__annotations__", {}))
            defaults = [namespace[field] for field in fields if field in namespace]
            record = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            record.__qualname__ = namespace.get("__qualname__", name)
            for key, value in namespace.items():
                if key not in fields and key not in _CLASS_KEYS:
                    setattr(record, key, value)
            return record

    class Record(metaclass=_RecordType):
        pass
