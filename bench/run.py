"""Whole-process benchmark of crlint against the "floor", measured in the same run.

Why these measurements
----------------------
crlint mostly runs as a pre-commit hook or a CI job: a fresh process handed
one changed file or a few thousand. What the user feels is that whole
process — interpreter start, imports, argument parsing, parsing, the rules,
the report — so this script times whole processes, never functions
in-process, and reads three figures of each from `os.wait4` (see
`launch.py`): wall time, CPU time (user + system) and peak resident memory.

Absolute times mean little across machines (and across hours on a shared
one), so crlint is compared with a *floor* timed in the same run:
`floor_hook.py` from the shared bench folder does the minimum any Python
linter of CI YAML must do (argparse, PyYAML's C loader composing each file
with marks, SARIF on stdout), and `floor_dockerfile.py` beside this script
the same for Dockerfiles (read, split into instructions, SARIF). The targets
(issue "Speed and memory at scale"):

* one small CI file:              wall ≤ 1.5 x floor (start-up and imports);
* 400 CI files, `-j 1`:           CPU ≤ 2.0 x floor (per-file cost);
* 400 CI files, default `-j`:     wall ≤ 1.5 x floor;
* with --all, 2,000 CI files `-j 1`: CPU ≤ 2.0 x floor and peak ≤ 64 MiB;
  the ~50,000-line CI file: wall ≤ 1.2 x floor and peak ≤ 64 MiB;
  2,000 Dockerfiles `-j 1`: CPU ≤ 2.0 x the Dockerfile floor;
  100 to 1,600 CI files `-j 1`: CPU per file (net of a one-file run) within
  ±15 % of its median across the sizes, memory shown beside it;
* peers, where installed in this Python's environment (or on PATH):
  yamllint on the 400 CI files ≥ 10 x crlint's wall, hadolint on the 2,000
  Dockerfiles (with --all) ≥ 50 x; timed once, in the first round, since
  they are tens of times slower (hadolint takes minutes);
* with --all, the real repositories of `../shared/wild` (unpacked by
  bench/wild.py), each linted from its root with `-j 1`: CPU in all, the
  median and the slowest, shown without a target.

`python -I -c pass` is timed too, so that the cost over bare interpreter
start can be read off. Commands are interleaved round by round (the order
rotated every round) so that drift in machine load hits all of them alike;
each figure is the median of --repeat rounds after one warm-up round (which
also fills the bytecode caches); peak memory is the largest of the rounds.
crlint runs as its console script, which is what pre-commit and users run;
`python -m crlint`, which also imports runpy, is timed on the one-file case
for reference.

Bytecode: an installed crlint has its modules compiled to .pyc once, at
install time, so each run only unmarshals them. An environment with
PYTHONDONTWRITEBYTECODE=1 (common in containers) and an editable install
without __pycache__ would instead recompile every crlint module on every run,
a cost users never pay. So the children run with PYTHONDONTWRITEBYTECODE
removed and PYTHONPYCACHEPREFIX pointing at bench/out/pycache: bytecode is
cached (by the warm-up round) for every tool alike, outside the source tree.
Other variables that slow Python down (PYTHONPROFILEIMPORTTIME,
PYTHONDEVMODE, ...) are removed too. --inherit-env runs the children with
this script's environment unchanged.

Every command's exit status is checked (floors: 0; crlint and peers: 0 or
1), and before timing crlint is asked for a JSON report of each workload to
make sure it really analysed every file — a linter that skips files is fast.

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

# launch.py sits beside this script (sys.path[0] when run as `python bench/run.py`).
from launch import Launcher, LauncherDied, Sample

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "bench" / "out" / "corpus"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
PYCACHE_PREFIX = REPO_ROOT / "bench" / "out" / "pycache"
DOCKERFILE_FLOOR = Path(__file__).resolve().parent / "floor_dockerfile.py"
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
SCALING = (100, 200, 400, 800, 1600)
SCALING_SPREAD = 0.15
MEMORY_TARGET_MIB = 64.0

FLOOR_OK = frozenset({0})
TOOL_OK = frozenset({0, 1})  # 0: no findings, 1: findings
# Exit 1 is also what Python itself returns on an uncaught exception or a
# missing module, so an exit 1 with one of these on stderr is an error.
CRASH_MARKERS = ("Traceback (most recent call last)", "No module named", "Error while finding")


class BenchError(Exception):
    """The benchmark cannot produce trustworthy numbers."""


@dataclass(frozen=True)
class Command:
    key: str
    argv: tuple[str, ...]
    ok: frozenset[int]
    once: bool = False
    """Timed in the first round only: a peer tens of times slower than crlint
    (hadolint takes minutes on 2,000 files) needs one figure, not a median."""
    cwd: Path | None = None
    """Where it runs: the corpus, unless it is a real repository's tree."""

    def shell(self) -> str:
        shown = [*self.argv[:6], f"... ({len(self.argv) - 6} more)"] if len(self.argv) > 8 else []
        return " ".join(shown or self.argv)


