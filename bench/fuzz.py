"""Fuzzing crlint: mutated repositories, each run in a forked child with a
time and memory limit, and every outcome that is not a clear answer counted.

The seeds are the repositories of `tests/fixtures/<RULE>/<case>/` and the
real files of `../shared/corpus/`. Each input is one seed with one of its
files mutated a few times over (bytes flipped, cut or repeated, tokens of
YAML, shell, Dockerfiles, manifests, nginx and GitLab CI spliced in, nesting
deepened, lines moved, a part of another seed pasted in, the file renamed
to another kind) and now and then a hazard around it: a link or an
`include:` to a file outside the repository, a FIFO, a link loop, a name
that is not UTF-8. crlint then runs on it one way a user would: `crlint .`
in one of the five formats, `--fix` twice (the second must change nothing),
`--diff`, standard input, a file named on the command line, or `inspect`.

A child is forked from this process with crlint and its parsers already
imported, limited by `RLIMIT_AS` and killed by `SIGALRM` at the timeout, and
measured by `wait4`. An input fails when crlint prints an internal error or
a traceback, dies by a signal, times out, runs out of memory, writes a
report that is not JSON, leaves a `--fix` that a second `--fix` changes,
or touches or echoes the file outside the repository. Every failing input
is kept under `--out` as a small repository with a `RUN` file.

    python bench/fuzz.py                       # 100,000 inputs, all cores
    python bench/fuzz.py --inputs 500 --check  # exit 1 on any failure (the suite's run)
    python bench/fuzz.py --only 4711           # input 4711 of this seed again, kept

Inputs are numbered and each is made from `(--seed, number)` alone, so a
failure is reproduced by `--seed S --only N`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import pkgutil
import random
import re
import resource
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
OUT = REPO_ROOT / "bench" / "out" / "fuzz"
FIXTURE_EXTRAS = frozenset({"expected.out", "args", "fix-args", "git-config"})
SECRET = "OUTSIDE-SECRET-7f3a"
"""In the file outside the repository: it must never appear in what crlint prints."""
OUTSIDE_FILE = (
    f".secret:\n  image: registry.example.com/_{SECRET.lower()}/x\n"
    f"  script:\n    - docker push registry.example.com/_{SECRET.lower()}/x\n"
)
FORMATS = ("text", "json", "sarif", "gitlab", "github")
JSON_FORMATS = frozenset({"json", "sarif", "gitlab"})
# Exit codes of a child that are not crlint's own (0, 1, 2).
UNSETTLED, CHILD_FAILED = 91, 92
FAILURES = (
    "internal error",
    "crash",
    "timeout",
    "memory limit",
    "unsettled fix",
    "outside touched",
    "outside read",
    "invalid report",
)

TOKENS: tuple[bytes, ...] = (
    # YAML
    b"&a ", b"*a", b"<<: *a\n", b"a: &a {<<: [*a, *a]}\n", b"!reference [.a, script]",
    b"!!python/object/apply:os.system ['true']", b"{", b"}", b"[", b"]", b"- ", b": ",
    b"? ", b"|\n", b">-\n", b"'", b'"', b"#", b"\n---\n", b"\n...\n", b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n", b"!!binary ", b"~", b"null", b"<<", b"&b [*a, *a, *a]",
    # GitLab CI
    b"include:\n  - local: '/../outside/secret.yml'\n", b"include: '../outside/*.yml'\n",
    b"include:\n  - local: '**/*.yml'\n", b"extends: [.a, .b]\n", b"extends: .secret\n",
    b"parallel:\n  matrix:\n    - A: [x, y]\n", b"rules:\n  - if: $CI_COMMIT_BRANCH == 'main'\n",
    b"variables:\n  X: $X$X\n", b"image: $CI_REGISTRY_IMAGE/$X:$Y\n", b"services: [docker:dind]\n",
    b"trigger:\n  include: x.yml\n", b"spec:\n  inputs:\n    x:\n---\n", b"$[[ inputs.x ]]",
    # shell
    b"$(", b")", b"`", b"${X}", b"${X:-", b"$X$X", b"<<EOF\n", b"\nEOF\n", b"\\\n", b"&&",
    b"||", b"|", b";", b"sh -c '", b'bash -c "', b'eval "', b". ./x.sh\n", b"sh build.sh\n",
    b"source release.sh\n", b"\nx() { ", b" }\n", b"while IFS= read -r t; do ", b"; done",
    b"case $x in a) ", b";; esac", b"X=$X$X$X\n", b"${X//a/b}", b"$((1+",
    # Dockerfile
    b"FROM ", b"ARG X=", b"COPY --from=", b"# syntax=docker/dockerfile:1\n", b"# escape=`\n",
    b"ONBUILD ", b"RUN <<EOF\n", b"FROM scratch AS a\n", b"ENV A=$B\n", b"\xc2\xa0RUN x\n",
    # references and registry commands
    b"registry.gitlab.com/", b"_group/", b"proj-/", b":tag", b"@sha256:" + b"a" * 64,
    b"$CI_REGISTRY_IMAGE", b"localhost:5000/", b"docker push ", b"docker login -p $X ",
    b"/kaniko/executor --destination ", b"--insecure", b"GODEBUG=http2client=0",
    b"docker manifest create ", b"skopeo copy ", b"manifest-tool push from-spec ",
    b"buildah push ", b"crane auth login ", b"--password ", b"-u gitlab-ci-token ",
    # manifests
    b'{"schemaVersion": 1, ',
    b'"mediaType": "application/vnd.docker.distribution.manifest.v1+json"',
    b'"manifests": [', b'"platform": {"architecture": "amd64"}', b"manifests:\n  - image: ",
    # nginx and registry configuration
    b"server {", b'location / { proxy_set_header Authorization ""; }', b"proxy_pass http://x;",
    b"${var}", b"content_by_lua_block {", b"version: 0.1\nauth:\n  token:\n    realm: ",
    # python
    b"subprocess.run(['docker', 'push', ", b'os.system("docker push ', b"f'{x}'",
    # configuration
    b"[tool.crlint]\n", b"select = [", b"per-file-ignores = {", b"exclude = ['[z-a]']\n",
    b"tool = 1\n",
    # characters
    "\u2028".encode(), "\u2029".encode(), "\u0085".encode(), "\u00a0".encode(),
    "\ufeff".encode(), b"\xff", b"\x00", b"\r", b"\r\n", b"\t", b"\x1b[31m",
    "\U0001f600".encode(), b"\xed\xa0\x80", b"%s", b"%(x)s", b"{0}", b"{{ .Values.x }}",
    b"{% if x %}", b"${{ inputs.x }}", b"9" * 30, b"-1", b"1e999", b".inf",
)  # fmt: skip
NESTERS: tuple[bytes, ...] = (b"[", b"{a: ", b"- ", b"(", b"$(", b"`", b"server {", b'{"a": ')
NAMES = (
    ".gitlab-ci.yml", "Dockerfile", "Containerfile", "build.sh", "pod.yaml", "task.yaml",
    "manifest.json", "spec.yml", "nginx.conf", "config.yml", "release.py", ".crlint.toml",
    "pyproject.toml", "templates.yml", "x.yml",
)  # fmt: skip
HAZARDS = ("link outside", "include outside", "fifo", "link loop", "name not utf-8", "large")


@dataclass
class Seed:
    """A small repository: relative path to bytes, and where it came from."""

    origin: str
    files: dict[str, bytes]
    git_config: bytes | None = None


@dataclass
class Input:
    number: int
    seed: Seed
    target: str
    files: dict[str, bytes]
    args: list[str]
    mode: str
    hazards: list[str] = field(default_factory=list)
    stdin: str | None = None


@dataclass
class Result:
    number: int
    kind: str
    outcome: str
    seconds: float
    max_rss_kib: int
    detail: str = ""


def fixture_seeds() -> list[Seed]:
    seeds = []
    for case in sorted(FIXTURES.glob("CR*/*")):
        if not case.is_dir():
            continue
        files = {}
        for path in sorted(case.rglob("*")):
            relative = path.relative_to(case)
            if relative.parts[0] == "fixed" or relative.name in FIXTURE_EXTRAS:
                continue
            if path.is_file() and not path.is_symlink():
                files[relative.as_posix()] = path.read_bytes()
        if files:
            config = case / "git-config"
            git_config = config.read_bytes() if config.is_file() else None
            seeds.append(Seed(case.relative_to(REPO_ROOT).as_posix(), files, git_config))
    return seeds


def corpus_seeds() -> list[Seed]:
    """Each corpus file alone, under the name it has in its repository."""
    if not CORPUS.is_dir():
        return []
    seeds = []
    for path in sorted(CORPUS.glob("*/*")):
        if path.is_file():
            name = path.name.rsplit("__", 1)[-1]
            seeds.append(
                Seed(path.relative_to(CORPUS.parent).as_posix(), {name: path.read_bytes()})
            )
    return seeds


# -- mutations ------------------------------------------------------------------


def _position(rng: random.Random, data: bytes) -> int:
    """Anywhere, or at a line's start (where most syntax begins)."""
    if data and rng.random() < 0.5:
        starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == 10]
        return rng.choice(starts)
    return rng.randint(0, len(data))


