"""`Choice`: `enum.StrEnum` for type checkers, a cheap class of string constants at run time.

An enum class costs 0.2 to 0.5 ms to create (`EnumType` builds member maps,
descriptors and checks for every member), and reading a member
(`Level.ERROR`) 180 ns, five times a class attribute's: the nine of a run
were 2 ms of a pre-commit run on one file, and members are read for every
command and finding. As `crlint.facts.record` does for named tuples, type
checkers are given `StrEnum` itself, and the run a `str` subclass whose
members are instances made once, with what crlint uses of an enum:
`Kind.MEMBER`, `.value`, `.name`, `Kind("value")` (the member, or
`ValueError`), iteration and `len` in definition order, a member's `repr`,
and pickling back to the same member (`-j` workers send findings home).
A member is the string it stands for: equal to it, hashed and ordered as
it, written by `str`, f-strings and `json` as it.
"""

from __future__ import annotations

__all__ = ["Choice"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from enum import StrEnum as Choice
else:

    class _ChoiceType(type):
        """Turns `class X(Choice): A = "a"` into a `str` class whose members are `X.A`…"""

        def __new__(mcs, name, bases, namespace):
            if not bases:
                return super().__new__(mcs, name, bases, namespace)
            values = {
                key: value
                for key, value in namespace.items()
                if not key.startswith("_") and isinstance(value, str)
            }
            body = {key: value for key, value in namespace.items() if key not in values}
            body["__slots__"] = ()
            cls = super().__new__(mcs, name, bases, body)
            members = []
            for key, value in values.items():
                member = str.__new__(cls, value)
                type.__setattr__(cls, key, member)
                members.append(member)
            type.__setattr__(cls, "_members", tuple(members))
            type.__setattr__(cls, "_by_value", {str(m): m for m in members})
            type.__setattr__(
                cls, "_names", {str(m): key for key, m in zip(values, members, strict=True)}
            )
            return cls

        def __call__(cls, value):
            try:
                return cls._by_value[value]
            except (KeyError, TypeError):
                raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

        def __iter__(cls):
            return iter(cls._members)

        def __len__(cls):
            return len(cls._members)

        def __setattr__(cls, key, value):
            raise AttributeError(f"cannot reassign members of {cls.__qualname__}")

    class Choice(str, metaclass=_ChoiceType):
        __slots__ = ()

        @property
        def value(self):
            return str.__str__(self)

        @property
        def name(self):
            return type(self)._names[self]

        def __repr__(self):
            return f"<{type(self).__qualname__}.{self.name}: {str.__repr__(self)}>"

        def __str__(self):
            return str.__str__(self)

        def __reduce__(self):
            return type(self), (str.__str__(self),)
