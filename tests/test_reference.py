"""The distribution reference grammar, as Docker applies it."""

from __future__ import annotations

import pytest

from crlint.facts.model import Literal, Part, Unknown
from crlint.world.reference import Reference, parse, problems, split_domain


def literal(text: str) -> tuple[Part, ...]:
    return (Literal(text, 0, len(text)),)


def template(*pieces: str) -> tuple[Part, ...]:
    """Parts from pieces; a piece starting with `$` is an unknown variable."""
    parts: list[Part] = []
    offset = 0
    for piece in pieces:
        end = offset + len(piece)
        parts.append(
            Unknown(piece[1:], offset, end)
            if piece.startswith("$")
            else Literal(piece, offset, end)
        )
        offset = end
    return tuple(parts)


VALID = [
    "alpine",
    "alpine:3.20",
    "library/alpine:latest",
    "docker.io/library/docker:27-dind",
    "registry.gitlab.com/group/sub-group/project/image:v1.2.3",
    "registry.example.com:5000/a/b",
    "localhost/app",
    "localhost:5000/app:1",
    "[::1]:5000/app",
    "192.168.1.10:5000/team/app:latest",
    "a--b",  # any run of hyphens separates, per the current grammar
    "a__b",
    "a.b_c-d",
    "app:_v1",  # a tag may start with an underscore
    "app:v1-",  # and end with a hyphen
    "app:Feature",  # uppercase is fine in a tag
    "Registry.Example.com/app",  # and in a host name
    "app@sha256:" + "a" * 64,
    "app:1.0@sha256:" + "0" * 64,
    "mcr.microsoft.com/devcontainers/base:bullseye",
    "x" * 255,
    "app:" + "t" * 128,
]


@pytest.mark.parametrize("reference", VALID)
def test_valid_references_have_no_problem(reference):
    assert problems(literal(reference)) == []


INVALID = [
    # (reference, message, start, end): the span underlines the offending part
    (
        "registry.gitlab.com/_grp/app:1.0",
        "path component `_grp` starts with an underscore; registry paths must start with a "
        "lowercase letter or digit",
        20,
        24,
    ),
    (
        "registry.gitlab.com/grp/app-:1",
        "path component `app-` ends with a hyphen; path components must end with a lowercase "
        "letter or digit",
        24,
        28,
    ),
    (
        "grp/.hidden",
        "path component `.hidden` starts with a dot; registry paths must start with a lowercase letter or digit",
        4,
        11,
    ),
    (
        "MyApp:1",
        "path component `MyApp` contains uppercase letters; repository names must be lowercase",
        0,
        5,
    ),
    (
        "reg.io/Grp/app",
        "path component `Grp` contains uppercase letters; repository names must be lowercase",
        7,
        10,
    ),
    (
        "a___b",
        "path component `a___b` contains `___`; lowercase letters and digits may only be separated by `.`, `_`, `__` or hyphens",
        1,
        4,
    ),
    (
        "a..b",
        "path component `a..b` contains `..`; lowercase letters and digits may only be separated by `.`, `_`, `__` or hyphens",
        1,
        3,
    ),
    (
        "a._b",
        "path component `a._b` contains `._`; lowercase letters and digits may only be separated by `.`, `_`, `__` or hyphens",
        1,
        3,
    ),
    (
        "grp//app",
        "empty path component in `grp//app`; a name cannot contain `//` or start or end with `/`",
        0,
        8,
    ),
    (
        "grp/app/",
        "empty path component in `grp/app/`; a name cannot contain `//` or start or end with `/`",
        0,
        8,
    ),
    (
        "my app",
        "path component `my app` contains a space, which is not allowed in a repository name",
        2,
        3,
    ),
    (
        "app:feature/login",
        "tag `feature/login` contains `/`; a tag may only contain letters, digits, `_`, `.` and `-`",
        4,
        17,
    ),
    (
        "reg.io/grp/app:release/1.0",
        "tag `release/1.0` contains `/`; a tag may only contain letters, digits, `_`, `.` and `-`",
        15,
        26,
    ),
    (
        "app:-rc1",
        "tag `-rc1` starts with a hyphen; a tag must start with a letter, digit or underscore",
        4,
        8,
    ),
    (
        "app:.rc1",
        "tag `.rc1` starts with a dot; a tag must start with a letter, digit or underscore",
        4,
        8,
    ),
    (
        "app:v1+build",
        "tag `v1+build` contains `+`; a tag may only contain letters, digits, `_`, `.` and `-`",
        6,
        7,
    ),
    ("app:", "the tag after `:` is empty", 3, 4),
    (
        "app:" + "t" * 129,
        "tag is 129 characters long; registries reject tags longer than 128 characters",
        4,
        133,
    ),
    (
        "app:versión",
        "tag `versión` contains `ó`; a tag may only contain letters, digits, `_`, `.` and `-`",
        9,
        10,
    ),
    (
        "app@sha256:abc",
        "digest `sha256:abc` is not valid; a digest is `algorithm:hex` with at least 32 hexadecimal digits, like `sha256:…`",
        4,
        14,
    ),
    (
        "x" * 256,
        "repository path is 256 characters long; registries reject names longer than 255 characters",
        0,
        256,
    ),
    (
        "my_registry.io/app",
        "registry host `my_registry.io` is not a valid host name: the label `my_registry` contains an underscore",
        0,
        14,
    ),
    (
        "reg-.io/app",
        "registry host `reg-.io` is not a valid host name: the label `reg-` starts or ends with a hyphen",
        0,
        7,
    ),
    ("reg.io:http/app", "registry port `http` in `reg.io:http` is not a number", 7, 11),
    (
        "MyGroup/app",
        "`MyGroup` contains uppercase letters, so Docker reads it as a registry host, not as a path; repository paths must be lowercase",
        0,
        7,
    ),
]