def _line_operation(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data + b"\n" + data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    choice = rng.randrange(4)
    if choice == 0:
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 1:
        lines.insert(j, lines[i])
    elif choice == 2:
        lines[i] = b" " * rng.choice((1, 2, 4)) + lines[i]
    else:
        lines[i] = lines[i].lstrip(b" ")
    return b"\n".join(lines)


def mutate(rng: random.Random, data: bytes, others: list[bytes]) -> bytes:
    choice = rng.randrange(100)
    at = _position(rng, data)
    if choice < 35:
        return data[:at] + rng.choice(TOKENS) + data[at:]
    if choice < 45 and data:
        index = rng.randrange(len(data))
        return data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1 :]
    if choice < 55 and data:
        end = min(len(data), at + rng.randint(1, 64))
        return data[:at] + data[end:]
    if choice < 63 and data:
        end = min(len(data), at + rng.randint(1, 200))
        return data[:at] + data[at:end] * rng.randint(2, 8) + data[at:]
    if choice < 75:
        return _line_operation(rng, data)
    if choice < 83 and others:
        other = rng.choice(others)
        start = rng.randint(0, len(other))
        return data[:at] + other[start : start + rng.randint(1, 400)] + data[at:]
    if choice < 88:
        nester = rng.choice(NESTERS)
        return data[:at] + nester * rng.choice((10, 100, 1000, 3000)) + data[at:]
    if choice < 92:
        return data[: rng.randint(0, len(data))]
    if choice < 95:
        return data[:at] + bytes([rng.choice(b"ax $/{")]) * rng.choice((1000, 20000)) + data[at:]
    return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))) + data[at:]


