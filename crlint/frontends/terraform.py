"""Terraform (`*.tf`): the GitLab instance settings a repository manages as code.

The registry's token duration is an instance setting nobody sees in a
pipeline, but a repository that manages GitLab with the Terraform provider
writes it down: `resource "gitlab_application_settings" … {
container_registry_token_expire_delay = 5 }`. Only files that name that
resource are parsed, with python-hcl2 (imported for them alone: it costs a
tenth of a second); a value that is an expression (`var.delay`) is unknown.
"""

from __future__ import annotations

from crlint.discover.kinds import FileKind
from crlint.facts.locations import Location
from crlint.facts.model import FileFacts, InstanceSetting
from crlint.frontends.base import Extraction, Frontend, parse_error
from crlint.world.gitlab import TOKEN_EXPIRE_DELAY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lark import Token, Tree

    from crlint.discover.sources import SourceFile
    from crlint.frontends.base import Context

RESOURCE = "gitlab_application_settings"
SETTINGS = frozenset({TOKEN_EXPIRE_DELAY})
"""The settings crlint's checks read."""


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    if RESOURCE not in source.text:
        return Extraction()  # most Terraform says nothing about GitLab's settings
    try:
        import hcl2
        from lark.exceptions import LarkError
    except ImportError:  # pragma: no cover - a declared dependency
        return Extraction(skipped="python-hcl2 is not installed")
    try:
        tree = hcl2.parses_to_tree(source.text)
    except (LarkError, ValueError, RecursionError) as error:
        line, column = getattr(error, "line", 1), getattr(error, "column", 1)
        message = f"invalid HCL: {str(error).splitlines()[0]}; `terraform plan` rejects it"
        return Extraction(findings=[parse_error(source, message, max(line, 1), max(column, 1))])
    facts = FileFacts()
    for block in tree.find_data("block"):
        labels = [_text(child) for child in block.children[1:] if _is(child, "string")]
        if _text(block.children[0]) != "resource" or not labels or labels[0] != RESOURCE:
            continue
        where = f"Terraform `{RESOURCE}.{labels[1]}`" if len(labels) > 1 else f"`{RESOURCE}`"
        for body in (child for child in block.children if _is(child, "body")):
            for attribute in (child for child in body.children if _is(child, "attribute")):
                name = _text(attribute.children[0])
                if name not in SETTINGS:
                    continue
                value = attribute.children[-1]
                meta = value.meta if hasattr(value, "meta") else attribute.meta
                location = Location(
                    source.path, meta.line, meta.column, meta.end_line, meta.end_column
                )
                facts.instance_settings.append(
                    InstanceSetting(name, _literal(value), location, where)
                )
    return Extraction(facts=facts)


def _is(node: object, data: str) -> bool:
    return getattr(node, "data", None) == data


def _text(node: object) -> str:
    """A node's tokens joined, quotes left out: an identifier, a label."""
    if not hasattr(node, "scan_values"):
        return str(node)
    return "".join(str(token) for token in node.scan_values(lambda _: True)).strip('"')


def _literal(node: Tree[Token]) -> str | None:
    """A number or a plain string; None for an expression (`var.delay`, `1 + 2`)."""
    values = list(node.scan_values(lambda _: True))
    kinds = [getattr(token, "type", "") for token in values]
    if kinds == ["INT_LITERAL"]:
        return str(values[0])
    if len(values) == 3 and kinds[0] == kinds[2] == "DBLQUOTE":
        return str(values[1])
    return None


FRONTEND = Frontend(FileKind.TERRAFORM, extract)
