"""What SARIF viewers and GitHub code scanning read beyond the results.

`versionControlProvenance` (read offline from `.git`, never with the
credentials a remote URL may hold), `automationDetails`, the tool's
`informationUri`, each rule's `helpUri` where `--rule-pages` says where the
pages are published, and `security` tags with a `security-severity` for the
rules whose findings leak credentials or break authentication.
"""

from __future__ import annotations

import json
import subprocess

from .conftest import run_process, write_tree

CI = "build:\n  script:\n    - docker login -u me -p hunter2 registry.example.com\n"


def git(*args: str, cwd) -> None:
    identity = ("-c", "user.email=ci@example.com", "-c", "user.name=ci")
    subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True)


def test_sarif_names_the_repository_and_commit_without_credentials(tmp_path, crlint):
    repo = write_tree(tmp_path / "repo", {".gitlab-ci.yml": CI})
    git("init", "-q", "-b", "main", cwd=repo)
    git(
        "remote",
        "add",
        "origin",
        "https://ci:glpat-s3cr3t@gitlab.example.com/acme/shop.git",
        cwd=repo,
    )
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "first", cwd=repo)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    run = crlint("--format", "sarif", ".", cwd=repo)
    assert "s3cr3t" not in run.out
    (sarif_run,) = json.loads(run.out)["runs"]
    assert sarif_run["versionControlProvenance"] == [
        {
            "repositoryUri": "https://gitlab.example.com/acme/shop",
            "mappedTo": {"uriBaseId": "%SRCROOT%"},
            "revisionId": commit,
            "branch": "main",
        }
    ]
    assert sarif_run["automationDetails"] == {"id": "crlint/"}
    assert sarif_run["tool"]["driver"]["informationUri"].startswith("https://")


def test_security_rules_carry_tags_and_a_severity_github_ranks(tmp_path, crlint):
    write_tree(tmp_path, {".gitlab-ci.yml": CI})
    rules = json.loads(crlint("--format", "sarif", ".", cwd=tmp_path).out)["runs"][0]
    by_id = {rule["id"]: rule["properties"] for rule in rules["tool"]["driver"]["rules"]}
    assert by_id["CR401"]["tags"] == ["container-registry", "security"]
    assert by_id["CR401"]["security-severity"] == "5.0"
    assert by_id["CR403"]["security-severity"] == "8.0"
    assert "security-severity" not in by_id["CR101"] and "security" not in by_id["CR101"]["tags"]
    assert "versionControlProvenance" not in rules  # no repository here


def test_result_messages_start_with_the_rules_stable_name(tmp_path, crlint):
    write_tree(tmp_path, {".gitlab-ci.yml": CI, "Dockerfile": "FROM _a/x\nFROM _b/y\n"})
    results = json.loads(crlint("--format", "sarif", ".", cwd=tmp_path).out)["runs"][0]["results"]
    texts = sorted(r["message"]["text"] for r in results)
    assert texts[0].startswith("invalid-image-reference: path component `_a`")
    assert texts[1].startswith("invalid-image-reference: path component `_b`")
    assert texts[2].startswith("registry-password-argument: `docker login` gets the password")
    assert "hunter2" not in json.dumps(results)  # a password written out is not repeated


def test_rule_pages_give_every_rule_a_help_uri_and_code_quality_a_link(tmp_path, crlint):
    write_tree(tmp_path, {".gitlab-ci.yml": CI})
    pages = "https://gitlab.example.com/tools/crlint/-/blob/v0.1.0/rules/"
    sarif = json.loads(crlint("--format", "sarif", "--rule-pages", pages, ".", cwd=tmp_path).out)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert {rule["helpUri"] for rule in rules} == {f"{pages}{rule['id']}.md" for rule in rules}
    (issue,) = crlint("--format", "gitlab", "--rule-pages", pages, ".", cwd=tmp_path).json()
    assert issue["content"]["body"].rstrip().endswith(f"({pages}CR401.md)")
    plain = json.loads(crlint("--format", "sarif", ".", cwd=tmp_path).out)["runs"][0]
    assert not any("helpUri" in rule for rule in plain["tool"]["driver"]["rules"])
    refused = run_process("--rule-pages", "rules/", ".", cwd=tmp_path)  # helpUri is absolute
    assert refused.code == 2 and "`rules/` is not an http(s) URL" in refused.err
