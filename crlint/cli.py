"""The command line: `crlint [check] [PATHS…]`, `rules`, `explain ID`, `inspect PATH`.

Exit codes: 0 when nothing reaches the fail level, 1 when something does,
2 for usage, configuration and internal errors.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys

from crlint import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

    from crlint.engine.catalog import Catalog
    from crlint.engine.outcome import Outcome, Request
    from crlint.fix import apply as fixing

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_LEVELS = ("error", "warning", "note", "never")
SUBCOMMANDS = ("check", "rules", "explain", "inspect")


def _selectors(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes (0: auto), not {value!r}")
    return jobs


REPORT_FORMATS = ("text", "json", "sarif", "gitlab", "github")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that asks the terminal's width only to print help.

    argparse makes a help formatter for every argument added, to check its
    metavar, and each one asks the terminal's size (importing shutil to do
    so): 4 ms of a pre-commit run on one file, for help nobody asked for.
    """

    _adding = False

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        self._adding = True
        try:
            return super().add_argument(*args, **kwargs)
        finally:
            self._adding = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        if self._adding:  # only `_format_args` is asked of it: no width needed
            return argparse.HelpFormatter(self.prog, width=80)
        return super()._get_formatter()


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="crlint",
        description=(
            "Find container-registry failures in GitLab CI files, Dockerfiles, shell scripts, "
            "Kubernetes/Tekton specs and image manifests before they reach a pipeline."
        ),
        epilog=(
            "Other commands: `crlint rules` lists the rules, `crlint explain ID` shows one, "
            "`crlint inspect PATH` shows a pipeline's jobs as crlint resolves them."
        ),
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .); - is stdin"
    )
    parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default=None,
        help="report format (default: text)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--output-format", action="append", type=_output_format, default=[],
        metavar="FORMAT[:FILE]",
        help="write this report too (to FILE, or standard output); repeat for several: "
        "`--output-format gitlab:gl-code-quality-report.json --output-format sarif:crlint.sarif` "
        "writes both and the text report to standard output",
    )  # fmt: skip
    parser.add_argument(
        "--select", action="append", type=_selectors, metavar="RULES",
        help="only these rules: ids, id prefixes (CR1) or names, comma-separated",
    )  # fmt: skip
    parser.add_argument(
        "--extend-select", action="append", type=_selectors, default=[], metavar="RULES",
        help="enable these rules on top of the selection",
    )  # fmt: skip
    parser.add_argument(
        "--ignore", action="append", type=_selectors, default=[], metavar="RULES",
        help="disable these rules",
    )  # fmt: skip
    parser.add_argument(
        "--fail-level", choices=FAIL_LEVELS, default="warning",
        help="exit 1 if a finding is at this level or above (default: warning)",
    )  # fmt: skip
    parser.add_argument(
        "--fix", action="store_true",
        help="apply safe fixes to the files, then report what is left",
    )  # fmt: skip
    parser.add_argument(
        "--diff", action="store_true",
        help="print the fixes as a unified diff instead of writing them (exit 1 if any)",
    )  # fmt: skip
    parser.add_argument(
        "--unsafe-fixes", action="store_true",
        help="with --fix or --diff, also apply fixes that may change more than the finding",
    )  # fmt: skip
    parser.add_argument(
        "--statistics", action="store_true",
        help="print only how many findings each rule has (text format)",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", metavar="FILE",
        help="report only findings not in this baseline (see --write-baseline)",
    )  # fmt: skip
    parser.add_argument(
        "--write-baseline", metavar="FILE",
        help="record today's findings in FILE, to adopt crlint without fixing them first",
    )  # fmt: skip
    parser.add_argument(
        "--rule-pages", metavar="URL", type=_published_at,
        help="where crlint's rules/ pages are published: SARIF helpUri and Code Quality "
        "link each rule to URL/<id>.md",
    )  # fmt: skip
    parser.add_argument(
        "--exit-zero", action="store_true",
        help="exit 0 even when problems are found (2 still means crlint could not run)",
    )  # fmt: skip
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto",
        help="colour the text format (auto: on a terminal, unless NO_COLOR is set)",
    )  # fmt: skip
    parser.add_argument(
        "--stdin-filename", metavar="NAME",
        help="the name of the file read from stdin (selects its kind and configuration)",
    )  # fmt: skip
    parser.add_argument(
        "--force-exclude", action="store_true",
        help="apply configured excludes to files named on the command line (for pre-commit)",
    )  # fmt: skip
    parser.add_argument(
        "--config", metavar="FILE", help="use this configuration file for every path"
    )
    parser.add_argument(
        "-j", "--jobs", type=_jobs, default=0, metavar="N",
        help="lint in N processes (default 0: one per CPU, up to 4, for runs of many files)",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="say which files were skipped and why, and show internal tracebacks",
    )  # fmt: skip
    parser.add_argument("--version", action="version", version=f"crlint {__version__}")
    return parser


