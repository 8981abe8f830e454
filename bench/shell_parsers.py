"""How robust is each shell parser on the script text of the real corpus?

crlint reads shell with its own tokenizer (`crlint/commands/shell.py`). This script
measures it against two ready-made parsers on every script unit of
`../shared/corpus`, to justify (or not) that choice with numbers:

* crlint   `crlint.shell.parse`; fails when `error is not None` or it raises;
* bashlex  `bashlex.parse`; fails when it raises;
* tree-sitter-bash; fails when the tree's root `has_error`.

Script units:

* gitlab-ci/   every string item (nested lists flattened) of `script`,
               `before_script` and `after_script` in the top-level mapping and
               in every mapping that is a top-level value (jobs, `default:`,
               hidden templates); `!reference` items load as None and are
               counted, not parsed;
* shell/       every file, whole;
* dockerfile/  the body of every shell-form RUN (continuation lines kept as
               written, comment and blank lines inside them dropped as Docker
               does, `--mount=`-style flags removed; a BuildKit here-document
               RUN gives its body); the `-c` script of an exec-form
               `["sh", "-c", "..."]` RUN;
* k8s/         Tekton `script:` strings and the script after `sh -c`/`bash -c`
               in a container's `command` + `args`.

A unit's text is parsed once per round by each parser; parse time is the
sum over all units, the best of --repeat rounds. Import time is the
cumulative `-X importtime` figure of the parser's modules in a fresh
interpreter (best of 5, bytecode cached in bench/out/pycache as in run.py);
setup is what must be built once after import before the first parse.

Commands found: crlint counts `ShellParse.commands` (every simple command,
also those in `$(...)`, also a bare `X=1`); bashlex counts `command` nodes
(the same notion); tree-sitter counts `command` nodes, which leave out
`export`/`local`/`declare`/`readonly` (`declaration_command`), `unset`,
`[ ... ]`/`[[ ... ]]` (`test_command`) and bare assignments. The
crlint/tree-sitter comparison per unit uses tree-sitter's count with those
added back ("ts-norm").

bashlex and tree-sitter are measurement-only: they are not crlint
dependencies. A parser that is not installed is reported and skipped:

    pip install bashlex tree-sitter tree-sitter-bash

Usage: python bench/shell_parsers.py [--corpus DIR] [--repeat N] [--diff N]
Exit status: 0 measured, 2 the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
PYCACHE_PREFIX = REPO_ROOT / "bench" / "out" / "pycache"
SLOWING_VARIABLES = ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE")

SCRIPT_KEYS = ("before_script", "script", "after_script")
SHELLS = frozenset({"sh", "bash", "ash", "dash", "ksh", "zsh"})
# tree-sitter-bash node types that crlint (and bashlex) count as simple commands.
TS_SIMPLE = frozenset({"command", "declaration_command", "unset_command", "test_command"})
TS_BARE_ASSIGNMENT_PARENTS = frozenset({"command", "declaration_command", "variable_assignments"})


# -- script units ------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    kind: str  # gitlab-ci, shell, dockerfile, dockerfile-exec, k8s-sh-c, k8s-script
    path: str  # relative to the corpus
    line: int  # 1-based, where the unit starts (approximate for YAML units)
    text: str


@dataclass
class Collection:
    units: list[Unit] = field(default_factory=list)
    items: int = 0  # script items seen, before dropping duplicates
    duplicates: int = 0  # the same text again in the same file (anchors, copies)
    references: int = 0  # `!reference` items, not parsed
    exec_form: int = 0  # exec-form RUN without a shell script, not parsed
    load_errors: list[tuple[str, str]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, kind: str, path: str, line: int, text: str) -> None:
        self.items += 1
        if (path, text) in self.seen:
            self.duplicates += 1
            return
        self.seen.add((path, text))
        self.units.append(Unit(kind, path, line, text))


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads GitLab's `!reference [job, key]` as None."""


