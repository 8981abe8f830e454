"""How GitLab CI pipeline resolution scales with file size: wall time and peak memory.

Why these measurements
----------------------
`crlint inspect` and the GitLab CI rules resolve a CI file into jobs
(includes, extends, !reference, default:, variables, each job's commands).
Nothing in that should cost more than linear time in the size of the file; a
quadratic step (a job looked up by scanning every job, a list copied per
`extends` level) hides on a 50-line file and takes minutes on a monorepo's.
So this script generates CI files of 6,250, 12,500, 25,000 and 50,000 lines
and times, as whole processes like `run.py` does,

* `crlint inspect --format json FILE`  (resolution and its JSON, no rules), and
* `crlint --select ALL --fail-level never FILE`  (resolution plus every rule),

reporting for each the median wall time, the time per 1,000 lines and the
peak RSS of the child (`ru_maxrss` from `os.wait4`, the child's own rusage,
collected by a small launcher process: see launch.py). The last lines give the
time per line at 50,000 lines over that at 6,250, raw and net of a ~120-line
file's time (interpreter start, imports, report, three jobs), and the same
for memory: 1.00 is linear, 2.0 would mean each doubling of the file costs
four times as much.

The files come from `ci_file(r, target_lines)` of the shared
`gen_corpus.py` (the generator of `run.py`'s corpus, with its fixed seed),
each one from a fresh `random.Random(SEED)`, so every smaller file is a
prefix of the larger ones: the same mix of anchors, merge keys, extends,
variables and script lists at every size. Each is written into its own
temporary directory as `.gitlab-ci.yml` beside an empty `.git`, so crlint
treats it as a repository's entry file.

The real corpus (`../shared/corpus`: GitLab CI, Dockerfiles, scripts,
Kubernetes specs, manifests) is timed too, as one `crlint --fail-level never
DIR` process, and reported as files per second (files counted from the JSON
report's summary).

Children run in `run.py`'s environment (bytecode cached in bench/out/pycache,
variables that slow Python down removed; --inherit-env keeps this one's),
after one untimed run of each command that also checks its output (inspect:
the JSON parses, its jobs and commands are counted; lint: the JSON report
analysed the one file and has no errors or skipped files). Commands are
interleaved round by round, the order rotated each round, so drift in machine
load hits all sizes alike. Any non-zero exit (lint runs with --fail-level
never) or anything on stderr counts as a crlint failure: its output is
printed and the exit status is 2.

Usage: python bench/pipeline_scale.py [--rounds N] [--shared DIR] [--real-corpus DIR]
                                      [--inherit-env]
Exit status: 0 measured, 2 crlint failed on some input or the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# run.py sits beside this script (sys.path[0] when run as `python bench/pipeline_scale.py`).
from launch import Launcher, LauncherDied, Sample
from run import (
    CRASH_MARKERS,
    DEFAULT_SHARED,
    BenchError,
    bench_dir,
    child_environment,
    crlint_runner,
    log,
)

SIZES = (6_250, 12_500, 25_000, 50_000)
# The smallest file ci_file writes as it writes large ones (up to 100 lines it
# writes a different header): its time is start-up, imports and three jobs.
BASELINE_LINES = 101
DEFAULT_ROUNDS = 5
ENTRY_FILE = ".gitlab-ci.yml"


class CiFile(Protocol):
    def __call__(self, r: random.Random, target_lines: int) -> str: ...


@dataclass(frozen=True)
class Command:
    key: str
    argv: tuple[str, ...]
    cwd: Path

    def shell(self) -> str:
        return " ".join(self.argv)


@dataclass
class Row:
    """One generated CI file (or the real corpus) and what crlint made of it."""

    name: str
    path: Path
    lines: int = 0
    nbytes: int = 0
    files: int = 1
    jobs: int | None = None
    commands: int | None = None
    findings: int | None = None
    keys: dict[str, str] = field(default_factory=dict)  # tool -> Command key


class CrlintFailure(Exception):
    """crlint exited badly or wrote to stderr: a crlint bug, not a benchmark one."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time GitLab CI resolution against file size (see the module docstring)."
    )
    parser.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, metavar="N",
        help=f"timed rounds (default: {DEFAULT_ROUNDS})",
    )  # fmt: skip
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, metavar="DIR",
        help="the shared folder holding bench/gen_corpus.py (default: ../shared)",
    )  # fmt: skip
    parser.add_argument(
        "--real-corpus", type=Path, default=None, metavar="DIR",
        help="the real files to time as files/s (default: corpus/ in the shared folder)",
    )  # fmt: skip
    parser.add_argument(
        "--inherit-env", action="store_true",
        help="run the commands in this environment as is (default: as run.py)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def load_ci_file(bench: Path) -> tuple[CiFile, int]:
    """gen_corpus.ci_file and gen_corpus.SEED, its signature checked."""
    # gen_corpus reads sys.argv at import (its OUT) but writes nothing until main().
    spec = importlib.util.spec_from_file_location("gen_corpus", bench / "gen_corpus.py")
    if spec is None or spec.loader is None:
        raise BenchError(f"cannot import {bench / 'gen_corpus.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ci_file = getattr(module, "ci_file", None)
    seed = getattr(module, "SEED", None)
    if not callable(ci_file) or not isinstance(seed, int):
        raise BenchError(f"{spec.origin}: no ci_file() or no integer SEED")
    parameters = list(inspect.signature(ci_file).parameters)
    if parameters != ["r", "target_lines"]:
        raise BenchError(f"{spec.origin}: ci_file{parameters}, expected ci_file(r, target_lines)")
    generator: CiFile = ci_file
    return generator, seed


def write_ci_files(root: Path, ci_file: CiFile, seed: int) -> list[Row]:
    rows = []
    for target in (BASELINE_LINES, *SIZES):
        directory = root / f"lines-{target:06d}"
        (directory / ".git").mkdir(parents=True)
        text = ci_file(random.Random(seed), target)
        path = directory / ENTRY_FILE
        path.write_text(text, encoding="utf-8")
        name = "baseline" if target == BASELINE_LINES else f"{target:,}"
        rows.append(Row(name, path, text.count("\n"), len(text.encode("utf-8"))))
    return rows


def run_checked(launcher: Launcher, command: Command, stdout: Path | None = None) -> Sample:
    """Run `command` to completion (stdout to the file or discarded); raise if it fails."""
    try:
        finished = launcher.run(command.argv, command.cwd, stdout)
    except LauncherDied as died:
        raise BenchError(str(died)) from died
    errors = finished.stderr
    if finished.exit != 0 or errors.strip():
        crashed = any(marker in errors for marker in (*CRASH_MARKERS, "internal error"))
        raise CrlintFailure(
            f"{command.key}: exit status {finished.exit}"
            + (" with a Python error" if crashed else "")
            + f"\n  command: {command.shell()}\n  cwd: {command.cwd}\n"
            + f"  stderr:\n{errors.rstrip() or '  (empty)'}"
        )
    return finished.sample


def run_json(launcher: Launcher, command: Command) -> Any:
    """Run once (untimed: the check, and the warm-up) and parse its stdout as JSON."""
    output = launcher.scratch / "stdout"
    run_checked(launcher, command, output)
    try:
        return json.loads(output.read_bytes())
    except ValueError as error:
        raise CrlintFailure(f"{command.key}: stdout is not JSON ({error})") from error


def check_inspect(row: Row, command: Command, launcher: Launcher) -> None:
    document = run_json(launcher, command)
    try:
        jobs, notes = document["jobs"], document["notes"]
        row.jobs = len(jobs)
        row.commands = sum(len(job["commands"]) for job in jobs.values())
    except (KeyError, TypeError, AttributeError) as error:
        raise CrlintFailure(f"{command.key}: unexpected JSON shape ({error!r})") from error
    if notes:
        log(f"{command.key}: {len(notes)} notes, e.g. {notes[0]}")


def check_lint(row: Row, command: Command, launcher: Launcher) -> None:
    """The same lint as timed, with a JSON report: every file analysed, no errors."""
    argv = (*command.argv[:-1], "--format", "json", command.argv[-1])
    report = run_json(launcher, Command(command.key, argv, command.cwd))
    try:
        summary, skipped, errors = report["summary"], report["skipped"], report["errors"]
        analysed, findings = summary["files"], summary["findings"]
    except (KeyError, TypeError) as error:
        raise CrlintFailure(f"{command.key}: unexpected JSON report ({error!r})") from error
    if skipped or errors or (row.files and analysed != row.files):
        raise CrlintFailure(
            f"{command.key}: analysed {analysed} of {row.files or '?'} files, "
            f"skipped {skipped[:3]}, errors {errors[:3]}"
        )
    row.files, row.findings = analysed, findings


def plan(rows: list[Row], corpus: Row, python: str) -> list[Command]:
    runner = crlint_runner(python)
    commands = []
    for row in rows:
        tools = {
            "inspect": (*runner, "inspect", "--format", "json", str(row.path)),
            "lint": (*runner, "--select", "ALL", "--fail-level", "never", str(row.path)),
        }
        for tool, argv in tools.items():
            command = Command(f"{tool} {row.name}", argv, row.path.parent)
            commands.append(command)
            row.keys[tool] = command.key
    argv = (*runner, "--fail-level", "never", str(corpus.path))
    commands.append(Command("lint real corpus", argv, corpus.path))
    corpus.keys["lint"] = "lint real corpus"
    return commands


def measure(
    commands: list[Command], launcher: Launcher, rounds: int, failures: dict[str, str]
) -> dict[str, list[Sample]]:
    """`rounds` timed rounds, interleaved and rotated; a failing command is dropped."""
    samples: dict[str, list[Sample]] = {command.key: [] for command in commands}
    for round_no in range(rounds):
        live = [command for command in commands if command.key not in failures]
        shift = round_no % max(len(live), 1)
        started = time.perf_counter()
        for command in live[shift:] + live[:shift]:
            try:
                samples[command.key].append(run_checked(launcher, command))
            except CrlintFailure as failure:
                failures[command.key] = str(failure)
        log(f"round {round_no + 1}/{rounds}: {time.perf_counter() - started:.1f} s")
    return samples


def median_ms(samples: list[Sample]) -> float:
    return statistics.median(s.wall_s for s in samples) * 1000


def peak_mib(samples: list[Sample]) -> float:
    return max(s.maxrss_kib for s in samples) / 1024


def table(rows: list[Row], samples: dict[str, list[Sample]]) -> str:
    header = ("lines", "bytes", "jobs", "commands", "inspect ms", "lint ms",
              "inspect ms/kline", "lint ms/kline", "inspect MiB", "lint MiB")  # fmt: skip
    lines: list[tuple[str, ...]] = [header]
    for row in rows:
        cells = [f"{n:,}" for n in (row.lines, row.nbytes, row.jobs or 0, row.commands or 0)]
        got = {tool: samples.get(key) for tool, key in row.keys.items()}
        times = [f"{median_ms(s):,.0f}" if s else "FAILED" for s in got.values()]
        per_kline = [f"{median_ms(s) / row.lines * 1000:.1f}" if s else "-" for s in got.values()]
        memory = [f"{peak_mib(s):.0f}" if s else "-" for s in got.values()]
        lines.append((*cells, *times, *per_kline, *memory))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = []
    for index, line in enumerate(lines):
        padded = [cell.rjust(width) for cell, width in zip(line, widths, strict=True)]
        rendered.append("  ".join(padded))
        if index == 0:
            rendered.append("  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def linearity(rows: list[Row], samples: dict[str, list[Sample]]) -> list[str]:
    """Cost per line at the largest size over that at the smallest (1.00: linear)."""
    baseline, small, large = rows[0], rows[1], rows[-1]
    out = []
    for tool in ("inspect", "lint"):
        got = [samples.get(row.keys[tool]) for row in (baseline, small, large)]
        if not all(got):
            out.append(f"{tool}: not measured (failed)")
            continue
        base_s, small_s, large_s = (s for s in got if s)
        t0, t1, t2 = median_ms(base_s), median_ms(small_s), median_ms(large_s)
        m0, m1, m2 = peak_mib(base_s), peak_mib(small_s), peak_mib(large_s)
        lines = (large.lines - baseline.lines) / (small.lines - baseline.lines)
        raw = (t2 / large.lines) / (t1 / small.lines)
        net = (t2 - t0) / (t1 - t0) / lines if t1 > t0 else float("nan")
        memory = (m2 - m0) / (m1 - m0) / lines if m1 > m0 else float("nan")
        out.append(
            f"{tool}: time per line, {large.lines:,} vs {small.lines:,} lines: {raw:.2f} "
            f"(net of the {baseline.lines}-line file's {t0:.0f} ms: {net:.2f}); "
            f"peak RSS over the {baseline.lines}-line file's {m0:.0f} MiB, per line: {memory:.2f}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    python = sys.executable
    failures: dict[str, str] = {}
    try:
        bench = bench_dir(args.shared)
        real = (args.real_corpus or bench.parent / "corpus").resolve()
        if not real.is_dir():
            raise BenchError(f"no real corpus at {real}")
        ci_file, seed = load_ci_file(bench)
        env = child_environment(args.inherit_env)
        with tempfile.TemporaryDirectory(prefix="crlint-scale-") as tmp:
            rows = write_ci_files(Path(tmp), ci_file, seed)
            corpus = Row("real corpus", real, files=0)
            corpus.nbytes = sum(p.stat().st_size for p in real.rglob("*") if p.is_file())
            commands = plan(rows, corpus, python)
            by_key = {command.key: command for command in commands}
            launcher = Launcher(python, env, Path(tmp))
            try:
                floor = run_checked(
                    launcher, Command("python -I -c pass", (python, "-I", "-c", "pass"), real)
                )
                for row in [*rows, corpus]:
                    for tool, key in row.keys.items():
                        check = check_inspect if tool == "inspect" else check_lint
                        try:
                            check(row, by_key[key], launcher)
                        except CrlintFailure as failure:
                            failures[key] = str(failure)
                log(f"checked (and warmed up): {len(commands) - len(failures)} commands ok")
                samples = measure(commands, launcher, args.rounds, failures)
            finally:
                launcher.close()
    except BenchError as error:
        log(f"\n*** BENCHMARK ERROR ***\n{error}")
        return 2
    print(
        f"GitLab CI resolution vs file size: medians of {args.rounds} interleaved rounds "
        f"after 1 checked warm-up; Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        + ("inherited environment" if args.inherit_env else "bytecode cached")
    )
    print(
        f"files: gen_corpus.ci_file(random.Random({seed}), lines); MiB: the child's peak RSS, "
        f"highest of the rounds (`python -I -c pass`: {floor.maxrss_kib / 1024:.0f} MiB)"
    )
    print()
    print(table(rows, samples))
    print()
    for line in linearity(rows, samples):
        print(line)
    corpus_samples = samples.get(corpus.keys["lint"])
    if corpus_samples:
        ms = median_ms(corpus_samples)
        print(
            f"real corpus ({real}): {corpus.files} files analysed, {corpus.nbytes:,} bytes, "
            f"{ms:,.0f} ms, {corpus.files / ms * 1000:,.0f} files/s, "
            f"peak {peak_mib(corpus_samples):.0f} MiB"
        )
    if failures:
        print(f"\nCRLINT FAILED on {len(failures)} command(s):")
        for message in failures.values():
            print(f"\n{message}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
