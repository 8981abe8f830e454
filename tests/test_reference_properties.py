"""Properties of the reference checker, over generated references.

1. It never raises, and every problem's span lies inside the reference.
2. On known text, the one-regex fast path and the component-by-component
   diagnosis agree: a reference is reported exactly when it is invalid.
3. Soundness with unknowns: a problem reported for a reference with
   variables holds for every value those variables could take (here: a
   spread of plausible values, tag-shaped after the tag's `:`), so an
   unknown part never causes a false alarm.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from crlint.facts.model import Literal, Part, Unknown
from crlint.world.reference import _valid_for_some_values, problems

ALPHABET = "aZ0_.-/:@x "
PIECE = st.text(alphabet=ALPHABET, min_size=1, max_size=5)
HOLE_VALUES = [
    "",
    "x",
    "A",
    "1.0",
    "reg.io",
    "reg.io:5000",
    "a/b",
    "a:1",
    "-",
    "_",
    ".",
    "x-",
    "/x",
    "x/",
]
TAG_VALUES = ["", "x", "A", "1.0", "-", "_", ".", "x-"]


def build(pieces: list[str | None]) -> tuple[Part, ...]:
    parts: list[Part] = []
    offset = 0
    for index, piece in enumerate(pieces):
        if piece is None:
            parts.append(Unknown(f"V{index}", offset, offset + 4))
            offset += 4
        else:
            parts.append(Literal(piece, offset, offset + len(piece)))
            offset += len(piece)
    return tuple(parts)


def literal(text: str) -> tuple[Part, ...]:
    return (Literal(text, 0, len(text)),)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET + "[]", min_size=1, max_size=14))
def test_fast_path_and_diagnosis_agree_on_known_text(text):
    found = problems(literal(text))
    assert all(0 <= p.start < p.end <= len(text) for p in found)
    assert _valid_for_some_values(literal(text)) == (not found)


def tag_holes(pieces: list[str | None]) -> set[int]:
    """Holes after the tag's `:` (the last literal `:` with no literal `/` after it)."""
    holes: set[int] = set()
    for index in range(len(pieces) - 1, -1, -1):
        piece = pieces[index]
        if piece is None:
            holes.add(index)
            continue
        text = piece.split("@")[0] if "@" in piece else piece
        if "/" in text:
            return set()
        if ":" in text:
            return holes
    return set()


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.one_of(PIECE, st.none()), min_size=1, max_size=6).filter(
        lambda pieces: 1 <= sum(p is None for p in pieces) <= 2
    )
)
def test_problems_with_unknowns_hold_for_every_value(pieces):
    parts = build(pieces)
    found = problems(parts)
    length = parts[-1].end
    assert all(0 <= p.start < p.end <= length for p in found)
    if not found or any(p is not None and "@" in p for p in pieces):
        return
    holes = [i for i, p in enumerate(pieces) if p is None]
    in_tag = tag_holes(pieces)
    choices = [TAG_VALUES if i in in_tag else HOLE_VALUES for i in holes]
    for values in itertools.product(*choices):
        concrete = list(pieces)
        for index, value in zip(holes, values, strict=True):
            concrete[index] = value
        text = "".join(piece or "" for piece in concrete)
        assert problems(literal(text)), (
            f"{pieces} reported {found[0].message!r}, but {text!r} is a valid reference"
        )
