"""Kubernetes and Tekton specs: container images, commands and environments.

Containers are found wherever workloads keep them (`containers`,
`initContainers`, `ephemeralContainers`; Tekton `steps`, `sidecars` and
`stepTemplate`; Argo `container`), at any depth, so Pods, Jobs, CronJobs,
Deployments, Tasks, Pipelines with embedded task specs and Workflows are all
read the same way. Tekton `$(params.X)` takes the parameter's default, as
an `ARG` default does; `envFrom` and `valueFrom` make values unknown.
"""

from __future__ import annotations

from crlint import shell
from crlint.expand import scan
from crlint.facts import (
    Binding,
    Command,
    Env,
    FileFacts,
    ImageRef,
    ImageRole,
    Literal,
    Unknown,
    Word,
)
from crlint.frontends import Extraction
from crlint.frontends.yamlnodes import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    documents_or_error,
    field,
    mapping,
    node_location,
    scalar,
    walk_entries,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts import Part
    from crlint.frontends import Context
    from crlint.frontends.yamlnodes import Node
    from crlint.locations import LocatedText
    from crlint.sources import SourceFile

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers", "steps", "sidecars")
SINGLE_CONTAINERS = ("stepTemplate", "container")
MAX_DEPTH = 40


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    documents = documents_or_error(source, "`kubectl apply` rejects this file")
    if not isinstance(documents, list):
        return Extraction(findings=[documents])
    reader = _Reader(source)
    for document in documents:
        if isinstance(document, MappingNode):
            reader.document(document)
    return Extraction(
        facts=reader.facts,
        spans=lambda: [span for d in documents for span in walk_entries(d)],
    )


class _Reader:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.index = SourceIndex(source.path, source.text)
        self.facts = FileFacts()

    def document(self, root: MappingNode) -> None:
        entries = mapping(root)
        kind = scalar(field(entries, "kind")) or "resource"
        name = scalar(field(mapping(field(entries, "metadata")), "name"))
        owner = f"{kind} `{name}`" if name else kind
        spec = entries.get("spec")
        params = _param_defaults(spec[1]) if spec else {}
        self.walk(root, owner, params, 0)

    def walk(self, node: Node, owner: str, params: dict[str, str], depth: int) -> None:
        if depth > MAX_DEPTH or not isinstance(node, MappingNode):
            return
        entries = mapping(node)
        for key, (_, value) in entries.items():
            if key in CONTAINER_LISTS and isinstance(value, SequenceNode):
                for item in value.value:
                    if isinstance(item, MappingNode):
                        self.container(item, owner, params)
            elif key in SINGLE_CONTAINERS and isinstance(value, MappingNode):
                self.container(value, owner, params)
            if key in ("spec", "template", "jobTemplate", "taskSpec", "pipelineSpec"):
                self.walk(value, owner, params, depth + 1)
            elif isinstance(value, SequenceNode) and key in ("tasks", "templates", "finally"):
                for item in value.value:
                    self.walk(item, owner, params, depth + 1)

    def container(self, node: MappingNode, owner: str, params: dict[str, str]) -> None:
        entries = mapping(node)
        name = scalar(field(entries, "name"))
        where = f"container `{name}` of {owner}" if name else f"a container of {owner}"
        env = self.environment(entries)
        image = entries.get("image")
        if image is not None and isinstance(image[1], ScalarNode) and scalar(image[1]):
            written = self.index.located(image[1])
            # Kubernetes does not expand variables in `image:`; `${X}` there is
            # an envsubst template, unknown until rendered.
            parts = _with_params(scan(written.text), params)
            self.facts.images.append(
                ImageRef(written, parts, ImageRole.CONTAINER_IMAGE, where, env)
            )
        argv: list[Word] = []
        first_key: Node | None = None
        for key in ("command", "args"):
            entry = entries.get(key)
            if entry is None or not isinstance(entry[1], SequenceNode):
                continue
            first_key = first_key or entry[0]
            for item in entry[1].value:
                if isinstance(item, ScalarNode) and scalar(item) is not None:
                    written = self.index.located(item)
                    argv.append(Word(written, _with_params(scan(written.text), params)))
        if argv and first_key is not None:
            location = node_location(self.source.path, first_key)
            entrypoint = None
            if "command" not in entries and image is not None:
                from crlint.kaniko import is_kaniko_image

                if is_kaniko_image(scalar(image[1]) or ""):
                    entrypoint = "executor"
            command = Command(tuple(argv), (), env, where, location, entrypoint=entrypoint)
            self.facts.commands.append(command)
        script = entries.get("script")
        if script is not None and isinstance(script[1], ScalarNode) and scalar(script[1]):
            self.script(self.index.located(script[1]), env, where)

    def script(self, text: LocatedText, env: Env, where: str) -> None:
        commands = shell.parse(text).commands
        self.facts.commands.extend(shell.command_facts(text, commands, env, where))

    def environment(self, entries: dict[str, tuple[Node, Node]]) -> Env:
        bindings: dict[str, Binding] = {}
        env_list = entries.get("env")
        if env_list is not None and isinstance(env_list[1], SequenceNode):
            for item in env_list[1].value:
                fields = mapping(item)
                name = scalar(field(fields, "name"))
                if not name:
                    continue
                # `valueFrom` reads a secret or config map: unknown offline.
                value = None if "valueFrom" in fields else scalar(field(fields, "value")) or ""
                bindings[name] = Binding(
                    name, value, node_location(self.source.path, item), "container env"
                )
        return Env(bindings)


def _param_defaults(spec: Node) -> dict[str, str]:
    """Tekton string parameters with a default, by name."""
    defaults: dict[str, str] = {}
    params = mapping(spec).get("params")
    if params is None or not isinstance(params[1], SequenceNode):
        return defaults
    for item in params[1].value:
        fields = mapping(item)
        name = scalar(field(fields, "name"))
        default = scalar(field(fields, "default"))
        if name and default is not None:
            defaults[name] = default
    return defaults


def _with_params(parts: tuple[Part, ...], params: dict[str, str]) -> tuple[Part, ...]:
    """`$(params.X)` replaced by the parameter's default, where it has one."""
    if not params:
        return parts
    result: list[Part] = []
    for part in parts:
        if isinstance(part, Unknown) and part.name.startswith("$(params."):
            name = part.name[len("$(params.") : -1]
            if name in params:
                result.append(Literal(params[name], part.start, part.end, f"params.{name}"))
                continue
        result.append(part)
    return tuple(result)
