"""Wall-time benchmark of crlint against the "floor", measured in the same run.

Why these measurements
----------------------
crlint mostly runs as a pre-commit hook: a fresh process per commit, handed
either one changed file or a few hundred files as explicit arguments. What
the user feels is the wall time of that whole process — interpreter start,
imports, argument parsing, YAML parsing, the rules, the report — so this
script times whole processes, never functions in-process.

Absolute times mean little across machines (and even across hours on a
shared one), so crlint is compared with a *floor* timed in the same run:
`floor_hook.py` from the shared bench folder does the minimum any Python
linter of CI YAML must do (argparse, PyYAML's C loader composing each file
with marks, SARIF on stdout). The targets are ratios to that floor:

* one small CI file:  crlint ≤ 1.5 x floor (start-up and import cost dominate);
* 400 CI files:       crlint ≤ 2.0 x floor (per-file cost dominates).

`python -I -c pass` is timed too, so that "cost over bare interpreter start"
can be read off for both tools. Commands are interleaved round by round (and
the order rotated every round) so that drift in machine load hits all of
them alike; each figure is the median of --repeat rounds after one warm-up
round (which also fills the bytecode caches). crlint runs as its installed
console script, which is what pre-commit and users run and, like
`python floor_hook.py`, a script file run by the same interpreter (this
script's `sys.executable`); `python -m crlint`, which also imports runpy, is
timed on the one-file case for reference.

Bytecode: an installed crlint has its modules compiled to .pyc once, at
install time, so each run only unmarshals them. An environment with
PYTHONDONTWRITEBYTECODE=1 (common in containers) and an editable install
without __pycache__ would instead recompile every crlint module on every run,
a cost users never pay (and the floor, a single script whose imports are
stdlib and PyYAML, hardly pays at all). So the children run with
PYTHONDONTWRITEBYTECODE removed and PYTHONPYCACHEPREFIX pointing at
bench/out/pycache: bytecode is cached (by the warm-up round) for both tools
alike, outside the source tree. Other variables that slow Python down
(PYTHONPROFILEIMPORTTIME, PYTHONDEVMODE, ...) are removed too.
--inherit-env runs the children with this script's environment unchanged.

Every command's exit status is checked (floor: 0; crlint: 0 or 1),
and before timing crlint is asked for a JSON report of each workload to make
sure it really analysed every file — a linter that skips files is fast.

With --all, three larger workloads are added: the ~50,000-line CI file
(floor and crlint, no target) and the 2,000 Dockerfiles and 500 manifests
(crlint alone; the floor reads only YAML), reported as files per second of
whole-process wall time.

Usage: python bench/run.py [--repeat N] [--all] [--json] [--corpus DIR] [--shared DIR]
                          [--inherit-env] [--no-verify]
Exit status: 0 all targets met, 1 a target missed, 2 the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "bench" / "out" / "corpus"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
PYCACHE_PREFIX = REPO_ROOT / "bench" / "out" / "pycache"
# Environment variables that change how fast Python runs; removed for the children.
SLOWING_VARIABLES = (
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC",
    "PYTHONMALLOC",
    "PYTHONMALLOCSTATS",
    "PYTHONVERBOSE",
    "PYTHONDEBUG",
    "PYTHONINSPECT",
    "PYTHONWARNINGS",
    "PYTHONASYNCIODEBUG",
    "PYTHONFAULTHANDLER",
)

CI_GLOB = "ci/*/.gitlab-ci.yml"
EXPECTED = {CI_GLOB: 2000, "docker/*/Dockerfile": 2000, "manifests/*.json": 500}
HUGE_CI = "huge/.gitlab-ci.yml"
MANY_FILES = 400
ONE_FILE_TARGET = 1.5
MANY_FILES_TARGET = 2.0

FLOOR_OK = frozenset({0})
CRLINT_OK = frozenset({0, 1})  # 0: no findings, 1: findings
# Exit 1 is also what Python itself returns on an uncaught exception or a
# missing module, so a crlint exit 1 with one of these on stderr is an error.
CRASH_MARKERS = ("Traceback (most recent call last)", "No module named", "Error while finding")


class BenchError(Exception):
    """The benchmark cannot produce trustworthy numbers."""


@dataclass(frozen=True)
class Command:
    key: str
    argv: tuple[str, ...]
    ok: frozenset[int]

    def shell(self) -> str:
        shown = [*self.argv[:6], f"... ({len(self.argv) - 6} more)"] if len(self.argv) > 8 else []
        return " ".join(shown or self.argv)


@dataclass(frozen=True)
class Work:
    """One row of the table."""

    name: str
    files: int
    nbytes: int
    floor: str | None  # Command keys
    crlint: str | None
    target: float | None = None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time crlint against the floor hook (see the module docstring)."
    )
    parser.add_argument(
        "--repeat", type=int, default=7, metavar="N", help="timed rounds (default: 7)"
    )
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, metavar="DIR",
        help="corpus cache, generated if missing (default: bench/out/corpus)",
    )  # fmt: skip
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, metavar="DIR",
        help="the shared folder holding bench/gen_corpus.py and bench/floor_hook.py "
        "(default: ../shared next to the repository)",
    )  # fmt: skip
    parser.add_argument(
        "--all", action="store_true",
        help="also the 50,000-line CI file, the Dockerfiles and the manifests",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument(
        "--inherit-env", action="store_true",
        help="run the commands in this environment as is (default: bytecode cached in "
        "bench/out/pycache, variables that slow Python down removed)",
    )  # fmt: skip
    parser.add_argument(
        "--no-verify", action="store_true",
        help="skip checking that crlint analyses every file of each workload",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def child_environment(inherit: bool) -> dict[str, str]:
    env = dict(os.environ)
    if inherit:
        return env
    for name in SLOWING_VARIABLES:
        env.pop(name, None)
    PYCACHE_PREFIX.mkdir(parents=True, exist_ok=True)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_PREFIX)
    return env


def bench_dir(shared: Path) -> Path:
    """Accept the shared folder itself or its bench/ subfolder."""
    for candidate in (shared / "bench", shared):
        if (candidate / "gen_corpus.py").is_file() and (candidate / "floor_hook.py").is_file():
            return candidate.resolve()
    raise BenchError(f"no gen_corpus.py and floor_hook.py in {shared} or {shared / 'bench'}")


def corpus_counts(corpus: Path) -> dict[str, int]:
    return {pattern: sum(1 for _ in corpus.glob(pattern)) for pattern in EXPECTED}


def ensure_corpus(corpus: Path, bench: Path, python: str) -> Path:
    """Generate the corpus once (atomically: into a temporary sibling, then renamed)."""
    corpus = corpus.resolve()
    if corpus.exists():
        counts = corpus_counts(corpus)
        if counts != EXPECTED or not (corpus / HUGE_CI).is_file():
            raise BenchError(
                f"corpus at {corpus} is incomplete ({counts}, {HUGE_CI} "
                f"{'present' if (corpus / HUGE_CI).is_file() else 'missing'}); "
                "delete it to have it regenerated"
            )
        log(f"corpus: {corpus} (cached)")
        return corpus
    corpus.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=corpus.name + ".tmp-", dir=corpus.parent))
    try:
        log(f"corpus: generating into {corpus} ...")
        started = time.perf_counter()
        done = subprocess.run(
            [python, str(bench / "gen_corpus.py"), str(staging)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"gen_corpus.py failed ({done.returncode}):\n{done.stderr}")
        if corpus_counts(staging) != EXPECTED:
            raise BenchError(f"gen_corpus.py produced {corpus_counts(staging)}, not {EXPECTED}")
        staging.rename(corpus)
        log(f"corpus: generated in {time.perf_counter() - started:.1f} s")
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return corpus


def run_once(command: Command, cwd: Path, env: dict[str, str]) -> float:
    """Run one command; return its wall time in seconds, or raise on a bad exit."""
    started = time.perf_counter()
    done = subprocess.run(
        command.argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - started
    stderr = done.stderr.decode("utf-8", "replace")
    crashed = done.returncode != 0 and any(marker in stderr for marker in CRASH_MARKERS)
    if done.returncode not in command.ok or crashed:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise BenchError(
            f"{command.key}: exit status {done.returncode} "
            + ("with a Python error on stderr" if crashed else f"(expected {sorted(command.ok)})")
            + f"\n  command: {command.shell()}\n  cwd: {cwd}\n"
            f"  stderr (last lines):\n{tail}"
        )
    return elapsed


def verify_crlint(python: str, files: list[str], cwd: Path, env: dict[str, str], what: str) -> None:
    """Make sure crlint analyses every file it is timed on (and skips none)."""
    done = subprocess.run(
        [python, "-m", "crlint", "--format", "json", *files],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    if done.returncode not in CRLINT_OK:
        raise BenchError(
            f"crlint on {what}: exit status {done.returncode}\n"
            + done.stderr.decode("utf-8", "replace")[-2000:]
        )
    try:
        report = json.loads(done.stdout)
        analysed = report["summary"]["files"]
        skipped = report["skipped"]
        errors = report["errors"]
    except (ValueError, KeyError, TypeError) as error:
        raise BenchError(
            f"crlint on {what}: unreadable JSON report ({error}); stderr:\n"
            + done.stderr.decode("utf-8", "replace")[-2000:]
        ) from error
    if analysed != len(files) or skipped or errors:
        raise BenchError(
            f"crlint on {what}: analysed {analysed} of {len(files)} files, "
            f"skipped {skipped[:3]}, errors {errors[:3]}: the timings would be meaningless"
        )


def measure(
    commands: list[Command], cwd: Path, env: dict[str, str], repeat: int
) -> dict[str, list[float]]:
    """One warm-up round, then `repeat` timed rounds, commands interleaved and rotated."""
    samples: dict[str, list[float]] = {command.key: [] for command in commands}
    for round_no in range(repeat + 1):
        shift = round_no % len(commands)
        order = commands[shift:] + commands[:shift]
        started = time.perf_counter()
        for command in order:
            elapsed = run_once(command, cwd, env)
            if round_no:
                samples[command.key].append(elapsed)
        label = "warm-up" if round_no == 0 else f"round {round_no}/{repeat}"
        log(f"{label}: {time.perf_counter() - started:.1f} s")
    return samples


def total_bytes(corpus: Path, files: list[str]) -> int:
    return sum((corpus / name).stat().st_size for name in files)


def line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def plan(
    corpus: Path, bench: Path, python: str, include_all: bool
) -> tuple[list[Command], list[Work], dict[str, list[str]]]:
    """The commands to time, the table rows, and the file lists crlint must analyse."""
    floor_hook = str(bench / "floor_hook.py")
    ci_files = sorted(path.relative_to(corpus).as_posix() for path in corpus.glob(CI_GLOB))
    # The smallest CI file (ties broken by name): a one-line change to a small
    # project's .gitlab-ci.yml, where start-up cost is everything.
    one = min(ci_files, key=lambda name: ((corpus / name).stat().st_size, name))
    many = ci_files[:MANY_FILES]

    def floor(key: str, files: list[str]) -> Command:
        return Command(key, (python, floor_hook, *files), FLOOR_OK)

    # crlint runs as its console script, as pre-commit and users run it; like
    # `python floor_hook.py`, that is a script file, without `-m`'s runpy.
    script = Path(python).parent / "crlint"
    runner: tuple[str, ...] = (str(script),)
    if not (script.is_file() and os.access(script, os.X_OK)):
        log(f"note: no console script at {script}; timing `python -m crlint` instead")
        runner = (python, "-m", "crlint")

    def crlint(key: str, files: list[str]) -> Command:
        return Command(key, (*runner, "--format", "sarif", *files), CRLINT_OK)

    commands = [
        Command("python -I -c pass", (python, "-I", "-c", "pass"), FLOOR_OK),
        floor("floor, one file", [one]),
        crlint("crlint, one file", [one]),
        floor(f"floor, {MANY_FILES} files", many),
        crlint(f"crlint, {MANY_FILES} files", many),
    ]
    one_name = f"one small CI file ({one}, {line_count(corpus / one)} lines)"
    rows = [
        Work("python -I -c pass (reference)", 0, 0, "python -I -c pass", None),
        Work(one_name, 1, total_bytes(corpus, [one]), "floor, one file", "crlint, one file",
             ONE_FILE_TARGET),
        Work(f"first {MANY_FILES} CI files, as arguments", len(many), total_bytes(corpus, many),
             f"floor, {MANY_FILES} files", f"crlint, {MANY_FILES} files", MANY_FILES_TARGET),
    ]  # fmt: skip
    if runner[0] == str(script):
        key = "crlint -m, one file"
        commands.append(Command(key, (python, "-m", "crlint", "--format", "sarif", one), CRLINT_OK))
        rows.insert(2, Work("  same, as `python -m crlint` (adds runpy)", 1, rows[1].nbytes,
                            "floor, one file", key))  # fmt: skip
    to_verify = {one_name: [one], f"{MANY_FILES} CI files": many}
    if include_all:
        dockerfiles = sorted(p.relative_to(corpus).as_posix() for p in corpus.glob("docker/*/*"))
        manifests = sorted(p.relative_to(corpus).as_posix() for p in corpus.glob("manifests/*"))
        commands += [
            floor("floor, huge", [HUGE_CI]),
            crlint("crlint, huge", [HUGE_CI]),
            crlint("crlint, Dockerfiles", dockerfiles),
            crlint("crlint, manifests", manifests),
        ]
        huge_name = f"huge CI file ({line_count(corpus / HUGE_CI):,} lines)"
        rows += [
            Work(huge_name, 1, total_bytes(corpus, [HUGE_CI]), "floor, huge", "crlint, huge"),
            Work(f"{len(dockerfiles):,} Dockerfiles (crlint alone)", len(dockerfiles),
                 total_bytes(corpus, dockerfiles), None, "crlint, Dockerfiles"),
            Work(f"{len(manifests):,} manifests (crlint alone)", len(manifests),
                 total_bytes(corpus, manifests), None, "crlint, manifests"),
        ]  # fmt: skip
        to_verify |= {huge_name: [HUGE_CI], "Dockerfiles": dockerfiles, "manifests": manifests}
    return commands, rows, to_verify


def summarise(samples: list[float]) -> dict[str, Any]:
    return {
        "median_ms": statistics.median(samples) * 1000,
        "min_ms": min(samples) * 1000,
        "max_ms": max(samples) * 1000,
        "samples_ms": [round(s * 1000, 2) for s in samples],
    }


def results(rows: list[Work], samples: dict[str, list[float]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in rows:
        floor = summarise(samples[row.floor]) if row.floor else None
        crlint = summarise(samples[row.crlint]) if row.crlint else None
        ratio = crlint["median_ms"] / floor["median_ms"] if floor and crlint else None
        entry: dict[str, Any] = {
            "work": row.name.strip(),
            "files": row.files,
            "bytes": row.nbytes,
            "floor": floor,
            "crlint": crlint,
            "ratio": ratio,
            "target": row.target,
            "passed": None if row.target is None or ratio is None else ratio <= row.target,
        }
        if crlint and row.files:
            entry["crlint_files_per_s"] = row.files / (crlint["median_ms"] / 1000)
        out.append(entry)
    return out


def table(entries: list[dict[str, Any]]) -> str:
    header = ("work", "floor ms", "crlint ms", "crlint/floor", "target", "result")
    lines: list[tuple[str, ...]] = [header]
    for e in entries:
        floor_ms = f"{e['floor']['median_ms']:.1f}" if e["floor"] else "-"
        crlint_ms = f"{e['crlint']['median_ms']:.1f}" if e["crlint"] else "-"
        ratio = f"{e['ratio']:.2f}" if e["ratio"] is not None else "-"
        target = f"<= {e['target']:.1f}" if e["target"] is not None else "-"
        if e["passed"] is not None:
            result = "PASS" if e["passed"] else "FAIL"
        elif e["crlint"] and e["files"] > 1:
            result = f"{e['crlint_files_per_s']:,.0f} files/s"
        else:
            result = "-"
        work = e["work"] if not e["work"].startswith("same") else "  " + e["work"]
        lines.append((work, floor_ms, crlint_ms, ratio, target, result))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = []
    for index, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:-1], widths[1:-1], strict=True)]
        cells.append(line[-1])
        rendered.append("  ".join(cells).rstrip())
        if index == 0:
            rendered.append("  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    python = sys.executable
    try:
        bench = bench_dir(args.shared)
        corpus = ensure_corpus(args.corpus, bench, python)
        commands, rows, to_verify = plan(corpus, bench, python, args.all)
        env = child_environment(args.inherit_env)
        if not args.no_verify:
            for what, files in to_verify.items():
                verify_crlint(python, files, corpus, env, what)
            log("verified: crlint analyses every file of every workload")
        samples = measure(commands, corpus, env, args.repeat)
    except BenchError as error:
        log(f"\n*** BENCHMARK ERROR ***\n{error}")
        return 2
    entries = results(rows, samples)
    start = statistics.median(samples["python -I -c pass"]) * 1000
    one_file = entries[1]
    over_start = {
        "floor_ms": one_file["floor"]["median_ms"] - start,
        "crlint_ms": one_file["crlint"]["median_ms"] - start,
    }
    failed = any(entry["passed"] is False for entry in entries)
    if args.json:
        environment: str | dict[str, Any] = "inherited"
        if not args.inherit_env:
            environment = {
                "removed": list(SLOWING_VARIABLES),
                "PYTHONPYCACHEPREFIX": str(PYCACHE_PREFIX),
            }
        document = {
            "python": python,
            "python_version": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "repeat": args.repeat,
            "environment": environment,
            "corpus": str(corpus),
            "floor_hook": str(bench / "floor_hook.py"),
            "commands": {c.key: c.shell() for c in commands},
            "one_file_over_interpreter_start": over_start,
            "results": entries,
            "all_targets_met": not failed,
        }
        print(json.dumps(document, indent=2))
    else:
        print(
            f"crlint vs floor: medians of {args.repeat} interleaved rounds after 1 warm-up; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            + ("inherited environment" if args.inherit_env else "bytecode cached")
        )
        print()
        print(table(entries))
        print()
        print(
            f"one file, over interpreter start: floor {over_start['floor_ms']:.1f} ms, "
            f"crlint {over_start['crlint_ms']:.1f} ms"
        )
        print("targets met" if not failed else "TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