def _reference(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    return None


_Loader.add_constructor("!reference", _reference)


def _flatten(value: object) -> Iterator[object]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def _line_of(raw: str, text: str) -> int:
    """Line of the first occurrence of the unit's first non-blank line (0 if not found)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    offset = raw.find(first) if first else -1
    return raw.count("\n", 0, offset) + 1 if offset != -1 else 0


def _text(path: Path, rel: str, collection: Collection) -> str | None:
    """A corpus file's text, or None with the reason recorded as a load error."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        collection.load_errors.append((rel, str(error)))
        return None


def _yaml_documents(path: Path, rel: str, collection: Collection) -> list[Any] | None:
    try:
        raw = path.read_text(encoding="utf-8")
        return [raw, *yaml.load_all(raw, Loader=_Loader)]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        collection.load_errors.append((rel, str(error).splitlines()[0]))
        return None


def collect_gitlab_ci(corpus: Path, collection: Collection) -> None:
    for path in sorted((corpus / "gitlab-ci").glob("*")):
        rel = str(path.relative_to(corpus))
        loaded = _yaml_documents(path, rel, collection)
        if loaded is None:
            continue
        raw, *documents = loaded
        for document in documents:
            if not isinstance(document, dict):
                continue
            mappings = [document, *(v for v in document.values() if isinstance(v, dict))]
            for mapping in mappings:
                for key in SCRIPT_KEYS:
                    if key not in mapping:
                        continue
                    for item in _flatten(mapping[key]):
                        if isinstance(item, str):
                            collection.add("gitlab-ci", rel, _line_of(raw, item), item)
                        elif item is None:
                            collection.references += 1


def collect_shell(corpus: Path, collection: Collection) -> None:
    for path in sorted((corpus / "shell").glob("*")):
        rel = str(path.relative_to(corpus))
        text = _text(path, rel, collection)
        if text is not None:
            collection.add("shell", rel, 1, text)


_DIRECTIVE = re.compile(r"#\s*([A-Za-z_]+)\s*=\s*(\S+)\s*$")
_RUN = re.compile(r"[ \t]*RUN(?:[ \t]+|\\?\n|$)", re.IGNORECASE)
_RUN_FLAG = re.compile(r"--[a-z-]+(?:=\S*)?[ \t]+")
_HEREDOC_MARK = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


def dockerfile_runs(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, kind, script) of each RUN: "dockerfile" for shell form, "exec" for exec form."""
    lines = text.split("\n")
    escape = "\\"
    for line in lines:  # parser directives come first, before any other line
        directive = _DIRECTIVE.match(line)
        if not directive:
            break
        if directive.group(1).lower() == "escape":
            escape = directive.group(2)
    index = 0
    while index < len(lines):
        start = index
        stripped = lines[index].strip()
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        pieces = [lines[start]]
        while pieces[-1].rstrip().endswith(escape) and index < len(lines):
            following = lines[index]
            index += 1
            if following.strip() and not following.lstrip().startswith("#"):
                pieces.append(following)
        if escape == "\\":
            instruction = "\n".join(pieces)
        else:  # the shell must not see the escape character
            instruction = " ".join(piece.rstrip()[:-1] for piece in pieces[:-1]) + pieces[-1]
        # BuildKit here-documents: their bodies follow the instruction.
        bodies: list[str] = []
        for mark in _HEREDOC_MARK.finditer(instruction):
            body: list[str] = []
            while index < len(lines):
                line = lines[index]
                index += 1
                if (line.lstrip("\t") if mark.group(1) else line) == mark.group(3):
                    break
                body.append(line)
            bodies.append("\n".join(body) + "\n")
        run = _RUN.match(instruction)
        if not run:
            continue
        script = instruction[run.end() :]
        while flag := _RUN_FLAG.match(script):
            script = script[flag.end() :]
        if script.lstrip().startswith("["):
            yield start + 1, "exec", script
        elif bodies and _HEREDOC_MARK.fullmatch(script.strip()):
            yield start + 1, "dockerfile", bodies[0]  # `RUN <<EOF`: the body is the script
        elif bodies:  # `RUN cat <<EOF > file`: the shell reads the here-document
            terminators = [m.group(3) for m in _HEREDOC_MARK.finditer(instruction)]
            tail = "".join(b + t + "\n" for b, t in zip(bodies, terminators, strict=True))
            yield start + 1, "dockerfile", script + "\n" + tail
        else:
            yield start + 1, "dockerfile", script


def _dash_c_script(argv: list[str]) -> str | None:
    """The script of `sh -c SCRIPT` (also `bash -ec SCRIPT`, `busybox sh -c`), if argv is one."""
    if argv and os.path.basename(argv[0]) == "busybox":
        argv = argv[1:]
    if not argv or os.path.basename(argv[0]) not in SHELLS:
        return None
    for index, argument in enumerate(argv[1:], start=1):
        if not argument.startswith("-"):
            return None
        if "c" in argument[1:] and not argument.startswith("--"):
            return argv[index + 1] if index + 1 < len(argv) else None
    return None


def collect_dockerfile(corpus: Path, collection: Collection) -> None:
    for path in sorted((corpus / "dockerfile").glob("*")):
        rel = str(path.relative_to(corpus))
        text = _text(path, rel, collection)
        if text is None:
            continue
        for line, kind, script in dockerfile_runs(text):
            if kind == "dockerfile":
                collection.add(kind, rel, line, script)
                continue
            try:
                argv = json.loads(script)
            except ValueError:
                argv = None
            dash_c = (
                _dash_c_script(argv)
                if isinstance(argv, list) and all(isinstance(a, str) for a in argv)
                else None
            )
            if dash_c is None:
                collection.exec_form += 1
            else:
                collection.add("dockerfile-exec", rel, line, dash_c)


def _k8s_scripts(node: object) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for item in node:
            yield from _k8s_scripts(item)
    elif isinstance(node, dict):
        script = node.get("script")
        if isinstance(script, str):
            yield "k8s-script", script
        argv: list[str] = []
        for key in ("command", "args"):
            value = node.get(key)
            if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
                argv.extend(str(v) for v in value)
        dash_c = _dash_c_script(argv)
        if dash_c is not None:
            yield "k8s-sh-c", dash_c
        for value in node.values():
            yield from _k8s_scripts(value)


def collect_k8s(corpus: Path, collection: Collection) -> None:
    for path in sorted((corpus / "k8s").glob("*")):
        rel = str(path.relative_to(corpus))
        loaded = _yaml_documents(path, rel, collection)
        if loaded is None:
            continue
        raw, *documents = loaded
        for kind, script in _k8s_scripts(documents):
            collection.add(kind, rel, _line_of(raw, script), script)


def collect(corpus: Path) -> Collection:
    collection = Collection()
    collect_gitlab_ci(corpus, collection)
    collect_shell(corpus, collection)
    collect_dockerfile(corpus, collection)
    collect_k8s(corpus, collection)
    return collection


# -- parsers ----------------------------------------------------------------


@dataclass
class Outcome:
    ok: bool
    commands: int
    normalized: int  # commands comparable with crlint's count (tree-sitter only differs)
    error: str = ""
    offset: int | None = None  # character offset of the error in the unit, if known


@dataclass
class ShellParser:
    name: str
    distribution: str  # for the version
    modules: tuple[str, ...]  # imported, for the import time
    setup_code: str  # what runs once after import, before the first parse
    run: Callable[[str], object]  # the timed part: text to parse result
    judge: Callable[[str, object], Outcome]  # parse result (or exception) to outcome
    setup_seconds: float = 0.0


_UNEXPECTED = re.compile(r"unexpected token '(.*)' \(position (\d+)\)")


def _exception(text: str, result: BaseException) -> Outcome:
    message = str(result).splitlines()[0] if str(result) else ""
    offset = getattr(result, "position", None)
    unexpected = _UNEXPECTED.search(message)
    if offset is not None and unexpected and not text.startswith(unexpected.group(1), offset):
        offset = None  # bashlex counts positions oddly in some multi-line input
        message += " [position does not point at the token]"
    return Outcome(False, 0, 0, f"{type(result).__name__}: {message}"[:160], offset)


def make_crlint() -> ShellParser:
    from crlint.commands import shell
    from crlint.facts.locations import LocatedText

    def run(text: str) -> object:
        # crlint keeps each text's commands for the rest of the run; the units
        # are distinct already, so clearing it times the parse itself every round.
        shell._SHAPES.clear()
        return shell.parse(LocatedText.from_lines(text, "unit", 1, 1))

    def judge(text: str, result: object) -> Outcome:
        if isinstance(result, BaseException):
            return _exception(text, result)
        assert isinstance(result, shell.ShellParse)
        count = len(result.commands)
        if result.error is not None:
            offset, message = result.error
            return Outcome(False, count, count, message, offset)
        return Outcome(True, count, count)

    return ShellParser(
        "crlint", "crlint", ("crlint.commands.shell", "crlint.facts.locations"), "", run, judge
    )


def make_bashlex() -> ShellParser:
    import bashlex

    class _Counter(bashlex.ast.nodevisitor):  # type: ignore[misc]
        def __init__(self) -> None:
            self.commands = 0

        def visitcommand(self, node: Any, parts: Any) -> None:
            self.commands += 1

    def run(text: str) -> object:
        return bashlex.parse(text)

    def judge(text: str, result: object) -> Outcome:
        if isinstance(result, BaseException):
            return _exception(text, result)
        counter = _Counter()
        try:
            for tree in result:  # type: ignore[attr-defined]
                counter.visit(tree)
        except Exception as error:  # a tree the visitor does not know
            return Outcome(True, counter.commands, counter.commands, f"visitor: {error}")
        return Outcome(True, counter.commands, counter.commands)

    return ShellParser("bashlex", "bashlex", ("bashlex",), "", run, judge)


def make_tree_sitter() -> ShellParser:
    import tree_sitter_bash
    from tree_sitter import Language, Node, Parser, Tree

    started = time.perf_counter()
    parser = Parser(Language(tree_sitter_bash.language()))
    setup = time.perf_counter() - started

    def run(text: str) -> object:
        return parser.parse(text.encode())

    def walk(root: Node) -> Iterator[Node]:
        cursor = root.walk()
        while True:
            node = cursor.node
            assert node is not None
            yield node
            if cursor.goto_first_child() or cursor.goto_next_sibling():
                continue
            while True:
                if not cursor.goto_parent():
                    return
                if cursor.goto_next_sibling():
                    break

    def judge(text: str, result: object) -> Outcome:
        if isinstance(result, BaseException):
            return _exception(text, result)
        assert isinstance(result, Tree)
        types: Counter[str] = Counter()
        first_error: Node | None = None
        for node in walk(result.root_node):
            kind = node.type
            if kind in TS_SIMPLE:
                types[kind] += 1
            elif kind == "variable_assignments" or (
                kind == "variable_assignment"
                and (node.parent is None or node.parent.type not in TS_BARE_ASSIGNMENT_PARENTS)
            ):
                types["bare assignment"] += 1
            if first_error is None and (node.type == "ERROR" or node.is_missing):
                first_error = node
        commands, normalized = types["command"], sum(types.values())
        if not result.root_node.has_error:
            return Outcome(True, commands, normalized)
        if first_error is None:
            return Outcome(False, commands, normalized, "has_error")
        data = text.encode()
        offset = len(data[: first_error.start_byte].decode(errors="ignore"))
        what = f"MISSING {first_error.type}" if first_error.is_missing else "ERROR"
        return Outcome(False, commands, normalized, what, offset)

    return ShellParser(
        "tree-sitter",
        "tree-sitter-bash",
        ("tree_sitter", "tree_sitter_bash"),
        "Parser(Language(tree_sitter_bash.language()))",
        run,
        judge,
        setup,
    )


FACTORIES: tuple[tuple[str, str, Callable[[], ShellParser]], ...] = (
    ("crlint", "crlint", make_crlint),
    ("bashlex", "pip install bashlex", make_bashlex),
    ("tree-sitter", "pip install tree-sitter tree-sitter-bash", make_tree_sitter),
)


def available_parsers() -> list[ShellParser]:
    parsers = []
    for name, install, factory in FACTORIES:
        try:
            parsers.append(factory())
        except ImportError as error:
            print(
                f"note: {name} is not installed ({error}); skipped. To measure it: {install}"
                " (measurement only, not a crlint dependency)"
            )
    return parsers


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def _child_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SLOWING_VARIABLES}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_PREFIX)
    return env


def import_seconds(modules: tuple[str, ...], rounds: int = 5) -> float:
    """Best cumulative `-X importtime` of `modules` over fresh interpreters."""
    env = _child_environment()
    code = "import " + ", ".join(modules)
    command = [sys.executable, "-X", "importtime", "-c", code]
    subprocess.run(command, env=env, capture_output=True, check=True)  # fills the pycache
    best = float("inf")
    for _ in range(rounds):
        stderr = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
        total = 0
        for line in stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _, cumulative, name = line.split("|", 2)
            if name[1:] in modules or name[1:] in {m.split(".")[0] for m in modules}:
                total += int(cumulative)
        best = min(best, total / 1e6)
    return best


# -- measuring and reporting --------------------------------------------------


@dataclass
class Measured:
    parser: ShellParser
    outcomes: list[Outcome]
    seconds: float
    import_seconds: float


def measure(parser: ShellParser, units: list[Unit], repeat: int) -> Measured:
    results: list[object] = []
    best = float("inf")
    for round_index in range(repeat):
        elapsed = 0.0
        for unit in units:
            started = time.perf_counter()
            try:
                result: object = parser.run(unit.text)
            except Exception as error:
                result = error
            elapsed += time.perf_counter() - started
            if round_index == 0:
                results.append(result)
        best = min(best, elapsed)
    outcomes = [parser.judge(unit.text, r) for unit, r in zip(units, results, strict=True)]
    return Measured(parser, outcomes, best, import_seconds(parser.modules))


_NOISE = re.compile(r" ?\(position \d+\)| at line \d+")


def _excerpt(text: str, start: int = 0, width: int = 80) -> str:
    return repr(text[start : start + width])[1:-1]


def _where(unit: Unit) -> str:
    return f"{unit.path}:{unit.line}" if unit.line else unit.path


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def report(collection: Collection, measured: list[Measured], diff_threshold: int) -> None:
    units = collection.units
    kinds = Counter(unit.kind for unit in units)
    print(
        f"units: {len(units)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
        f"; {collection.items} items seen, {collection.duplicates} duplicate texts dropped,"
        f" {collection.references} !reference items and {collection.exec_form} exec-form"
        f" RUNs not parsed, {len(collection.load_errors)} files failed to load"
    )
    for path, error in collection.load_errors:
        print(f"  load error: {path}: {error}")
    print()

    rows = [
        [
            "parser",
            "version",
            "units",
            "failures",
            "fail %",
            "commands",
            "ts-norm",
            "parse ms",
            "us/unit",
            "import ms",
            "setup ms",
        ]
    ]
    for m in measured:
        failures = sum(not o.ok for o in m.outcomes)
        rows.append(
            [
                m.parser.name,
                _version(m.parser.distribution),
                str(len(units)),
                str(failures),
                f"{100 * failures / max(len(units), 1):.1f}",
                str(sum(o.commands for o in m.outcomes)),
                str(sum(o.normalized for o in m.outcomes))
                if m.parser.name == "tree-sitter"
                else "",
                f"{1000 * m.seconds:.1f}",
                f"{1e6 * m.seconds / max(len(units), 1):.0f}",
                f"{1000 * m.import_seconds:.1f}",
                f"{1000 * m.parser.setup_seconds:.2f}",
            ]
        )
    print("\n".join(_table(rows)))
    print()

    names = [m.parser.name for m in measured]
    rows = [["failures by kind", "units", *names]]
    for kind in sorted(kinds):
        indexes = [i for i, unit in enumerate(units) if unit.kind == kind]
        rows.append(
            [
                kind,
                str(len(indexes)),
                *(str(sum(not m.outcomes[i].ok for i in indexes)) for m in measured),
            ]
        )
    print("\n".join(_table(rows)))

    print("\nFailure reasons:")
    for m in measured:
        reasons = Counter(_NOISE.sub("", o.error.split(" [")[0]) for o in m.outcomes if not o.ok)
        for reason, count in reasons.most_common():
            print(f"  {m.parser.name:12s} {count:4d}  {reason}")

    split = []
    everyone = []
    for index, unit in enumerate(units):
        failing = [m for m in measured if not m.outcomes[index].ok]
        if failing and len(failing) < len(measured):
            split.append((index, unit, failing))
        elif failing:
            everyone.append((index, unit, failing))
    for title, listed in (
        ("Units some parser fails on and another parses", split),
        ("Units every parser fails on", everyone),
    ):
        print(f"\n{title}: {len(listed)}")
        for index, unit, failing in listed:
            passing = [m.parser.name for m in measured if m.outcomes[index].ok]
            print(
                f"\n  [{unit.kind}] {_where(unit)}"
                f"  fails: {', '.join(m.parser.name for m in failing)}"
                + (f"  parses: {', '.join(passing)}" if passing else "")
            )
            print(f"    unit: {_excerpt(unit.text)}")
            for m in failing:
                outcome = m.outcomes[index]
                near = ""
                if outcome.offset is not None:
                    before = max(outcome.offset - 30, 0)
                    near = f"  near: ...{_excerpt(unit.text, before, 60)}..."
                at = "" if outcome.offset is None else f" at {outcome.offset}"
                print(f"    {m.parser.name}: {outcome.error}{at}{near}")

    by_name = {m.parser.name: m for m in measured}
    if "crlint" in by_name and "tree-sitter" in by_name:
        crlint, ts = by_name["crlint"].outcomes, by_name["tree-sitter"].outcomes
        differing = [
            (abs(c.commands - t.normalized), index)
            for index, (c, t) in enumerate(zip(crlint, ts, strict=True))
            if abs(c.commands - t.normalized) >= diff_threshold
        ]
        differing.sort(key=lambda pair: (-pair[0], pair[1]))
        same = sum(c.commands == t.normalized for c, t in zip(crlint, ts, strict=True))
        print(
            f"\ncrlint vs tree-sitter commands per unit (ts-norm): {same} of {len(units)}"
            f" equal; {len(differing)} differ by {diff_threshold} or more"
            + (", the first 20 of them:" if len(differing) > 20 else ":")
        )
        for _, index in differing[:20]:
            unit = units[index]
            status = "".join(
                f" ({name} failed)"
                for name, o in (("crlint", crlint[index]), ("tree-sitter", ts[index]))
                if not o.ok
            )
            print(
                f"  crlint {crlint[index].commands:4d}  ts {ts[index].commands:4d}"
                f"  ts-norm {ts[index].normalized:4d}  [{unit.kind}] {_where(unit)}{status}"
            )
            print(f"      {_excerpt(unit.text, 0, 72)}")


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    options.add_argument("--repeat", type=int, default=7, help="timing rounds (best is kept)")
    options.add_argument(
        "--diff", type=int, default=3, help="list units whose command counts differ this much"
    )
    args = options.parse_args(argv)
    if not all((args.corpus / sub).is_dir() for sub in ("gitlab-ci", "shell", "dockerfile")):
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    collection = collect(args.corpus)
    parsers = available_parsers()
    measured = [measure(parser, collection.units, max(args.repeat, 1)) for parser in parsers]
    print(f"python {sys.version.split()[0]}, corpus {args.corpus}, best of {args.repeat} rounds")
    report(collection, measured, args.diff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
