"""Reading a YAML file a document at a time, for the kinds made of mappings.

Kubernetes specs, Helm values and Compose files are read the same way: the
file composed (or a CR001 saying what rejects it), each mapping document
handed to the kind's reader, and suppression spans from the YAML entries.
"""

from __future__ import annotations

from crlint.frontends.base import Extraction
from crlint.frontends.yaml_nodes import MappingNode, documents_or_error, walk_entries

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.facts.model import FileFacts

    class DocumentReader(Protocol):
        facts: FileFacts

        def document(self, root: MappingNode) -> None: ...


def read_documents(
    source: SourceFile,
    rejects: str,
    reader: DocumentReader,
    files: SourceCache | None = None,
) -> Extraction:
    """Each mapping document of `source` read by `reader`; `rejects` says what
    refuses the file when it is not YAML ("`kubectl apply` rejects this file").
    With `files`, the file is composed once for the run, however many readers
    read it (a Compose file that job after job runs)."""
    if files is None:
        documents = documents_or_error(source, rejects)
    else:
        documents = files.derived(
            source.real_path, "yaml-documents", lambda: documents_or_error(source, rejects)
        )
    if not isinstance(documents, list):
        return Extraction(findings=[documents])
    for document in documents:
        if isinstance(document, MappingNode):
            reader.document(document)
    return Extraction(
        facts=reader.facts,
        spans=lambda: [span for d in documents for span in walk_entries(d)],
    )
