"""`lint(request)`: the run as a whole, in one process or several.

Which checks run (built-in ones, then plugins'), in how many processes
(`crlint.engine.parallel` for large runs), and in what order the files
are analysed (pipelines first, so they cover what they include).
"""

from __future__ import annotations

import os

from crlint.checks.registry import builtin_checks
from crlint.discover.classify import Candidate, kind_from_name
from crlint.discover.kinds import FileKind
from crlint.engine.catalog import Catalog
from crlint.engine.outcome import Outcome
from crlint.engine.plugins import load as load_plugins
from crlint.engine.run import Runner
from crlint.engine.settings import Resolver
from crlint.facts.engine_rules import ENGINE_RULES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from crlint.checks.base import Check
    from crlint.engine.outcome import Request


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
    runner = Runner(request, resolver, outcome, cwd, checks)
    outcome.root = report_root(resolver.repository_root(runner.anchor))
    candidates = _pipelines_first(runner.candidates())
    context = pipeline_context(candidates, resolver)
    if context is not None:
        return _in_context(runner, context, candidates)
    workers = 1 if stdin is not None or request.paths == ("-",) else worker_count(jobs, candidates)
    if workers > 1:
        from crlint.engine import parallel

        merged = parallel.lint(runner, candidates, workers)
        if merged is not None:
            return merged
    runner.run(candidates, stdin)
    return outcome


def pipeline_context(candidates: list[Candidate], resolver: Resolver) -> Candidate | None:
    """The repository's `.gitlab-ci.yml`, when only files were named (as
    pre-commit names the staged ones) and one of them may be a file that
    pipeline includes or a script its jobs run: such a file means what the
    pipeline makes of it (its variables, its `extends` parents), and linted
    alone it would pass where a full run fails."""
    if not candidates or not all(c.explicit and c.real_path != "-" for c in candidates):
        return None
    if not any(_may_be_included_or_run(os.path.basename(c.real_path)) for c in candidates):
        return None
    first = os.path.dirname(os.path.abspath(candidates[0].real_path))
    root = resolver.repository_root(first)
    pipeline = os.path.join(root, ".gitlab-ci.yml") if root is not None else None
    if pipeline is None or not os.path.isfile(pipeline):
        return None
    named = {os.path.realpath(c.real_path) for c in candidates}
    if os.path.realpath(pipeline) in named:
        return None  # the pipeline is linted anyway, with all it includes
    return Candidate(pipeline, explicit=False, walked=root)


def _may_be_included_or_run(name: str) -> bool:
    """CI YAML, or a script (by name, or a name without a dot that is no Dockerfile)."""
    if name.lower().endswith((".yml", ".yaml")):
        return True
    kind = kind_from_name(name)
    return kind in (FileKind.SHELL, FileKind.PYTHON) or (kind is None and "." not in name)


def _in_context(runner: Runner, context: Candidate, candidates: list[Candidate]) -> Outcome:
    """Lint the named files with their repository's pipeline, in one process,
    reporting what is found in the named files only."""
    from crlint.discover.sources import display_path

    runner.run([context, *candidates], None)
    outcome = runner.outcome
    shown = {display_path(os.path.abspath(c.real_path), runner.cwd) for c in candidates}
    outcome.findings = [f for f in outcome.findings if f.location.path in shown]
    outcome.notices = [f for f in outcome.notices if f.location.path in shown]
    outcome.sources = {path: s for path, s in outcome.sources.items() if path in shown}
    return outcome


def report_root(repository: str | None) -> str | None:
    """Where reports name paths from: the CI's checkout (`CI_PROJECT_DIR`,
    `GITHUB_WORKSPACE`) when set, else the repository the run started in."""
    for variable in ("CI_PROJECT_DIR", "GITHUB_WORKSPACE"):
        directory = os.environ.get(variable)
        if directory and os.path.isdir(directory):
            return os.path.abspath(directory)
    return repository


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