@dataclass(frozen=True)
class Work:
    """One row of the table: crlint's command against a floor's (or a peer's)."""

    name: str
    files: int
    nbytes: int
    floor: str | None  # Command keys
    crlint: str | None
    metric: str = "wall"
    """What the ratio compares: "wall" or "cpu"."""
    target: float | None = None
    """crlint/floor at most this."""
    memory_target: float | None = None
    """crlint's peak resident memory at most this many MiB."""
    peer: str | None = None
    """A peer's command: peer/crlint (wall) at least `peer_target`."""
    peer_target: float | None = None


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
        return own_repository(corpus)
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
    return own_repository(corpus)


def own_repository(corpus: Path) -> Path:
    """Make the corpus a repository of its own (an empty `.git`), as a user's is.

    Inside this checkout, crlint would otherwise find crlint's own
    `[tool.crlint]` in pyproject.toml above it and read it, which a user's
    repository does not hold and which the floor never pays (tomllib and
    its imports are 12 ms of a one-file run). crlint's findings on the
    corpus are the same either way.
    """
    (corpus / ".git").mkdir(exist_ok=True)
    return corpus


def run_once(launcher: Launcher, command: Command, cwd: Path) -> Sample:
    """Run one command; its sample, or raise on a bad exit."""
    try:
        finished = launcher.run(command.argv, cwd)
    except LauncherDied as died:
        raise BenchError(str(died)) from died
    stderr = finished.stderr
    crashed = finished.exit != 0 and any(marker in stderr for marker in CRASH_MARKERS)
    if finished.exit not in command.ok or crashed:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise BenchError(
            f"{command.key}: exit status {finished.exit} "
            + ("with a Python error on stderr" if crashed else f"(expected {sorted(command.ok)})")
            + f"\n  command: {command.shell()}\n  cwd: {cwd}\n"
            f"  stderr (last lines):\n{tail}"
        )
    return finished.sample


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
    if done.returncode not in TOOL_OK:
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
    commands: list[Command], cwd: Path, launcher: Launcher, repeat: int
) -> dict[str, list[Sample]]:
    """One warm-up round, then `repeat` timed rounds, commands interleaved and rotated."""
    samples: dict[str, list[Sample]] = {command.key: [] for command in commands}
    for round_no in range(repeat + 1):
        shift = round_no % len(commands)
        order = commands[shift:] + commands[:shift]
        started = time.perf_counter()
        for command in order:
            if command.once and round_no != 1:
                continue
            sample = run_once(launcher, command, command.cwd or cwd)
            if round_no:
                samples[command.key].append(sample)
        label = "warm-up" if round_no == 0 else f"round {round_no}/{repeat}"
        log(f"{label}: {time.perf_counter() - started:.1f} s")
    return samples


def total_bytes(corpus: Path, files: list[str]) -> int:
    return sum((corpus / name).stat().st_size for name in files)


