"""Run a command as a child and learn its wall time, CPU time and peak memory.

`ru_maxrss` is the child's own only if nothing large forked it: Linux keeps
the high-water mark of the memory a process had before `execve`, and a child
of `subprocess` (vfork or fork) starts with its parent's. So each command is
forked by a bare launcher, `python -I -S` at ~9 MiB, below anything crlint
or the floor can use; it reports the child's rusage from `os.wait4`.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

LAUNCHER = """
import json, os, sys, time
for request in sys.stdin:
    job = json.loads(request)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    out, err = os.open(job["stdout"], flags, 0o600), os.open(job["stderr"], flags, 0o600)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(job["cwd"])
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.execv(job["argv"][0], job["argv"])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    os.close(out)
    os.close(err)
    print(json.dumps({
        "wall_s": elapsed,
        "exit": os.waitstatus_to_exitcode(status),
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
    }), flush=True)
"""


class LauncherDied(Exception):
    """The launcher process ended: no command can be timed any more."""


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float
    maxrss_kib: int


@dataclass(frozen=True)
class Finished:
    """One run of a command: what it cost, its exit status and what it printed on stderr."""

    sample: Sample
    exit: int
    stderr: str


class Launcher:
    """The LAUNCHER process: runs one command at a time, reports time and rusage."""

    def __init__(self, python: str, env: dict[str, str], scratch: Path) -> None:
        self.scratch = scratch
        self.process = subprocess.Popen(
            [python, "-I", "-S", "-c", LAUNCHER],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, argv: tuple[str, ...], cwd: Path, stdout: Path | None = None) -> Finished:
        """Run `argv` in `cwd` to completion, its stdout to the file or discarded."""
        assert self.process.stdin is not None and self.process.stdout is not None
        stderr = self.scratch / "stderr"
        request = {
            "argv": list(argv),
            "cwd": str(cwd),
            "stdout": str(stdout or os.devnull),
            "stderr": str(stderr),
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline()
        if not reply:
            raise LauncherDied(f"the launcher died (exit status {self.process.wait()})")
        result = json.loads(reply)
        sample = Sample(result["wall_s"], result["cpu_s"], result["maxrss_kib"])
        errors = stderr.read_text(encoding="utf-8", errors="replace")
        return Finished(sample, result["exit"], errors)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()
