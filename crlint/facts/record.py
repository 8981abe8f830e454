"""`Record`: `typing.NamedTuple` for type checkers, a cheap named tuple at run time.

Importing `typing` (with the `contextlib` it pulls in) costs about 3 ms, a
tenth of what a pre-commit run of crlint on one file may spend above the
floor (bench/run.py). Every value type in crlint is a named tuple, so this
module gives type checkers `typing.NamedTuple` itself and builds, at run
time, a tuple class from the annotations that behaves as
`collections.namedtuple`'s does (positional and keyword construction with
defaults, field properties, `_replace`, `_make`, `_asdict`, `_fields`,
its repr, pickling).

It is built here rather than by `namedtuple` because `namedtuple` compiles
each class's `__new__` from source: half of its 0.2 ms a class, and a run
on one file creates some 70 classes. Here a `__new__` is compiled once per
number of fields and its code renamed for each class's fields.
Modules write `TYPE_CHECKING = False` for the same reason; mypy and ruff
treat `if TYPE_CHECKING:` blocks alike whatever the name is bound to.
"""

from __future__ import annotations

__all__ = ["Record"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    from types import FunctionType

    try:
        from _collections import _tuplegetter
    except ImportError:  # pragma: no cover - not CPython
        from operator import itemgetter

        def _tuplegetter(index, doc):
            return property(itemgetter(index), doc=doc)

    _CLASS_KEYS = frozenset({"__annotations__", "__module__", "__qualname__", "__dict__"})
    _NEW_CODE = {}
    """A `__new__` code object by number of fields, its parameters renamed per class."""

    def _new_code(fields):
        template = _NEW_CODE.get(len(fields))
        if template is None:
            names = "".join(f"_{index}, " for index in range(len(fields)))
            source = f"def __new__(_cls, {names}): return _tuple_new(_cls, ({names}))"
            namespace = {}
            exec(source, namespace)
            template = _NEW_CODE[len(fields)] = namespace["__new__"].__code__
        return template.replace(co_varnames=("_cls", *fields))

    @classmethod
    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != len(cls._fields):
            raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
        return result

    def _replace(self, /, **changes):
        result = self._make(map(changes.pop, self._fields, self))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return result

    def _asdict(self):
        return dict(zip(self._fields, self, strict=True))

    def __repr__(self):
        shown = ", ".join(
            f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)
        )
        return f"{self.__class__.__name__}({shown})"

    def __getnewargs__(self):
        return tuple(self)

    class _RecordType(type):
        """Turns `class X(Record): a: int; b: str = ""` into a named tuple class."""

        def __new__(mcs, name, bases, namespace):
            if not bases:
                return super().__new__(mcs, name, bases, namespace)
            fields = tuple(namespace.get("__annotations__", {}))
            defaults = tuple(namespace[field] for field in fields if field in namespace)
            new = FunctionType(
                _new_code(fields), {"_tuple_new": tuple.__new__}, "__new__", defaults or None
            )
            new.__qualname__ = f"{name}.__new__"
            body = {
                "__doc__": f"{name}({', '.join(fields)})",
                "__slots__": (),
                "_fields": fields,
                "_field_defaults": dict(
                    zip(fields[len(fields) - len(defaults) :], defaults, strict=True)
                ),
                "__new__": new,
                "_make": _make,
                "_replace": _replace,
                "__repr__": __repr__,
                "_asdict": _asdict,
                "__getnewargs__": __getnewargs__,
                "__match_args__": fields,
                "__module__": namespace["__module__"],
                "__qualname__": namespace.get("__qualname__", name),
            }
            for index, field in enumerate(fields):
                body[field] = _tuplegetter(index, f"Alias for field number {index}")
            for key, value in namespace.items():
                if key not in fields and key not in _CLASS_KEYS:
                    body[key] = value
            return type(name, (tuple,), body)

    class Record(metaclass=_RecordType):
        pass
