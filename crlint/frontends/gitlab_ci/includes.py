"""`include:` resolved as GitLab resolves it, for the files that can be read offline.

GitLab merges every included file into the configuration before anything
else happens (`extends`, `!reference`, `default:`), whatever the position of
`include:`: included files first, in order, each after its own includes,
and the including file last, so its keys win (a deep merge). Local files are
read from the repository; `project:` files from a directory the
configuration maps the project to; this project's own components from its
`templates/`; everything else (`remote`, `template`, other components,
unmapped projects, paths built from variables) is reported once as CR002
and left out, and the pipeline is then known to be incomplete. A file with
a `spec: inputs:` header is read with the entry's `inputs:`
(`crlint.frontends.gitlab_ci.inputs`), once for each set of inputs.
"""

from __future__ import annotations

import os
import re

from crlint.discover.kinds import FileKind
from crlint.discover.sources import SourceFile, Unreadable, inside
from crlint.facts.engine_rules import INVALID_PIPELINE, UNRESOLVED_INCLUDE
from crlint.facts.record import Record
from crlint.frontends.gitlab_ci.values import (
    Map,
    Origin,
    Scalar,
    convert,
    deep_merge,
    location_of,
    strings,
    text,
)
from crlint.frontends.yaml_nodes import MappingNode, documents_or_error, mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from crlint.discover.sources import SourceCache
    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location
    from crlint.facts.model import Project
    from crlint.frontends.gitlab_ci.inputs import InputValue
    from crlint.frontends.gitlab_ci.values import Value
    from crlint.frontends.yaml_nodes import Node

# GitLab's default limit on included files, nested ones counted.
MAX_INCLUDES = 150
_YAML_SUFFIXES = (".yml", ".yaml")
_UNREADABLE_KINDS = ("remote", "template", "component")


class Include(Record):
    """One `include:` entry and what became of it."""

    kind: str
    """local, project, remote, template or component."""
    target: str
    """What it names, as written: a path, `group/project:file`, a URL."""
    location: Location
    path: str | None
    """The file read for it, if one was."""
    status: str
    """read, unresolved (cannot be read offline), missing, cycle or invalid."""


class Loaded:
    """A CI file with everything it includes merged in."""

    __slots__ = ("config", "findings", "includes", "notes", "sources", "unresolved", "unseen")

    def __init__(self) -> None:
        self.config = Map()
        self.includes: list[Include] = []
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.sources: list[SourceFile] = []
        self.unresolved = False
        """True when some include could not be read: jobs and keys may be missing."""
        self.unseen: str | None = None
        """The first include not read that may set variables, for messages
        (`include: project` of `a/b:ci.yml`); GitLab's own templates set none
        that crlint reads."""


def config_document(documents: list[Node]) -> MappingNode | None:
    """The configuration document; a `spec:` header document may precede it."""
    for document in reversed(documents):
        if isinstance(document, MappingNode) and "spec" not in mapping(document):
            return document
    return None


def documents(source: SourceFile, files: SourceCache) -> list[Node]:
    """A CI file's YAML documents, composed once per run (none if it is invalid)."""
    composed = _composed(source, files)
    return composed if isinstance(composed, list) else []


_REJECTED = "GitLab rejects the whole pipeline"


def _composed(source: SourceFile, files: SourceCache, keep: bool = True) -> list[Node] | Finding:
    """The documents, composed once per run where `keep`; otherwise the
    caller's to let go. Values keep no node but those of what crlint does not
    read: the tree is kept for the spans of suppressions alone, and it is
    most of a large file's memory (a third of a 50,000-line file's run)."""
    if not keep:
        return documents_or_error(source, _REJECTED)
    return files.derived(source.real_path, "yaml", lambda: documents_or_error(source, _REJECTED))


_VARIANTS = "input-variants"


def input_variants(
    source: SourceFile, files: SourceCache
) -> list[tuple[dict[str, InputValue | None], str]]:
    """The other readings of a file whose `spec:` lists input `options`
    (`crlint.frontends.gitlab_ci.inputs.variants`), noted when it was parsed:
    none for a file without a header, which is not composed again to say so."""
    return files.derived(source.real_path, _VARIANTS, list)


def parsed(
    source: SourceFile, files: SourceCache, given: dict[str, InputValue | None] | None = None
) -> Map | Finding:
    """A CI file's configuration as values (converted once per run and set of
    inputs), or its CR001. `given`: the inputs an `include:` gives it; without,
    a file that declares inputs is read with their defaults."""
    kind = "gitlab-ci" if given is None else "gitlab-ci:" + _inputs_key(given)
    return files.derived(source.real_path, kind, lambda: _converted(source, files, given))


