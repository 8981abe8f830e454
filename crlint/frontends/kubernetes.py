"""Kubernetes and Tekton specs: container images, commands and environments.

Containers are found wherever workloads keep them (`containers`,
`initContainers`, `ephemeralContainers`; Tekton `steps`, `sidecars` and
`stepTemplate`; Argo `container`), at any depth, so Pods, Jobs, CronJobs,
Deployments, Tasks, Pipelines with embedded task specs and Workflows are all
read the same way. Tekton `$(params.X)` takes the parameter's default, as
an `ARG` default does; `envFrom` and `valueFrom` make values unknown.
"""

from __future__ import annotations

from crlint.commands import shell
from crlint.discover.kinds import FileKind
from crlint.facts.expand import scan
from crlint.facts.findings import Edit, insertion_after
from crlint.facts.locations import Location
from crlint.facts.model import (
    Binding,
    Command,
    Container,
    Env,
    FileFacts,
    ImageRef,
    ImageRole,
    Literal,
    SetBy,
    Unknown,
    Word,
    display_text,
)
from crlint.frontends.base import Extraction, Frontend
from crlint.frontends.yaml_documents import read_documents
from crlint.frontends.yaml_nodes import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    field,
    last_line,
    mapping,
    node_location,
    same_yaml,
    scalar,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceFile
    from crlint.facts.model import Part, SetVariable
    from crlint.frontends.base import Context
    from crlint.frontends.yaml_nodes import Node

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers", "steps", "sidecars")
SINGLE_CONTAINERS = ("stepTemplate", "container")
MAX_DEPTH = 40


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    return read_documents(source, "`kubectl apply` rejects this file", _Reader(source))


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
        # Tekton steps start from the `stepTemplate`'s environment.
        template = field(entries, "stepTemplate")
        inherited = self.environment(mapping(template)) if template is not None else Env()
        for key, (_, value) in entries.items():
            if key in CONTAINER_LISTS and isinstance(value, SequenceNode):
                noun = "step" if key == "steps" else "container"
                for item in value.value:
                    if isinstance(item, MappingNode):
                        self.container(item, (noun, owner), params, inherited)
            elif key in SINGLE_CONTAINERS and isinstance(value, MappingNode):
                self.container(value, ("container", owner), params, Env())
            if key in ("spec", "template", "jobTemplate", "taskSpec", "pipelineSpec"):
                self.walk(value, owner, params, depth + 1)
            elif isinstance(value, SequenceNode) and key in ("tasks", "templates", "finally"):
                for item in value.value:
                    self.walk(item, owner, params, depth + 1)

    def container(
        self,
        node: MappingNode,
        kind: tuple[str, str],
        params: dict[str, str],
        inherited: Env,
    ) -> None:
        """One container; `kind` is what it is and whose: ("step", "Task `build`")."""
        entries = mapping(node)
        name = scalar(field(entries, "name"))
        noun, owner = kind
        where = f"{noun} {f'`{name}`' if name else '(unnamed)'} of {owner}"
        env = inherited.with_bindings({b.name: b for b in self.environment(entries)})
        image = entries.get("image")
        image_text = None
        if image is not None and isinstance(image[1], ScalarNode) and scalar(image[1]):
            written = self.index.located(image[1])
            # Kubernetes does not expand variables in `image:`; `${X}` there is
            # an envsubst template, unknown until rendered.
            parts = _with_params(scan(written.text), params)
            self.facts.images.append(
                ImageRef(written, parts, ImageRole.CONTAINER_IMAGE, where, env)
            )
            image_text = display_text(parts)
        runs = tuple(scalar(item) or "" for item in _items(field(entries, "command")))
        arguments = tuple(
            text if text is not None and "$(" not in text else None
            for text in (scalar(item) for item in _items(field(entries, "args")))
        )
        setter = self.env_setter(node, entries)
        self.facts.containers.append(
            Container(
                image_text,
                env,
                where,
                node_location(self.source.path, image[1] if image is not None else node),
                runs,
                arguments,
                "envFrom" in entries,
                setter,
            )
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
                from crlint.world.kaniko import is_kaniko_image

                if is_kaniko_image(scalar(image[1]) or ""):
                    entrypoint = "executor"
            command = Command(
                tuple(argv),
                (),
                env,
                where,
                location,
                entrypoint=entrypoint,
                image=image_text,
                set_variable=setter,
            )
            self.facts.commands.append(command)
        script = entries.get("script")
        if script is not None and isinstance(script[1], ScalarNode) and scalar(script[1]):
            located = self.index.located(script[1])
            commands = shell.parse(located).commands
            self.facts.commands.extend(
                command._replace(image=image_text, set_variable=setter)
                for command in shell.command_facts(located, commands, env, where)
            )

    def env_setter(self, node: MappingNode, entries: dict[str, tuple[Node, Node]]) -> SetVariable:
        """`set(name, value)` for a container: its `env:` entry, added or rewritten."""

        source = self.source  # not `self`: the reader holds this setter, a cycle

        def set_variable(name: str, value: str) -> tuple[Edit, ...] | None:
            import json  # only a fix needs it

            return _set_env(source, node, entries, name, json.dumps(value))

        return set_variable

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
                    name, value, node_location(self.source.path, item), SetBy.CONTAINER_ENV
                )
        return Env(bindings)


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _set_env(
    source: SourceFile,
    node: MappingNode,
    entries: dict[str, tuple[Node, Node]],
    name: str,
    quoted: str,
) -> tuple[Edit, ...] | None:
    """Edits giving a container `name: quoted` in its `env:`, as the file writes lists."""
    lines = source.text.split("\n")
    env = entries.get("env")
    if env is not None:
        items = env[1]
        if not isinstance(items, SequenceNode) or items.flow_style or not items.value:
            return None
        for item in items.value:
            fields = mapping(item)
            if scalar(field(fields, "name")) == name:
                value = field(fields, "value")
                if (
                    not isinstance(value, ScalarNode)
                    or value.start_mark.line != value.end_mark.line
                ):
                    return None
                start, end = value.start_mark, value.end_mark
                location = Location(
                    source.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1
                )
                return (Edit(location, source.text[start.index : end.index], quoted),)
        first = items.value[0]
        dash = lines[first.start_mark.line].rfind("-", 0, first.start_mark.column)
        if dash == -1:
            return None
        inner = " " * first.start_mark.column
        entry = f"{' ' * dash}- name: {name}\n{inner}value: {quoted}"
        return (insertion_after(lines, source.path, last_line(items), entry),)
    if node.flow_style or not entries:
        return None
    column = node.start_mark.column
    step = _list_indent(entries, lines, column)
    entry = (
        f"{' ' * column}env:\n{' ' * (column + step)}- name: {name}\n"
        f"{' ' * (column + step + 2)}value: {quoted}"
    )
    return (insertion_after(lines, source.path, last_line(node), entry),)


def _list_indent(entries: dict[str, tuple[Node, Node]], lines: list[str], column: int) -> int:
    """How far the container's own lists put their `-` past their key: 0 or 2."""
    for _, value in entries.values():
        if isinstance(value, SequenceNode) and not value.flow_style and value.value:
            first = value.value[0]
            dash = lines[first.start_mark.line].rfind("-", 0, first.start_mark.column)
            if dash != -1:
                return max(int(dash) - column, 0)
    return 2


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


FRONTEND = Frontend(FileKind.KUBERNETES, extract, same_yaml)
