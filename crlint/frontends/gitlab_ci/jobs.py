"""Each job as GitLab's runner will run it: `extends`, `!reference`, `default:`, variables.

Order matters and is GitLab's (domain notes §3.1): includes are already
merged; then `extends` (a reverse deep merge, parents first, the last parent
winning over earlier ones, the job over all); then `!reference` on the
result; then `default:` keywords copied into jobs that lack them, unless
`inherit: default:` says otherwise; then variables, global ones under
`inherit: variables:`, job ones over them, and those the configuration says
are set in the GitLab UI over both.

While the pipeline is incomplete (an include could not be read), a job or
key that cannot be found may live in the unread file, so nothing is reported
about it.
"""

from __future__ import annotations

from itertools import product

from crlint.facts.engine_rules import INVALID_PIPELINE
from crlint.facts.model import Binding, Env, SetBy
from crlint.frontends.gitlab_ci.keywords import DEFAULT_KEYWORDS, GLOBAL_KEYWORDS, SCRIPT_KEYS
from crlint.frontends.gitlab_ci.values import (
    Map,
    Raw,
    Reference,
    Scalar,
    deep_merge,
    is_false,
    location_of,
    strings,
    text,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location
    from crlint.facts.model import Command, SafeRefs
    from crlint.frontends.gitlab_ci.values import Key, Value

# `Extendable::Entry::MAX_NESTING_LEVELS`, and the documented `!reference` depth.
MAX_EXTENDS_DEPTH = 10
MAX_REFERENCE_DEPTH = 10
# The jobs one `parallel:matrix` may make.
MAX_MATRIX_JOBS = 200
# Tuples, not `A | B`: `isinstance` with a union builds it on every call,
# three times the cost, and these run for every value of every job.
_COLLECTION = (Map, list)
_UNRESOLVED = (Reference, Map, list, Raw)
"""Values that may hold a `!reference` (or be one) still to resolve."""
_UNSEEN = object()


class ImageUse:
    """An `image:` or a `services:` entry of a job: the name as written."""

    __slots__ = ("entrypoint", "name")

    def __init__(self, name: Scalar, entrypoint: list[str] | None) -> None:
        self.name = name
        self.entrypoint = entrypoint


class Job:
    """One job after every merge, with the variables in force and its script lines."""

    __slots__ = (
        "commands",
        "env",
        "hidden",
        "image",
        "key",
        "matrix",
        "name",
        "own",
        "refs",
        "scripts",
        "services",
        "variables",
        "variant",
    )

    def __init__(self, name: str, key: Key) -> None:
        self.name = name
        self.key = key
        self.hidden = name.startswith(".")
        self.image: ImageUse | None = None
        self.services: list[ImageUse] = []
        self.variables: dict[str, Binding] = {}
        self.env = Env()
        self.scripts: dict[str, list[Scalar]] = {key: [] for key in SCRIPT_KEYS}
        """Script lines by section, nested lists flattened as GitLab flattens them."""
        self.commands: list[Command] = []
        """Filled in by `crlint.frontends.gitlab_ci.scripts`."""
        self.own = Map()
        """The job's entries as written in its own mapping, before `extends`."""
        self.refs: SafeRefs | None = None
        """What its `rules:`/`only:` (and `workflow:rules`) say about the ref."""
        self.matrix: list[tuple[tuple[str, Scalar], ...]] = []
        """Its `parallel:matrix` combinations, each the variables it sets."""
        self.variant = ""
        """The input its file was read with, when not every input is at its
        default: " with `tag: v2`" (`crlint.frontends.gitlab_ci.inputs`)."""

    def instance(self, values: tuple[tuple[str, Scalar], ...], ui: Mapping[str, Binding]) -> Job:
        """The job of one matrix combination: its values known, what the GitLab
        UI sets still over them."""
        shown = ", ".join(value.value or "" for _, value in values)
        job = Job(f"{self.name}: [{shown}]", self.key)
        job.image, job.services, job.scripts = self.image, self.services, self.scripts
        job.own, job.refs = self.own, self.refs
        variables = dict(self.variables)
        for name, value in values:
            variables[name] = Binding(name, value.value, value, SetBy.MATRIX, written=value.located)
        variables.update(ui)
        job.variables = variables
        job.env = Env(variables, self.env.unseen)
        return job

    @property
    def location(self) -> Location:
        return self.key.location()

    @property
    def label(self) -> str:
        kind = "template" if self.hidden else "job"
        return f"{kind} `{self.name}`{self.variant}"


class JobResolver:
    """Builds jobs from a merged configuration; findings are GitLab's rejections."""

    def __init__(
        self,
        config: Map,
        incomplete: bool,
        ui_variables: Mapping[str, str] | None = None,
        *,
        unseen: str | None = None,
        parents_unseen: str | None = None,
    ) -> None:
        self.config = config
        self.incomplete = incomplete
        self.unseen = unseen
        """An include not read that may set variables for every job, for messages."""
        self.parents_unseen = parents_unseen
        """Where a job named by `extends` or `!reference` but not defined here may
        be defined, setting variables (None: nowhere that sets any, such as
        GitLab's own templates)."""
        self._partial: dict[str, str] = {}
        """Jobs whose `extends` chain names a job out of sight: where it may be."""
        self._missed: str | None = None
        """A `!reference` of the job being built named a job out of sight: where it may be."""
        self._resolved: dict[tuple[int, int], Value | None] = {}
        """Lists and mappings resolved for the job being built, by identity and depth."""
        self._following: list[tuple[str, ...]] = []
        """The `!reference` paths being resolved, outermost first: one met again is a cycle."""
        self.findings: list[Finding] = []
        self._reported: set[tuple[Location, str]] = set()
        self._expanded: dict[str, Map] = {}
        self.used: set[str] = set()
        """Jobs reached through `extends` or `!reference` from another job."""
        self.ui = {
            name: Binding(name, value, None, SetBy.CONFIGURATION)
            for name, value in (ui_variables or {}).items()
        }
        self.global_variables = self._bindings(config.get("variables"), SetBy.GLOBAL_VARIABLES)
        workflow = self.resolve(config.get("workflow"))
        self.workflow = workflow
        if isinstance(workflow, Map):
            self.global_variables.update(
                _variable_sets(workflow.get("rules"), SetBy.WORKFLOW_RULES)
            )
        self.defaults = self._defaults()

    def job_names(self) -> list[str]:
        return [
            name
            for name, value in self.config.items()
            if name not in GLOBAL_KEYWORDS and isinstance(value, Map)
        ]

    def build(self, name: str) -> Job:
        self._missed = None
        self._resolved.clear()  # what a job misses (`_missed`) is the job's own
        config = self.expanded(name, ())
        job = Job(name, self.config.keys_at[name])
        own = self.config.get(name)
        if isinstance(own, Map):
            job.own = own
        inherit = self.resolve(config.get("inherit"))
        inherit_map = inherit if isinstance(inherit, Map) else Map()
        wanted = _inherits(inherit_map.get("default"))
        for keyword in DEFAULT_KEYWORDS:
            if keyword not in config and keyword in self.defaults and wanted(keyword):
                config = _with(config, keyword, self.defaults[keyword], self.defaults)
        rules, only = self.resolve(config.get("rules")), self.resolve(config.get("only"))
        if rules is not None or only is not None or isinstance(self.workflow, Map):
            # (Conditions only where some are written: a file of templates has none.)
            from crlint.frontends.gitlab_ci.refs import safe_refs

            job.refs = safe_refs(rules, only, self.workflow)
        image = image_uses("image", self.resolve(config.get("image")))
        job.image = image[0] if image else None
        job.services = image_uses("services", self.resolve(config.get("services")))
        for section in SCRIPT_KEYS:
            lines, too_deep = _flatten(self.resolve(config.get(section)), 0)
            job.scripts[section] = lines
            if too_deep and not job.hidden and not self.incomplete:
                self._report(
                    config.keys_at.get(section),
                    f"`{section}` of `{name}` nests lists more than "
                    f"{MAX_REFERENCE_DEPTH} levels deep",
                )
        if not job.hidden and not self.incomplete:
            self._check_runs(name, job, config)
        inherit_variables = _inherits(inherit_map.get("variables"))
        if inherit_variables.names is None:
            variables = dict(self.global_variables)
        else:
            variables = {
                name: binding
                for name, binding in self.global_variables.items()
                if inherit_variables(name)
            }
        variables.update(self._bindings(config.get("variables"), SetBy.JOB_VARIABLES))
        variables.update(_variable_sets(rules, SetBy.RULES))
        parallel = self.resolve(config.get("parallel"))
        if isinstance(parallel, Map):
            matrix = self.resolve(parallel.get("matrix"))
            variables.update(_variable_sets(matrix, SetBy.MATRIX, key=None))
            job.matrix = self._combinations(name, job, matrix, config)
        variables.update(self.ui)
        job.variables = variables
        job.env = Env(variables, self.unseen or self._partial.get(name) or self._missed)
        return job

    def instances(self, job: Job) -> list[Job]:
        """The jobs GitLab makes of one: one per `parallel:matrix` combination,
        each named as GitLab names it (`build: [amd64, alpine]`) and with the
        matrix's values known; the job itself where there is no matrix, or
        one crlint cannot read whole (its variables are then unknown)."""
        if not job.matrix:
            return [job]
        return [job.instance(combination, self.ui) for combination in job.matrix]

    def _combinations(
        self, name: str, job: Job, matrix: Value | None, config: Map
    ) -> list[tuple[tuple[str, Scalar], ...]]:
        """Every combination of a matrix's values, entry by entry, in GitLab's
        order; none when a value is not plain text, or past GitLab's limit of
        `MAX_MATRIX_JOBS` (a rejection of the pipeline)."""
        if not isinstance(matrix, list):
            return []
        entries: list[list[tuple[str, list[Scalar]]]] = []
        count = 0
        for entry in matrix:
            if not isinstance(entry, Map) or not entry:
                return []
            choices: list[tuple[str, list[Scalar]]] = []
            size = 1
            for variable, value in entry.items():
                written = value if isinstance(value, list) else [value]
                values = [v for v in written if isinstance(v, Scalar) and v.value is not None]
                if not values or len(values) < len(written):
                    return []  # a mapping, a `!reference` to nothing: unknown
                choices.append((variable, values))
                size *= len(values)
            entries.append(choices)
            count += size
            if count > MAX_MATRIX_JOBS:
                if not job.hidden and not self.incomplete:
                    self._report(
                        config.keys_at.get("parallel", job.key),
                        f"`parallel:matrix` of `{name}` makes more than {MAX_MATRIX_JOBS} jobs",
                    )
                return []
        combinations: list[tuple[tuple[str, Scalar], ...]] = []
        for choices in entries:
            names = [variable for variable, _ in choices]
            for picked in product(*(values for _, values in choices)):
                combinations.append(tuple(zip(names, picked, strict=True)))
        return combinations

    def _check_runs(self, name: str, job: Job, config: Map) -> None:
        """A job GitLab would not accept as one: nothing to run, or a blank `script`.

        GitLab takes a visible mapping for a job when it has `script:` or
        `run:`, for a trigger job when it has `trigger:`; anything else is
        rejected ("config should implement the script:, run:, or trigger:
        keyword"), and a `script:` with no line is blank. Only once every
        include was read: a job of the same name in an unread file may bring
        the script.
        """
        if "trigger" in config or "run" in config:
            return
        if "script" not in config:
            self._report(
                job.key,
                f"job `{name}` has nothing to run: no `script:`, `run:` or `trigger:`",
            )
            return
        written = config.get("script")  # as written: a `!reference` to nothing is its own finding
        if written == [] or (isinstance(written, Scalar) and not (written.value or "").strip()):
            self._report(config.keys_at.get("script", job.key), f"`script` of `{name}` is blank")

    # -- extends ----------------------------------------------------------

    def expanded(self, name: str, chain: tuple[str, ...]) -> Map:
        """A job's configuration with its `extends` parents merged under it."""
        known = self._expanded.get(name)
        if known is not None:
            return known
        own = self.config.get(name)
        if not isinstance(own, Map):
            return Map()
        parents = own.get("extends")
        if parents is None:
            return own
        result = Map()
        chain = (*chain, name)
        for parent in strings(parents):
            where = parents if isinstance(parents, Scalar) else _scalar_named(parents, parent)
            if parent in chain:
                cycle = " → ".join((*chain[chain.index(parent) :], parent))
                self._report(where, f"`extends` cycle: {cycle}")
                continue
            if len(chain) > MAX_EXTENDS_DEPTH:
                self._report(
                    where,
                    f"`extends` is nested more than {MAX_EXTENDS_DEPTH} levels deep "
                    f"({' → '.join(chain)} → …)",
                )
                continue
            target = self.config.get(parent)
            if not isinstance(target, Map) or parent in GLOBAL_KEYWORDS:
                if not self.incomplete:
                    self._report(where, f"`{name}` extends `{parent}`, which is not defined")
                elif self.parents_unseen is not None:  # it may be defined out of sight
                    self._partial.setdefault(name, f"`{parent}`, defined in {self.parents_unseen},")
                continue
            self.used.add(parent)
            result = deep_merge(result, self.expanded(parent, chain))
            if parent in self._partial:
                self._partial.setdefault(name, self._partial[parent])
        result = deep_merge(result, own.without("extends"))
        self._expanded[name] = result
        return result

    # -- !reference ---------------------------------------------------------

    def resolve(self, value: Value | None, depth: int = 0) -> Value | None:
        """A value with every `!reference` in it replaced by what it names.

        A value reached twice (an anchor aliased again and again, a template
        that `!reference`s name ten times) is resolved once: the result shares
        it, so an alias bomb stays as small as its YAML.
        """
        if value is None or value.__class__ is Scalar:
            return value  # most values: nothing to resolve
        if isinstance(value, _COLLECTION):
            key = (id(value), depth)
            found = self._resolved.get(key, _UNSEEN)
            if found is _UNSEEN:
                found = self._resolved[key] = self._resolve(value, depth)
            return found  # type: ignore[return-value]
        return self._resolve(value, depth)

    def _resolve(self, value: Value | None, depth: int) -> Value | None:
        if isinstance(value, Raw):
            value = value.value()
        if isinstance(value, Reference):
            following = self._following
            if value.path in following:
                cycle = [*following[following.index(value.path) :], value.path]
                shown = " → ".join("[" + ", ".join(path) + "]" for path in cycle)
                self._report(value, f"`{value.display()}` is part of a circular chain: {shown}")
                return None
            if depth >= MAX_REFERENCE_DEPTH:
                self._report(
                    value, f"`{value.display()}` is nested more than {MAX_REFERENCE_DEPTH} deep"
                )
                return None
            following.append(value.path)
            try:
                return self.resolve(self._target(value), depth + 1)
            finally:
                following.pop()
        if isinstance(value, Map):
            for item in value.values():
                if isinstance(item, _UNRESOLVED):
                    break
            else:
                return value
            resolved = Map()
            for name, item in value.items():
                found = self.resolve(item, depth)
                if found is not None:
                    resolved.put(name, found, value.keys_at[name])
            return resolved
        if isinstance(value, list):
            for item in value:
                if isinstance(item, _UNRESOLVED):
                    break
            else:
                return value
            return [item for item in (self.resolve(v, depth) for v in value) if item is not None]
        return value

    def _target(self, reference: Reference) -> Value | None:
        if not reference.path:
            self._report(reference, "`!reference` needs a list: `!reference [job, keyword]`")
            return None
        first, *rest = reference.path
        if first not in self.config:
            if not self.incomplete:
                self._report(reference, f"`{reference.display()}`: `{first}` is not defined")
            elif self.parents_unseen is not None and self._missed is None:
                self._missed = f"`{first}`, defined in {self.parents_unseen},"
            return None
        self.used.add(first)
        current: Value | None = self.config[first]
        if isinstance(current, Map) and first not in GLOBAL_KEYWORDS:
            current = self.expanded(first, ())
        for depth, key in enumerate(rest):
            if isinstance(current, Raw):
                current = current.value()
            if not isinstance(current, Map) or key not in current:
                if not self.incomplete:
                    at = " → ".join(reference.path[: depth + 1])
                    self._report(reference, f"`{reference.display()}`: `{at}` has no `{key}`")
                return None
            current = current[key]
        return current

    # -- defaults and variables -------------------------------------------

    def _defaults(self) -> Map:
        defaults = Map()
        for keyword in DEFAULT_KEYWORDS:  # deprecated top-level forms
            if keyword in self.config:
                defaults.put(keyword, self.config[keyword], self.config.keys_at[keyword])
        default = self.resolve(self.config.get("default"))
        if isinstance(default, Map):
            for keyword, value in default.items():
                defaults.put(keyword, value, default.keys_at[keyword])
        return defaults

    def _bindings(self, value: Value | None, origin: SetBy) -> dict[str, Binding]:
        value = self.resolve(value)
        if not isinstance(value, Map):
            return {}
        bindings: dict[str, Binding] = {}
        for name, item in value.items():
            expand = True
            setting: Value | None = item
            if isinstance(item, Map):
                expand = not is_false(item.get("expand"))
                setting = item.get("value")
            written = text(setting) or None  # an empty one is a slot others fill in
            located = setting.located if isinstance(setting, Scalar) else None
            key = value.keys_at[name]
            bindings[name] = Binding(name, written, key, origin, expand, None, located)
        return bindings

    def _report(self, where: Value | Key | None, message: str) -> None:
        location = location_of(where)
        if location is None or (location, message) in self._reported:
            return
        self._reported.add((location, message))
        self.findings.append(
            INVALID_PIPELINE.at(location, f"{message}; GitLab rejects the pipeline")
        )


def _variable_sets(
    entries: Value | None, origin: SetBy, key: str | None = "variables"
) -> dict[str, Binding]:
    """Variables that `rules:` or `parallel:matrix` may set: their values are unknown.

    Whether a rule matches, and which matrix instance runs, is decided at
    pipeline time; crlint never picks one. A rule holds its variables under
    `key`; a matrix entry (`key` None) is the variables themselves.
    """
    unknown: dict[str, Binding] = {}
    for entry in entries if isinstance(entries, list) else []:
        settings = entry if key is None else entry.get(key) if isinstance(entry, Map) else None
        if isinstance(settings, Map):
            for name in settings:
                unknown[name] = Binding(name, None, settings.keys_at[name], origin)
    return unknown


def _with(config: Map, keyword: str, value: Value, source: Map) -> Map:
    copy = config.without()
    copy.put(keyword, value, source.keys_at[keyword])
    return copy


def _inherits(setting: Value | None) -> _Inherit:
    """`inherit: default:`/`variables:` as a test of one name."""
    if isinstance(setting, list):
        return _Inherit(frozenset(item.value for item in setting if isinstance(item, Scalar)))
    return _Inherit(None if not is_false(setting) else frozenset())


class _Inherit:
    __slots__ = ("names",)

    def __init__(self, names: frozenset[str | None] | None) -> None:
        self.names = names

    def __call__(self, name: str) -> bool:
        return self.names is None or name in self.names


def image_uses(keyword: str, value: Value | None) -> list[ImageUse]:
    """The images an `image:` or `services:` value names."""
    if keyword == "image":
        use = _image(value)
        return [use] if use is not None else []
    if isinstance(value, list):
        return [use for item in value if (use := _image(item)) is not None]
    return []


def _image(value: Value | None) -> ImageUse | None:
    """`image: x`, `image: {name: x, entrypoint: [...]}`, or a `services:` entry."""
    entrypoint: list[str] | None = None
    if isinstance(value, Map):
        point = value.get("entrypoint")
        if isinstance(point, list):
            entrypoint = [item.value or "" for item in point if isinstance(item, Scalar)]
        value = value.get("name")
    if isinstance(value, Scalar) and value.value and value.value.strip():
        return ImageUse(value, entrypoint)
    return None


MAX_SCRIPT_LINES = 10_000
"""Lines read of one `script:` section; more is an alias bomb, not a job."""


def _flatten(value: Value | None, depth: int) -> tuple[list[Scalar], bool]:
    """Script lines, as GitLab flattens nested lists (anchors, `!reference`);
    and whether some list is nested deeper than the ten levels GitLab accepts
    (its lines are left out).

    At most `MAX_SCRIPT_LINES`, in as many steps again: nested aliases can
    make a few YAML lines into a billion script lines.
    """
    if isinstance(value, list) and len(value) < MAX_SCRIPT_LINES and depth <= MAX_REFERENCE_DEPTH:
        flat = [line for line in value if isinstance(line, Scalar)]
        if len(flat) == len(value):  # most sections: lines, nothing nested
            return [line for line in flat if line.value is not None], False
    lines: list[Scalar] = []
    too_deep = False
    budget = 2 * MAX_SCRIPT_LINES
    # A stack, not a nested recursive function: one that calls itself
    # through its closure is a reference cycle, left for the collector.
    stack: list[tuple[Value | None, int]] = [(value, depth)]
    while stack and budget > 0 and len(lines) < MAX_SCRIPT_LINES:
        item, level = stack.pop()
        budget -= 1
        if isinstance(item, Scalar):
            if item.value is not None:
                lines.append(item)
        elif isinstance(item, list):
            if level <= MAX_REFERENCE_DEPTH:
                stack.extend((child, level + 1) for child in reversed(item))
            else:
                too_deep = True
    return lines, too_deep


def _scalar_named(items: Value, name: str) -> Value:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, Scalar) and item.value == name:
                return item
    return items