def _converted(
    source: SourceFile, files: SourceCache, given: dict[str, InputValue | None] | None
) -> Map | Finding:
    keep = source.may_suppress
    composed = _composed(source, files, keep=keep)
    if not isinstance(composed, list):
        return composed
    document = config_document(composed)
    inputs = None
    if len(composed) > 1:  # a `spec:` header
        from crlint.frontends.gitlab_ci.inputs import interpolation, variants

        inputs = interpolation(composed, given)
        found = variants(composed)
        files.derived(source.real_path, _VARIANTS, lambda: found)
    del composed  # a tree not kept is then held by the converter alone, which lets it go
    origin = Origin(source, inputs)
    value = convert(document, origin, owned=not keep) if document is not None else Map()
    return value if isinstance(value, Map) else Map()


class IncludeResolver:
    """Reads a file's includes, recursively, and merges them under it."""

    def __init__(
        self,
        files: SourceCache,
        root: str,
        root_known: bool,
        projects: dict[str, str] | None = None,
        project: Callable[[], Project] | None = None,
        *,
        certain: bool = True,
    ) -> None:
        self.files = files
        self.root = root
        self.root_known = root_known
        """False when no repository was found: a missing file may just not be here."""
        self.certain = certain
        """False when only its content said the file is GitLab CI: test data or an
        example, whose local includes may name another repository's files."""
        self.projects = projects or {}
        self.project = project
        self.loaded = Loaded()
        self.seen: set[str] = set()
        self.cycles: set[Location] = set()
        """Include entries already reported as closing a cycle."""
        self._names: dict[str, str] = {}
        self._counted = 0
        """Files included, read or not, towards GitLab's limit (not the entries
        refused: a cycle, a missing file)."""
        self._over_limit = False

    def load(self, source: SourceFile, config: Map) -> Loaded:
        self.seen.add(source.canonical)
        self.loaded.sources.append(source)
        self.loaded.config = self._merged(config, (source.canonical,), self.root)
        return self.loaded

    def _merged(self, config: Map, chain: tuple[str, ...], base: str) -> Map:
        """`config` with its includes merged under it (theirs first, its own keys last)."""
        if "include" not in config:
            return config
        merged = Map()
        for item in _items(config["include"]):
            for included in self._read(item, chain, base):
                merged = deep_merge(merged, included)
        return deep_merge(merged, config.without("include"))

    def _read(self, item: Value, chain: tuple[str, ...], base: str) -> Iterator[Map]:
        """The configurations one include entry brings in."""
        if isinstance(item, Scalar):
            target = item.value or ""
            kind = "remote" if target.startswith(("http://", "https://")) else "local"
            yield from self._kind(
                kind=kind, target=target, written=item, entry=None, chain=chain, base=base
            )
            return
        if not isinstance(item, Map):
            return
        for kind in ("local", "project", "remote", "template", "component"):
            if kind in item:
                yield from self._kind(
                    kind=kind,
                    target=text(item[kind]) or "",
                    written=item[kind],
                    entry=item,
                    chain=chain,
                    base=base,
                )
                return

    def _kind(
        self,
        *,
        kind: str,
        target: str,
        written: Value,
        entry: Map | None,
        chain: tuple[str, ...],
        base: str,
    ) -> Iterator[Map]:
        location = location_of(written)
        if location is None:
            return
        if self._counted >= MAX_INCLUDES:
            self._too_many(location)
            return
        if kind == "template":
            # GitLab's own templates, fixed and public: nothing in them is the
            # user's to fix, and none sets a variable crlint's checks read.
            self._not_read(kind, target, location, "GitLab's own template", variables=False)
            return
        given = _given(entry)
        if kind == "component" and self._own_component(target):
            path = self._component_file(target)
            if path is None:
                self._not_read(kind, target, location, "a component of this project")
                return
            yield from self._file(
                path, target, location, chain, kind=kind, base=self.root, given=given
            )
            return
        if kind in _UNREADABLE_KINDS:
            self._unresolved(kind, target, location, f"`include: {kind}` is read over the network")
            return
        if kind == "project":
            files = strings(entry.get("file") if entry is not None else None)
            directory = self._project_directory(target.strip("/"))
            if directory is None:
                shown = f"{target}:{', '.join(files)}" if files else target
                self._unresolved(
                    kind,
                    shown,
                    location,
                    "files of another project are not in this repository; map the project "
                    "to a local copy with `include-projects` in the configuration",
                )
                return
            for file in files:
                yield from self._local(
                    file, location, chain, directory, kind, label=f"{target}:{file}", given=given
                )
            return
        yield from self._local(target, location, chain, base, kind, given=given)

    def _local(
        self,
        target: str,
        location: Location,
        chain: tuple[str, ...],
        base: str,
        kind: str,
        *,
        label: str | None = None,
        given: dict[str, InputValue | None] | None = None,
    ) -> Iterator[Map]:
        """Files at a path (or matching a wildcard) below `base`; `label` names it in
        messages, `given` are the entry's `inputs:`."""
        shown = label or target
        if "$" in target:
            self._unresolved(kind, shown, location, "its path is built from variables")
            return
        relative = target.lstrip("/")
        paths = self._glob(base, relative) if "*" in relative else [os.path.join(base, relative)]
        if paths is None:
            why = f"local include `{shown}` names files outside the repository"
            self._invalid(kind, shown, location, "outside", why)
            return
        for path in paths:
            yield from self._file(path, shown, location, chain, kind=kind, base=base, given=given)

    def _file(
        self,
        path: str,
        target: str,
        location: Location,
        chain: tuple[str, ...],
        *,
        kind: str,
        base: str,
        given: dict[str, InputValue | None] | None = None,
    ) -> Iterator[Map]:
        if self._counted >= MAX_INCLUDES:
            self._too_many(location)
            return
        if not path.endswith(_YAML_SUFFIXES):
            self._invalid(
                kind, target, location, "invalid", f"included file `{target}` is not `.yml`/`.yaml`"
            )
            return
        real = self.files.real(path)
        # A file included again with other inputs is other configuration.
        use = real if not given else f"{real}\0{_inputs_key(given)}"
        if use in self.seen:
            if real in chain and location not in self.cycles:
                # Only the cycle itself, once per include entry: every file of a
                # wildcard that includes itself is the same mistake, and other
                # CI files reaching the cycle report the very same finding.
                self.cycles.add(location)
                cycle = (*chain[chain.index(real) :], real)
                why = "include cycle: " + " → ".join(map(self._shown, cycle))
                self._invalid(kind, target, location, "cycle", why)
            return  # GitLab ignores a file included twice
        if not inside(real, base):
            # GitLab reads local includes from the repository only; whatever the
            # path or a symbolic link names out there is never read.
            why = f"local include `{target}` resolves outside the repository"
            self._invalid(kind, target, location, "outside", why)
            return
        source = self.files.get(real, FileKind.GITLAB_CI, base)
        if isinstance(source, Unreadable):
            if not os.path.exists(real):
                if not self.certain:
                    self._not_read(kind, target, location, "it is not in this repository")
                elif self.root_known:
                    self._invalid(
                        kind,
                        target,
                        location,
                        "missing",
                        f"local include `{target}` does not exist in the repository",
                    )
                else:
                    self._unresolved(
                        kind, target, location, "it is not here, and no repository root was found"
                    )
            else:
                self._unresolved(kind, target, location, source.reason)
            return
        self.seen.add(use)
        if source not in self.loaded.sources:
            self.loaded.sources.append(source)
        self.loaded.includes.append(Include(kind, target, location, source.path, "read"))
        self._counted += 1
        config = parsed(source, self.files, given)
        if not isinstance(config, Map):
            self.loaded.findings.append(config)
            self.loaded.unresolved = True
            return
        yield self._merged(config, (*chain, real), base)

    def _too_many(self, location: Location) -> None:
        """More files than GitLab includes in one pipeline ("Maximum of 150
        nested includes are allowed!"): said once, at the first include past
        the limit. The rest is not read, so the pipeline is incomplete."""
        if not self._over_limit:
            self._over_limit = True
            message = (
                f"more than {MAX_INCLUDES} files are included, nested ones counted (GitLab's "
                "limit, which a self-managed instance may raise); GitLab rejects the pipeline"
            )
            self.loaded.findings.append(INVALID_PIPELINE.at(location, message))
        self.loaded.unresolved = True

    def _shown(self, real: str) -> str:
        """A file read, as a cycle names it: relative to the repository."""
        known = self._names.get(real)
        if known is None:
            known = self._names[real] = os.path.relpath(real, self.root)
        return known

    def _glob(self, base: str, pattern: str) -> list[str] | None:
        """`_glob`, walked once per run: every file of a wildcard include that
        includes the same wildcard would walk the same tree again."""
        return self.files.derived(base, "glob:" + pattern, lambda: _glob(base, pattern))

    def _project_directory(self, path: str) -> str | None:
        """Where an `include: project:`'s files are: a configured copy, or this
        repository when it names the repository's own project."""
        configured = self.projects.get(path)
        if configured is not None:
            return configured
        own = self.project().path if self.project is not None and self.root_known else None
        return self.root if own is not None and own.lower() == path.lower() else None

    def _own_component(self, target: str) -> bool:
        """`$CI_SERVER_FQDN/group/project/name@ref` naming this project's own
        component (the project written out, or `$CI_PROJECT_PATH`)."""
        if not self.root_known:
            return False
        location, _, _ = target.partition("@")
        host, _, path = location.partition("/")
        project = path.rpartition("/")[0]
        hosts = {"$CI_SERVER_FQDN", "${CI_SERVER_FQDN}", "$CI_SERVER_HOST", "${CI_SERVER_HOST}"}
        if project in ("$CI_PROJECT_PATH", "${CI_PROJECT_PATH}"):
            return host in hosts
        own = self.project() if self.project is not None else None
        if own is None or own.path is None:
            return False
        if own.host is not None:
            hosts.add(own.host)
        return host.lower() in {h.lower() for h in hosts} and project.lower() == own.path.lower()

    def _component_file(self, target: str) -> str | None:
        """Where this project keeps the component `target` names:
        `templates/<name>.yml`, or `templates/<name>/template.yml`."""
        name = target.partition("@")[0].rpartition("/")[2]
        if not name or name in (".", ".."):
            return None
        for relative in (f"{name}.yml", f"{name}/template.yml"):
            path = os.path.join(self.root, "templates", relative)
            if os.path.isfile(path):
                return path
        return None

    def _unresolved(self, kind: str, target: str, location: Location, why: str) -> None:
        """An include left out that the user should know of: a CR002."""
        self._not_read(kind, target, location, why, noted=False)
        message = f"`include: {kind}` of `{target}` is not analysed: {why}"
        self.loaded.findings.append(UNRESOLVED_INCLUDE.at(location, message))

    def _not_read(
        self,
        kind: str,
        target: str,
        location: Location,
        why: str,
        *,
        variables: bool = True,
        noted: bool = True,
    ) -> None:
        """An include left out: the pipeline is incomplete, and (`noted`) a note
        for `--verbose` says why. `variables`: it may set variables for the jobs."""
        loaded = self.loaded
        loaded.unresolved = True
        loaded.includes.append(Include(kind, target, location, None, "unresolved"))
        self._counted += 1
        if variables and loaded.unseen is None:
            loaded.unseen = f"`include: {kind}` of `{target}`"
        if noted:
            loaded.notes.append(
                f"{location.path}:{location.line}:{location.column}: `include: {kind}` of "
                f"`{target}` not read: {why}"
            )

    def _invalid(self, kind: str, target: str, location: Location, status: str, why: str) -> None:
        self.loaded.includes.append(Include(kind, target, location, None, status))
        message = f"{why}; GitLab rejects the pipeline"
        self.loaded.findings.append(INVALID_PIPELINE.at(location, message))


