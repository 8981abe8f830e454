"""Precision and recall of crlint on real repositories nobody here wrote.

`../shared/wild/` holds 36 public repositories (`trees.tgz`, cut to the
files crlint reads) and `repos.tsv` (the commit and the `origin` remote of
each). This script unpacks them once (under `bench/out/wild/`), gives each
tree its `origin` remote, runs crlint on every tree as a user would
(`crlint --format json .` from the tree's root) and compares what it says
with the judgements kept in `bench/wild/labels.tsv`:

    repo  path  line  column  rule  verdict  reason

`verdict` is `TP` (a real problem at that place: found, it is a hit; not
found, a miss) or `FP` (crlint said it, and it is wrong). `column` may be
`*` for a problem whose exact column does not matter (most misses). Every
label says in one line why.

It prints, per rule and for warnings/errors and notes apart, what crlint
reported, how much of it is right (precision) and how much of what is there
it found (recall); then every finding nobody has judged yet, every labelled
false alarm that came back and every miss.

    python bench/wild.py                 # the table, then what is unjudged
    python bench/wild.py --check         # exit 1: a labelled false alarm came back, a
                                         # finding is unjudged, or a target is missed
    python bench/wild.py --repo GNOME__mutter --show   # one tree's findings, judged or not
    python bench/wild.py --crlint "python -m crlint"   # another crlint (an older checkout)

Exit status: 0; with --check, 1 when a labelled false alarm is reported
again, a finding is not judged yet, or a target (precision >= 0.95 for each
group, recall >= 0.8) is missed; 2 when the repositories are not there.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import shlex
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WILD = REPO_ROOT.parent / "shared" / "wild"
LABELS = REPO_ROOT / "bench" / "wild" / "labels.tsv"
UNPACKED = REPO_ROOT / "bench" / "out" / "wild"
FIELDS = ("repo", "path", "line", "column", "rule", "verdict", "reason")
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.8
# Rules whose findings are notes: their precision is measured apart.
NOTE_RULES = frozenset({"CR002", "CR004", "CR402"})
# CR002 (includes crlint cannot read) is a notice unless selected by name; it is judged too.
JUDGED_FLAGS = ("--format", "json", "--extend-select", "CR002")


@dataclass(frozen=True)
class Finding:
    repo: str
    path: str
    line: int
    column: int
    rule: str
    level: str
    message: str


@dataclass
class Label:
    repo: str
    path: str
    line: int
    column: str
    rule: str
    verdict: str
    reason: str
    used: bool = field(default=False, compare=False)


def trees(wild: Path) -> Path:
    """The unpacked trees, each with its `origin` remote; unpacked once per archive."""
    archive = wild / "trees.tgz"
    stat = archive.stat()
    target = UNPACKED / f"{stat.st_size}-{int(stat.st_mtime)}"
    done = target / ".unpacked"
    if done.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    for repo, origin in remotes(wild).items():
        root = target / repo
        if root.is_dir():
            git = root / ".git"
            git.mkdir(exist_ok=True)
            (git / "HEAD").write_text("ref: refs/heads/main\n")
            (git / "config").write_text(f'[remote "origin"]\n\turl = {origin}\n')
    done.write_text("")
    return target


def remotes(wild: Path) -> dict[str, str]:
    with open(wild / "repos.tsv", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["repo"].replace("/", "__"): row["origin_remote"] for row in rows}


def run_crlint(root: Path, command: list[str]) -> tuple[list[Finding], str]:
    """crlint's findings on one tree, run from the tree's root; and what it wrote on stderr."""
    # This checkout's crlint, whether or not it is installed for the Python
    # running this script (the tree's root is the working directory).
    path = os.pathsep.join(filter(None, (str(REPO_ROOT), os.environ.get("PYTHONPATH"))))
    process = subprocess.run(
        [*command, *JUDGED_FLAGS, "--fail-level", "never", "-j", "1", "."],
        cwd=root,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0:
        raise SystemExit(f"crlint failed on {root.name} ({process.returncode}):\n{process.stderr}")
    report = json.loads(process.stdout)
    found = [
        Finding(
            root.name,
            item["path"],
            item["line"],
            item["column"],
            item["rule"],
            item["level"],
            item["message"],
        )
        for item in report["findings"]
    ]
    return found, process.stderr


def read_labels(path: Path) -> list[Label]:
    if not path.exists():
        return []
    labels = []
    with open(path, newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "repo":
                continue
            repo, file, line, column, rule, verdict, reason = (row + [""] * 7)[:7]
            if verdict not in ("TP", "FP"):
                raise SystemExit(f"{path}: verdict must be TP or FP: {row}")
            labels.append(Label(repo, file, int(line), column, rule, verdict, reason))
    return labels


class Judged:
    """Findings matched to labels: exact column first, then a `*` label of the line."""

    def __init__(self, findings: list[Finding], labels: list[Label]) -> None:
        exact: dict[tuple[str, str, int, str, str], Label] = {}
        anywhere: dict[tuple[str, str, int, str], Label] = {}
        for label in labels:
            if label.column == "*":
                anywhere[(label.repo, label.path, label.line, label.rule)] = label
            else:
                exact[(label.repo, label.path, label.line, label.column, label.rule)] = label
        self.hits: list[tuple[Finding, Label]] = []
        self.unjudged: list[Finding] = []
        for finding in findings:
            label = exact.get(
                (finding.repo, finding.path, finding.line, str(finding.column), finding.rule)
            ) or anywhere.get((finding.repo, finding.path, finding.line, finding.rule))
            if label is None:
                self.unjudged.append(finding)
            else:
                label.used = True
                self.hits.append((finding, label))
        self.missed = [label for label in labels if label.verdict == "TP" and not label.used]
        self.false_alarms = [(f, label) for f, label in self.hits if label.verdict == "FP"]

    def table(self) -> list[str]:
        rows: dict[str, Counter[str]] = defaultdict(Counter)
        for finding, label in self.hits:
            rows[finding.rule][label.verdict] += 1
        for finding in self.unjudged:
            rows[finding.rule]["unjudged"] += 1
        for label in self.missed:
            rows[label.rule]["missed"] += 1
        lines = [
            f"{'rule':<16} {'reported':>8} {'TP':>5} {'FP':>5} {'unjudged':>8} {'missed':>6} "
            f"{'precision':>9} {'recall':>6}"
        ]
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for rule in sorted(rows):
            counts = rows[rule]
            groups["notes" if rule in NOTE_RULES else "warnings+errors"].update(counts)
            lines.append(_row(rule, counts))
        lines.append("")
        for name in ("warnings+errors", "notes"):
            lines.append(_row(name, groups[name]))
        return lines

    def targets_met(self) -> list[str]:
        """What misses a target: precision of either group, recall overall."""
        problems = []
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for finding, label in self.hits:
            group = "notes" if finding.rule in NOTE_RULES else "warnings+errors"
            groups[group][label.verdict] += 1
        for name, counts in groups.items():
            precision = _ratio(counts["TP"], counts["TP"] + counts["FP"])
            if precision is not None and precision < PRECISION_TARGET:
                problems.append(f"precision of {name} is {precision:.3f} < {PRECISION_TARGET}")
        found = sum(1 for _, label in self.hits if label.verdict == "TP")
        recall = _ratio(found, found + len(self.missed))
        if recall is not None and recall < RECALL_TARGET:
            problems.append(f"recall is {recall:.3f} < {RECALL_TARGET}")
        return problems


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _row(name: str, counts: Counter[str]) -> str:
    tp, fp = counts["TP"], counts["FP"]
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + counts["missed"])
    reported = tp + fp + counts["unjudged"]
    return (
        f"{name:<16} {reported:>8} {tp:>5} {fp:>5} {counts['unjudged']:>8} {counts['missed']:>6} "
        f"{_shown(precision):>9} {_shown(recall):>6}"
    )


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def lint_all(root: Path, repos: list[str], command: list[str]) -> tuple[list[Finding], list[str]]:
    findings: list[Finding] = []
    stderr: list[str] = []
    workers = max(1, min(len(repos), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for found, errors in pool.map(lambda r: run_crlint(root / r, command), repos):
            findings.extend(found)
            stderr.extend(line for line in errors.splitlines() if line)
    findings.sort(key=lambda f: (f.repo, f.path, f.line, f.column, f.rule, f.message))
    return findings, stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wild", type=Path, default=DEFAULT_WILD, help="the shared wild folder")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--repo", action="append", help="only this tree (OWNER__NAME)")
    parser.add_argument(
        "--crlint", default=f"{shlex.quote(sys.executable)} -m crlint", help="how to run crlint"
    )
    parser.add_argument("--show", action="store_true", help="list every finding with its verdict")
    parser.add_argument(
        "--unjudged-tsv", action="store_true", help="print unjudged findings as label rows"
    )
    parser.add_argument("--check", action="store_true", help="fail on a false alarm or a target")
    args = parser.parse_args()
    if not (args.wild / "trees.tgz").exists():
        print(f"{args.wild}: no trees.tgz here", file=sys.stderr)
        return 2
    root = trees(args.wild)
    repos = sorted(args.repo or remotes(args.wild))
    findings, stderr = lint_all(root, repos, shlex.split(args.crlint))
    labels = [label for label in read_labels(args.labels) if label.repo in repos]
    judged = Judged(findings, labels)
    if args.unjudged_tsv:
        for f in judged.unjudged:
            print("\t".join((f.repo, f.path, str(f.line), str(f.column), f.rule, "?", f.message)))
        return 0
    if args.show:
        verdicts = {id(f): label for f, label in judged.hits}
        for f in findings:
            label = verdicts.get(id(f))
            verdict = f"{label.verdict} ({label.reason})" if label else "unjudged"
            print(f"{f.repo}/{f.path}:{f.line}:{f.column} {f.rule} {f.message}\n    -> {verdict}")
    print(f"crlint on {len(repos)} repositories of {args.wild}: {len(findings)} findings")
    if stderr:
        print(f"crlint wrote {len(stderr)} lines on stderr, the first: {stderr[0]}")
    for line in judged.table():
        print(line)
    for finding, label in judged.false_alarms:
        print(f"false alarm: {finding.repo}/{finding.path}:{finding.line} {finding.rule}: "
              f"{label.reason}")  # fmt: skip
    for label in judged.missed:
        print(f"missed: {label.repo}/{label.path}:{label.line} {label.rule}: {label.reason}")
    for finding in judged.unjudged:
        print(f"unjudged: {finding.repo}/{finding.path}:{finding.line}:{finding.column} "
              f"{finding.rule} {finding.message[:160]}")  # fmt: skip
    problems = judged.targets_met()
    summary = (
        f"{len(judged.unjudged)} unjudged, {len(judged.false_alarms)} labelled false alarms "
        f"reported, {len(judged.missed)} missed"
    )
    print(summary + ("; " + "; ".join(problems) if problems else "; targets met"))
    if args.check and (judged.false_alarms or judged.unjudged or problems):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
