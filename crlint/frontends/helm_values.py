"""Helm chart values (`values*.yaml` beside a `Chart.yaml`): the images a chart deploys.

Charts name their images in values, in a few shapes that the chart's
templates join: `image: {registry, repository, tag, digest}` (any of them
may be missing; under `image:`, `name:` or `image:` for the repository), a
plain `image: repo:tag`, and Bitnami's
`global.imageRegistry` over every image's own registry. crlint reads those
shapes wherever they sit in the values (`controller.image`,
`images.backend`), joins them as the templates do (`registry/repository:tag`,
`@digest`) and checks the result as any other image a cluster pulls. The
templates themselves (`templates/`) are Go templates, not YAML, and are not
read: a value they use another way is not known.

A joined reference is not the file's text: each of its pieces points at the
value it came from, the `/` and `:` crlint put between them at the end of
the piece before (`RewrittenText`), and no fix writes over it.
"""

from __future__ import annotations

from crlint.discover.kinds import FileKind
from crlint.facts.expand import Dialect, scan
from crlint.facts.locations import RewrittenText, Segment
from crlint.facts.model import EMPTY_ENV, FileFacts, ImageRef, ImageRole
from crlint.frontends.base import Frontend
from crlint.frontends.yaml_documents import read_documents
from crlint.frontends.yaml_nodes import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    mapping,
    same_yaml,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.facts.locations import LocatedText
    from crlint.frontends.base import Context, Extraction
    from crlint.frontends.yaml_nodes import Node

MAX_DEPTH = 40
_REPOSITORY_KEYS = ("repository", "repo", "name", "image")


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    return read_documents(source, "`helm install` rejects these values", _Reader(source))


class _Reader:
    def __init__(self, source: SourceFile) -> None:
        self.index = SourceIndex(source.path, source.text)
        self.facts = FileFacts()
        self.registry: ScalarNode | None = None
        """`global.imageRegistry`, which Bitnami's charts put before every image."""

    def document(self, root: MappingNode) -> None:
        entries = mapping(root)
        shared = mapping(entries["global"][1]) if "global" in entries else {}
        registry = _scalar(shared.get("imageRegistry"))
        if registry is not None and _text(registry):
            self.registry = registry
        self.walk(root, (), 0)

    def walk(self, node: Node, path: tuple[str, ...], depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, str(index)), depth + 1)
            return
        if not isinstance(node, MappingNode):
            return
        for key, (_, value) in mapping(node).items():
            here = (*path, key)
            if key == "image" and isinstance(value, ScalarNode) and _text(value):
                self.add(here, [(value, "")])
            elif isinstance(value, MappingNode) and self.image_spec(here, value):
                continue
            else:
                self.walk(value, here, depth + 1)

    def image_spec(self, path: tuple[str, ...], node: MappingNode) -> bool:
        """An image written as its pieces: a `repository` and a `tag`, `digest`
        or `registry` beside it. Whether it was one."""
        entries = mapping(node)
        # Under an `image:` key, its `name:` or `image:` is the repository too.
        keys = _REPOSITORY_KEYS if path[-1].lower().endswith("image") else _REPOSITORY_KEYS[:2]
        repository = next((entries[key][1] for key in keys if key in entries), None)
        if not isinstance(repository, ScalarNode) or not _text(repository):
            return False
        if not any(key in entries for key in ("tag", "digest", "registry", "pullPolicy")):
            return False
        pieces: list[tuple[ScalarNode, str]] = []
        registry = self.registry or _scalar(entries.get("registry"))
        if registry is not None and _text(registry):
            pieces.append((registry, ""))
        pieces.append((repository, "/" if pieces else ""))
        digest = _scalar(entries.get("digest"))
        tag = _scalar(entries.get("tag"))
        if tag is not None and _text(tag):
            pieces.append((tag, ":"))
        if digest is not None and _text(digest):
            pieces.append((digest, "@"))
        self.add(path, pieces)
        return True

    def add(self, path: tuple[str, ...], pieces: list[tuple[ScalarNode, str]]) -> None:
        written = _joined([(self.index.located(node), joint) for node, joint in pieces])
        where = f"Helm value `{'.'.join(path)}`"
        parts = scan(written.text, Dialect.PLAIN)
        self.facts.images.append(
            ImageRef(written, parts, ImageRole.CONTAINER_IMAGE, where, EMPTY_ENV)
        )


def _joined(pieces: list[tuple[LocatedText, str]]) -> LocatedText:
    """The pieces of an image joined into its reference, each character where
    it was written; a joint (`/`, `:`) where the piece before it ends."""
    text = ""
    segments: list[Segment] = []
    last: tuple[int, int] | None = None
    for located, joint in pieces:
        if joint and last is not None:
            segments.append(Segment(len(text), *last))
            text += joint
        base = len(text)
        for segment in located.segments:
            segments.append(Segment(base + segment.offset, segment.line, segment.column))
        text += located.text
        last = located.position(max(len(located.text) - 1, 0))
    return RewrittenText(text, pieces[0][0].path, tuple(segments))


def _scalar(entry: tuple[Node, Node] | None) -> ScalarNode | None:
    if entry is None or not isinstance(entry[1], ScalarNode):
        return None
    return entry[1]


def _text(node: Node) -> str:
    """A scalar's text, stripped; empty for a null or an empty string (the
    chart then uses its own default, `appVersion` for a tag)."""
    if not isinstance(node, ScalarNode) or node.tag.endswith(":null"):
        return ""
    return str(node.value).strip()


FRONTEND = Frontend(FileKind.HELM_VALUES, extract, same_yaml)
