"""One lint run: discover → frontends → facts → checks → findings.

This module wires the stages together and owns nothing about formats or
rules. The run is a sequence of units, checked one at a time: a pipeline
with the files it includes and the scripts its jobs run, or a file on its
own; a file another unit covers is not a unit of its own. That is what
lets `crlint.engine.parallel` lint shares of a large run apart and merge them
into the report one process gives. Each stage's failure stays local: a file that cannot be read is
skipped with a reason or becomes a CR001 finding, and a frontend or check
that raises is reported as an internal error for that file or check while
the rest of the run goes on.
"""

from __future__ import annotations

import os
import sys

from crlint.checks import builtin_checks
from crlint.discover.classify import (
    CONFIRMED_BY_CONTENT,
    Candidate,
    FileKind,
    kind_from_content,
    kind_from_name,
    kind_from_shebang,
    needs_sniff,
)
from crlint.discover.sources import (
    SourceCache,
    SourceFile,
    Unreadable,
    decode,
    display_path,
    inside,
    read_bytes,
    read_stream,
    stream_too_large,
)
from crlint.engine.catalog import Catalog
from crlint.engine.plugins import load as load_plugins
from crlint.engine.settings import Resolver
from crlint.facts.engine_rules import ENGINE_RULES, PARSE_ERROR
from crlint.facts.locations import Location
from crlint.facts.model import Facts
from crlint.facts.record import Record
from crlint.frontends import base as frontends

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from crlint.checks import Check
    from crlint.discover.walk import Walker
    from crlint.engine.settings import Layer, Settings
    from crlint.engine.suppressions import Suppressions
    from crlint.facts.findings import Finding
    from crlint.facts.model import Command, Project


class UsageError(Exception):
    """A request crlint cannot carry out (exit code 2)."""


class Request(Record):
    paths: tuple[str, ...]
    cli: Layer
    stdin_filename: str | None = None
    force_exclude: bool = False
    config_file: str | None = None


class Skipped(Record):
    path: str
    reason: str
    unanalysable: bool
    """True for files crlint should have read but could not (SARIF notifications)."""


class Outcome:
    """Everything a report needs from a run."""

    def __init__(self, catalog: Catalog, cwd: str) -> None:
        self.catalog = catalog
        self.cwd = cwd
        self.findings: list[Finding] = []
        self.sources: dict[str, SourceFile] = {}
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []
        self.errors: list[str] = []

    @property
    def successful(self) -> bool:
        return not self.errors


class _File(Record):
    source: SourceFile
    settings: Settings
    suppressions: Suppressions | None


# A unit's state: read and waiting for checks; covered by another unit when it
# was read (never extracted); covered when its checks were due (dropped);
# checked.
PENDING, COVERED, DROPPED, KEPT = "pending", "covered", "dropped", "kept"


class _Unit:
    """One analysis: a file on its own, with the files it includes and the scripts
    its jobs run. Checks see one unit's facts at a time, so units can be
    analysed apart (in parallel), and a unit whose file another unit covers
    is dropped whole."""

    __slots__ = ("claims", "extraction", "findings", "registered", "settings", "source", "state")

    def __init__(
        self,
        source: SourceFile,
        settings: Settings | None,
        extraction: frontends.Extraction | None,
        state: str = PENDING,
    ) -> None:
        self.source = source
        self.settings = settings
        self.extraction = extraction
        self.state = state
        self.findings: list[Finding] = []
        self.claims: set[str] = set()
        """Scripts its jobs ran: their own analyses are dropped."""
        self.registered: list[str] = []
        """Files findings of this unit may point into (shown paths)."""

    @property
    def includes(self) -> frozenset[str]:
        covers = self.extraction.covers if self.extraction is not None else frozenset()
        return covers - {self.source.canonical}


def catalog_with(checks: tuple[Check, ...]) -> Catalog:
    return Catalog([*ENGINE_RULES, *(rule for check in checks for rule in check.rules)])


def all_checks() -> tuple[Check, ...]:
    """Built-in checks, then plugins' (may raise PluginError)."""
    return builtin_checks() + load_plugins()


