"""gitignore(5) semantics for `.gitignore` files and configured excludes."""

from __future__ import annotations

import pytest

from crlint.discover.gitignore import IgnoreList


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "expected"),
    [
        (["build"], "/r/build", True, True),
        (["build"], "/r/a/build", True, True),
        (["/build"], "/r/a/build", True, None),
        (["/build"], "/r/build", True, True),
        (["build/"], "/r/build", False, None),
        (["*.log"], "/r/a/b/x.log", False, True),
        (["a/*.yml"], "/r/a/x.yml", False, True),
        (["a/*.yml"], "/r/a/b/x.yml", False, None),
        (["a/**/x.yml"], "/r/a/b/c/x.yml", False, True),
        (["a/**/x.yml"], "/r/a/x.yml", False, True),
        (["**/tmp"], "/r/q/tmp", True, True),
        (["docs/**"], "/r/docs/a/b", False, True),
        (["*.yml", "!keep.yml"], "/r/keep.yml", False, False),
        (["\\!bang"], "/r/!bang", False, True),
        (["\\#hash"], "/r/#hash", False, True),
        (["# comment", ""], "/r/# comment", False, None),
        (["file[0-9].txt"], "/r/file7.txt", False, True),
        (["file[!0-9].txt"], "/r/file7.txt", False, None),
        (["trailing   "], "/r/trailing", False, True),
    ],
)
def test_patterns(patterns, path, is_dir, expected):
    assert IgnoreList.parse("/r", patterns).match(path, is_dir) is expected


def test_paths_outside_the_base_never_match():
    assert IgnoreList.parse("/r", ["*"]).match("/other/x", False) is None
