"""Configuration: `[tool.crlint]` in `pyproject.toml`, or `.crlint.toml`.

The closest configuration above each linted file governs it (no merging, as
in ruff), and the search stops at the repository root, so a subproject can
carry its own settings and a config in a parent directory outside the
repository never leaks in. Command-line options are a layer on top of
whichever file applies. Unknown keys and bad values are errors: a typo in
`ignore` silently doing nothing is worse than a failed run.
"""

from __future__ import annotations

import os
from functools import cache

from crlint.discover.classify import DEFAULT_EXCLUDES
from crlint.engine.catalog import UnknownSelector
from crlint.facts.findings import Level
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from crlint.discover.gitignore import IgnoreList
    from crlint.engine.catalog import Catalog

CONFIG_NAMES = (".crlint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration or command-line value crlint cannot use (exit code 2)."""


class Layer(Record):
    """Rule selection from one source: a config file, or the command line."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


class Settings(Record):
    """What governs the files below one configuration file."""

    directory: str
    """The directory the configuration's patterns are relative to."""
    source: str | None
    """The configuration file, or None for built-in defaults."""
    enabled: frozenset[str]
    explicit: frozenset[str]
    """Rules selected by a `select`/`extend-select` of the configuration or the
    command line, not by default: a coverage rule reports results only then."""
    levels: Mapping[str, Level]
    exclude: tuple[tuple[str, tuple[str, ...]], ...]
    """Exclude patterns by base directory ("" for the defaults, which match anywhere)."""
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...]
    respect_gitignore: bool
    project_path: str | None
    registry: str | None
    ci_variables: Mapping[str, str]
    include_projects: Mapping[str, str] = {}
    """`include: project:` paths mapped to local directories holding their files."""
    kaniko_images: tuple[str, ...] = ()
    """Images (beyond the known ones) whose entrypoint is kaniko's executor."""

    def excludes(self) -> tuple[IgnoreList, ...]:
        return tuple(_compiled(base, patterns) for base, patterns in self.exclude)

    def ignored_rules(self, real_path: str) -> frozenset[str]:
        """Rules that `per-file-ignores` turn off for one file."""
        if not self.per_file_ignores:
            return frozenset()
        path = os.path.abspath(real_path).replace(os.sep, "/")
        base = self.directory.replace(os.sep, "/")
        ignored: set[str] = set()
        for pattern, rules in self.per_file_ignores:
            if _compiled(base, (pattern,)).match(path, is_dir=False):
                ignored |= rules
        return frozenset(ignored)


@cache
def _compiled(base: str, patterns: tuple[str, ...]) -> IgnoreList:
    """Patterns compiled once, and only when a run needs them."""
    from crlint.discover.gitignore import IgnoreList

    return IgnoreList.parse(base, list(patterns))


_KEYS = {
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "levels",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
    "project-path",
    "registry",
    "ci-variables",
    "include-projects",
    "kaniko-images",
}


def repository_root(directory: str, known: dict[str, str | None] | None = None) -> str | None:
    """The closest directory at or above `directory` that holds `.git`.

    With `known`, the answer is remembered there for every directory passed
    on the way up, so sibling directories (a Dockerfile in each) ask the
    file system about their own directory only.
    """
    if known is None:
        known = {}
    elif directory in known:
        return known[directory]
    walked = [directory]
    current = os.path.abspath(directory)
    found: str | None = None
    while True:
        if current in known:
            found = known[current]
            break
        walked.append(current)
        if os.path.exists(os.path.join(current, ".git")):
            found = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    known.update(dict.fromkeys(walked, found))
    return found


