"""The shell model: simple commands with argv words and exact positions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crlint.commands import block_lines, lexer, shell
from crlint.commands.shell import parse
from crlint.facts.locations import LocatedText
from crlint.facts.model import display_text


def commands(script: str) -> list[list[str]]:
    parsed = parse(LocatedText.from_lines(script, "s.sh", 1, 1))
    return [[display_text(w.parts) for w in c.words] for c in parsed.commands]


def test_operators_split_commands():
    assert commands("a 1 && b 2 || c; d | e & f") == [
        ["a", "1"],
        ["b", "2"],
        ["c"],
        ["d"],
        ["e"],
        ["f"],
    ]


def test_quotes_are_removed_and_variables_kept_symbolic():
    assert commands("""docker login -u "$USER" -p '$literal' "${REG}"/x""") == [
        ["docker", "login", "-u", "${USER}", "-p", "$literal", "${REG}/x"]
    ]


def test_prefix_assignments_are_not_argv():
    parsed = parse(LocatedText.at('GODEBUG=http2client=0 X="a b" /kaniko/executor --x', "s", 1, 1))
    (command,) = parsed.commands
    assert [(name, display_text(word.parts)) for name, word in command.assignments] == [
        ("GODEBUG", "http2client=0"),
        ("X", "a b"),
    ]
    assert [w.value for w in command.words] == ["/kaniko/executor", "--x"]


def test_compound_commands_yield_their_inner_commands():
    script = """
if [ -n "$X" ]; then docker push a; else echo no; fi
for f in a b; do helm lint "$f"; done
while read line; do echo "$line"; done < list
case "$1" in
  build) make build ;;
  (test|check) make test ;;
