"""Python build scripts: the commands their subprocess calls run, and with what environment."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from crlint.discover.sources import SourceFile
from crlint.frontends.base import Context
from crlint.frontends.python import extract


def commands(text: str) -> list[tuple[list[str | None], str | None]]:
    """Each command's argv values (None where unknown) and the GODEBUG it gets."""
    source = SourceFile("build.py", "/repo/build.py", text, "python")
    extraction = extract(source, Context({}, named=True))
    assert extraction.skipped is None, extraction.skipped
    result = []
    for command in extraction.facts.commands:
        binding = command.env.get("GODEBUG")
        godebug = None if binding is None else (binding.value or "?")
        result.append(([word.value for word in command.words], godebug))
    return result


def test_files_that_run_no_registry_tool_are_not_parsed(monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(ast, "parse", refuse)
    source = SourceFile("x.py", "/repo/x.py", "print('hello')\n", "python")
    assert extract(source, Context({}, named=True)).skipped == (
        "a Python file that runs no registry tool"
    )


def test_every_way_of_calling_subprocess_is_read():
    text = """\
import os
import subprocess as sp
from subprocess import check_output as out
from os import system

sp.run(["docker", "push", "a/b:1"])
out(["crane", "digest", "a/b:1"])
system("docker pull a/b:1 && docker tag a/b:1 c/d:1")
sp.Popen("skopeo inspect docker://a/b:1", shell=True)
sp.call("docker")
"""
    assert [argv for argv, _ in commands(text)] == [
        ["docker", "push", "a/b:1"],
        ["crane", "digest", "a/b:1"],
        ["docker", "pull", "a/b:1"],
        ["docker", "tag", "a/b:1", "c/d:1"],
        ["skopeo", "inspect", "docker://a/b:1"],
        ["docker"],
    ]


def test_f_strings_and_names_are_unknown_parts():
    ((argv, _),) = commands(
        'import subprocess\nsubprocess.run(["docker", "push", f"a/{name}:1", tag])\n'
    )
    assert argv == ["docker", "push", None, None]


def test_environments_passed_to_the_call():
    text = """\
import os, subprocess
os.environ["GODEBUG"] = "inherited"
subprocess.run(["/kaniko/executor"])
subprocess.run(["/kaniko/executor"], env={"GODEBUG": "literal"})
subprocess.run(["/kaniko/executor"], env={**os.environ, "PATH": "/bin"})
subprocess.run(["/kaniko/executor"], env=dict(os.environ, GODEBUG="keyword"))
env = os.environ.copy()
env["GODEBUG"] = "item"
subprocess.run(["/kaniko/executor"], env=env)
subprocess.run(["/kaniko/executor"], env=make_env())
subprocess.run(["/kaniko/executor"], env={"PATH": "/bin"})
"""
    assert [godebug for _, godebug in commands(text)] == [
        "inherited",
        "literal",
        "inherited",
        "keyword",
        "item",
        "?",  # built by a function: unknown
        None,  # a literal dict without it: not set
    ]


def test_words_point_at_the_string_in_the_file():
    text = 'import subprocess\nsubprocess.run(["docker", "push", "a/B:1"])\n'
    source = SourceFile("build.py", "/repo/build.py", text, "python")
    (command,) = extract(source, Context({}, named=True)).facts.commands
    word = command.words[2]
    assert word.written.location(2, 3).line == 2
    assert word.written.location(2, 3).column == 38  # the `B`


def test_python_2_is_skipped_with_a_reason():
    text = 'import subprocess\nprint "docker push"\n'
    source = SourceFile("old.py", "/repo/old.py", text, "python")
    assert extract(source, Context({}, named=True)).skipped == (
        "not Python that crlint can read: Missing parentheses in call to 'print'. "
        "Did you mean print(...)? (2:1)"
    )


def test_non_ascii_text_before_a_word_keeps_its_column():
    text = 'import subprocess\nsubprocess.run(["docker", "échø", f"a/{x}:1", "a/B:1"])\n'
    source = SourceFile("build.py", "/repo/build.py", text, "python")
    (command,) = extract(source, Context({}, named=True)).facts.commands
    assert [w.written.location(0, 1).column for w in command.words] == [18, 28, 37, 48]
    assert command.words[2].parts[1].name == "{x}"
    assert command.location.column == 1 and command.location.end_column == 56


def test_syntax_nested_past_the_parser_or_the_reader_is_skipped_with_a_reason():
    calls = "import subprocess\nsubprocess.run(['docker', 'push', "
    for nested, reason in (
        ("- " * 10_000 + "1", "nested deeper than Python's parser goes: not read"),
        ("x" + ".a" * 300, "syntax nested more than 100 deep (line 2): not read"),
        ("(" * 300 + "1" + ")" * 300, "not Python that crlint can read: too many nested"),
    ):
        source = SourceFile("build.py", "/repo/build.py", calls + nested + "])\n", "python")
        assert (extract(source, Context({}, named=True)).skipped or "").startswith(reason)


_SOURCES = [
    "run(['docker', 'push', image])\n",
    "x = f'{a}b'\r\ny = ('multi',\r\n     'line')\r\n",
    "a = 'é'; b = \"ü\" + c\rd = [1,\r 2]\n",
    "s = '''one\ntwo\rthree\r\nfour'''  # ü\nt = s",
    "call(\n    'é',\n    {'k': v}\n)",
]


def _python_sources() -> list[str]:
    """Tricky line ends and characters, and every Python file of the fixtures and corpus."""
    from pathlib import Path

    here = Path(__file__).parent
    found = list(_SOURCES)
    for root in (here / "fixtures", here.parent.parent / "shared" / "corpus"):
        for path in sorted(root.rglob("*.py")) if root.is_dir() else []:
            try:
                text = path.read_text(encoding="utf-8")
                ast.parse(text)
            except (UnicodeDecodeError, SyntaxError, ValueError):
                continue
            found.append(text)
    return found


def test_written_text_is_what_ast_reads_as_the_nodes_source():
    """`_Reader.written` splits a file once; it must give `ast.get_source_segment`'s text."""
    from crlint.frontends.python import _Reader

    compared = 0
    for text in _python_sources():
        reader = _Reader(SourceFile("x.py", "/repo/x.py", text, "python"))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.expr):
                expected = ast.get_source_segment(text, node) or ast.unparse(node)
                assert reader.written(node) == expected, (text[:60], ast.dump(node)[:80])
                compared += 1
    assert compared > 100


_STATEMENTS = [
    "x = 'é'",
    "run(['docker', 'push', f'{image}:ü'])",
    "y = ('a',\n     'b')",
    "z = {'k': [1,\n 2], 'ü': 'v'}",
    "s = '''one\ntwo'''",
    "if a:\n    call(b, 'ñ')",
    "# ü comment",
]


@given(
    st.lists(st.sampled_from(_STATEMENTS), min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_written_text_agrees_with_ast_whatever_ends_the_lines(statements, end, final):
    from crlint.frontends.python import _Reader

    text = end.join(s.replace("\n", end) for s in statements) + (end if final else "")
    reader = _Reader(SourceFile("x.py", "/repo/x.py", text, "python"))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.expr):
            expected = ast.get_source_segment(text, node) or ast.unparse(node)
            assert reader.written(node) == expected