def lint(
    request: Request,
    checks: tuple[Check, ...] | None = None,
    stdin: bytes | None = None,
    jobs: int = 1,
) -> Outcome:
    """Lint the request's paths; with `jobs` > 1 (0: as many as the machine has,
    for large runs), in that many processes."""
    if checks is None:
        checks = all_checks()
    catalog = catalog_with(checks)
    cwd = os.getcwd()
    resolver = Resolver(catalog, request.cli, request.config_file)
    outcome = Outcome(catalog, cwd)
    runner = _Run(request, resolver, outcome, cwd, checks)
    candidates = _pipelines_first(runner.candidates())
    workers = 1 if stdin is not None or request.paths == ("-",) else worker_count(jobs, candidates)
    if workers > 1:
        from crlint.engine import parallel

        merged = parallel.lint(runner, candidates, workers)
        if merged is not None:
            return merged
    runner.run(candidates, stdin)
    return outcome


def repositories(paths: Sequence[str]) -> list[str]:
    """The directories a run may write in: the repository of each path linted
    (the directory holding `.git`), or the directory itself where there is none."""
    from crlint.engine.settings import repository_root

    found = []
    for path in paths:
        if path == "-":
            continue
        directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        found.append(os.path.realpath(repository_root(directory) or directory))
    return found


def worker_count(jobs: int, candidates: list[Candidate]) -> int:
    """How many processes to lint in: `jobs`, or for 0 (auto) one per CPU (at
    most 4) when the run is large enough to repay starting them."""
    if not hasattr(os, "fork"):  # Windows: one process
        return 1
    if jobs != 0:
        return jobs
    if len(candidates) < PARALLEL_FROM:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4, len(candidates) // (PARALLEL_FROM // 2)))


PARALLEL_FROM = 48
"""Files below which one process is faster than starting more (bench/run.py)."""


