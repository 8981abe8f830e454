"""YAML scalars map back to the characters they were written with."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crlint.frontends.yaml_nodes import SourceIndex, compose, mapping


def located(source: str, key: str):
    (document,) = compose(source)
    node = mapping(document)[key][1]
    return SourceIndex("f.yml", source).located(node)


@pytest.mark.parametrize(
    ("source", "value", "offset", "position"),
    [
        ("image: reg.io/_x/app\n", "reg.io/_x/app", 7, (1, 15)),
        ('image: "reg.io/_x/app"\n', "reg.io/_x/app", 7, (1, 16)),
        ("image: 'it''s/_x'\n", "it's/_x", 5, (1, 15)),
        ('image: "a\\tb/_x"\n', "a\tb/_x", 4, (1, 14)),
        ("image: &anchor reg.io/_x\n", "reg.io/_x", 7, (1, 23)),
        ("script: |\n  echo one\n  docker push _x\n", "echo one\ndocker push _x\n", 21, (3, 15)),
        ("script: >-\n  docker push\n  _x/app\n", "docker push _x/app", 12, (3, 3)),
        ("image: one\n  two/_x\n", "one two/_x", 8, (2, 7)),
    ],
)
def test_value_offsets_map_to_source_positions(source, value, offset, position):
    text = located(source, next(iter(mapping(compose(source)[0]))))
    assert text.text == value
    assert text.position(offset) == position


def test_merge_keys_apply_and_explicit_keys_win():
    source = "base: &b {image: a, stage: build}\njob:\n  <<: *b\n  image: c\n"
    (document,) = compose(source)
    job = mapping(mapping(document)["job"][1])
    assert job["image"][1].value == "c"
    assert job["stage"][1].value == "build"


def test_duplicate_keys_last_one_wins():
    (document,) = compose("a: 1\na: 2\n")
    assert mapping(document)["a"][1].value == "2"


def test_reference_tags_compose_without_a_constructor():
    (document,) = compose("job:\n  script: !reference [.x, script]\n")
    script = mapping(mapping(document)["job"][1])["script"][1]
    assert script.tag == "!reference"


def test_syntax_error_is_a_position_not_an_exception():
    error = compose("a: [1, 2\nb: c\n")
    assert not isinstance(error, list)
    assert (error.line, error.column) == (2, 2)


@given(st.text(alphabet='ab"\\\t $/é', max_size=12))
def test_one_line_double_quoted_fast_path_matches_the_full_alignment(value: str):
    import json

    written = json.dumps(value)  # a YAML double-quoted scalar, JSON escapes
    text = f"job:\n  script: [{written}]\n"
    documents = compose(text)
    assert isinstance(documents, list)
    node = documents[0].value[0][1].value[0][1].value[0]
    index = SourceIndex("x.yml", text)
    fast = index.located(node)
    slow = index.aligned(str(node.value), node.style, node.start_mark.index, node.end_mark.index)
    assert fast.text == slow.text == value
    assert [fast.position(i) for i in range(len(value))] == [
        slow.position(i) for i in range(len(value))
    ]


LITERAL_BLOCKS = [
    'a:\n  - |\n    docker build -t x .\n    echo "hi"\n\n    docker push y\n  - b\n',
    "key: |-\n      indented more\n        deeper\n      back\nother: 1\n",
    "k: |2\n     two extra\n   base\n",
    "k: |+ # keep\n  # not a comment\n  x: y\n\n\n",
]


@pytest.mark.parametrize("document", LITERAL_BLOCKS)
def test_literal_blocks_are_located_line_by_line(document):
    """Every character of a `|` block sits where it was written, leading spaces too."""
    index = SourceIndex("f.yml", document)
    lines = document.split("\n")
    blocks = [n for n in _scalars(compose(document)) if n.style == "|"]
    assert blocks
    for node in blocks:
        located = index.located(node)
        assert located.text == node.value
        for offset, char in enumerate(node.value):
            if char == "\n":
                continue
            line, column = located.position(offset)
            assert lines[line - 1][column - 1] == char


def _scalars(nodes):
    import yaml

    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


_YAML_PIECES = [
    "a: ", "b", "~", "null", "Null", "NULL", "''", '""', "<<: *x", "&x ", "*x", "- ", "\n",
    "  ", "1", "true", "!reference [a, b]", "{", "}", "[", "]", ", ", "2001-01-01", "0x1f", ":",
]  # fmt: skip


@example(
    ["a: ", "&x ", "{", "b", ": ", "~", "}", "\n", "c: ", "{", "<<: *x", ", ", "d: ", "null", "}"]
)
@example(["- ", "<<", "\n", "- ", "''", "\n", "- ", "!reference [a, b]"])
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=14))
def test_tags_are_pyyaml_s_where_crlint_reads_them(pieces: list[str]) -> None:
    """crlint's loader tags a null and a merge key as PyYAML's safe loader
    does, and everything else implicit as text (no implicit type is read)."""
    import yaml

    text = "".join(pieces)
    try:
        expected = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return
    found = compose(text)
    assert isinstance(found, list)
    read = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}

    def tags(node: object) -> list[str]:
        if node is None:
            return []
        tag = node.tag  # type: ignore[attr-defined]
        own = [tag if tag in read or not tag.startswith("tag:yaml.org") else "text or collection"]
        value = node.value  # type: ignore[attr-defined]
        if isinstance(value, list):
            for item in value:
                for child in item if isinstance(item, tuple) else (item,):
                    own.extend(tags(child))
        return own

    assert [tags(node) for node in found] == [tags(node) for node in expected if node is not None]


def _yaml_files() -> list:
    from tests.conftest import CORPUS, ROOT

    roots = [ROOT / "tests" / "fixtures", ROOT / "examples", CORPUS]
    return sorted(
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*")
        if path.suffix in (".yml", ".yaml") and path.is_file()
    )


def test_an_index_is_where_libyaml_marks_it_in_every_real_file() -> None:
    """CI values keep only their scalars' indexes and place them with
    `SourceIndex.position`: on every YAML file of the fixtures, examples and
    corpus, that is the line and column of the marks composing gives."""
    from crlint.discover.sources import decode
    from crlint.frontends.yaml_nodes import node_location

    checked = 0
    for path in _yaml_files():
        text = decode(path.read_bytes())
        if not isinstance(text, str):
            continue
        documents = compose(text)
        if not isinstance(documents, list):
            continue
        index = SourceIndex(str(path), text)
        keys = [key for node in _mappings(documents) for key, _ in node.value]
        for node in [*_scalars(documents), *keys]:
            start, end = node.start_mark, node.end_mark
            assert index.position(start.index) == (start.line + 1, start.column + 1), path
            assert index.position(end.index) == (end.line + 1, end.column + 1), path
            region = index.region(start.index, end.index)
            assert region == node_location(str(path), node), path
            checked += 1
    assert checked > 1000


def _mappings(nodes):
    import yaml

    stack, seen = list(nodes), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            yield node
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
