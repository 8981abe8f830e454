"""Shell parameter operations, for what they do to a value (bash's Parameter Expansion)."""

from __future__ import annotations

import pytest

from crlint.facts.parameter_operations import absent, apply, only

VALUE = "Feature/Login/x"


@pytest.mark.parametrize(
    ("operation", "result"),
    [
        (r"//\//-", "Feature-Login-x"),  # every `/`
        (r"/\//-", "Feature-Login/x"),  # the first only
        (",,", "feature/login/x"),
        ("^^", "FEATURE/LOGIN/X"),
        (",", "feature/Login/x"),
        (":0:7", "Feature"),
        (": -1", "x"),
        ("%%/*", "Feature"),
        ("%/*", "Feature/Login"),
        ("##*/", "x"),
        ("#*/", "Login/x"),
        (r"//[^a-zA-Z0-9._-]/-", "Feature-Login-x"),
        ("/#Feat/f", "fure/Login/x"),
        ("/%x/y", "Feature/Login/y"),
        ("//$SEP/-", None),  # a pattern from a variable: not worked out
    ],
)
def test_apply(operation, result):
    assert apply([operation], VALUE) == result


def test_operations_apply_in_order():
    assert apply([r"//\//-", ",,"], VALUE) == "feature-login-x"


@pytest.mark.parametrize(
    ("operations", "gone"),
    [
        ([r"//\//-"], {"/"}),
        ([r"//[/_.]/-"], {"/", "_", "."}),
        ([r"/\//-"], set()),  # the first `/` only: another may remain
        (["%%/*"], {"/"}),
        (["##*/"], {"/"}),
        (["#*/", "%/*"], set()),
        ([r"//\//-", r"//-//"], {"-"}),  # the second brings `/` back, takes out `-`
        ([":0:8"], set()),
    ],
)
def test_absent_says_what_cannot_remain(operations, gone):
    assert absent(operations) == frozenset(gone)


def test_lowercasing_removes_every_capital():
    assert set("ABCXYZ") <= absent([",,"])
    assert not set("abc") & absent([",,"]) and set("abc") <= absent(["^^"])


def test_only_follows_a_replacement_of_everything_else():
    kept = only([r"//[^a-z0-9.-]/-"])
    assert kept == frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
    assert only([r"//[^a-z0-9.-]/-", ":0:20"]) == kept  # a substring keeps within them
    assert only([r"//\//-"]) is None