def run() -> NoReturn:
    """The console script: `main()`, then exit without tearing the heap down.

    Freeing every object of a large run one by one at interpreter exit took
    longer than linking the pipeline's jobs (~250 ms over 400 CI files); the
    operating system reclaims the memory at once. Output is flushed first,
    and reports written with `--output` are already closed.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe, or stderr closed by main()
        code = code or EXIT_ERROR
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    # A run builds many small objects that all live until it ends; the cyclic
    # collector's passes over them find nothing to free and took half the
    # time on large pipelines (bench/pipeline_scale.py). Reference counting
    # still frees everything that is dropped.
    gc.disable()
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in SUBCOMMANDS else "check"
    if args and args[0] in SUBCOMMANDS:
        args = args[1:]
    try:
        if command == "rules":
            return _rules(args)
        if command == "explain":
            return _explain(args)
        if command == "inspect":
            return _inspect(args)
        return _check(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`crlint . | head`): not an error worth a traceback.
        sys.stderr.close()
        return EXIT_ERROR


def _check(args: list[str]) -> int:
    from crlint.engine.lint import lint
    from crlint.engine.outcome import Request, UsageError
    from crlint.engine.plugins import PluginError
    from crlint.engine.settings import ConfigError, Layer

    options = _check_parser().parse_args(args)
    if "-" in options.paths and len(options.paths) > 1:
        _error("`-` (stdin) cannot be combined with other paths")
        return EXIT_ERROR
    if options.unsafe_fixes and not (options.fix or options.diff):
        _error("--unsafe-fixes needs --fix or --diff")
        return EXIT_ERROR
    destinations = [path for _, path in _reports(options)]
    if destinations.count(None) > 1:
        _error("only one report can go to standard output; give the others a file")
        return EXIT_ERROR
    repeated = {path for path in destinations if path is not None and destinations.count(path) > 1}
    if repeated:
        _error(f"two reports would be written to {sorted(repeated)[0]}")
        return EXIT_ERROR
    cli = Layer(
        select=tuple(s for group in options.select for s in group) if options.select else None,
        extend_select=tuple(s for group in options.extend_select for s in group),
        ignore=tuple(s for group in options.ignore for s in group),
    )
    request = Request(
        paths=tuple(options.paths or ["."]),
        cli=cli,
        stdin_filename=options.stdin_filename,
        force_exclude=options.force_exclude,
        config_file=options.config,
    )
    try:
        if options.fix or options.diff:
            return _fix(request, options)
        outcome = lint(request, jobs=options.jobs)
    except (ConfigError, UsageError, PluginError) as error:
        _error(str(error))
        return EXIT_ERROR
    except Exception as error:  # never a bare traceback for the user
        _error(f"internal error: {type(error).__name__}: {error}")
        if options.verbose:
            raise
        _error("run again with --verbose for the traceback, and please report it")
        return EXIT_ERROR
    return _report(outcome, options)


MAX_FIX_ROUNDS = 5


def _fix(request: Request, options: argparse.Namespace) -> int:
    """`--fix`: write fixes, lint again, until nothing is left to fix; `--diff`: show them.

    A fix that overlaps another waits for the next round, which lints the
    fixed files afresh; so `--fix` ends where a second `--fix` has nothing
    left to change.
    """
    from crlint.engine.lint import lint, repositories
    from crlint.fix import apply as fixing

    stdin = None
    if request.paths == ("-",):
        from crlint.discover.sources import read_stream

        stdin = read_stream(sys.stdin.buffer)
    within = repositories(request.paths)
    fixed = files = 0
    outcome = lint(request, stdin=stdin, jobs=options.jobs)
    for _ in range(MAX_FIX_ROUNDS):
        stdin_path = "" if stdin is None else _stdin_path(outcome)
        plan = fixing.plan(
            outcome.findings, outcome.sources, options.unsafe_fixes, stdin_path, within
        )
        for problem in plan.problems:
            _error(problem)
        if options.diff or stdin is not None:
            return _show_fixes(plan, options, stdin, outcome)
        for change in plan.changes:
            try:
                fixing.write(change)
            except OSError as error:
                _error(f"cannot write {change.path}: {error.strerror or error}")
                return EXIT_ERROR
        fixed += sum(len(change.findings) for change in plan.changes)
        files += len(plan.changes)
        if not plan.changes:
            break
        outcome = lint(request, jobs=options.jobs)
    if fixed:
        noun = "problem" if fixed == 1 else "problems"
        print(f"crlint: fixed {fixed} {noun} in {files} file{'s' if files != 1 else ''}",
              file=sys.stderr)  # fmt: skip
    return _report(outcome, options)


def _stdin_path(outcome: Outcome) -> str:
    """How the run named the file it read from stdin."""
    return next(iter(outcome.sources), "-")


def _show_fixes(
    plan: fixing.Plan, options: argparse.Namespace, stdin: bytes | None, outcome: Outcome
) -> int:
    """`--diff` output, or for stdin under `--fix`, the fixed text itself."""
    from crlint.fix import apply as fixing

    diff = options.diff
    _tell_skipped(outcome, options.verbose)
    _tell_notices(outcome, options.verbose)
    if stdin is not None and not diff:
        source = next(iter(outcome.sources.values()), None)
        if plan.changes:
            sys.stdout.write(plan.changes[0].after)
        elif source is not None:
            sys.stdout.write(source.text)
        else:  # not linted (binary, too large, of no kind): passed through as it came
            _pass_through(stdin)
        return EXIT_CLEAN
    for change in plan.changes:
        sys.stdout.write(fixing.diff(change))
    count = sum(len(change.findings) for change in plan.changes)
    if count:
        noun = "problem" if count == 1 else "problems"
        print(f"crlint: would fix {count} {noun}", file=sys.stderr)
    if plan.waiting:
        print(
            f"crlint: {len(plan.waiting)} more fixes overlap these; `--fix` applies them "
            "in turn, linting again after each round",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if plan.changes else EXIT_CLEAN


def _pass_through(head: bytes) -> None:
    """Standard input, unchanged, to standard output: `crlint --fix - <a >b` loses nothing."""
    import shutil

    sys.stdout.flush()
    sys.stdout.buffer.write(head)
    shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)
    sys.stdout.buffer.flush()


def _report(outcome: Outcome, options: argparse.Namespace) -> int:
    from crlint.report import Style, render

    if options.write_baseline or options.baseline:
        from crlint.report import baseline

        if options.write_baseline:
            try:
                _write_report(options.write_baseline, baseline.document(outcome))
            except OSError as error:
                _error(f"cannot write {options.write_baseline}: {error.strerror or error}")
                return EXIT_ERROR
            count = len(outcome.findings)
            print(f"crlint: {count} finding{'s' if count != 1 else ''} recorded in "
                  f"{options.write_baseline}", file=sys.stderr)  # fmt: skip
            return EXIT_CLEAN
        try:
            known = baseline.read(options.baseline)
        except baseline.BaselineError as error:
            _error(str(error))
            return EXIT_ERROR
        dropped = baseline.without(outcome, known)
        if dropped:
            print(f"crlint: {dropped} finding{'s' if dropped != 1 else ''} in the baseline "
                  "not shown", file=sys.stderr)  # fmt: skip

    for format_name, path in _reports(options):
        to_terminal = path is None
        color = options.color == "always" or (
            options.color == "auto" and to_terminal and _terminal_wants_color()
        )
        style = Style(color=color, statistics=options.statistics, rule_pages=options.rule_pages)
        text = render(format_name, outcome, style)
        if path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        try:
            _write_report(path, text)
        except OSError as error:
            _error(f"cannot write {path}: {error.strerror or error}")
            return EXIT_ERROR
    _tell_skipped(outcome, options.verbose)
    _tell_notices(outcome, options.verbose)
    if options.verbose:
        for note in outcome.notes:
            print(f"crlint: note: {note}", file=sys.stderr)
    for message in outcome.errors:
        first, _, rest = message.partition("\n")
        _error(first)
        if options.verbose and rest:
            print(rest, file=sys.stderr)
    if outcome.errors:
        return EXIT_ERROR
    return EXIT_CLEAN if options.exit_zero else _exit_code(outcome, options.fail_level)


def _tell_notices(outcome: Outcome, verbose: bool) -> None:
    """Includes crlint could not read: once, as a count (each with `--verbose`);
    they are not problems in the user's files."""
    if not outcome.notices:
        return
    from crlint.report.text import visible

    count = len(outcome.notices)
    what = "include was" if count == 1 else "includes were"
    print(
        f"crlint: note: {count} {what} not analysed (read over the network or from another "
        "project); `--extend-select CR002` reports each",
        file=sys.stderr,
    )
    if verbose:
        for notice in outcome.notices:
            at = notice.location
            print(f"crlint: note: {visible(at.path)}:{at.line}:{at.column}: {notice.message}",
                  file=sys.stderr)  # fmt: skip


