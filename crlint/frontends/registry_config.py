"""The container registry's own configuration (distribution's `config.yml`).

Two settings decide failures at push and pull time: `compatibility:
schema1: enabled: true` makes the registry accept and serve schema 1
manifests, and `auth: token: realm:` is where every client fetches its
token (GitLab's `/jwt/auth`).
"""

from __future__ import annotations

from crlint.discover.kinds import FileKind
from crlint.facts.model import FileFacts, RegistryConfig
from crlint.frontends.base import Extraction, Frontend
from crlint.frontends.yaml_nodes import (
    MappingNode,
    SequenceNode,
    documents_or_error,
    field,
    mapping,
    node_location,
    same_yaml,
    scalar,
    walk_entries,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.frontends.base import Context
    from crlint.frontends.yaml_nodes import Node

EXTERNAL_URL_KEYS = frozenset({"external_url", "externalUrl", "externalURL", "external-url"})


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    documents = documents_or_error(source, "the registry does not start with this file")
    if not isinstance(documents, list):
        return Extraction(findings=[documents])
    facts = FileFacts()
    for document in documents:
        if not isinstance(document, MappingNode):
            continue
        entries = mapping(document)
        schema1 = None
        enabled = _at(entries, "compatibility", "schema1", "enabled")
        if enabled is not None and scalar(enabled) in ("true", "True", "yes"):
            schema1 = node_location(source.path, enabled)
        realm_node = _at(entries, "auth", "token", "realm")
        realm = scalar(realm_node)
        facts.registry_configs.append(
            RegistryConfig(
                schema1,
                realm,
                node_location(source.path, realm_node) if realm_node is not None else None,
                _external_url(document, 0),
            )
        )
    return Extraction(
        facts=facts, spans=lambda: [span for d in documents for span in walk_entries(d)]
    )


def _at(entries: dict[str, tuple[Node, Node]], *keys: str) -> Node | None:
    """The value at a path of keys, if every mapping on the way is there."""
    node: Node | None = None
    for key in keys:
        node = field(entries, key)
        entries = mapping(node)
    return node


def _external_url(node: Node, depth: int) -> str | None:
    """An `external_url` written anywhere in the document."""
    if depth > 20:
        return None
    if isinstance(node, MappingNode):
        for key, (_, value) in mapping(node).items():
            if key in EXTERNAL_URL_KEYS and scalar(value):
                return scalar(value)
            found = _external_url(value, depth + 1)
            if found is not None:
                return found
    elif isinstance(node, SequenceNode):
        for item in node.value:
            found = _external_url(item, depth + 1)
            if found is not None:
                return found
    return None


FRONTEND = Frontend(FileKind.REGISTRY_CONFIG, extract, same_yaml)
