"""Variable references in written text, and their expansion."""

from __future__ import annotations

from crlint.facts.expand import Dialect, scan, substitute
from crlint.facts.model import Binding, Env, Literal, Unknown, display_text


def env(**values: str | None) -> Env:
    return Env({name: Binding(name, value, None, "test") for name, value in values.items()})


def test_scan_keeps_offsets_of_each_reference():
    assert scan("$REG/app:${TAG}") == (
        Unknown("REG", 0, 4),
        Literal("/app:", 4, 9),
        Unknown("TAG", 9, 15),
    )


def test_gitlab_double_dollar_is_a_literal_dollar():
    assert display_text(scan("$$HOME/x", Dialect.GITLAB)) == "$HOME/x"
    assert scan("$$HOME", Dialect.GITLAB)[0] == Literal("$", 0, 2)


def test_dockerfile_backslash_escapes_a_dollar():
    assert display_text(scan(r"\$X", Dialect.DOCKERFILE)) == "$X"


def test_placeholders_are_unknown_not_text():
    for text in ("__REGISTRY__/alpine", "<user>/<repo>", "{{ .Values.image }}", "$(params.IMAGE)"):
        parts = scan(text)
        assert isinstance(parts[0], Unknown) and parts[0].variable is False, text


def test_substitute_expands_known_values_recursively_and_maps_them_to_the_reference():
    parts = substitute(
        scan("$REG/app", Dialect.GITLAB), env(REG="reg.io/$GRP", GRP="team"), Dialect.GITLAB
    )
    assert display_text(parts) == "reg.io/team/app"
    assert {(p.start, p.end) for p in parts if isinstance(p, Literal) and p.via} == {(0, 4)}


def test_unknown_values_stay_unknown():
    parts = substitute(scan("$A/$B"), env(A=None))
    assert [type(p).__name__ for p in parts] == ["Unknown", "Literal", "Unknown"]


def test_default_value_applies_to_an_empty_variable_only():
    assert display_text(substitute(scan("${E:-alpine}"), env(E=""))) == "alpine"
    assert display_text(substitute(scan("${E:-alpine}"), env(E="debian"))) == "debian"
    assert display_text(substitute(scan("${E:-alpine}"), env())) == "${E:-alpine}"


def test_nested_braces_in_a_default_are_one_reference():
    parts = scan('${REF:-"${REPO}:cache"}/x')
    assert parts[0].end == len('${REF:-"${REPO}:cache"}')


def test_cycles_do_not_recurse_forever():
    parts = substitute(scan("$A"), env(A="$B", B="$A"))
    assert any(isinstance(p, Unknown) for p in parts)


def test_expand_false_takes_the_value_literally():
    literal = Env(
        {"A": Binding("A", "$B", None, "test", expand=False), "B": Binding("B", "x", None, "test")}
    )
    assert display_text(substitute(scan("$A"), literal)) == "$B"
