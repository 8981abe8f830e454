"""Python build scripts: the programs they run through `subprocess` and `os.system`.

Only a file that names a registry tool (`kaniko`, `docker`, `crane`, …)
and `subprocess` or `os.system` is parsed: parsing every Python file of a
repository would cost more than the rest of a run. It is parsed with the
interpreter's own parser (`ast`), which refuses nesting too deep for it
with an error rather than a crash and takes a few milliseconds where libcst
took a second. Each call of `subprocess.run/call/check_call/check_output/Popen`
(however `subprocess` or its functions were imported) and
`os.system`/`os.popen` becomes a `Command`: a list of strings is the argv,
a string with `shell=True` (or given to `os.system`) is a shell script, an
f-string's `{…}` parts are unknown.

The command's environment is what the call passes as `env=`: a dict
literal, `{**os.environ, …}`, `dict(os.environ, …)`, or a variable built
from `os.environ.copy()` and item assignments before the call; without
`env=`, the process's own, with `os.environ[…] = …` assignments made
before it. Anything else is unknown. Assignments are read in source
order, whatever branch they sit in.
"""

from __future__ import annotations

import ast
import re

from crlint.commands import shell
from crlint.discover.kinds import FileKind
from crlint.facts.locations import LocatedText, Location
from crlint.facts.model import Binding, Command, Env, FileFacts, Literal, SetBy, Unknown, Word
from crlint.frontends.base import Extraction, Frontend
from crlint.world.tools import DISTINCTIVE_NAMES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.discover.sources import SourceFile
    from crlint.facts.model import Part
    from crlint.frontends.base import Context

# A build script names a registry tool and a way to run it; other Python
# files (most of them, in a Python project) are not parsed.
TOOLS = re.compile(r"\b(?:" + "|".join(map(re.escape, DISTINCTIVE_NAMES)) + r")\b")
RUNS = re.compile(r"\bsubprocess\b|\bos\.(?:system|popen)\b|\b(?:system|popen)\(")
SUBPROCESS_CALLS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
OS_CALLS = frozenset({"system", "popen"})
MAX_NESTING = 100
"""Syntax nested deeper is not read: no build script nests a hundred levels,
and reading an environment recurses through the expressions that build it."""
HOW_TO_SET = 'an `env=` entry `"GODEBUG": "http2client=0"` (starting from `os.environ`)'


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    text = source.text
    if not (TOOLS.search(text) and RUNS.search(text)):
        return Extraction(skipped="a Python file that runs no registry tool")
    import warnings

    try:
        with warnings.catch_warnings():  # `"\d"` and the like: not crlint's to report
            warnings.simplefilter("ignore")
            module = ast.parse(text, source.path)
    except SyntaxError as error:
        where = f"{error.lineno}:{error.offset}"
        return Extraction(skipped=f"not Python that crlint can read: {error.msg} ({where})")
    except (MemoryError, RecursionError, ValueError):  # nested past the parser, or NUL bytes
        return Extraction(skipped="nested deeper than Python's parser goes: not read")
    reader = _Reader(source)
    for node, depth, line in _in_source_order(module):
        if depth > MAX_NESTING:
            return Extraction(
                skipped=f"syntax nested more than {MAX_NESTING} deep (line {line}): not read"
            )
        reader.visit(node)
    return Extraction(facts=reader.facts)


