"""LocatedText keeps file positions through slicing."""

from __future__ import annotations

from crlint.facts.locations import LocatedText, Location, Segment


def test_from_lines_maps_every_line():
    text = LocatedText.from_lines("ab\ncd\nef", "f", 5, 3)
    assert text.position(0) == (5, 3)
    assert text.position(4) == (6, 2)
    assert text.location(3, 8) == Location("f", 6, 1, 7, 3)


def test_slices_keep_pointing_at_the_file():
    text = LocatedText("RUN apk add curl", "Dockerfile", (Segment(0, 1, 5), Segment(8, 2, 5)))
    piece = text.slice(9, 13)
    assert piece.text == "dd c"
    assert piece.location() == Location("Dockerfile", 2, 6, 2, 10)


def test_empty_region_is_a_point():
    assert LocatedText.at("abc", "f", 1, 1).location(2, 2) == Location("f", 1, 3, 1, 3)
