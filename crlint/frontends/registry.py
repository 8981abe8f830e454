"""Which frontend reads which kind of file: one line per kind.

A frontend's module is imported the first time a file of its kind is read
(importlib itself would be one more import on every run).
"""

from __future__ import annotations

import sys

from crlint.discover.kinds import FileKind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.frontends.base import Context, Extraction, Frontend

MODULES = {
    FileKind.GITLAB_CI: "crlint.frontends.gitlab_ci.frontend",
    FileKind.DOCKERFILE: "crlint.frontends.dockerfile",
    FileKind.SHELL: "crlint.frontends.shell_script",
    FileKind.KUBERNETES: "crlint.frontends.kubernetes",
    FileKind.MANIFEST: "crlint.frontends.manifest",
    FileKind.PYTHON: "crlint.frontends.python",
    FileKind.REGISTRY_CONFIG: "crlint.frontends.registry_config",
    FileKind.NGINX: "crlint.frontends.nginx",
    FileKind.HELM_VALUES: "crlint.frontends.helm_values",
    FileKind.COMPOSE: "crlint.frontends.compose",
    FileKind.TERRAFORM: "crlint.frontends.terraform",
}


def frontend(kind: FileKind) -> Frontend:
    name = MODULES[kind]
    __import__(name)
    found: Frontend = sys.modules[name].FRONTEND
    assert found.kind == kind, f"{name} exports the frontend of {found.kind}"
    return found


def extract(source: SourceFile, context: Context) -> Extraction:
    assert source.kind is not None  # only files of a kind are extracted
    return frontend(source.kind).extract(source, context)
