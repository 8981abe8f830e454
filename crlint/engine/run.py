"""The runner: discover → frontends → facts → checks → findings, file by file.

It wires the stages together and owns nothing about formats or rules. Each
stage's failure stays local: a file that cannot be read is skipped with a
reason or becomes a CR001 finding, and a frontend or check that raises is
reported as an internal error for that file or check while the rest of the
run goes on. The run as a whole (`lint`) is `crlint.engine.lint`'s; what a
unit is, `crlint.engine.units`'.
"""

from __future__ import annotations

import os
import sys

from crlint.discover.classify import (
    NAME_ONLY_SUGGESTS,
    Candidate,
)
from crlint.discover.load import Garbled, Loaded, Skipped, load, load_stdin
from crlint.discover.sources import (
    SourceCache,
    SourceFile,
    read_stream,
)
from crlint.engine.filtering import merged, notices_apart
from crlint.engine.outcome import Outcome, Request, UsageError
from crlint.engine.units import LintedFile, Unit, UnitState
from crlint.facts.engine_rules import PARSE_ERROR
from crlint.facts.model import Facts
from crlint.frontends import base as frontends
from crlint.frontends import registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from crlint.checks.base import Check
    from crlint.discover.walk import Walker
    from crlint.engine.settings import Resolver, Settings
    from crlint.facts.findings import Finding
    from crlint.facts.model import Command, Project