def _tell_skipped(outcome: Outcome, verbose: bool) -> None:
    for skipped in outcome.skipped:
        if skipped.unanalysable or verbose:
            from crlint.report.text import visible  # (most runs skip nothing worth saying)

            label = "warning" if skipped.unanalysable else "note"
            print(
                f"crlint: {label}: {visible(skipped.path)}: skipped: {skipped.reason}",
                file=sys.stderr,
            )


def _exit_code(outcome: Outcome, fail_level: str) -> int:
    from crlint.facts.findings import Level

    if fail_level == "never":
        return EXIT_CLEAN
    threshold = Level(fail_level).rank
    failing = any(finding.level.rank >= threshold for finding in outcome.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _terminal_wants_color() -> bool:
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _output_format(value: str) -> tuple[str, str | None]:
    """`FORMAT[:FILE]` (FILE `-` or none: standard output)."""
    name, _, path = value.partition(":")
    if name not in REPORT_FORMATS:
        raise argparse.ArgumentTypeError(
            f"`{name}` is not a report format; choose from {', '.join(REPORT_FORMATS)}"
        )
    return name, path if path and path != "-" else None


def _published_at(value: str) -> str | None:
    """An http(s) URL, or empty for none: SARIF wants `helpUri` absolute."""
    if not value:
        return None
    if not re.match(r"https?://[^/\s]+(/\S*)?$", value):
        raise argparse.ArgumentTypeError(f"`{value}` is not an http(s) URL")
    return value


def _reports(options: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The reports to write, as (format, file or None for standard output).

    `--format`/`-o` name one report; `--output-format` any number, and the
    text report goes to standard output unless one of them does or a text
    report is written to a file, so a CI job writes its artifacts and keeps a
    readable log from one run.
    """
    output = None if options.output in (None, "-") else options.output
    if not options.output_format:
        return [(options.format or "text", output)]
    reports: list[tuple[str, str | None]] = list(options.output_format)
    if options.format is not None or options.output is not None:
        reports.insert(0, (options.format or "text", output))
    if all(path is not None and name != "text" for name, path in reports):
        reports.insert(0, ("text", None))
    return reports


def _write_report(path: str, text: str) -> None:
    """A report to a file: atomically where it is a regular file (see `crlint.fix.atomic`)."""
    from crlint.fix import atomic

    atomic.write(path, text.encode("utf-8"))


def _rules(args: list[str]) -> int:
    import json

    parser = _Parser(prog="crlint rules", description="List crlint's rules.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    options = parser.parse_args(args)
    catalog = _catalog()
    if catalog is None:
        return EXIT_ERROR
    if options.format == "json":
        listing = [
            {
                "id": rule.id,
                "name": rule.name,
                "level": rule.level.value,
                "fixable": rule.fixable,
                "enabled_by_default": rule.default_enabled,
                "summary": rule.summary,
            }
            for rule in catalog.rules
        ]
        print(json.dumps(listing, indent=2))
        return EXIT_CLEAN
    width = max(len(rule.name) for rule in catalog.rules)
    for rule in catalog.rules:
        flags = ("fix" if rule.fixable else "   ") + ("" if rule.default_enabled else "  off")
        print(f"{rule.id}  {rule.name:<{width}}  {rule.level.value:<7}  {flags}  {rule.summary}")
    return EXIT_CLEAN


def _explain(args: list[str]) -> int:
    from crlint.report import pages

    parser = _Parser(prog="crlint explain", description="Show a rule's page.")
    parser.add_argument("rule", help="a rule id (CR101) or name (invalid-image-reference)")
    options = parser.parse_args(args)
    catalog = _catalog()
    if catalog is None:
        return EXIT_ERROR
    rule = catalog.get(options.rule)
    if rule is None:
        _error(f"`{options.rule}` is not a rule id or name (see `crlint rules`)")
        return EXIT_ERROR
    markdown = pages.page(rule)
    if markdown is None:
        print(f"{rule.id} {rule.name} [{rule.level.value}]\n\n{rule.summary}")
    else:
        sys.stdout.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return EXIT_CLEAN


def _inspect(args: list[str]) -> int:
    from crlint.engine import inspection
    from crlint.engine.settings import ConfigError, Layer, Resolver

    parser = _Parser(
        prog="crlint inspect",
        description=(
            "Show the pipeline as crlint resolves it: each runnable job's image, services, "
            "variables and commands, with the file and line each came from."
        ),
    )
    parser.add_argument(
        "path", nargs="?", default=".", metavar="PATH",
        help="a GitLab CI file, or a directory holding .gitlab-ci.yml (default: .)",
    )  # fmt: skip
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--config", metavar="FILE", help="use this configuration file")
    options = parser.parse_args(args)
    catalog = _catalog()
    if catalog is None:
        return EXIT_ERROR
    try:
        resolver = Resolver(catalog, Layer(), options.config)
        pipeline = inspection.pipeline_for(options.path, resolver)
    except (ConfigError, inspection.InspectError) as error:
        _error(str(error))
        return EXIT_ERROR
    except Exception as error:  # never a bare traceback for the user
        _error(f"internal error: {type(error).__name__}: {error}; please report it")
        return EXIT_ERROR
    render = inspection.as_json if options.format == "json" else inspection.as_text
    sys.stdout.write(render(pipeline))
    return EXIT_CLEAN


def _catalog() -> Catalog | None:
    """Every rule, plugins' included; None (after saying why) if a plugin fails."""
    from crlint.engine.lint import all_checks, catalog_with
    from crlint.engine.plugins import PluginError

    try:
        return catalog_with(all_checks())
    except PluginError as error:
        _error(str(error))
        return None


def _error(message: str) -> None:
    from crlint.report.text import visible

    shown = "\n".join(visible(line) for line in message.split("\n"))
    print(f"crlint: error: {shown}", file=sys.stderr)