esac
deploy() { kubectl apply -f k8s; }
function release { crane copy a b; }
"""
    assert commands(script) == [
        ["[", "-n", "${X}", "]"],
        ["docker", "push", "a"],
        ["echo", "no"],
        ["helm", "lint", "${f}"],
        ["read", "line"],
        ["echo", "${line}"],
        ["make", "build"],
        ["make", "test"],
        ["kubectl", "apply", "-f", "k8s"],
        ["crane", "copy", "a", "b"],
    ]


def test_line_continuations_join_words_and_keep_positions():
    script = "/kaniko/executor \\\n  --context . \\\n  --destination $IMAGE"
    parsed = parse(LocatedText.from_lines(script, "s.sh", 10, 1))
    (command,) = parsed.commands
    destination = command.words[-1]
    assert destination.value is None and display_text(destination.parts) == "${IMAGE}"
    assert destination.written.location()[1:3] == (12, 17)


def test_here_documents_are_data_not_commands():
    script = 'cat << EOF > config.json\n{"auths": {}}\ndocker push x\nEOF\necho done\n'
    assert commands(script) == [["cat"], ["echo", "done"]]


def test_command_substitution_commands_are_commands_too():
    assert commands('export TOKEN="$(vault read -field=x secret)"') == [
        ["export", "TOKEN=$(...)"],
        ["vault", "read", "-field=x", "secret"],
    ]


def test_redirections_are_not_arguments():
    assert commands("echo hi > out 2>&1 >>log </dev/null") == [["echo", "hi"]]


def test_comments_end_at_the_line():
    assert commands("echo a # docker push b\necho c") == [["echo", "a"], ["echo", "c"]]


def test_parameter_operations_are_unknown_parts():
    (words,) = commands('echo "${#list[@]}" ${x/a/b} $1 $@')
    assert words == ["echo", "${#list[@]}", "${x/a/b}", "$1", "$@"]


def test_unterminated_quote_stops_with_a_note_and_keeps_earlier_commands():
    parsed = parse(LocatedText.from_lines("echo ok\necho 'never closed\necho lost", "s.sh", 1, 1))
    assert [[w.value for w in c.words] for c in parsed.commands] == [["echo", "ok"]]
    assert parsed.error == (13, "unterminated single quote")


def test_array_assignments_are_one_word_however_many_lines():
    # found on the corpus by bench/shell_parsers.py: each array line was a command
    script = (
        'args+=(--tag "$T")\nbuild_args=(\n  --build-arg A=1\n)\nx=()\ndocker build "${args[@]}"'
    )
    parsed = parse(LocatedText.from_lines(script, "s.sh", 1, 1))
    assert [[name for name, _ in c.assignments] for c in parsed.commands] == [
        ["args"],
        ["build_args"],
        ["x"],
        [],
    ]
    assert commands(script)[-1] == ["docker", "build", "${args[@]}"]


def test_double_bracket_tests_are_one_command():
    assert commands('[[ -n "$A" && ! ( -f x || -d y ) ]] && echo y') == [
        ["[[", "-n", "${A}", "&&", "!", "(", "-f", "x", "||", "-d", "y", ")", "]]"],
        ["echo", "y"],
    ]


def test_commands_that_may_not_run_are_marked_conditional():
    script = (
        "A=1\nif x; then B=2; fi\nC=3 && D=4\n( E=5 )\nfor i in a; do F=6; done\n"
        "G=$(H=7)\ncase x in a) I=8;; esac\nJ=9\nf() { K=1; }\nL=2"
    )
    parsed = parse(LocatedText.from_lines(script, "s.sh", 1, 1))
    conditional = {c.assignments[0][0]: c.conditional for c in parsed.commands if c.assignments}
    assert conditional == {
        "A": False, "B": True, "C": False, "D": True, "E": True, "F": True,
        "G": False, "H": True, "I": True, "J": False, "K": True, "L": False,
    }  # fmt: skip


def test_a_double_bracket_test_after_if_may_span_lines():
    script = 'if [[ "$H" == x &&\n  ("$P" == a ||\n   "$P" == b) ]]; then\n  sign\nfi\n'
    assert [c[0] for c in commands(script)] == ["[[", "sign"]


def test_the_same_text_written_twice_gives_each_its_own_positions():
    first = parse(LocatedText.at("docker push $IMAGE", "a.yml", 3, 7))
    second = parse(LocatedText.at("docker push $IMAGE", "b.yml", 10, 1))
    where = [
        (w.written.location().path, w.written.location().line, w.written.location().column)
        for parsed in (first, second)
        for w in parsed.commands[0].words[2:]
    ]
    assert where == [("a.yml", 3, 19), ("b.yml", 10, 13)]


SCRIPT_LINES = [
    'docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .',
    "echo 'it works' # a comment",
    "# a comment with 'one quote",
    "export VERSION=$(git describe --tags)",
    "X=1 make test",
    "a && b",
    "a || b",
    "a | b",
    "a &&",
    "  b",
    'echo "${X:-default} $(date +%s) $((1 + 2))"',
    'if [ -n "$X" ]; then',
    "  docker push x",
    "fi",
    "cat <<EOF",
    "text $X",
    "EOF",
    'echo "open',
    'close"',
    "arr=(a b c)",
    "[[ $a == b && $c ]] && echo yes",
    "{ echo grouped; }",
    "long \\",
    "  continued",
    "",
    "   ",
    "docker login -u x -p y; docker push z &",
    'if [ "$CI_COMMIT_BRANCH" = main ]; then ./release.sh; fi',
    'for f in charts/*; do helm lint "$f"; done',
    "if a; then for x in y; do docker push $x; done; else b; fi",
    "echo fi; if a; then",
    "echo done then fi",
    "while read -r x; do",
    "docker push x; done",
    "then docker push y; fi",
    'echo "if"; for i in 1 2; do echo $i; done',
    "x=if; until false; do break; done",
    'case "$CI_JOB_STAGE" in build) make build ;; test) docker push x ;; esac',
    "case $X in (a) docker push a;; esac; X=2",
    "case $X in a) echo esac; esac",
    "case $X in a) if b; then",
    "case $X in",
    "  a) docker push y ;;",
    "esac",
    "echo 'case x in a) ;; esac'",
]


@given(st.lists(st.sampled_from(SCRIPT_LINES), min_size=2, max_size=8))
def test_splitting_a_line_at_a_time_agrees_with_the_whole_text(lines):
    text = "\n".join(lines)
    by_line = block_lines.by_line(text, shell.split)
    if by_line is not None:
        assert by_line == lexer.shapes(text)[0]


_WORD_PIECES = ["docker", "$X", "${X}", '"$X"', "${X:-a b}", "$X$Y", "${X//a/b}", "${#X}"]
_WORD_PIECES += ["$(echo a b)", "'$X'", "\\$X", "a$X", "$1", "$@", "x=$X", "--tag=$Y", "$"]


@given(
    st.lists(st.lists(st.sampled_from(_WORD_PIECES), min_size=1, max_size=4), max_size=5),
    st.sampled_from(["a b", "one", "", " lead", None]),
)
def test_a_command_said_not_to_split_has_no_word_split(commands, value):
    """`CommandShape.splits` False is a promise that `split_words` finds nothing to split."""
    from crlint.commands.inner_scripts import split_words
    from crlint.facts.model import Binding, Env, SetBy

    text = "; ".join(" ".join(words) for words in commands)
    env = Env({name: Binding(name, value, None, SetBy.SCRIPT) for name in ("X", "Y")})
    located = LocatedText.at(text, "x.sh", 1, 1)
    for shape in lexer.shapes(text)[0]:
        if not shape.splits:
            assert split_words(shape.bind(located).words, env) is None, text