def _in_source_order(module: ast.Module) -> Iterator[tuple[ast.AST, int, int]]:
    """Every node with its depth and line, parents before children, in the order
    written (without recursion: `a.b.c…` nests as deep as it is long)."""
    stack: list[tuple[ast.AST, int, int]] = [(module, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        yield node, depth, line
        children = list(ast.iter_child_nodes(node))
        stack.extend((child, depth + 1, line) for child in reversed(children))


class _EnvValue:
    """A dict that a call may get as `env=`: known entries, and whether it
    starts from the process's environment or from something unknown."""

    __slots__ = ("bindings", "inherits", "unknown")

    def __init__(self, inherits: bool = False, unknown: bool = False) -> None:
        self.bindings: dict[str, Binding] = {}
        self.inherits = inherits
        self.unknown = unknown


class _Reader:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.facts = FileFacts()
        self.subprocess_modules = {"subprocess"}
        self.os_modules = {"os"}
        self.functions: dict[str, str] = {}
        """Names bound by `from subprocess import run` (to `subprocess.run`)."""
        self.process_env: dict[str, Binding] = {}
        """`os.environ[…] = …` made so far."""
        self.dicts: dict[str, _EnvValue] = {}
        """Variables holding environments built so far."""
        self.context = f"script {source.path}"
        self._lines: list[str] | None = None
        """The source's lines as Python ends them, each with its end (see `written`)."""

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            self.on_import(node)
        elif isinstance(node, ast.ImportFrom):
            self.on_import_from(node)
        elif isinstance(node, ast.Assign):
            self.on_assign(node)
        elif isinstance(node, ast.Call):
            self.on_call(node)

    # -- names ------------------------------------------------------------

    def on_import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name
            if alias.name == "subprocess":
                self.subprocess_modules.add(bound)
            elif alias.name == "os":
                self.os_modules.add(bound)

    def on_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module if node.level == 0 else None
        if module not in ("subprocess", "os"):
            return
        wanted = SUBPROCESS_CALLS if module == "subprocess" else OS_CALLS
        for alias in node.names:
            if alias.name in wanted:
                self.functions[alias.asname or alias.name] = f"{module}.{alias.name}"

    def called(self, func: ast.expr) -> str | None:
        """`subprocess.run`, `os.system`…: what a call's function is, if one of those."""
        if isinstance(func, ast.Name):
            return self.functions.get(func.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            module, name = func.value.id, func.attr
            if module in self.subprocess_modules and name in SUBPROCESS_CALLS:
                return f"subprocess.{name}"
            if module in self.os_modules and name in OS_CALLS:
                return f"os.{name}"
        return None

    def is_environ(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.os_modules
            and node.attr == "environ"
        )

    # -- environments -----------------------------------------------------

    def on_assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                built = self.environment(node.value)
                if built is not None and not built.unknown:
                    self.dicts[target.id] = built
                else:
                    self.dicts.pop(target.id, None)
            elif isinstance(target, ast.Subscript):
                self.on_item(target, node.value)

    def on_item(self, target: ast.Subscript, value: ast.expr) -> None:
        """`env["GODEBUG"] = …`, `os.environ["GODEBUG"] = …`."""
        key = _string(target.slice)
        if key is None:
            return
        binding = self.binding(key, value, SetBy.SCRIPT)
        if self.is_environ(target.value):
            self.process_env[key] = binding
        elif isinstance(target.value, ast.Name) and target.value.id in self.dicts:
            self.dicts[target.value.id].bindings[key] = binding

    def binding(self, name: str, value: ast.expr, origin: SetBy) -> Binding:
        return Binding(name, _string(value), self.location(value), origin)

    def environment(self, node: ast.expr) -> _EnvValue | None:
        """The environment an expression builds, or None if it builds none."""
        if self.is_environ(node):
            return _EnvValue(inherits=True)
        if isinstance(node, ast.Name):
            known = self.dicts.get(node.id)
            return known if known is not None else _EnvValue(unknown=True)
        if isinstance(node, ast.Call):
            func = node.func
            if (  # os.environ.copy()
                isinstance(func, ast.Attribute)
                and func.attr == "copy"
                and self.is_environ(func.value)
            ):
                return _EnvValue(inherits=True)
            if isinstance(func, ast.Name) and func.id == "dict":
                built = _EnvValue()
                for arg in node.args:
                    if not self.merge(built, arg):
                        return _EnvValue(unknown=True)
                for keyword in node.keywords:
                    if keyword.arg is None:  # `dict(**mapping)`
                        if not self.merge(built, keyword.value):
                            return _EnvValue(unknown=True)
                    else:
                        name = keyword.arg
                        built.bindings[name] = self.binding(name, keyword.value, SetBy.CALL_ENV)
                return built
            return None
        if isinstance(node, ast.Dict):
            built = _EnvValue()
            for key_node, value in zip(node.keys, node.values, strict=True):
                if key_node is None:  # `**mapping`
                    if not self.merge(built, value):
                        return _EnvValue(unknown=True)
                    continue
                key = _string(key_node)
                if key is None:
                    return _EnvValue(unknown=True)
                built.bindings[key] = self.binding(key, value, SetBy.CALL_ENV)
            return built
        return None

    def merge(self, built: _EnvValue, node: ast.expr) -> bool:
        """Add what `node` builds to `built`; False when that is unknown."""
        inner = self.environment(node)
        if inner is None or inner.unknown:
            return False
        built.inherits |= inner.inherits
        built.bindings.update(inner.bindings)
        return True

    # -- calls ------------------------------------------------------------

    def on_call(self, node: ast.Call) -> None:
        called = self.called(node.func)
        if called is None:
            return
        args = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        program = positional[0] if positional else args.get("args") or args.get("command")
        if program is None:
            return
        env = self.call_env(args.get("env") if called.startswith("subprocess") else None)
        shell_text = called.startswith("os.") or _is_true(args.get("shell"))
        if isinstance(program, ast.List | ast.Tuple):
            words = tuple(self.word(element) for element in program.elts)
            self.add(words, env, self.location(node))
        elif shell_text:
            located = self.located_string(program)
            if located is not None:
                commands = shell.parse(located).commands
                self.facts.commands.extend(
                    command._replace(how_to_set=HOW_TO_SET)
                    for command in shell.command_facts(located, commands, env, self.context)
                )
        else:
            self.add((self.word(program),), env, self.location(node))

    def add(self, words: tuple[Word, ...], env: Env, location: Location) -> None:
        if words:
            command = Command(words, (), env, self.context, location, how_to_set=HOW_TO_SET)
            self.facts.commands.append(command)

    def call_env(self, value: ast.expr | None) -> Env:
        process = Env(self.process_env)
        if value is None:
            return process
        built = self.environment(value)
        if built is None or built.unknown:  # GODEBUG and all else unknown
            return Env(
                {"GODEBUG": Binding("GODEBUG", None, self.location(value), SetBy.ENV_ARGUMENT)}
            )
        bindings = dict(self.process_env) if built.inherits else {}
        bindings.update(built.bindings)
        return Env(bindings)

    # -- text -------------------------------------------------------------

    def column(self, line: int, byte_offset: int) -> int:
        """The 1-based character column of a UTF-8 byte offset `ast` gives."""
        text = self.source.line(line)
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore")) + 1

    def start(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        return node.lineno, self.column(node.lineno, node.col_offset)

    def location(self, node: ast.expr | ast.stmt) -> Location:
        line, column = self.start(node)
        end_line = node.end_lineno or line
        end_column = self.column(end_line, node.end_col_offset or 0)
        return Location(self.source.path, line, column, end_line, end_column)

    def written(self, node: ast.expr) -> str:
        """The node's source text (for a node inside an f-string, as `ast` unparses it).

        What `ast.get_source_segment` gives, from the file's lines split once:
        it splits the whole file again, a character at a time, at every call,
        which made a script of a few thousand lines with a few hundred calls
        take seconds (`f-droid/fdroidserver`: 80 % of its run).
        """
        end_line, end_offset = node.end_lineno, node.end_col_offset
        if end_line is None or end_offset is None:
            return ast.unparse(node)
        if self._lines is None:
            self._lines = _PYTHON_LINE.findall(self.source.text)
        lines = self._lines
        first, last = node.lineno - 1, end_line - 1
        if first == last:
            segment = lines[first].encode()[node.col_offset : end_offset].decode()
        else:
            segment = "".join(
                (
                    lines[first].encode()[node.col_offset :].decode(),
                    *lines[first + 1 : last],
                    lines[last].encode()[:end_offset].decode(),
                )
            )
        return segment or ast.unparse(node)

    def located_string(self, node: ast.expr) -> LocatedText | None:
        """A plain string's value, mapped to where its characters are written."""
        value = _string(node)
        if value is None:
            return None
        raw = self.written(node)
        line, column = self.start(node)
        quoted = _QUOTED.fullmatch(raw)
        if quoted is not None and quoted.group(3) == value:  # nothing escaped: one each
            opening = len(quoted.group(1)) + len(quoted.group(2))
            return LocatedText.from_lines(value, self.source.path, line, column + opening)
        return LocatedText.at(value, self.source.path, line, column)

    def word(self, node: ast.expr) -> Word:
        """An argv element: a string, an f-string with unknown `{…}` parts, or unknown."""
        located = self.located_string(node)
        if located is not None:
            text = located.text
            return Word(located, (Literal(text, 0, len(text)),) if text else ())
        line, column = self.start(node)
        if isinstance(node, ast.JoinedStr):
            quoted = _QUOTED.fullmatch(self.written(node))
            opening = len(quoted.group(1)) + len(quoted.group(2)) if quoted else 0
            parts: list[Part] = []
            offset = 0
            for piece in node.values:
                if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                    parts.append(Literal(piece.value, offset, offset + len(piece.value)))
                    offset += len(piece.value)
                else:
                    code = "{" + ast.unparse(getattr(piece, "value", piece)) + "}"
                    parts.append(Unknown(code, offset, offset + len(code), variable=False))
                    offset += len(code)
            text = "".join(p.text if isinstance(p, Literal) else p.name for p in parts)
            written = LocatedText.at(text, self.source.path, line, column + opening)
            return Word(written, tuple(parts))
        code = self.written(node)
        written = LocatedText.at(code, self.source.path, line, column)
        return Word(written, (Unknown(code, 0, len(code), variable=False),))


# One string literal as written: its prefix, its quote, what the quotes hold.
# A line as Python's tokenizer ends it (`\r\n`, `\r` or `\n`), with its end; the
# last may have none. `ast` offsets count UTF-8 bytes within such a line.
_PYTHON_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
_QUOTED = re.compile(r"([rRbBuUfF]{0,2})('''|\"\"\"|'|\")(.*)\2", re.DOTALL)


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


FRONTEND = Frontend(FileKind.PYTHON, extract)