class _Run:
    def __init__(
        self,
        request: Request,
        resolver: Resolver,
        outcome: Outcome,
        cwd: str,
        checks: tuple[Check, ...],
    ) -> None:
        self.request = request
        self.checks = checks
        self.programs = _programs(checks)
        self.resolver = resolver
        self.outcome = outcome
        self.cwd = cwd
        self.files: dict[str, _File] = {}
        first = request.paths[0] if request.paths and request.paths[0] != "-" else cwd
        self.anchor = first if os.path.isdir(first) else os.path.dirname(os.path.abspath(first))
        self._project: Project | None = None
        self.kaniko_images = frozenset(resolver.for_directory(self.anchor).kaniko_images)
        """Images configured as kaniko's (`kaniko-images`), for the run."""
        self._walker: Walker | None = None
        self.files_read = SourceCache(cwd)
        self.units: list[_Unit] = []
        self.covered: set[str] = set()
        """Files analysed as part of another (an included CI file, a script a job runs)."""

    def project(self) -> Project:
        """The repository's own project, learnt once for the run."""
        if self._project is None:
            from crlint.discover.project import detect

            settings = self.resolver.for_directory(self.anchor)
            root = self.resolver.repository_root(self.anchor)
            self._project = detect(root, settings.project_path, settings.registry)
        return self._project

    def run(self, candidates: Iterable[Candidate], stdin: bytes | None) -> None:
        """Analyse and check every candidate; the outcome holds what is found."""
        for candidate in candidates:
            self.analyse(candidate, stdin)
        self.check_units()
        self.finish()

    @property
    def walker(self) -> Walker:
        if self._walker is None:
            from crlint.discover.walk import Walker

            resolver = self.resolver
            self._walker = Walker(
                lambda d: resolver.for_directory(d).excludes(),
                lambda d: resolver.for_directory(d).respect_gitignore,
                resolver.repository_root,
            )
        return self._walker

    def candidates(self) -> Iterator[Candidate]:
        seen: set[str] = set()
        for path in self.request.paths:
            if path == "-":
                yield Candidate("-", explicit=True)
                continue
            if not os.path.exists(path):
                raise UsageError(f"{path}: no such file or directory")
            found: Iterator[Candidate]
            if os.path.isdir(path):
                found = (Candidate(p, False, path) for p in self.walker.walk(path))
            elif self.request.force_exclude and self.walker.is_excluded(path):
                continue
            else:
                found = iter((Candidate(path, explicit=True),))
            for candidate in found:
                key = os.path.realpath(candidate.real_path)
                if key not in seen:
                    seen.add(key)
                    yield candidate

    def analyse(self, candidate: Candidate, stdin: bytes | None) -> None:
        loaded = self.load(candidate, stdin)
        if loaded is None:
            return
        source, named = loaded
        if source.canonical in self.covered:
            # already analysed, with more context, as part of another file
            self.units.append(_Unit(source, None, None, COVERED))
            return
        settings = self.resolver.for_directory(os.path.dirname(source.real_path))
        self.files_read.add(source)
        context = frontend_context(
            self.resolver,
            source,
            self.files_read,
            named,
            programs=self.programs,
            project=self.project,
        )
        try:
            extraction = frontends.extract(source, context)
        except Exception:  # a frontend bug must cost one file, not the run
            self.internal_error(f"while reading {source.path}")
            return
        self.outcome.notes.extend(extraction.notes)
        if extraction.skipped is not None:
            self.skip(source.path, extraction.skipped, unanalysable=False)
            return
        if not named and (failure := _parse_failure(extraction, source)) is not None:
            # Only the content said what the file is; one that does not parse as
            # that is most likely something else (an envsubst template, OpenBSD's
            # httpd.conf), not a broken file of that kind.
            problem = failure.message.split("; ")[0]  # not what it breaks: it may be no such file
            reason = f"read as {source.kind} from its content, but {problem}"
            self.skip(source.path, reason, unanalysable=candidate.explicit)
            return
        unit = _Unit(source, settings, extraction)
        self.covered |= unit.includes
        self.units.append(unit)

    def check_units(self) -> None:
        """Check each unit no other unit's analysis covered, in the run's order."""
        for unit in self.units:
            if unit.state != PENDING:
                continue
            if unit.source.canonical in self.covered:
                unit.state = DROPPED
                continue
            unit.state = KEPT
            extraction = unit.extraction
            assert extraction is not None and unit.settings is not None
            self.register(unit, unit.source, unit.settings, extraction.spans)
            self.register_related(unit, extraction.related)
            facts = Facts(self.project)
            facts.kaniko_images = self.kaniko_images
            facts.extend(extraction.facts)
            if extraction.later is not None:
                facts.defer(self.deferred(unit, extraction.later))
            unit.findings.extend(extraction.findings)
            self.check(unit, facts)

    def deferred(
        self, unit: _Unit, later: Callable[[], frontends.Later]
    ) -> Callable[[], list[Command]]:
        """A file's commands, when a check asks; scripts a pipeline ran are covered by then.

        Pipelines come first in the run's order, so by the time a script's
        own commands are asked for, a job that runs it has claimed it.
        """

        def commands() -> list[Command]:
            source = unit.source
            if source.canonical in self.covered:
                return []
            try:
                result = later()
            except Exception:  # as in `analyse`: one file, not the run
                self.internal_error(f"while reading the scripts of {source.path}")
                return []
            self.outcome.notes.extend(result.notes)
            for related, _ in result.related:
                self.covered.add(related.canonical)
                unit.claims.add(related.canonical)
            self.register_related(unit, result.related)
            return result.commands

        return commands

    def register_related(
        self,
        unit: _Unit,
        related: Sequence[tuple[SourceFile, Callable[[], Iterable[tuple[int, int]]]]],
    ) -> None:
        for other, spans in related:
            directory = os.path.dirname(other.real_path)
            self.register(unit, other, self.resolver.for_directory(directory), spans)

    def register(
        self,
        unit: _Unit,
        source: SourceFile,
        settings: Settings,
        spans: Callable[[], Iterable[tuple[int, int]]],
    ) -> None:
        """A file findings may point into: shown in reports, its suppressions read."""
        if source.path not in unit.registered:
            unit.registered.append(source.path)
        if source.path in self.files:
            return
        self.outcome.sources[source.path] = source
        marks = None
        if "crlint" in source.text:  # only then is the suppressions module needed
            from crlint.engine import suppressions

            marks = suppressions.parse(source, self.outcome.catalog, spans)
        self.files[source.path] = _File(source, settings, marks)

    def load(self, candidate: Candidate, stdin: bytes | None) -> tuple[SourceFile, bool] | None:
        """A candidate's text and kind, or None (skipped, or reported as CR001)."""
        if candidate.real_path == "-":
            return self.load_stdin(stdin)
        real_path = candidate.real_path
        path = display_path(real_path, self.cwd)
        name = os.path.basename(real_path)
        if candidate.walked is not None and not inside(
            os.path.realpath(real_path), self.boundary(candidate.walked)
        ):
            self.skip(path, "a link to a file outside the repository: not read", unanalysable=False)
            return None
        kind = kind_from_name(name)
        named = kind is not None
        if kind is None and not needs_sniff(name):
            if candidate.explicit:
                self.skip(path, "not a file kind crlint reads", unanalysable=False)
            return None
        data = read_bytes(real_path)
        if isinstance(data, Unreadable):
            self.skip(path, data.reason, unanalysable=True)
            return None
        if kind is None and "." not in name:
            kind = kind_from_shebang(data[:256])
            if kind is None:
                if candidate.explicit:
                    self.skip(path, "not a file kind crlint reads", unanalysable=False)
                return None
        text = decode(data)
        if isinstance(text, Unreadable):
            if text.is_error and named:
                source = self.textless_file(path, real_path, str(kind)).source
                self.outcome.sources[path] = source
                unit = _Unit(source, None, None, KEPT)
                unit.registered.append(path)
                unit.findings.append(
                    PARSE_ERROR.at(Location.point(path, text.line, text.column), text.reason)
                )
                self.units.append(unit)
            else:
                self.skip(
                    path, text.reason, unanalysable=text.is_error or (named and not text.empty)
                )
            return None
        if kind is None:
            kind = kind_from_content(name, text)
            if kind is None:
                if candidate.explicit:
                    self.skip(path, "not a file kind crlint reads", unanalysable=False)
                return None
        else:
            confirm = CONFIRMED_BY_CONTENT.get(kind)
            if confirm is not None and not confirm(text):
                self.skip(path, f"its name says {kind}, its content does not", unanalysable=False)
                return None
        return SourceFile(path, real_path, text, str(kind)), named

    def load_stdin(self, stdin: bytes | None) -> tuple[SourceFile, bool] | None:
        data = read_stream(sys.stdin.buffer) if stdin is None else stdin
        name = self.request.stdin_filename or "-"
        real_path = os.path.join(self.cwd, name) if name != "-" else os.path.join(self.cwd, "-")
        path = display_path(real_path, self.cwd) if name != "-" else "-"
        text = stream_too_large(data) or decode(data)
        if isinstance(text, Unreadable):  # what was piped in was meant to be read
            self.skip(path, text.reason, unanalysable=not text.empty)
            return None
        kind = kind_from_name(os.path.basename(name))
        named = kind is not None
        if kind is None:
            kind = kind_from_content(name if name.endswith(".json") else "stdin.yml", text)
        if kind is None:
            kind = _guess_plain_text(text)
        if kind is None:
            self.skip(path, "cannot tell what kind of file this is; pass --stdin-filename", False)
            return None
        return SourceFile(path, real_path, text, str(kind)), named

    def boundary(self, directory: str) -> str:
        """What crlint may read of a directory it walks: its repository, or itself."""
        return self.resolver.repository_root(directory) or directory

    def skip(self, path: str, reason: str, unanalysable: bool) -> None:
        self.outcome.skipped.append(Skipped(path, reason, unanalysable))

    def internal_error(self, where: str) -> None:
        import traceback

        detail = traceback.format_exc().strip().splitlines()
        self.outcome.errors.append(
            f"internal error {where}: {detail[-1]}\n" + "\n".join(detail[:-1])
        )

    def check(self, unit: _Unit, facts: Facts) -> None:
        """Run the checks whose rules the unit's files enable over the unit's facts."""
        enabled: set[str] = set()
        for path in unit.registered:
            enabled |= self.files[path].settings.enabled
        for check in self.checks:
            if not any(rule.id in enabled for rule in check.rules):
                continue
            try:
                unit.findings.extend(check.run(facts))
            except Exception:
                names = ", ".join(rule.id for rule in check.rules)
                self.internal_error(f"in the check for {names}")

    def finish(self) -> None:
        found = [
            finding
            for unit in self.units
            if unit.state == KEPT
            for finding in self.kept(self.findings_of(unit))
        ]
        self.outcome.findings = merged(found, self.unused_suppressions())

    def findings_of(self, unit: _Unit) -> list[Finding]:
        """A unit's findings, with the malformed suppressions of the files it read."""
        problems = [
            problem
            for path in unit.registered
            if (marks := self.files[path].suppressions) is not None
            for problem in marks.problems
        ]
        return unit.findings + problems if problems else unit.findings

    def kept(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        """Findings the settings and suppressions of their files let through."""
        for finding in findings:
            file = self.file_for(finding.location.path)
            settings = file.settings
            rule_id = finding.rule.id
            if rule_id not in settings.enabled:
                continue
            if rule_id in settings.ignored_rules(file.source.real_path):
                continue
            if file.suppressions is not None and file.suppressions.covers(finding):
                continue
            level = settings.levels.get(rule_id, finding.level)
            yield finding if level is finding.level else finding._replace(level=level)

    def unused_suppressions(self) -> list[Finding]:
        return [
            finding
            for file in self.files.values()
            if file.suppressions is not None and "CR004" in file.settings.enabled
            for finding in file.suppressions.unused()
        ]

    def reports_unused_suppressions(self) -> bool:
        return any(
            file.suppressions is not None and "CR004" in file.settings.enabled
            for file in self.files.values()
        )

    def file_for(self, path: str) -> _File:
        file = self.files.get(path)
        if file is None:  # a finding in a file that was read only as context
            file = self.textless_file(path, os.path.join(self.cwd, path), "")
        return file

    def textless_file(self, path: str, real_path: str, kind: str) -> _File:
        """A file known only by name: undecodable, or read as another file's context."""
        source = SourceFile(path, real_path, "", kind)
        file = _File(source, self.resolver.for_directory(os.path.dirname(real_path)), None)
        self.files[path] = file
        return file


def merged(*groups: Iterable[Finding]) -> list[Finding]:
    """Findings in report order: one per rule, place and message; a rule
    reported once per run (`Rule.once_per_run`) keeps only its first."""
    kept: dict[tuple[object, ...], Finding] = {}
    once: set[str] = set()
    for finding in (finding for group in groups for finding in group):
        rule = finding.rule
        if rule.once_per_run:
            if rule.id in once:
                continue
            once.add(rule.id)
        kept.setdefault((rule.id, finding.location, finding.message), finding)
    return sorted(kept.values(), key=lambda f: f.sort_key())


def frontend_context(
    resolver: Resolver,
    source: SourceFile,
    files: SourceCache,
    named: bool,
    *,
    programs: frozenset[str] | None = None,
    project: Callable[[], Project] | None = None,
) -> frontends.Context:
    """What a frontend may know beyond `source`, from the settings that govern it."""
    directory = os.path.dirname(source.real_path) or "."
    settings = resolver.for_directory(directory)
    return frontends.Context(
        settings.ci_variables,
        named,
        files,
        resolver.repository_root(directory),
        settings.include_projects,
        programs,
        project,
    )


def _programs(checks: tuple[Check, ...]) -> frozenset[str] | None:
    """The programs whose commands the checks read, or None if one reads every command."""
    programs: set[str] = set()
    for check in checks:
        if check.programs is None:
            return None
        programs |= check.programs
    return frozenset(programs)


def _pipelines_first(candidates: Iterator[Candidate]) -> list[Candidate]:
    """`.gitlab-ci.yml` files first, then other YAML, then the rest.

    A pipeline reads the files it includes and the scripts its jobs run,
    with the variables they are run with; analysed first, it covers them,
    and they are not analysed again on their own.
    """

    def rank(candidate: Candidate) -> int:
        name = os.path.basename(candidate.real_path)
        if name == ".gitlab-ci.yml":
            return 0
        return 1 if name.endswith((".yml", ".yaml")) else 2

    return sorted(candidates, key=rank)


def _parse_failure(extraction: frontends.Extraction, source: SourceFile) -> Finding | None:
    """The CR001 a frontend found in the file itself, if it found one."""
    return next(
        (
            finding
            for finding in extraction.findings
            if finding.rule.id == PARSE_ERROR.id and finding.location.path == source.path
        ),
        None,
    )


def _guess_plain_text(text: str) -> FileKind | None:
    """stdin without a name: a Dockerfile if it starts like one, else a script."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.split()[0].upper() in ("FROM", "ARG"):
            return FileKind.DOCKERFILE
        return FileKind.SHELL if text.startswith("#!") else None
    return None