class Runner:
    """One run's state while its files are analysed and checked: the files
    read, the units found, and what is already covered."""

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
        self.files: dict[str, LintedFile] = {}
        first = request.paths[0] if request.paths and request.paths[0] != "-" else cwd
        self.anchor = first if os.path.isdir(first) else os.path.dirname(os.path.abspath(first))
        self._project: Project | None = None
        self.kaniko_images = frozenset(resolver.for_directory(self.anchor).kaniko_images)
        """Images configured as kaniko's (`kaniko-images`), for the run."""
        self._walker: Walker | None = None
        self.files_read = SourceCache(cwd)
        self.units: list[Unit] = []
        self.covered: set[str] = set()
        """Files analysed as part of another (an included CI file, a script a job runs)."""
        self.reads_stdin = "-" in request.paths or request.stdin_filename is not None
        """Whether the run reads standard input, whose text `--fix` prints
        (asked once: a run of thousands of files is given thousands of paths)."""
        self._checks_for: dict[frozenset[str], tuple[Check, ...]] = {}
        """The checks some rule of which a set of enabled rules holds."""
        self.included: set[str] = set()
        """The CI files units read as includes: such a file is not read on its
        own, and a unit read before the one including it is dropped. (A script
        a job runs is read, so that what is skipped does not depend on whether
        the run is split between processes, and then dropped unchecked.)"""

    def for_share(self) -> Runner:
        """A runner for a share of this run's files (`crlint.engine.parallel`),
        with the same request, settings, checks and project."""
        share = Runner(
            self.request,
            self.resolver,
            Outcome(self.outcome.catalog, self.cwd),
            self.cwd,
            self.checks,
        )
        share._project = self._project
        return share

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
        self.settle()
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
                    yield candidate._replace(canonical=key)

    def analyse(self, candidate: Candidate, stdin: bytes | None) -> None:
        loaded = self.load(candidate, stdin)
        if loaded is None:
            return
        source, named = loaded
        if source.canonical in self.included:
            # already analysed, with more context, as part of another file
            self.units.append(Unit(source, None, None, UnitState.COVERED))
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
            extraction = registry.extract(source, context)
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
            told = "its name" if source.kind in NAME_ONLY_SUGGESTS else "its content"
            reason = f"read as {source.kind} from {told}, but {problem}"
            self.skip(source.path, reason, unanalysable=candidate.explicit)
            return
        unit = Unit(source, settings, extraction, UnitState.KEPT)
        self.covered |= unit.includes
        self.included |= unit.includes
        self.units.append(unit)
        if source.canonical in self.covered:  # a script a job checked before ran
            unit.state = UnitState.DROPPED
            unit.extraction = None
        else:
            self.check_unit(unit)
            self.release_text(unit)
        self.files_read.forget(source)

    def check_unit(self, unit: Unit) -> None:
        """Check a unit just read, and release its analysis.

        Pipelines come first in the run's order, so what a unit covers is
        mostly known before the files it covers are reached; a unit that a
        later one turns out to include is dropped by `settle`.
        """
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
        unit.extraction = None

    def release_text(self, unit: Unit) -> None:
        """Let go of a checked unit's own text where nothing can need it: no
        finding of the unit points into it or edits it, it has no suppression comment
        (whose problems and unused entries are reported at the end), and the
        run does not read standard input (whose text `--fix` prints)."""
        if self.reads_stdin:
            return
        path = unit.source.path
        file = self.files.get(path)
        if file is None or file.suppressions is not None or file.source.released:
            return
        if any(path in _paths_of(finding) for finding in unit.findings):
            return
        slim = file.source.without_text()
        self.files[path] = file._replace(source=slim)
        self.outcome.sources[path] = slim
        unit.source = slim

    def settle(self) -> None:
        """Drop the units a unit read after them includes, as if they had
        never been checked: what only they registered is forgotten too."""
        dropped = [
            unit
            for unit in self.units
            if unit.state == UnitState.KEPT and unit.source.canonical in self.included
        ]
        if not dropped:
            return
        for unit in dropped:
            unit.state = UnitState.DROPPED
            unit.findings = []
        still = {path for unit in self.units if unit.state == UnitState.KEPT
                 for path in unit.registered}  # fmt: skip
        for unit in dropped:
            for path in unit.registered:
                if path not in still:
                    self.files.pop(path, None)
                    self.outcome.sources.pop(path, None)

    def deferred(
        self, unit: Unit, later: Callable[[], frontends.Later]
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
        unit: Unit,
        related: Sequence[tuple[SourceFile, Callable[[], Iterable[tuple[int, int]]]]],
    ) -> None:
        for other, spans in related:
            directory = os.path.dirname(other.real_path)
            self.register(unit, other, self.resolver.for_directory(directory), spans)

    def register(
        self,
        unit: Unit,
        source: SourceFile,
        settings: Settings,
        spans: Callable[[], Iterable[tuple[int, int]]],
    ) -> None:
        """A file findings may point into: shown in reports, its suppressions read."""
        if source.path not in unit.registered:
            unit.registered.append(source.path)
        known = self.files.get(source.path)
        if known is not None and not (known.source.released and source.text):
            return  # a released text is taken back when another unit reads the file
        self.outcome.sources[source.path] = source
        marks = None
        if source.may_suppress:  # only then is the suppressions module needed
            from crlint.engine import suppressions

            marks = suppressions.parse(source, self.outcome.catalog, spans)
        self.files[source.path] = LintedFile(source, settings, marks)

    def load(self, candidate: Candidate, stdin: bytes | None) -> tuple[SourceFile, bool] | None:
        """A candidate's text and kind, or None (skipped, or reported as CR001)."""
        if candidate.real_path == "-":
            data = read_stream(sys.stdin.buffer) if stdin is None else stdin
            loaded: Loaded | Skipped | Garbled | None = load_stdin(
                data, self.request.stdin_filename, self.cwd
            )
        else:
            loaded = load(candidate, self.cwd, self.boundary)
        if isinstance(loaded, Skipped):
            self.outcome.skipped.append(loaded)
            return None
        if isinstance(loaded, Garbled):
            source = self.textless_file(loaded.source).source
            self.outcome.sources[source.path] = source
            unit = Unit(source, None, None, UnitState.KEPT)
            unit.registered.append(source.path)
            unit.findings.append(loaded.finding)
            self.units.append(unit)
            return None
        return (loaded.source, loaded.named) if loaded is not None else None

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

    def check(self, unit: Unit, facts: Facts) -> None:
        """Run the checks whose rules the unit's files enable over the unit's facts."""
        registered = unit.registered
        enabled = self.files[registered[0]].settings.enabled
        if len(registered) > 1:
            enabled = enabled.union(*(self.files[path].settings.enabled for path in registered))
        checks = self._checks_for.get(enabled)
        if checks is None:
            checks = self._checks_for[enabled] = tuple(
                check for check in self.checks if any(rule.id in enabled for rule in check.rules)
            )
        for check in checks:
            try:
                unit.findings.extend(check.run(facts))
            except Exception:
                names = ", ".join(rule.id for rule in check.rules)
                self.internal_error(f"in the check for {names}")

    def finish(self) -> None:
        found = [
            finding
            for unit in self.units
            if unit.state == UnitState.KEPT
            for finding in self.kept(self.findings_of(unit))
        ]
        self.outcome.findings, self.outcome.notices = notices_apart(
            merged(found, self.unused_suppressions()), self.explicit
        )

    def explicit(self, path: str) -> frozenset[str]:
        """The rules the settings of a finding's file select by name."""
        return self.file_for(path).settings.explicit

    def findings_of(self, unit: Unit) -> list[Finding]:
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

    def file_for(self, path: str) -> LintedFile:
        file = self.files.get(path)
        if file is None:  # a finding in a file that was read only as context
            file = self.textless_file(SourceFile(path, os.path.join(self.cwd, path), "", None))
        return file

    def textless_file(self, source: SourceFile) -> LintedFile:
        """A file known only by name: undecodable, or read as another file's context."""
        settings = self.resolver.for_directory(os.path.dirname(source.real_path))
        file = LintedFile(source, settings, None)
        self.files[source.path] = file
        return file


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


def _paths_of(finding: Finding) -> Iterator[str]:
    """The files a finding points into or its fix edits: their texts are reported."""
    yield finding.location.path
    for related in finding.related:
        yield related.location.path
    if finding.fix is not None:
        for edit in finding.fix.edits:
            yield edit.location.path
