"""GitLab CI configuration: the images each job names, with the variables in force.

This frontend reads one file as written: every job, hidden template and
`default:` that names an `image:` or `services:`, with global and job
`variables:` (and `inherit: variables:`) for expansion. Includes, `extends`
and `!reference` are resolved by the pipeline model, not here; an image
given by `!reference` is simply not reported.
"""

from __future__ import annotations

from crlint.expand import Dialect, scan, substitute
from crlint.facts import Binding, Env, FileFacts, ImageRef, ImageRole
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
    from crlint.frontends import Context
    from crlint.frontends.yamlnodes import Node
    from crlint.sources import SourceFile

# Top-level keys that are not jobs (GitLab CI/CD YAML syntax reference).
GLOBAL_KEYWORDS = frozenset(
    {
        "after_script",
        "before_script",
        "cache",
        "default",
        "image",
        "include",
        "services",
        "spec",
        "stages",
        "types",
        "variables",
        "workflow",
    }
)
# Keys that make a top-level mapping a job (or a job template) in a file
# whose name does not say it is GitLab CI.
JOB_SIGNS = ("script", "before_script", "after_script", "extends", "trigger")


def extract(source: SourceFile, context: Context) -> Extraction:
    documents = documents_or_error(source, "GitLab rejects the whole pipeline")
    if not isinstance(documents, list):
        return Extraction(findings=[documents])
    # A `spec:` header document may precede the configuration (`---`).
    tops = (mapping(d) for d in reversed(documents) if isinstance(d, MappingNode))
    entries = next((top for top in tops if "spec" not in top), None)
    if entries is None or not (context.named or looks_like_ci(entries)):
        return Extraction(skipped="not a GitLab CI configuration")
    reader = _Reader(source, context)
    reader.read(entries)
    return Extraction(facts=reader.facts, spans=lambda: _spans(documents))


def looks_like_ci(entries: dict[str, tuple[Node, Node]]) -> bool:
    """Whether a YAML mapping's entries have the shape of a GitLab CI configuration."""
    if any(key in entries for key in ("stages", "include", "workflow", "default")):
        return True
    return any(
        name not in GLOBAL_KEYWORDS and any(key in mapping(value) for key in JOB_SIGNS)
        for name, (_, value) in entries.items()
    )


def _spans(documents: list[Node]) -> list[tuple[int, int]]:
    return [span for document in documents for span in walk_entries(document)]


class _Reader:
    def __init__(self, source: SourceFile, context: Context) -> None:
        self.source = source
        self.index = SourceIndex(source.path, source.text)
        self.facts = FileFacts()
        self.ui_variables = {
            name: Binding(name, value, None, "configuration (`ci-variables`)")
            for name, value in context.ci_variables.items()
        }

    def read(self, entries: dict[str, tuple[Node, Node]]) -> None:
        global_variables = self.variables(entries.get("variables"), "global variables")
        global_env = Env(global_variables).with_bindings(self.ui_variables)
        for key in ("image", "services"):
            if key in entries:
                self.images(key, entries[key][1], global_env, "global configuration")
        default = entries.get("default")
        if default is not None:
            default_entries = mapping(default[1])
            for key in ("image", "services"):
                if key in default_entries:
                    self.images(key, default_entries[key][1], global_env, "`default:`")
        for name, (_, value) in entries.items():
            if name in GLOBAL_KEYWORDS or not isinstance(value, MappingNode):
                continue
            job = mapping(value)
            inherited = _inherited(global_variables, job.get("inherit"))
            own = self.variables(job.get("variables"), f"variables of `{name}`")
            env = Env(inherited).with_bindings(own).with_bindings(self.ui_variables)
            where = f"template `{name}`" if name.startswith(".") else f"job `{name}`"
            for key in ("image", "services"):
                if key in job:
                    self.images(key, job[key][1], env, where)

    def variables(self, entry: tuple[Node, Node] | None, origin: str) -> dict[str, Binding]:
        if entry is None:
            return {}
        bindings: dict[str, Binding] = {}
        for name, (key, node) in mapping(entry[1]).items():
            expand = True
            value: Node | None = node
            if isinstance(node, MappingNode):
                fields = mapping(node)
                expand = scalar(field(fields, "expand")) not in ("false", "False")
                value = field(fields, "value")
            text = scalar(value)
            location = node_location(self.source.path, key)
            bindings[name] = Binding(name, text, location, origin, expand)
        return bindings

    def images(self, key: str, node: Node, env: Env, where: str) -> None:
        if key == "image":
            self.image(_image_name(node), ImageRole.CI_IMAGE, env, where)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                self.image(_image_name(item), ImageRole.CI_SERVICE, env, where)

    def image(self, node: ScalarNode | None, role: ImageRole, env: Env, where: str) -> None:
        if node is None or scalar(node) is None or not str(node.value).strip():
            return
        written = self.index.located(node)
        parts = substitute(scan(written.text, Dialect.GITLAB), env, Dialect.GITLAB)
        self.facts.images.append(ImageRef(written, parts, role, where, env))


def _image_name(node: Node) -> ScalarNode | None:
    """The name of `image: x`, `image: {name: x}`, or a `services:` item."""
    if isinstance(node, ScalarNode):
        return node
    if isinstance(node, MappingNode):
        name = mapping(node).get("name")
        if name is not None and isinstance(name[1], ScalarNode):
            return name[1]
    return None


def _inherited(
    global_variables: dict[str, Binding], inherit: tuple[Node, Node] | None
) -> dict[str, Binding]:
    """Global variables a job inherits under `inherit: variables:`."""
    if inherit is None:
        return global_variables
    setting = mapping(inherit[1]).get("variables")
    if setting is None:
        return global_variables
    value = setting[1]
    if isinstance(value, SequenceNode):
        names = {scalar(item) for item in value.value}
        return {k: v for k, v in global_variables.items() if k in names}
    if scalar(value) in ("false", "False"):
        return {}
    return global_variables
