"""Shared helpers: run crlint in-process or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from crlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"


def sarif_schema_file() -> Path | None:
    """The official SARIF 2.1.0 schema from `../shared`, else the one Microsoft's
    SARIF multitool ships (its npm package, which `.ci/run` installs)."""
    if SARIF_SCHEMA.is_file():
        return SARIF_SCHEMA
    multitool = os.environ.get("CRLINT_SARIF_MULTITOOL")
    shipped = Path(multitool).parent / "sarif-2.1.0.json" if multitool else None
    return shipped if shipped is not None and shipped.is_file() else None


requires_sarif_schema = pytest.mark.skipif(
    sarif_schema_file() is None,
    reason="no SARIF schema: neither ../shared nor the SARIF multitool (.ci/run installs it)",
)

# The real-file corpus lives in ../shared, beside the checkout, as in CI: the
# workplace's files, not the project's. A clone elsewhere skips the tests
# that read it, saying why.
requires_shared = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"{SHARED} (the real-file corpus) is not beside this checkout"
)


class Run(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[str]:
        """Findings as `path:line:col: ID [level] message`, from the JSON report."""
        return [
            f"{f['path']}:{f['line']}:{f['column']}: {f['rule']} [{f['level']}] {f['message']}"
            for f in self.json()["findings"]
        ]

    def golden(self) -> list[str]:
        """`lines()`, each finding followed by its related places and its fix:

        path:line:col: ID [level] message
            related path:line:col: message
            fix (safe|unsafe): description
        """
        shown = []
        for f in self.json()["findings"]:
            shown.append(
                f"{f['path']}:{f['line']}:{f['column']}: {f['rule']} [{f['level']}] {f['message']}"
            )
            for r in f["related"]:
                shown.append(f"    related {r['path']}:{r['line']}:{r['column']}: {r['message']}")
            if f["fix"] is not None:
                safety = "safe" if f["fix"]["safe"] else "unsafe"
                shown.append(f"    fix ({safety}): {f['fix']['description']}")
        return shown


@pytest.fixture
def crlint(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run crlint in this process: `crlint(*args, cwd=path)` returns a Run."""

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_process(
    *args: str,
    cwd: Path | str | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run crlint as a real process (for exit codes, stdin, imports, colour)."""
    environment = dict(os.environ)
    environment.pop("FORCE_COLOR", None)
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "crlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        check=False,
    )
    return Run(
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