def make_input(number: int, seed_value: int, seeds: list[Seed], samples: list[bytes]) -> Input:
    rng = random.Random(f"{seed_value}:{number}")
    seed = rng.choice(seeds)
    files = dict(seed.files)
    target = rng.choice(sorted(files))
    data = files[target]
    for _ in range(1 + min(6, int(rng.expovariate(0.7)))):
        data = mutate(rng, data, samples)
    if rng.random() < 0.05:  # the same text as another kind of file
        del files[target]
        target = str(Path(target).parent / rng.choice(NAMES)).removeprefix("./")
    files[target] = data
    hazards = [hazard for hazard in HAZARDS if rng.random() < 0.015]
    if "large" in hazards:
        files[target] = data * (2_200_000 // max(1, len(data)) + 1)
    mode = rng.choices(
        ("report", "fix twice", "diff", "stdin", "stdin fix", "named", "inspect"),
        weights=(50, 20, 8, 7, 5, 6, 4),
    )[0]
    output = rng.choice(FORMATS)
    args = {
        "report": ["--format", output, "."],
        "fix twice": ["--fix", "--format", output, "."],
        "diff": ["--diff", "."],
        "stdin": ["--format", output, "--stdin-filename", target, "-"],
        "stdin fix": ["--fix", "--stdin-filename", target, "-"],
        "named": ["--format", output, target],
        "inspect": ["inspect", target],
    }[mode]
    if rng.random() < 0.1 and mode != "inspect":
        args = ["--unsafe-fixes", *args] if mode == "fix twice" else ["-v", *args]
    stdin = target if mode.startswith("stdin") else None
    return Input(number, seed, target, files, args, mode, hazards, stdin)


# -- one input, in a child ------------------------------------------------------


def build(item: Input, root: Path) -> Path:
    """The input's repository under `root`, with the file outside it beside."""
    outside = root / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.yml").write_text(OUTSIDE_FILE)
    repo = root / "repo"
    (repo / ".git").mkdir(parents=True)
    if item.seed.git_config is not None:
        (repo / ".git" / "config").write_bytes(item.seed.git_config)
    for relative, data in item.files.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for hazard in item.hazards:
        if hazard == "link outside":
            os.symlink("../outside/secret.yml", repo / "linked.yml")
            _add_include(repo, "linked.yml")
        elif hazard == "include outside":
            _add_include(repo, "/../outside/secret.yml")
        elif hazard == "fifo":
            os.mkfifo(repo / "fifo.yml")
            _add_include(repo, "fifo.yml")
        elif hazard == "link loop":
            os.symlink(".", repo / "loop")
        elif hazard == "name not utf-8":
            os.makedirs(os.fsencode(repo) + b"/\xff\xfe", exist_ok=True)
            with open(os.fsencode(repo) + b"/\xff\xfe/build.sh", "wb") as handle:
                handle.write(b"docker push registry.example.com/_x/y:1\n")
    return repo


def _add_include(repo: Path, local: str) -> None:
    ci = repo / ".gitlab-ci.yml"
    before = ci.read_bytes() if ci.is_file() else b"job:\n  script: [make]\n"
    ci.write_bytes(f"include:\n  - local: '{local}'\n".encode() + before)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under `root` (links and FIFOs not followed)."""
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                with open(path, "rb") as handle:
                    files[os.path.relpath(path, root)] = handle.read()
    return files


def child(item: Input, root: Path, repo: Path, timeout: int, memory_mib: int) -> None:
    """In the forked child: run crlint as the input says, then exit. Never returns."""
    code = CHILD_FAILED
    try:
        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(timeout)
        _redirect(0, repo / item.stdin if item.stdin else Path(os.devnull), os.O_RDONLY)
        _redirect(1, root / "stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        _redirect(2, root / "stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.chdir(repo)
        from crlint.cli import main

        code = main(list(item.args))
        if item.mode == "fix twice":
            sys.stdout.flush()
            before = snapshot(repo)
            _redirect(1, root / "stdout-again", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            main(list(item.args))
            if snapshot(repo) != before:
                code = UNSETTLED
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 2
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _redirect(descriptor: int, path: Path, flags: int) -> None:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, descriptor)
    os.close(opened)


def judge(item: Input, root: Path, status: int, timed_out: bool) -> tuple[str, str]:
    """What a finished child's input came to: an outcome and, if it failed, why."""
    stderr = (root / "stderr").read_bytes().decode("utf-8", "replace")
    stdout = (root / "stdout").read_bytes().decode("utf-8", "replace")
    if timed_out or (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM):
        return "timeout", ""
    if os.WIFSIGNALED(status):
        return "crash", f"signal {os.WTERMSIG(status)}"
    code = os.WEXITSTATUS(status)
    if "MemoryError" in stderr:
        return "memory limit", stderr[-2000:]
    if "Traceback" in stderr or "internal error" in stderr or code == CHILD_FAILED:
        return "internal error", stderr[-2000:]
    if code == UNSETTLED:
        return "unsettled fix", ""
    if SECRET in stdout or SECRET in stderr or SECRET.lower() in stdout + stderr:
        return "outside read", ""
    if snapshot(root / "outside") != {"secret.yml": OUTSIDE_FILE.encode()}:
        return "outside touched", ""
    output = item.args[item.args.index("--format") + 1] if "--format" in item.args else "text"
    if output in JSON_FORMATS and item.mode in ("report", "fix twice", "named") and code in (0, 1):
        try:
            report = json.loads(stdout)
        except ValueError as error:
            return "invalid report", str(error)
        if output == "sarif" and report.get("version") != "2.1.0":
            return "invalid report", "SARIF without version 2.1.0"
    if code == 2:  # a usage or configuration error: its first line, without the specifics
        first = next((line for line in stderr.splitlines() if "error:" in line), stderr[:80])
        return "message", re.sub(r"`[^`]*`|'[^']*'|\d+", "…", first)[:100]
    return {0: "clean", 1: "findings"}.get(code, "internal error"), ""


def kind_of(item: Input) -> str:
    from crlint.discover.classify import kind_from_name

    name = item.target.rsplit("/", 1)[-1]
    if name in (".crlint.toml", "pyproject.toml"):
        return "configuration"
    kind = kind_from_name(name)
    return str(kind) if kind is not None else "sniffed"


def keep(item: Input, result: Result, out: Path) -> Path:
    """A failing input as a repository with its `RUN` file, like the reproducers."""
    place = out / "failures" / f"{result.number:06d}-{result.outcome.replace(' ', '-')}"
    if place.exists():
        shutil.rmtree(place)
    repo = build(item, place)
    (place / "RUN").write_text(
        f"cd repo && crlint {' '.join(item.args)}"
        + (f" < {item.stdin}" if item.stdin else "")
        + f"\n# {result.outcome} after {result.seconds:.2f} s, {result.max_rss_kib // 1024} MiB"
        + f"\n# seed {item.seed.origin}, target {item.target}, hazards {item.hazards}\n"
        + "".join(f"# {line}\n" for line in result.detail.splitlines()[-30:])
    )
    return repo


# -- the run --------------------------------------------------------------------


def preload() -> None:
    """Import crlint whole, and its parsers, so children start warm."""
    import crlint

    for module in pkgutil.walk_packages(crlint.__path__, "crlint."):
        if module.name != "crlint.__main__":
            importlib.import_module(module.name)
    for name in ("ruamel.yaml", "yaml", "tomllib"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def baseline_rss(work: Path) -> int:
    """A child's max RSS on an empty repository: what every child starts with."""
    item = Input(
        -1,
        Seed("empty", {}),
        "",
        {},
        [
            ".",
        ],
        "report",
    )
    root = Path(tempfile.mkdtemp(dir=work))
    repo = build(item, root)
    pid = os.fork()
    if pid == 0:
        child(item, root, repo, 60, 4096)
    _, _, usage = os.wait4(pid, 0)
    shutil.rmtree(root)
    return usage.ru_maxrss


def run(options: argparse.Namespace) -> int:
    seeds = fixture_seeds() + corpus_seeds()
    samples = [data for seed in seeds for data in seed.files.values()]
    preload()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="crlint-fuzz-"))
    numbers = [options.only] if options.only is not None else list(range(options.inputs))
    results: list[Result] = []
    running: dict[int, tuple[Input, Path, float]] = {}
    started = time.monotonic()
    baseline = baseline_rss(work)
    pending = iter(numbers)
    exhausted = False
    try:
        while running or not exhausted:
            while not exhausted and len(running) < options.jobs:
                number = next(pending, None)
                if number is None:
                    exhausted = True
                    break
                item = make_input(number, options.seed, seeds, samples)
                root = Path(tempfile.mkdtemp(dir=work))
                repo = build(item, root)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    child(item, root, repo, options.timeout, options.memory)
                running[pid] = (item, root, time.monotonic())
            pid, status, usage = os.wait4(-1, os.WNOHANG) if running else (0, 0, None)
            now = time.monotonic()
            if pid == 0:
                for late, (_, _, began) in running.items():
                    if now - began > options.timeout + 5:  # the alarm did not end it
                        os.kill(late, signal.SIGKILL)
                time.sleep(0.001)
                continue
            item, root, began = running.pop(pid)
            timed_out = now - began > options.timeout
            outcome, detail = judge(item, root, status, timed_out)
            assert usage is not None
            result = Result(
                item.number, kind_of(item), outcome, now - began, usage.ru_maxrss, detail
            )
            results.append(result)
            if outcome in FAILURES or options.only is not None:
                where = keep(item, result, out)
                print(f"input {item.number}: {outcome}: kept in {where.parent}", flush=True)
            shutil.rmtree(root, ignore_errors=True)
            if options.progress and len(results) % 5000 == 0:
                print(f"... {len(results)} inputs, {time.monotonic() - started:.0f} s", flush=True)
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
    summary = summarise(results, baseline, time.monotonic() - started, options)
    print(summary)
    (out / "summary.txt").write_text(summary)
    failed = sum(1 for result in results if result.outcome in FAILURES)
    return 1 if options.check and failed else 0


