"""`Choice` behaves as `enum.StrEnum` in everything crlint asks of an enum."""

from __future__ import annotations

import copy
import json
import pickle
from enum import StrEnum

import pytest

from crlint.discover.kinds import FileKind
from crlint.facts.choice import Choice
from crlint.facts.findings import Level


class Cheap(Choice):
    """A choice."""

    FIRST = "first"
    SECOND = "second value"
    """A member's docstring is not a member."""

    @property
    def loud(self) -> str:
        return self.upper()


class Real(StrEnum):
    """The same choice as an enum."""

    FIRST = "first"
    SECOND = "second value"

    @property
    def loud(self) -> str:
        return self.upper()


def _seen(kind: type) -> list[object]:
    """What crlint reads of an enum class and its members."""
    first, second = kind.FIRST, kind.SECOND  # type: ignore[attr-defined]
    return [
        [member.value for member in kind],  # type: ignore[attr-defined]
        [member.name for member in kind],  # type: ignore[attr-defined]
        len(kind),  # type: ignore[arg-type]
        kind("first") is first,
        str(second),
        f"{second}|{first:>8}|",
        first == "first",
        hash(first) == hash("first"),
        {"first": 1}[first],
        sorted([second, first]) == [first, second],
        isinstance(first, str),
        type(first.value) is str,
        json.dumps({first: [second]}),
        json.dumps([first], indent=2),
        second.loud,
        pickle.loads(pickle.dumps(second)) is second,
        copy.deepcopy(first) is first,
        first.upper(),
    ]


def test_a_choice_reads_as_the_enum_it_stands_for() -> None:
    assert _seen(Cheap) == _seen(Real)


def test_a_choice_keeps_its_members_apart_from_its_other_names() -> None:
    assert list(Cheap) == [Cheap.FIRST, Cheap.SECOND]
    assert isinstance(vars(Cheap)["loud"], property)


def test_a_value_that_is_no_member_is_a_value_error() -> None:
    values: tuple[object, ...] = ("third", 3, None, ["first"])
    for value in values:
        with pytest.raises(ValueError, match="is not a valid Cheap"):
            Cheap(value)  # type: ignore[arg-type]


def test_members_cannot_be_reassigned() -> None:
    with pytest.raises(AttributeError):
        Cheap.FIRST = "other"  # type: ignore[misc]
    assert Cheap.FIRST.value == "first"


def test_repr_names_the_member_as_an_enum_does() -> None:
    assert repr(Cheap.SECOND) == repr(Real.SECOND).replace("Real", "Cheap")
    assert repr(FileKind.GITLAB_CI) == "<FileKind.GITLAB_CI: 'gitlab-ci'>"


def test_crlints_choices_keep_their_values() -> None:
    assert [level.value for level in Level] == ["note", "warning", "error"]
    assert Level("warning").rank == 2
    assert FileKind("dockerfile") is FileKind.DOCKERFILE
