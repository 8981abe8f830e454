"""The floor for a Python linter of Dockerfiles, as `floor_hook.py` is for CI YAML.

argparse, then for each file given: read it, split it into instructions
(continuation lines joined, comments and blank lines dropped, keyword and
arguments apart, the line each starts on kept), and SARIF 2.1.0 on stdout.
No rules and no shell splitting of `RUN`: crlint cannot be much faster than
this, and should not be more than about 2x slower.
"""

import argparse
import json
import sys


def instructions(text: str) -> list[tuple[str, str, int]]:
    found = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        keyword, _, arguments = " ".join(pending).partition(" ")
        found.append((keyword.upper(), arguments, start))
        pending = []
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="floor-dockerfile")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    results = []
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            parsed = instructions(handle.read())
        first = next((line for keyword, _, line in parsed if keyword == "FROM"), 1)
        results.append(
            {
                "ruleId": "FLOOR0",
                "level": "note",
                "message": {"text": f"{len(parsed)} instructions"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": path},
                            "region": {"startLine": first},
                        }
                    }
                ],
            }
        )
    sarif = {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{"tool": {"driver": {"name": "floor-dockerfile"}}, "results": results}],
    }
    json.dump(sarif, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