def line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def tool(python: str, name: str) -> str | None:
    """A peer's or crlint's console script: beside this Python, else on PATH."""
    beside = Path(python).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def crlint_runner(python: str) -> tuple[str, ...]:
    """crlint's console script beside this Python; `python -m crlint` if there is none."""
    script = Path(python).parent / "crlint"
    if script.is_file() and os.access(script, os.X_OK):
        return (str(script),)
    log(f"note: no console script at {script}; timing `python -m crlint` instead")
    return (python, "-m", "crlint")


def plan(
    corpus: Path, bench: Path, python: str, include_all: bool, shared: Path
) -> tuple[list[Command], list[Work], dict[str, list[str]]]:
    """The commands to time, the table rows, and the file lists crlint must analyse."""
    floor_hook = str(bench / "floor_hook.py")
    ci_files = sorted(path.relative_to(corpus).as_posix() for path in corpus.glob(CI_GLOB))
    # The smallest CI file (ties broken by name): a one-line change to a small
    # project's .gitlab-ci.yml, where start-up cost is everything.
    one = min(ci_files, key=lambda name: ((corpus / name).stat().st_size, name))
    many = ci_files[:MANY_FILES]

    def floor(key: str, files: list[str], script: str = floor_hook) -> Command:
        return Command(key, (python, script, *files), FLOOR_OK)

    # crlint runs as its console script, as pre-commit and users run it; like
    # `python floor_hook.py`, that is a script file, without `-m`'s runpy.
    runner = crlint_runner(python)

    def crlint(key: str, files: list[str], *options: str) -> Command:
        return Command(key, (*runner, *options, "--format", "sarif", *files), TOOL_OK)

    commands = [
        Command("python -I -c pass", (python, "-I", "-c", "pass"), FLOOR_OK),
        floor("floor, one file", [one]),
        crlint("crlint, one file", [one]),
        Command("crlint -m, one file", (python, "-m", "crlint", "--format", "sarif", one), TOOL_OK),
        floor(f"floor, {MANY_FILES} files", many),
        crlint(f"crlint -j 1, {MANY_FILES} files", many, "-j", "1"),
        crlint(f"crlint, {MANY_FILES} files", many),
    ]
    one_name = f"one small CI file ({one}, {line_count(corpus / one)} lines)"
    size = total_bytes(corpus, many)
    rows = [
        Work("python -I -c pass (reference)", 0, 0, "python -I -c pass", None),
        Work(one_name, 1, total_bytes(corpus, [one]), "floor, one file", "crlint, one file",
             target=1.5),
        Work("  same, as `python -m crlint` (adds runpy)", 1, total_bytes(corpus, [one]),
             "floor, one file", "crlint -m, one file"),
        Work(f"{MANY_FILES} CI files, -j 1, CPU", len(many), size, f"floor, {MANY_FILES} files",
             f"crlint -j 1, {MANY_FILES} files", metric="cpu", target=2.0),
        Work(f"{MANY_FILES} CI files, default -j, wall", len(many), size,
             f"floor, {MANY_FILES} files", f"crlint, {MANY_FILES} files", target=1.5),
    ]  # fmt: skip
    yamllint = tool(python, "yamllint")
    if yamllint:
        commands.append(Command("yamllint, 400 files", (yamllint, *many), TOOL_OK, once=True))
        rows.append(Work(f"  yamllint on the {MANY_FILES} CI files", len(many), size, None,
                         f"crlint, {MANY_FILES} files", peer="yamllint, 400 files",
                         peer_target=10.0))  # fmt: skip
    else:
        log("note: yamllint is not installed; its row is left out")
    to_verify = {one_name: [one], f"{MANY_FILES} CI files": many}
    if not include_all:
        return commands, rows, to_verify
    dockerfiles = sorted(p.relative_to(corpus).as_posix() for p in corpus.glob("docker/*/*"))
    manifests = sorted(p.relative_to(corpus).as_posix() for p in corpus.glob("manifests/*"))
    commands += [
        floor("floor, 2,000 files", ci_files),
        crlint("crlint -j 1, 2,000 files", ci_files, "-j", "1"),
        floor("floor, huge", [HUGE_CI]),
        crlint("crlint, huge", [HUGE_CI]),
        floor("floor, Dockerfiles", dockerfiles, str(DOCKERFILE_FLOOR)),
        crlint("crlint -j 1, Dockerfiles", dockerfiles, "-j", "1"),
        crlint("crlint, Dockerfiles", dockerfiles),
        crlint("crlint, manifests", manifests),
    ]
    huge_name = f"huge CI file ({line_count(corpus / HUGE_CI):,} lines)"
    docker_size = total_bytes(corpus, dockerfiles)
    rows += [
        Work(f"{len(ci_files):,} CI files, -j 1, CPU", len(ci_files), total_bytes(corpus, ci_files),
             "floor, 2,000 files", "crlint -j 1, 2,000 files", metric="cpu", target=2.0,
             memory_target=MEMORY_TARGET_MIB),
        Work(huge_name, 1, total_bytes(corpus, [HUGE_CI]), "floor, huge", "crlint, huge",
             target=1.2, memory_target=MEMORY_TARGET_MIB),
        Work(f"{len(dockerfiles):,} Dockerfiles, -j 1, CPU", len(dockerfiles), docker_size,
             "floor, Dockerfiles", "crlint -j 1, Dockerfiles", metric="cpu", target=2.0),
        Work(f"{len(dockerfiles):,} Dockerfiles, default -j, wall", len(dockerfiles), docker_size,
             "floor, Dockerfiles", "crlint, Dockerfiles"),
        Work(f"{len(manifests):,} manifests (crlint alone)", len(manifests),
             total_bytes(corpus, manifests), None, "crlint, manifests"),
    ]  # fmt: skip
    hadolint = tool(python, "hadolint")
    if hadolint:
        peer = Command("hadolint, Dockerfiles", (hadolint, *dockerfiles), TOOL_OK, once=True)
        commands.append(peer)
        rows.append(Work(f"  hadolint on the {len(dockerfiles):,} Dockerfiles", len(dockerfiles),
                         docker_size, None, "crlint, Dockerfiles", peer="hadolint, Dockerfiles",
                         peer_target=50.0))  # fmt: skip
    else:
        log("note: hadolint is not installed; its row is left out")
    for count in SCALING:
        files = ci_files[:count]
        key = f"crlint -j 1, {count} files (scaling)"
        commands.append(crlint(key, files, "-j", "1"))
        rows.append(Work(f"scaling: {count:,} CI files, -j 1", count, total_bytes(corpus, files),
                         None, key, metric="cpu"))  # fmt: skip
    commands += real_repositories(shared, runner)
    to_verify |= {huge_name: [HUGE_CI], "Dockerfiles": dockerfiles, "manifests": manifests}
    to_verify[f"{len(ci_files):,} CI files"] = ci_files
    return commands, rows, to_verify


