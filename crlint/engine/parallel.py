"""Linting in several processes, with the result one process would give.

A run is a sequence of units (`crlint.engine.units.Unit`: a pipeline with the files it
includes and the scripts its jobs run, or a file on its own), checked one
at a time, so units can be analysed apart. What ties them is coverage: a
file another unit includes is not analysed on its own, and neither is a
script another unit's job runs.

Each worker (this process for the first share, a fork of it for each other
one) lints a contiguous share of the run's files, in the run's order, and
sends back per unit its file, what it includes, the scripts it claimed and
its findings (already passed through its files' settings and
suppressions). The parent then replays coverage over all units in order,
as one process would have decided it, and keeps the findings of the units
that survive. Where a worker's own view disagrees with the whole run's (it
skipped a unit the run keeps), a worker fails, or unused suppressions are
to be reported (which needs every finding in one place), this returns None
and the run is done in one process.
"""

from __future__ import annotations

import os
import pickle
import sys

from crlint.discover.classify import kind_from_name
from crlint.engine.filtering import merged, notices_apart
from crlint.engine.units import UnitState
from crlint.facts.record import Record
from crlint.frontends import registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.classify import Candidate
    from crlint.discover.load import Skipped
    from crlint.discover.sources import SourceFile
    from crlint.engine.outcome import Outcome
    from crlint.engine.run import Runner
    from crlint.facts.findings import Finding


class UnitResult(Record):
    canonical: str
    state: UnitState
    includes: frozenset[str]
    claims: frozenset[str]
    registered: tuple[str, ...]
    findings: tuple[Finding, ...]


class ShareResult(Record):
    units: list[UnitResult]
    sources: dict[str, SourceFile]
    skipped: list[Skipped]
    notes: list[str]
    errors: list[str]
    unused_suppressions: bool


def lint(runner: Runner, candidates: list[Candidate], workers: int) -> Outcome | None:
    """The run's outcome from `workers` processes, or None to run it in one."""
    _import_frontends(candidates)
    first, *rest = shares(candidates, workers)
    children: list[tuple[int, int]] = []
    for share in rest:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: lint the share, send the result, leave at once
            os.close(read)
            code = 70
            try:
                result = _lint_share(runner, share)
                with os.fdopen(write, "wb") as stream:
                    pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        children.append((pid, read))
    # This process lints the first share while the others run.
    try:
        results = [_lint_share(runner, first)]
    except Exception:
        results = []
    failed = not results
    for pid, read in children:
        with os.fdopen(read, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            failed = True
        else:
            results.append(pickle.loads(data))
    if failed:
        return None
    return _merge(runner, results)


def shares(candidates: list[Candidate], workers: int) -> list[list[Candidate]]:
    """Contiguous runs of candidates, of about the same size in bytes."""
    sizes = [_size(candidate.real_path) for candidate in candidates]
    target = sum(sizes) / workers
    result: list[list[Candidate]] = [[]]
    total = 0
    for candidate, size in zip(candidates, sizes, strict=True):
        if total >= target * len(result) and len(result) < workers:
            result.append([])
        result[-1].append(candidate)
        total += size
    return [share for share in result if share]


def _size(path: str) -> int:
    try:
        return os.path.getsize(path) + 512  # what every file costs, whatever its size
    except OSError:
        return 512


def _import_frontends(candidates: list[Candidate]) -> None:
    """Import the frontends the files need once, before forking, so workers share them."""
    kinds = {kind_from_name(os.path.basename(c.real_path)) for c in candidates}
    for kind in kinds:
        if kind is not None:
            __import__(registry.MODULES[kind])


def _lint_share(parent: Runner, share: list[Candidate]) -> ShareResult:
    run = parent.for_share()
    outcome = run.outcome
    for candidate in share:
        run.analyse(candidate, None)
    run.settle()
    units = [
        UnitResult(
            unit.source.canonical,
            unit.state,
            unit.includes,
            frozenset(unit.claims),
            tuple(unit.registered),
            tuple(run.kept(run.findings_of(unit))) if unit.state == UnitState.KEPT else (),
        )
        for unit in run.units
    ]
    return ShareResult(
        units,
        outcome.sources,
        outcome.skipped,
        outcome.notes,
        outcome.errors,
        run.reports_unused_suppressions(),
    )


def _merge(runner: Runner, results: list[ShareResult]) -> Outcome | None:
    """The outcome one process would have reached, or None if a share saw it otherwise."""
    if any(result.unused_suppressions for result in results):
        return None
    units = [unit for result in results for unit in result.units]
    covered: set[str] = set()
    read: list[UnitResult] = []
    for unit in units:  # reading: a file another unit includes is not read on its own
        if unit.canonical in covered:
            continue
        if unit.state == UnitState.COVERED:
            return None  # its worker did not read it; the run would have
        covered |= unit.includes
        read.append(unit)
    kept: list[UnitResult] = []
    for unit in read:  # checking: a script another unit's job ran is not checked on its own
        if unit.canonical in covered:
            continue
        if unit.state == UnitState.DROPPED:
            return None
        kept.append(unit)
        covered |= unit.claims
    outcome = runner.outcome
    registered = {path for unit in kept for path in unit.registered}
    for result in results:
        for path, source in result.sources.items():
            if path in registered:
                outcome.sources.setdefault(path, source)
        outcome.skipped.extend(result.skipped)
        outcome.notes.extend(result.notes)
        outcome.errors.extend(result.errors)
    found: list[Finding] = [finding for unit in kept for finding in unit.findings]
    outcome.findings, outcome.notices = notices_apart(merged(found), runner.explicit)
    return outcome