class Resolver:
    """Finds and caches the settings for each directory."""

    def __init__(self, catalog: Catalog, cli: Layer, config_file: str | None = None) -> None:
        self.catalog = catalog
        self.cli = cli
        self._validate(cli)
        self._cache: dict[str, Settings] = {}
        self._roots: dict[str, str | None] = {}
        self._forced = self._load(config_file) if config_file else None
        self._defaults: Settings | None = None

    def repository_root(self, directory: str) -> str | None:
        return repository_root(directory, self._roots)

    def for_directory(self, directory: str) -> Settings:
        if self._forced is not None:
            return self._forced
        directory = os.path.abspath(directory)
        cached = self._cache.get(directory)
        if cached is not None:
            return cached
        top = self.repository_root(directory)
        visited = []
        current = directory
        settings = None
        while True:
            cached = self._cache.get(current)
            if cached is not None:
                settings = cached
                break
            visited.append(current)
            found = _config_file_in(current)
            if found is not None:
                settings = self._load(found)
                break
            parent = os.path.dirname(current)
            if current in (top, parent):
                break
            current = parent
        if settings is None:
            settings = self.defaults()
        for path in visited:
            self._cache[path] = settings
        return settings

    def defaults(self) -> Settings:
        if self._defaults is None:
            self._defaults = self._build(os.getcwd(), None, {})
        return self._defaults

    def _load(self, path: str) -> Settings:
        table = _read_table(path)
        return self._build(os.path.dirname(os.path.abspath(path)), path, table)

    def _build(self, directory: str, source: str | None, table: Mapping[str, Any]) -> Settings:
        where = source or "the defaults"
        unknown = sorted(set(table) - _KEYS)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(f'`{k}`' for k in unknown)} in [tool.crlint]; "
                f"known keys: {', '.join(sorted(_KEYS))}"
            )
        file_layer = Layer(
            _strings(table, "select", where) if "select" in table else None,
            _strings(table, "extend-select", where),
            _strings(table, "ignore", where),
        )
        try:
            enabled = self._enabled((file_layer, self.cli))
            explicit = self._enabled((file_layer, self.cli), frozenset())
            levels = self._levels(table.get("levels", {}), where)
            per_file = self._per_file_ignores(table.get("per-file-ignores", {}), where)
        except UnknownSelector as error:
            raise ConfigError(f"{where}: {error}") from None
        base = directory.replace(os.sep, "/")
        exclude: list[tuple[str, tuple[str, ...]]] = []
        if "exclude" in table:
            exclude.append((base, _patterns(table, "exclude", where)))
        else:
            exclude.append(("", DEFAULT_EXCLUDES))
        exclude.append((base, _patterns(table, "extend-exclude", where)))
        respect = table.get("respect-gitignore", True)
        if not isinstance(respect, bool):
            raise ConfigError(f"{where}: `respect-gitignore` must be true or false")
        variables = table.get("ci-variables", {})
        if not isinstance(variables, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int | float | bool)
            for k, v in variables.items()
        ):
            raise ConfigError(f"{where}: `ci-variables` must be a table of names to strings")
        projects = table.get("include-projects", {})
        if not isinstance(projects, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in projects.items()
        ):
            raise ConfigError(
                f"{where}: `include-projects` must be a table of project paths to directories"
            )
        return Settings(
            directory=directory,
            source=source,
            enabled=enabled,
            explicit=explicit,
            levels=levels,
            exclude=tuple(exclude),
            per_file_ignores=per_file,
            respect_gitignore=respect,
            project_path=_optional_string(table, "project-path", where),
            registry=_optional_string(table, "registry", where),
            ci_variables={k: _toml_scalar(v) for k, v in variables.items()},
            include_projects={
                k.strip("/"): os.path.normpath(os.path.join(directory, v))
                for k, v in projects.items()
            },
            kaniko_images=_strings(table, "kaniko-images", where),
        )

    def _validate(self, cli: Layer) -> None:
        """Unknown `--select`/`--ignore` values are errors of the option, not of a file."""
        for option, values in (
            ("--select", cli.select or ()),
            ("--extend-select", cli.extend_select),
            ("--ignore", cli.ignore),
        ):
            for value in values:
                try:
                    self.catalog.select(value)
                except UnknownSelector as error:
                    raise ConfigError(f"{option}: {error}") from None

    def _enabled(
        self, layers: tuple[Layer, ...], defaults: frozenset[str] | None = None
    ) -> frozenset[str]:
        enabled = set(self.catalog.default_enabled() if defaults is None else defaults)
        for layer in layers:
            if layer.select is not None:
                enabled = set().union(*(self.catalog.select(s) for s in layer.select))
            for selector in layer.extend_select:
                enabled |= self.catalog.select(selector)
            for selector in layer.ignore:
                enabled -= self.catalog.select(selector)
        return frozenset(enabled)

    def _levels(self, table: object, where: str) -> dict[str, Level]:
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: `levels` must be a table of rule selectors to levels")
        levels: dict[str, Level] = {}
        for selector, value in table.items():
            try:
                level = Level(value)
            except ValueError:
                raise ConfigError(
                    f"{where}: level `{value}` for `{selector}` is not one of error, warning, note"
                ) from None
            for rule_id in self.catalog.select(selector):
                levels[rule_id] = level
        return levels

    def _per_file_ignores(
        self, table: object, where: str
    ) -> tuple[tuple[str, frozenset[str]], ...]:
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of globs to rule lists")
        entries = []
        for pattern, selectors in table.items():
            if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
                raise ConfigError(
                    f"{where}: `per-file-ignores` entry `{pattern}` must be a list of rules"
                )
            rules = frozenset().union(*(self.catalog.select(s) for s in selectors))
            _patterns({"per-file-ignores": [pattern]}, "per-file-ignores", where)
            entries.append((pattern, rules))
        return tuple(entries)


def _config_file_in(directory: str) -> str | None:
    for name in CONFIG_NAMES:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        if name == "pyproject.toml":
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    if "[tool.crlint" not in handle.read():
                        continue
            except OSError:
                continue
        return path
    return None


def _read_table(path: str) -> dict[str, Any]:
    import tomllib  # only when a configuration file exists: ~20 ms of imports

    from crlint.discover.sources import read_bytes

    data = read_bytes(path)  # a regular file of sane size only
    if not isinstance(data, bytes):
        raise ConfigError(f"{path}: {data.reason}")
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8, as TOML must be") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if os.path.basename(path) == "pyproject.toml":
        tool = document.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: `tool` must be a table ([tool.crlint] lives in it)")
        table = tool.get("crlint", {})
    else:
        table = document
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.crlint] must be a table")
    return table


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return tuple(value)


def _patterns(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Exclude patterns, each checked now: a bad one is the user's to mend."""
    patterns = _strings(table, key, where)
    if patterns:
        from crlint.discover.gitignore import PatternError, compile_pattern

        for pattern in patterns:
            try:
                compile_pattern(pattern)
            except PatternError as error:
                raise ConfigError(f"{where}: `{key}`: {error}") from None
    return patterns


def _optional_string(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: `{key}` must be a non-empty string")
    return value


def _toml_scalar(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
