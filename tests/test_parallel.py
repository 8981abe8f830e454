"""`--jobs`: several processes give exactly the report one process gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crlint.discover.classify import Candidate
from crlint.engine import parallel
from crlint.engine.lint import worker_count

from .conftest import CORPUS, FIXTURES, requires_shared, write_tree

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")


def report(crlint, jobs: int, *args: str, cwd: Path) -> dict:
    run = crlint("-j", str(jobs), "--format", "json", "--fail-level", "never", *args, cwd=cwd)
    assert run.code == 0, run.err
    return run.json()


@requires_shared
def test_the_corpus_gives_the_same_report_in_one_and_in_three_processes(crlint):
    one = report(crlint, 1, ".", cwd=CORPUS)
    assert one["findings"]
    assert report(crlint, 3, ".", cwd=CORPUS) == one


def test_every_fixture_together_gives_the_same_report(crlint, tmp_path):
    tree = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, tree)
    for case in tree.glob("CR*/*"):
        (case / ".git").mkdir()
        if (case / "git-config").is_file():
            shutil.move(case / "git-config", case / ".git" / "config")
    one = report(crlint, 1, "--extend-select", "ALL", ".", cwd=tree)
    assert len(one["findings"]) > 50
    for jobs in (2, 4):
        assert report(crlint, jobs, "--extend-select", "ALL", ".", cwd=tree) == one


def pipeline_with_parts_far_apart(root: Path) -> Path:
    """A pipeline whose include and script sort into other shares than itself."""
    files = {
        ".gitlab-ci.yml": "include: zz/late.yml\nbuild:\n  script:\n    - ./zz/run.sh\n",
        "zz/late.yml": "late:\n  image: registry.example.com/_late/app:1\n  script: [make]\n",
        "zz/run.sh": "#!/bin/sh\ndocker push registry.example.com/_script/app:1\n",
    }
    for index in range(30):  # padding, so the pipeline's parts land in other shares
        files[f"pad/{index:02}.sh"] = "#!/bin/sh\necho padding\n"
    case = write_tree(root, files)
    (case / "zz" / "run.sh").chmod(0o755)
    (case / ".git").mkdir()
    return case


def test_coverage_across_shares_is_decided_as_one_process_decides_it(crlint, tmp_path):
    case = pipeline_with_parts_far_apart(tmp_path)
    one = report(crlint, 1, ".", cwd=case)
    paths = sorted((f["path"], f["line"]) for f in one["findings"])
    assert paths == [("zz/late.yml", 2), ("zz/run.sh", 2)]
    assert report(crlint, 4, ".", cwd=case) == one


def test_a_failing_worker_falls_back_to_one_process(crlint, tmp_path, monkeypatch):
    case = pipeline_with_parts_far_apart(tmp_path)
    one = report(crlint, 1, ".", cwd=case)

    def fail(*args: object) -> None:
        raise RuntimeError("worker failed")

    monkeypatch.setattr(parallel, "_lint_share", fail)
    assert report(crlint, 2, ".", cwd=case) == one


def test_unused_suppressions_are_judged_in_one_process(crlint, tmp_path):
    files = {f"{i:02}/Dockerfile": "FROM alpine:3  # crlint: ignore[CR101]\n" for i in range(8)}
    case = write_tree(tmp_path, files)
    one = report(crlint, 1, "--extend-select", "CR004", ".", cwd=case)
    assert len(one["findings"]) == 8
    assert report(crlint, 2, "--extend-select", "CR004", ".", cwd=case) == one


def test_auto_uses_one_process_for_small_runs():
    few = [Candidate(f"f{i}", explicit=True) for i in range(10)]
    assert worker_count(0, few) == 1
    assert worker_count(3, few) == 3
    many = [Candidate(f"f{i}", explicit=True) for i in range(400)]
    assert 1 <= worker_count(0, many) <= 4


def test_shares_are_contiguous_and_balanced(tmp_path):
    sizes = [100, 100, 5000, 100, 100, 100, 5000, 100]
    candidates = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"{index}.sh"
        path.write_text("x" * size)
        candidates.append(Candidate(str(path), explicit=True))
    shares = parallel.shares(candidates, 2)
    assert [c for share in shares for c in share] == candidates
    assert len(shares) == 2
    totals = [sum(Path(c.real_path).stat().st_size for c in share) for share in shares]
    assert max(totals) < 2 * min(totals)


def test_json_of_parallel_run_is_valid_and_counts_files_once(crlint, tmp_path):
    case = pipeline_with_parts_far_apart(tmp_path)
    document = report(crlint, 4, ".", cwd=case)
    json.dumps(document)
    # The pipeline, its include, its script and the padding scripts.
    assert document["summary"]["files"] == 33