def summarise(
    results: list[Result], baseline: int, seconds: float, options: argparse.Namespace
) -> str:
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        by_kind[result.kind][result.outcome] += 1
    columns = ("clean", "findings", "message", *FAILURES)
    lines = [
        f"{len(results)} inputs (seed {options.seed}, {options.jobs} jobs, "
        f"{options.timeout} s and {options.memory} MiB each) in {seconds:.0f} s",
        "",
        f"{'kind':<16}{'inputs':>8}" + "".join(f"{c:>{max(9, len(c) + 2)}}" for c in columns),
    ]
    total: Counter[str] = Counter()
    for kind in sorted(by_kind):
        counts = by_kind[kind]
        total.update(counts)
        lines.append(
            f"{kind:<16}{sum(counts.values()):>8}"
            + "".join(f"{counts[c]:>{max(9, len(c) + 2)}}" for c in columns)
        )
    lines.append(
        f"{'all':<16}{sum(total.values()):>8}"
        + "".join(f"{total[c]:>{max(9, len(c) + 2)}}" for c in columns)
    )
    if results:
        slowest = max(results, key=lambda r: r.seconds)
        largest = max(results, key=lambda r: r.max_rss_kib)
        times = sorted(r.seconds for r in results)
        lines += [
            "",
            f"time: median {times[len(times) // 2] * 1000:.0f} ms, "
            f"99th percentile {times[int(len(times) * 0.99)] * 1000:.0f} ms, "
            f"worst {slowest.seconds:.2f} s (input {slowest.number}, {slowest.kind})",
            f"memory: a child starts at {baseline // 1024} MiB max RSS; worst "
            f"{largest.max_rss_kib // 1024} MiB (+{(largest.max_rss_kib - baseline) // 1024} MiB, "
            f"input {largest.number}, {largest.kind})",
            f"failures: {sum(total[c] for c in FAILURES)}",
            "",
            "messages (exit 2), the most frequent:",
        ]
        messages = Counter(r.detail for r in results if r.outcome == "message")
        lines += [f"{count:>8}  {text}" for text, count in messages.most_common(12)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="how many (default 100,000)")
    parser.add_argument("--seed", type=int, default=1, help="which inputs (default 1)")
    parser.add_argument("--only", type=int, help="run this input alone and keep it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=10, help="seconds per input (default 10)")
    parser.add_argument(
        "--memory", type=int, default=2048, help="MiB of address space (default 2048)"
    )
    parser.add_argument("--out", default=str(OUT), help=f"where failures are kept (default {OUT})")
    parser.add_argument("--check", action="store_true", help="exit 1 if any input failed")
    parser.add_argument("--progress", action="store_true", help="a line every 5,000 inputs")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
