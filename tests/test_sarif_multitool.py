"""Microsoft's SARIF multitool, with GitHub's rules, finds nothing wrong in crlint's SARIF.

`.ci/run` installs `@microsoft/sarif-multitool` from npm where npm exists and
names its binary in `CRLINT_SARIF_MULTITOOL`; without it this test is
skipped with that reason. The SARIF validated is the corpus's (when
`../shared/corpus` is there) and a repository's with everything the
corpus lacks: version-control provenance, rules' `helpUri`, fixes, related locations and
notifications of includes crlint could not read.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import run_process, write_tree

MULTITOOL = os.environ.get("CRLINT_SARIF_MULTITOOL")
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(
    not (MULTITOOL and os.path.isfile(MULTITOOL)),
    reason="the SARIF multitool is not installed (.ci/run installs it with npm)",
)


def problems(sarif: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "validation.sarif"
    subprocess.run(
        [str(MULTITOOL), "validate", "--rule-kind", "Sarif;Gh", "--log", "ForceOverwrite",
         "--output", str(out), str(sarif)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
    return [f"{r['level']} {r['ruleId']}: {r['message']}" for r in results]


def test_the_corpus_sarif_has_no_error_and_no_warning(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    sarif = tmp_path / "corpus.sarif"
    run_process("--output-format", f"sarif:{sarif}", "--output-format", "text:/dev/null", ".",
                cwd=CORPUS)  # fmt: skip
    assert problems(sarif, tmp_path) == []


def test_a_repository_sarif_with_provenance_fixes_and_notifications_is_valid(tmp_path):
    repo = write_tree(
        tmp_path / "repo",
        {
            ".gitlab-ci.yml": "include:\n  - remote: https://example.com/ci.yml\n"
            "variables:\n  TAG: $CI_COMMIT_REF_NAME\nbuild:\n  script:\n"
            "    - docker login -u me -p hunter2 registry.example.com\n"
            "    - docker push registry.example.com/_grp/app:$TAG\n",
        },
    )
    for args in (["init", "-q"], ["remote", "add", "origin", "git@gitlab.example.com:g/p.git"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    sarif = tmp_path / "repo.sarif"
    run_process("--output-format", f"sarif:{sarif}", "--output-format", "text:/dev/null",
                "--rule-pages", "https://gitlab.example.com/tools/crlint/-/raw/v0.1.0/rules", ".",
                cwd=repo)  # fmt: skip
    document = json.loads(sarif.read_text())["runs"][0]
    assert (
        document["versionControlProvenance"]
        and document["invocations"][0]["toolExecutionNotifications"]
    )
    assert any("fixes" in r for r in document["results"])
    assert all("helpUri" in rule for rule in document["tool"]["driver"]["rules"])
    assert problems(sarif, tmp_path) == []
