"""The Dockerfile frontend: instructions, stages, ARG/ENV scoping, RUN commands."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser
from hypothesis import example, given
from hypothesis import strategies as st

from crlint.discover.sources import SourceFile
from crlint.facts.model import ImageRole, display_text
from crlint.frontends.base import Context
from crlint.frontends.dockerfile import extract, instructions

from .conftest import CORPUS

CONTEXT = Context({}, named=True)


def facts(text: str):
    return extract(SourceFile("Dockerfile", "Dockerfile", text, "dockerfile"), CONTEXT)


def corpus_dockerfiles() -> list[Path]:
    directory = CORPUS / "dockerfile"
    return sorted(directory.iterdir()) if directory.is_dir() else []


@pytest.mark.parametrize("path", corpus_dockerfiles(), ids=lambda p: p.name)
def test_instruction_lines_match_dockerfile_parse(path):
    """Without here-documents the splitter agrees with dockerfile-parse line for line.

    (dockerfile-parse reads here-document lines as instructions: in
    docker/cli's Dockerfile.dev it finds a `SOURCE` instruction.)
    """
    text = path.read_text(encoding="utf-8")
    if any(i.heredocs for i in instructions(text, path.name)):
        pytest.skip("dockerfile-parse does not understand here-documents")
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()), env_replace=False)
    theirs = [
        (i["instruction"], i["startline"] + 1, i["endline"] + 1)
        for i in parser.structure
        if i["instruction"] != "COMMENT"
    ]
    ours = [(i.keyword, i.first_line, i.last_line) for i in instructions(text, path.name)]
    assert ours == theirs


def test_here_document_lines_are_not_instructions():
    text = "FROM alpine\nRUN <<EOF\nFROM _not_an_image\napk add curl\nEOF\nRUN echo done\n"
    parsed = instructions(text, "Dockerfile")
    assert [(i.keyword, i.first_line, i.last_line) for i in parsed] == [
        ("FROM", 1, 1),
        ("RUN", 2, 5),
        ("RUN", 6, 6),
    ]
    result = facts(text)
    assert [display_text(i.parts) for i in result.facts.images] == ["alpine"]
    # the here-document is the script: its lines are commands, never instructions
    assert [[w.value for w in c.words] for c in result.facts.commands] == [
        ["FROM", "_not_an_image"],
        ["apk", "add", "curl"],
        ["echo", "done"],
    ]


def test_here_document_fed_to_a_program_is_not_shell():
    result = facts("FROM python:3.12\nRUN python3 <<EOF\nimport os; os.system('x')\nEOF\n")
    assert [[w.value for w in c.words] for c in result.facts.commands] == [["python3"]]


def test_continuation_lines_keep_positions_and_skip_comment_lines():
    text = "FROM alpine\nRUN apk add \\\n# a comment\n    curl \\\n  && docker login -p x\n"
    commands = facts(text).facts.commands
    assert [[w.value for w in c.words] for c in commands] == [
        ["apk", "add", "curl"],
        ["docker", "login", "-p", "x"],
    ]
    login = commands[1].words[0]
    assert login.written.location()[1:3] == (5, 6)


def test_escape_directive_changes_the_continuation_character():
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n  b\n"
    parsed = instructions(text, "Dockerfile")
    assert [(i.keyword, i.first_line, i.last_line) for i in parsed] == [
        ("FROM", 2, 2),
        ("RUN", 3, 4),
    ]


def test_from_sees_global_args_and_skips_stages_and_scratch():
    text = (
        "ARG REGISTRY=registry.example.com\n"
        "ARG VERSION\n"
        "FROM $REGISTRY/base:${VERSION} AS build\n"
        "FROM build AS test\n"
        "FROM scratch\n"
        "COPY --from=build /a /b\n"
        "COPY --from=0 /a /b\n"
        "COPY --from=registry.example.com/tools/jq:1 /jq /jq\n"
    )
    images = facts(text).facts.images
    assert [(display_text(i.parts), i.role) for i in images] == [
        ("registry.example.com/base:${VERSION}", ImageRole.BASE_IMAGE),
        ("registry.example.com/tools/jq:1", ImageRole.COPY_FROM),
    ]


def test_stage_args_inherit_global_defaults_and_env_is_known_to_run():
    text = (
        "ARG TAG=1.0\n"
        "FROM alpine\n"
        "ARG TAG\n"
        "ENV IMAGE=registry.example.com/app:$TAG\n"
        "RUN docker push $IMAGE\n"
    )
    (command,) = facts(text).facts.commands
    binding = command.env.get("IMAGE")
    assert binding is not None and binding.value == "registry.example.com/app:1.0"


def test_unknown_instruction_is_a_parse_error():
    result = facts("FROM alpine\nECHO hello\n")
    assert [(f.rule.id, f.location.line, f.message) for f in result.findings] == [
        ("CR001", 2, "unknown instruction `ECHO`; `docker build` stops with a parse error")
    ]


def test_exec_form_run_is_one_command():
    (command,) = facts(
        'FROM alpine\nRUN ["/kaniko/executor", "--context", "dir:///x"]\n'
    ).facts.commands
    assert [w.value for w in command.words] == ["/kaniko/executor", "--context", "dir:///x"]
    assert command.words[1].written.location()[1:3] == (2, 27)


_DECLARATION_PIECES = [
    "A", "b", "_x", "=", " ", "\t", "9", "é", "$", "'", '"', "\\", "-", ".", "/", ":", "@",
    "+", "%", ",", "~", "#", "*", "A=b", "(", ";", "x=${Y}", "{",
]  # fmt: skip


@pytest.mark.parametrize("keyword", ["ENV", "ARG"])
@given(st.lists(st.sampled_from(_DECLARATION_PIECES), min_size=1, max_size=10))
@example(["A=b", " ", "A=b"])
@example(["_x"])
@example(["A", " ", "b"])
def test_plain_declarations_are_read_as_the_shell_model_reads_them(keyword, pieces):
    """`ENV A=b C=d` and `ARG NAME` are read without the shell model; what
    comes out is what the shell model makes of the same text (names, values,
    where each was written), and any other text goes through the model."""
    from crlint.facts.locations import LocatedText
    from crlint.frontends import dockerfile

    arguments = LocatedText.at("".join(pieces), "Dockerfile", 3, 5)
    instruction = dockerfile.Instruction(keyword, arguments, (), 3, 3, 1)
    reader = dockerfile._Reader(SourceFile("Dockerfile", "Dockerfile", "", "dockerfile"), None)

    def read() -> list:
        found = reader.declarations(instruction, legacy=keyword == "ENV")
        return [(name, value, written.text, written.location()) for name, value, written in found]

    fast = read()
    plain = dockerfile._PLAIN_DECLARATIONS
    try:
        dockerfile._PLAIN_DECLARATIONS = re.compile(r"(?!)")  # never: always the shell model
        assert read() == fast
    finally:
        dockerfile._PLAIN_DECLARATIONS = plain
