"""A bounded fuzzing run in the suite: 400 mutated repositories, none of which
may end in an internal error, a crash, a timeout, the memory limit, a `--fix`
a second `--fix` changes, an invalid report, or anything outside the
repository touched or echoed. `bench/fuzz.py` runs 100,000 and more the same
way (its seeds: tests/fixtures and, when beside the checkout, ../shared/corpus).

The seed is fixed so a failure here is the same failure on every machine;
`CRLINT_FUZZ_SEED` picks other inputs."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT


def test_four_hundred_mutated_repositories_get_clear_answers(tmp_path):
    seed = os.environ.get("CRLINT_FUZZ_SEED", "2026")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--inputs", "400", "--seed", seed,
         "--jobs", "2", "--timeout", "30", "--out", str(tmp_path), "--check"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "400 inputs" in run.stdout and "failures: 0" in run.stdout, run.stdout
