"""Image manifests, manifest lists, OCI indexes and manifest-tool specs.

JSON is validated with the standard library (so a broken file gets the same
message `json` would give) and then composed as YAML, of which JSON is a
subset, to learn where each field was written.
"""

from __future__ import annotations

import json

from crlint.discover.kinds import FileKind
from crlint.facts.expand import scan
from crlint.facts.model import (
    EMPTY_ENV,
    FileFacts,
    ImageRef,
    ImageRole,
    Manifest,
    ManifestEntry,
    ManifestKind,
)
from crlint.frontends.base import Extraction, Frontend, parse_error
from crlint.frontends.yaml_nodes import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
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
    from crlint.frontends.base import Context, Edited
    from crlint.frontends.yaml_nodes import Node

MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
SCHEMA1_TYPES = frozenset(
    {
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
    }
)


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    is_json = source.path.lower().endswith(".json") or source.text.lstrip().startswith("{")
    if is_json:
        try:
            json.loads(source.text)
        except RecursionError:
            message = "invalid JSON: nested too deeply to analyse"
            return Extraction(findings=[parse_error(source, message, 1, 1)])
        except ValueError as error:
            line = getattr(error, "lineno", 1)
            column = getattr(error, "colno", 1)
            message = getattr(error, "msg", str(error))
            return Extraction(
                findings=[parse_error(source, f"invalid JSON: {message}", line, column)]
            )
    documents = documents_or_error(source, "")
    if not isinstance(documents, list):
        return Extraction(findings=[documents])
    reader = _Reader(source)
    for document in documents:
        if isinstance(document, MappingNode):
            reader.document(document, is_json)
    if not reader.facts.manifests:
        return Extraction(skipped="not an image manifest or manifest-tool spec")
    return Extraction(
        facts=reader.facts,
        spans=lambda: [span for d in documents for span in walk_entries(d)],
    )


class _Reader:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.index = SourceIndex(source.path, source.text)
        self.facts = FileFacts()

    def document(self, root: MappingNode, is_json: bool) -> None:
        entries = mapping(root)
        if "schemaVersion" in entries:
            self.manifest(entries)
        elif not is_json and "image" in entries and "manifests" in entries:
            self.manifest_tool_spec(entries)

    def manifest(self, entries: dict[str, tuple[Node, Node]]) -> None:
        key, value = entries["schemaVersion"]
        version_text = scalar(value)
        version = int(version_text) if version_text and version_text.isdigit() else None
        media_type = scalar(field(entries, "mediaType"))
        if version == 1 or media_type in SCHEMA1_TYPES:
            kind = ManifestKind.SCHEMA1
        elif media_type == MANIFEST_LIST:
            kind = ManifestKind.MANIFEST_LIST
        elif media_type == OCI_INDEX or ("manifests" in entries and "layers" not in entries):
            kind = ManifestKind.OCI_INDEX
        else:
            kind = ManifestKind.IMAGE_MANIFEST
        manifest_entries = []
        listed = entries.get("manifests")
        if listed is not None and isinstance(listed[1], SequenceNode):
            for item in listed[1].value:
                fields = mapping(item)
                manifest_entries.append(
                    ManifestEntry(
                        scalar(field(fields, "mediaType")),
                        scalar(field(fields, "digest")),
                        _platform(fields.get("platform")),
                        None,
                        node_location(self.source.path, item),
                    )
                )
        self.facts.manifests.append(
            Manifest(
                kind,
                version,
                media_type,
                tuple(manifest_entries),
                None,
                node_location(self.source.path, key),
            )
        )

    def manifest_tool_spec(self, entries: dict[str, tuple[Node, Node]]) -> None:
        key, target_node = entries["image"]
        target = self.image(target_node, ImageRole.MANIFEST_TARGET)
        manifest_entries = []
        listed = entries["manifests"][1]
        if isinstance(listed, SequenceNode):
            for item in listed.value:
                fields = mapping(item)
                source = fields.get("image")
                image = self.image(source[1], ImageRole.MANIFEST_SOURCE) if source else None
                manifest_entries.append(
                    ManifestEntry(
                        None,
                        None,
                        _platform(fields.get("platform")),
                        image,
                        node_location(self.source.path, item),
                    )
                )
        self.facts.manifests.append(
            Manifest(
                ManifestKind.MANIFEST_TOOL_SPEC,
                None,
                None,
                tuple(manifest_entries),
                target,
                node_location(self.source.path, key),
            )
        )

    def image(self, node: Node, role: ImageRole) -> ImageRef | None:
        if not isinstance(node, ScalarNode) or not scalar(node):
            return None
        written = self.index.located(node)
        image = ImageRef(written, scan(written.text), role, "manifest-tool spec", EMPTY_ENV)
        self.facts.images.append(image)
        return image


def _platform(entry: tuple[Node, Node] | None) -> dict[str, str]:
    if entry is None:
        return {}
    return {
        name: text
        for name, (_, value) in mapping(entry[1]).items()
        if (text := scalar(value)) is not None
    }


def _same_yaml_spec(fixed: Edited) -> str | None:
    """A manifest-tool spec is YAML; a manifest, JSON, which no fix edits."""
    return same_yaml(fixed) if fixed.path.endswith((".yml", ".yaml")) else None


FRONTEND = Frontend(FileKind.MANIFEST, extract, _same_yaml_spec)