@pytest.mark.parametrize(("reference", "message", "start", "end"), INVALID)
def test_invalid_references_name_the_component_and_why(reference, message, start, end):
    found = problems(literal(reference))
    assert [(p.message, p.start, p.end) for p in found] == [(message, start, end)]


UNKNOWN_PARTS_STAY_SILENT = [
    ("$CI_REGISTRY_IMAGE", ":", "$CI_COMMIT_REF_NAME"),
    ("$CI_REGISTRY_IMAGE", "/app:", "$TAG"),
    ("docker:", "$DOCKER_VERSION", "-dind"),
    ("$IMAGE", "-"),  # IMAGE may be `app:1.0`, making `-` part of the tag
    ("$IMAGE", "-Debug"),
    ("$REGISTRY", "/grp/", "$APP", "-Debug"),
    ("$X", "_Foo/app"),  # `$X_Foo` may be anything, `$X` may end in `/`
    ("$REG", "/app:", "$TAG", "-"),
    ("app:", "$A", "/x"),
]


@pytest.mark.parametrize("pieces", UNKNOWN_PARTS_STAY_SILENT)
def test_unknown_parts_never_produce_a_finding(pieces):
    assert problems(template(*pieces)) == []


DEFINITE_DESPITE_UNKNOWNS = [
    (
        ("$REG", "/_grp/app:", "$TAG"),
        "path component `_grp` starts with an underscore; registry paths must start with a lowercase letter or digit",
    ),
    (
        ("$REG", "/grp/", "$APP", "-Debug:1"),
        "path component `${APP}-Debug` contains uppercase letters; repository names must be lowercase",
    ),
    (
        ("reg.io/grp/MyApp", "$SUFFIX"),
        "path component `MyApp${SUFFIX}` contains uppercase letters; repository names must be lowercase",
    ),
    (
        ("app:release/", "$VERSION"),
        "tag `release/${VERSION}` contains `/`; a tag may only contain letters, digits, `_`, `.` and `-`",
    ),
    (("$A", " b"), "`${A} b` contains a space, which is not allowed in an image name"),
    (
        ("$REG", "/app:-", "$TAG"),
        "tag `-${TAG}` starts with a hyphen; a tag must start with a letter, digit or underscore",
    ),
]


@pytest.mark.parametrize(("pieces", "message"), DEFINITE_DESPITE_UNKNOWNS)
def test_literal_parts_are_checked_whatever_the_unknowns_hold(pieces, message):
    assert [p.message for p in problems(template(*pieces))] == [message]


def test_a_problem_from_a_known_variable_spans_the_reference_to_it():
    parts = (Literal("registry.io/_grp", 0, 4, via="REG"), Literal("/app", 4, 8))
    found = problems(parts)
    assert [(p.start, p.end) for p in found] == [(0, 4)]


def test_split_domain_follows_docker_normalization():
    assert split_domain("alpine") == ("docker.io", "library/alpine")
    assert split_domain("grp/app") == ("docker.io", "grp/app")
    assert split_domain("reg.io/grp/app") == ("reg.io", "grp/app")
    assert split_domain("localhost/app") == ("localhost", "app")
    assert split_domain("host:5000/app") == ("host:5000", "app")


def test_parse_splits_a_known_reference():
    digest = "sha256:" + "a" * 64
    assert parse(f"reg.io/a/b:1@{digest}") == Reference("reg.io", "a/b", "1", digest)
    assert parse("alpine:3") == Reference("docker.io", "library/alpine", "3", None)
    assert parse("_bad/app") is None
