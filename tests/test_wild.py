"""crlint on ../shared/wild's real repositories agrees with the judgements kept in
bench/wild/labels.tsv: no labelled false alarm comes back, every finding is
judged, and precision (>= 0.95, warnings/errors and notes apart) and recall
(>= 0.8) hold. Skipped where ../shared/wild is not beside the checkout."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT, SHARED

WILD = SHARED / "wild"


@pytest.mark.skipif(
    not (WILD / "trees.tgz").is_file(), reason=f"{WILD} is not beside this checkout"
)
def test_findings_on_real_repositories_are_the_judged_ones():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "wild.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = run.stdout
    assert "false alarm:" not in report, report
    assert "unjudged:" not in report, report
    assert run.returncode == 0, report + run.stderr