def _given(entry: Map | None) -> dict[str, InputValue | None] | None:
    """An include entry's `inputs:`, each one crlint can read as text or a list."""
    inputs = entry.get("inputs") if entry is not None else None
    if not isinstance(inputs, Map):
        return None
    # (one crlint cannot read, a mapping, is given all the same: unknown, not its default)
    return {name: _given_value(value) for name, value in inputs.items()}


def _given_value(value: Value) -> InputValue | None:
    """An input's value as given: a scalar's text, a list of scalars' texts."""
    if isinstance(value, Scalar):
        return value.value
    if isinstance(value, list) and all(isinstance(item, Scalar) for item in value):
        return [item.value or "" for item in value if isinstance(item, Scalar)]
    return None


def _inputs_key(given: dict[str, InputValue | None]) -> str:
    import json  # (only for inputs)

    return json.dumps(given, sort_keys=True)


def _items(value: Value) -> list[Value]:
    return value if isinstance(value, list) else [value]


def _glob(base: str, pattern: str) -> list[str] | None:
    """Files below `base` matching a GitLab include wildcard (`*`, `**`), sorted;
    None when the pattern starts above `base`, out of the repository.

    `*` stays within one directory; `**` crosses directories. The walk
    starts at the pattern's literal directory, never above it.
    """
    from crlint.facts.wildcards import Token, Wild, translate  # only for wildcards

    tokens: list[Token] = []
    for piece in re.split(r"(\*\*+|\*)", pattern):
        if piece.startswith("*"):
            tokens.append(Wild.CROSS if len(piece) > 1 else Wild.STAR)
        else:
            tokens.extend(re.escape(char) for char in piece)
    regex = re.compile(translate(tokens), re.DOTALL)
    literal = pattern.split("*", 1)[0]
    start = os.path.join(base, os.path.dirname(literal))
    if not inside(os.path.realpath(start), base):
        return None
    found: list[str] = []
    for directory, subdirectories, names in os.walk(start):
        subdirectories[:] = sorted(d for d in subdirectories if d != ".git")
        for name in names:
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if regex.fullmatch(relative):
                found.append(path)
    return sorted(found)