WILD_KEY = "crlint -j 1, real repository "


def real_repositories(shared: Path, runner: tuple[str, ...]) -> list[Command]:
    """crlint on each of the real repositories of `../shared/wild` (bench/wild.py
    unpacks them), from its root as a user runs it: what synthetic files do not
    show, such as a reader that is quadratic in a Python script's length."""
    from wild import remotes, trees  # beside this script, as launch.py

    if not (shared / "wild" / "trees.tgz").is_file():
        log(f"note: no {shared / 'wild' / 'trees.tgz'}; the real repositories are left out")
        return []
    root = trees(shared / "wild")
    return [
        Command(WILD_KEY + repo, (*runner, "-j", "1", "--format", "sarif", "."), TOOL_OK,
                cwd=root / repo)
        for repo in sorted(remotes(shared / "wild"))
        if (root / repo).is_dir()
    ]  # fmt: skip


def real_summary(samples: dict[str, list[Sample]]) -> dict[str, Any] | None:
    """CPU of the real repositories: in all, per repository, and the slowest."""
    cpu_ms = {
        key[len(WILD_KEY) :]: statistics.median(s.cpu_s for s in runs) * 1000
        for key, runs in samples.items()
        if key.startswith(WILD_KEY)
    }
    if not cpu_ms:
        return None
    slowest = sorted(cpu_ms.items(), key=lambda item: -item[1])
    return {
        "repositories": len(cpu_ms),
        "cpu_ms_total": sum(cpu_ms.values()),
        "cpu_ms_median": statistics.median(cpu_ms.values()),
        "cpu_ms": dict(slowest),
    }


