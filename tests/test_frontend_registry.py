"""Every kind of file has one frontend, listed once, exporting its descriptor."""

from __future__ import annotations

from crlint.discover.kinds import FileKind
from crlint.frontends.registry import MODULES, frontend


def test_every_kind_has_a_frontend_that_says_it_reads_that_kind():
    assert set(MODULES) == set(FileKind)
    assert {kind: frontend(kind).kind for kind in FileKind} == {kind: kind for kind in FileKind}


def test_kinds_that_fixes_edit_verify_what_a_fix_leaves():
    edited = {FileKind.GITLAB_CI, FileKind.DOCKERFILE, FileKind.SHELL, FileKind.KUBERNETES}
    assert {kind for kind in edited if frontend(kind).verify_fix is None} == set()
