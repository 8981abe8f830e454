"""Does a change keep crlint's output the same? Record it, then compare.

A refactoring (moving modules, renaming layers) must not change one byte of
what users see. `record` runs one checkout of crlint over every input the
project knows of — the rule fixtures (each as a repository of its own), the
bundled examples, `../shared/corpus` and every tree of `../shared/wild` —
in three shapes (the text report, JSON with `--verbose` notes on stderr,
and the `--diff` of `--fix`) and keeps each output in a directory;
`compare` says which outputs of two such directories differ, and exits 1
if any does.

    python bench/same_output.py record --checkout /work/before --out /tmp/a
    python bench/same_output.py record --out /tmp/b      # this checkout
    python bench/same_output.py compare /tmp/a /tmp/b
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
SHARED = PROJECT.parent / "shared"

SHAPES = {
    "text": ["--color", "never", "."],
    "json": ["--format", "json", "--verbose", "."],
    "diff": ["--diff", "."],
}


def inputs(work: Path) -> Iterator[tuple[str, Path]]:
    """(name, repository) for every input, fixtures copied as repositories."""
    for case in sorted((PROJECT / "tests" / "fixtures").glob("CR*/*")):
        if not case.is_dir():
            continue
        repository = work / "fixtures" / case.parent.name / case.name
        ignored = shutil.ignore_patterns("expected.out", "args", "fix-args", "fixed", "git-config")
        shutil.copytree(case, repository, ignore=ignored)
        (repository / ".git").mkdir()
        if (case / "git-config").is_file():
            shutil.copy(case / "git-config", repository / ".git" / "config")
        yield f"fixtures/{case.parent.name}/{case.name}", repository
    yield "examples", PROJECT / "examples"
    if (SHARED / "corpus").is_dir():
        yield "corpus", SHARED / "corpus"
    if (SHARED / "wild").is_dir():
        sys.path.insert(0, str(HERE))
        import wild  # the trees as bench/wild.py unpacks them

        for tree in sorted(wild.trees(SHARED / "wild").iterdir()):
            if tree.is_dir():
                yield f"wild/{tree.name}", tree


def run(checkout: Path, name: str, repository: Path, out: Path) -> None:
    environment = {**os.environ, "PYTHONPATH": str(checkout), "NO_COLOR": "1"}
    for shape, args in SHAPES.items():
        result = subprocess.run(
            [sys.executable, "-m", "crlint", *args],
            cwd=repository,
            env=environment,
            capture_output=True,
            timeout=600,
            check=False,
        )
        kept = out / name / shape
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(
            b"exit %d\n--- stdout\n%s--- stderr\n%s"
            % (result.returncode, result.stdout, result.stderr)
        )


def record(checkout: Path, out: Path, jobs: int) -> int:
    if out.exists():
        shutil.rmtree(out)
    # The fixtures are copied to the same place every time: a message that
    # names an absolute path must not differ only by where the copy went.
    work = Path(tempfile.gettempdir()) / "crlint-same-output"
    shutil.rmtree(work, ignore_errors=True)
    with ThreadPoolExecutor(jobs) as pool:
        done = list(pool.map(lambda item: run(checkout, *item, out), inputs(work)))
    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(done)} inputs in {len(SHAPES)} shapes recorded in {out}")
    return 0


def compare(first: Path, second: Path) -> int:
    names = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    names |= {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    differ = [
        name
        for name in sorted(names)
        if not (first / name).is_file()
        or not (second / name).is_file()
        or (first / name).read_bytes() != (second / name).read_bytes()
    ]
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(names)} outputs compared, {len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    recording = commands.add_parser("record", help="run a checkout over every input")
    recording.add_argument("--checkout", type=Path, default=PROJECT)
    recording.add_argument("--out", type=Path, required=True)
    recording.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    comparing = commands.add_parser("compare", help="the outputs of two recordings that differ")
    comparing.add_argument("first", type=Path)
    comparing.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        return record(args.checkout.resolve(), args.out.resolve(), args.jobs)
    return compare(args.first, args.second)


if __name__ == "__main__":
    sys.exit(main())