def summarise(samples: list[Sample]) -> dict[str, Any]:
    return {
        "wall_ms": statistics.median(s.wall_s for s in samples) * 1000,
        "cpu_ms": statistics.median(s.cpu_s for s in samples) * 1000,
        "peak_mib": max(s.maxrss_kib for s in samples) / 1024,
        "wall_samples_ms": [round(s.wall_s * 1000, 2) for s in samples],
        "cpu_samples_ms": [round(s.cpu_s * 1000, 2) for s in samples],
    }


def results(rows: list[Work], samples: dict[str, list[Sample]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in rows:
        floor = summarise(samples[row.floor]) if row.floor else None
        crlint = summarise(samples[row.crlint]) if row.crlint else None
        peer = summarise(samples[row.peer]) if row.peer else None
        field = f"{row.metric}_ms"
        ratio = crlint[field] / floor[field] if floor and crlint else None
        passed: list[bool] = []
        if row.target is not None and ratio is not None:
            passed.append(ratio <= row.target)
        if row.memory_target is not None and crlint:
            passed.append(crlint["peak_mib"] <= row.memory_target)
        peer_ratio = peer["wall_ms"] / crlint["wall_ms"] if peer and crlint else None
        if row.peer_target is not None and peer_ratio is not None:
            passed.append(peer_ratio >= row.peer_target)
        entry: dict[str, Any] = {
            "work": row.name.strip(),
            "files": row.files,
            "bytes": row.nbytes,
            "metric": row.metric,
            "floor": floor,
            "crlint": crlint,
            "peer": peer,
            "ratio": ratio,
            "peer_ratio": peer_ratio,
            "target": row.target,
            "memory_target_mib": row.memory_target,
            "peer_target": row.peer_target,
            "passed": all(passed) if passed else None,
        }
        if crlint and row.files:
            entry["crlint_files_per_s"] = row.files / (crlint["wall_ms"] / 1000)
        out.append(entry)
    return out


def scaling(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """CPU per file at each size of the scaling rows, net of a one-file run."""
    rows = [e for e in entries if e["work"].startswith("scaling:")]
    one = next((e for e in entries if e["work"].startswith("one small CI file")), None)
    if not rows or one is None:
        return None
    fixed = one["crlint"]["cpu_ms"]
    per_file = {e["files"]: (e["crlint"]["cpu_ms"] - fixed) / e["files"] for e in rows}
    middle = statistics.median(per_file.values())
    spread = max(abs(value / middle - 1) for value in per_file.values())
    return {
        "cpu_ms_per_file": per_file,
        "peak_mib": {e["files"]: e["crlint"]["peak_mib"] for e in rows},
        "spread": spread,
        "passed": spread <= SCALING_SPREAD,
    }


def table(entries: list[dict[str, Any]]) -> str:
    header = ("work", "floor", "crlint", "ratio", "target", "peak MiB", "result")
    lines: list[tuple[str, ...]] = [header]

    def figure(summary: dict[str, Any] | None, metric: str) -> str:
        if summary is None:
            return "-"
        return f"{summary[f'{metric}_ms']:,.0f} ms {'CPU' if metric == 'cpu' else 'wall'}"

    for e in entries:
        if e["peer"] is not None:
            peer = f"{e['peer']['wall_ms']:,.0f} ms wall"
            lines.append((e["work"], peer, figure(e["crlint"], "wall"),
                          f"{e['peer_ratio']:.1f}x slower", f">= {e['peer_target']:.0f}x", "-",
                          "PASS" if e["passed"] else "FAIL"))  # fmt: skip
            continue
        ratio = f"{e['ratio']:.2f}" if e["ratio"] is not None else "-"
        target = f"<= {e['target']:.1f}" if e["target"] is not None else "-"
        peak = "-"
        if e["crlint"]:
            peak = f"{e['crlint']['peak_mib']:.1f}"
            if e["floor"]:
                peak = f"{e['floor']['peak_mib']:.1f} / {peak}"
            if e["memory_target_mib"] is not None:
                peak += f" (<= {e['memory_target_mib']:.0f})"
        if e["passed"] is not None:
            result = "PASS" if e["passed"] else "FAIL"
        elif e["crlint"] and e["files"] > 1:
            result = f"{e['crlint_files_per_s']:,.0f} files/s"
        else:
            result = "-"
        work = e["work"] if not e["work"].startswith("same") else "  " + e["work"]
        lines.append((work, figure(e["floor"], e["metric"]), figure(e["crlint"], e["metric"]),
                      ratio, target, peak, result))  # fmt: skip
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
        commands, rows, to_verify = plan(corpus, bench, python, args.all, args.shared)
        env = child_environment(args.inherit_env)
        if not args.no_verify:
            for what, files in to_verify.items():
                verify_crlint(python, files, corpus, env, what)
            log("verified: crlint analyses every file of every workload")
        with tempfile.TemporaryDirectory(prefix="crlint-bench-") as scratch:
            launcher = Launcher(python, env, Path(scratch))
            try:
                samples = measure(commands, corpus, launcher, args.repeat)
            finally:
                launcher.close()
    except BenchError as error:
        log(f"\n*** BENCHMARK ERROR ***\n{error}")
        return 2
    entries = results(rows, samples)
    growth = scaling(entries)
    real = real_summary(samples)
    start = statistics.median(s.wall_s for s in samples["python -I -c pass"]) * 1000
    one_file = entries[1]
    over_start = {
        "floor_ms": one_file["floor"]["wall_ms"] - start,
        "crlint_ms": one_file["crlint"]["wall_ms"] - start,
    }
    failed = any(entry["passed"] is False for entry in entries) or (
        growth is not None and not growth["passed"]
    )
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
            "scaling": growth,
            "real_repositories": real,
            "all_targets_met": not failed,
        }
        print(json.dumps(document, indent=2))
    else:
        print(
            f"crlint vs floor: medians of {args.repeat} interleaved rounds after 1 warm-up "
            f"(peak memory: the largest); Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, "
            + ("inherited environment" if args.inherit_env else "bytecode cached")
        )
        print()
        print(table(entries))
        print()
        print(
            f"one file, over interpreter start: floor {over_start['floor_ms']:.1f} ms, "
            f"crlint {over_start['crlint_ms']:.1f} ms"
        )
        if growth is not None:
            per_file = ", ".join(
                f"{count:,}: {ms:.2f} ms/{growth['peak_mib'][count]:.0f} MiB"
                for count, ms in growth["cpu_ms_per_file"].items()
            )
            print(
                f"scaling, CPU per file net of one file / peak memory: {per_file}; spread "
                f"{growth['spread']:.0%} (<= {SCALING_SPREAD:.0%}: "
                + ("PASS)" if growth["passed"] else "FAIL)")
            )
        if real is not None:
            slowest = ", ".join(
                f"{repo} {ms:,.0f}" for repo, ms in list(real["cpu_ms"].items())[:3]
            )
            print(
                f"real repositories (../shared/wild), -j 1, CPU: {real['cpu_ms_total']:,.0f} ms "
                f"for {real['repositories']}, median {real['cpu_ms_median']:,.0f} ms; "
                f"slowest: {slowest}"
            )
        print("targets met" if not failed else "TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
