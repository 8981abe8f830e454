"""Python build scripts: the programs they run through `subprocess` and `os.system`.

Only a file that names a registry tool (`kaniko`, `docker`, `crane`, …)
and `subprocess` or `os.system` is parsed, with libcst, imported then:
parsing every Python file of a repository would cost more than the rest
of a run. Each call of `subprocess.run/call/check_call/check_output/Popen`
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

import re

from crlint import shell
from crlint.facts import Binding, Command, Env, FileFacts, Literal, Unknown, Word
from crlint.frontends import Extraction
from crlint.locations import LocatedText, Location

TYPE_CHECKING = False
if TYPE_CHECKING:
    import libcst

    from crlint.facts import Part
    from crlint.frontends import Context
    from crlint.sources import SourceFile

# A build script names a registry tool and a way to run it; other Python
# files (most of them, in a Python project) are not parsed.
TOOLS = re.compile(r"\b(?:kaniko|docker|podman|buildah|crane|skopeo)\b")
RUNS = re.compile(r"\bsubprocess\b|\bos\.(?:system|popen)\b|\b(?:system|popen)\(")
SUBPROCESS_CALLS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
OS_CALLS = frozenset({"system", "popen"})
MAX_NESTING = 100
"""Brackets nested deeper are not parsed: at 1,000 libcst takes seconds and most
of a gigabyte, at 1,300 it crashes the interpreter."""
HOW_TO_SET = 'an `env=` entry `"GODEBUG": "http2client=0"` (starting from `os.environ`)'


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    text = source.text
    if not (TOOLS.search(text) and RUNS.search(text)):
        return Extraction(skipped="a Python file that runs no registry tool")
    from crlint.sources import nesting_beyond

    too_deep = nesting_beyond(text, "([{", ")]}", MAX_NESTING)
    if too_deep is not None:  # libcst's parser recurses in native code and crashes
        return Extraction(
            skipped=f"brackets nested more than {MAX_NESTING} deep (line {too_deep}): not read"
        )
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        wrapper = MetadataWrapper(libcst.parse_module(source.text))
    except libcst.ParserSyntaxError as error:
        line, column = error.raw_line, error.raw_column + 1
        return Extraction(skipped=f"not Python 3 that crlint can read ({line}:{column})")
    reader = _Reader(source, wrapper.resolve(PositionProvider))
    wrapper.visit(reader.visitor())
    return Extraction(facts=reader.facts)


class _EnvValue:
    """A dict that a call may get as `env=`: known entries, and whether it
    starts from the process's environment or from something unknown."""

    __slots__ = ("bindings", "inherits", "unknown")

    def __init__(self, inherits: bool = False, unknown: bool = False) -> None:
        self.bindings: dict[str, Binding] = {}
        self.inherits = inherits
        self.unknown = unknown


class _Reader:
    def __init__(self, source: SourceFile, positions: object) -> None:
        self.source = source
        self.positions = positions
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

    def visitor(self) -> libcst.CSTVisitor:
        import libcst

        reader = self

        class Visitor(libcst.CSTVisitor):
            def visit_Import(self, node: libcst.Import) -> None:
                reader.on_import(node)

            def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
                reader.on_import_from(node)

            def visit_Assign(self, node: libcst.Assign) -> None:
                reader.on_assign(node)

            def visit_Call(self, node: libcst.Call) -> None:
                reader.on_call(node)

        return Visitor()

    # -- names ------------------------------------------------------------

    def on_import(self, node: libcst.Import) -> None:
        import libcst

        for alias in node.names:
            if not isinstance(alias.name, libcst.Name):
                continue
            bound = _alias(alias) or alias.name.value
            if alias.name.value == "subprocess":
                self.subprocess_modules.add(bound)
            elif alias.name.value == "os":
                self.os_modules.add(bound)

    def on_import_from(self, node: libcst.ImportFrom) -> None:
        import libcst

        module = node.module.value if isinstance(node.module, libcst.Name) else None
        if module not in ("subprocess", "os") or isinstance(node.names, libcst.ImportStar):
            return
        wanted = SUBPROCESS_CALLS if module == "subprocess" else OS_CALLS
        for alias in node.names:
            if isinstance(alias.name, libcst.Name) and alias.name.value in wanted:
                self.functions[_alias(alias) or alias.name.value] = f"{module}.{alias.name.value}"

    def called(self, func: libcst.BaseExpression) -> str | None:
        """`subprocess.run`, `os.system`…: what a call's function is, if one of those."""
        import libcst

        if isinstance(func, libcst.Name):
            return self.functions.get(func.value)
        if isinstance(func, libcst.Attribute) and isinstance(func.value, libcst.Name):
            module, name = func.value.value, func.attr.value
            if module in self.subprocess_modules and name in SUBPROCESS_CALLS:
                return f"subprocess.{name}"
            if module in self.os_modules and name in OS_CALLS:
                return f"os.{name}"
        return None

    def is_environ(self, node: libcst.BaseExpression) -> bool:
        import libcst

        return (
            isinstance(node, libcst.Attribute)
            and isinstance(node.value, libcst.Name)
            and node.value.value in self.os_modules
            and node.attr.value == "environ"
        )

    # -- environments -----------------------------------------------------

    def on_assign(self, node: libcst.Assign) -> None:
        import libcst

        for target in node.targets:
            where = target.target
            if isinstance(where, libcst.Name):
                built = self.environment(node.value)
                if built is not None and not built.unknown:
                    self.dicts[where.value] = built
                else:
                    self.dicts.pop(where.value, None)
            elif isinstance(where, libcst.Subscript):
                self.on_item(where, node.value)

    def on_item(self, target: libcst.Subscript, value: libcst.BaseExpression) -> None:
        """`env["GODEBUG"] = …`, `os.environ["GODEBUG"] = …`."""
        import libcst

        key = _subscript_key(target)
        if key is None:
            return
        binding = self.binding(key, value, "set in the script")
        if self.is_environ(target.value):
            self.process_env[key] = binding
        elif isinstance(target.value, libcst.Name) and target.value.value in self.dicts:
            self.dicts[target.value.value].bindings[key] = binding

    def binding(self, name: str, value: libcst.BaseExpression, origin: str) -> Binding:
        text = _string(value)
        return Binding(name, text, self.location(value), origin)

    def environment(self, node: libcst.BaseExpression) -> _EnvValue | None:
        """The environment an expression builds, or None if it builds none."""
        import libcst

        if self.is_environ(node):
            return _EnvValue(inherits=True)
        if isinstance(node, libcst.Name):
            known = self.dicts.get(node.value)
            return known if known is not None else _EnvValue(unknown=True)
        if isinstance(node, libcst.Call):
            func = node.func
            if (  # os.environ.copy()
                isinstance(func, libcst.Attribute)
                and func.attr.value == "copy"
                and self.is_environ(func.value)
            ):
                return _EnvValue(inherits=True)
            if isinstance(func, libcst.Name) and func.value == "dict":
                built = _EnvValue()
                for arg in node.args:
                    if arg.keyword is None:
                        inner = self.environment(arg.value)
                        if inner is None or inner.unknown:
                            return _EnvValue(unknown=True)
                        built.inherits |= inner.inherits
                        built.bindings.update(inner.bindings)
                    else:
                        name = arg.keyword.value
                        built.bindings[name] = self.binding(name, arg.value, "`env=` of the call")
                return built
            return None
        if isinstance(node, libcst.Dict):
            built = _EnvValue()
            for element in node.elements:
                if not isinstance(element, libcst.DictElement):  # `**mapping`
                    inner = self.environment(element.value)
                    if inner is None or inner.unknown:
                        return _EnvValue(unknown=True)
                    built.inherits |= inner.inherits
                    built.bindings.update(inner.bindings)
                    continue
                key = _string(element.key)
                if key is None:
                    return _EnvValue(unknown=True)
                built.bindings[key] = self.binding(key, element.value, "`env=` of the call")
            return built
        return None

    # -- calls ------------------------------------------------------------

    def on_call(self, node: libcst.Call) -> None:
        import libcst

        called = self.called(node.func)
        if called is None:
            return
        args = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        program = positional[0] if positional else args.get("args") or args.get("command")
        if program is None:
            return
        env = self.call_env(args.get("env") if called.startswith("subprocess") else None)
        shell_text = called.startswith("os.") or _is_true(args.get("shell"))
        if isinstance(program, libcst.List | libcst.Tuple):
            words = tuple(self.word(element.value) for element in program.elements)
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

    def call_env(self, value: libcst.BaseExpression | None) -> Env:
        process = Env(self.process_env)
        if value is None:
            return process
        built = self.environment(value)
        if built is None or built.unknown:  # GODEBUG and all else unknown
            return Env({"GODEBUG": Binding("GODEBUG", None, self.location(value), "`env=`")})
        bindings = dict(self.process_env) if built.inherits else {}
        bindings.update(built.bindings)
        return Env(bindings)

    # -- text -------------------------------------------------------------

    def location(self, node: libcst.CSTNode) -> Location:
        span = self.positions[node]  # type: ignore[index]
        return Location(
            self.source.path,
            span.start.line,
            span.start.column + 1,
            span.end.line,
            span.end.column + 1,
        )

    def located_string(self, node: libcst.BaseExpression) -> LocatedText | None:
        """A plain string's value, mapped to where its characters are written."""
        import libcst

        value = _string(node)
        if value is None or not isinstance(node, libcst.SimpleString):
            return None
        start = self.positions[node].start  # type: ignore[index]
        raw = node.value
        opening = len(node.prefix) + len(node.quote)
        inner = raw[opening : len(raw) - len(node.quote)]
        if inner == value:  # nothing escaped: one character each
            return LocatedText.from_lines(
                value, self.source.path, start.line, start.column + 1 + opening
            )
        return LocatedText.at(value, self.source.path, start.line, start.column + 1)

    def word(self, node: libcst.BaseExpression) -> Word:
        """An argv element: a string, an f-string with unknown `{…}` parts, or unknown."""
        import libcst

        located = self.located_string(node)
        if located is not None:
            text = located.text
            return Word(located, (Literal(text, 0, len(text)),) if text else ())
        start = self.positions[node].start  # type: ignore[index]
        if isinstance(node, libcst.FormattedString):
            opening = len(node.start)
            parts: list[Part] = []
            offset = 0
            for piece in node.parts:
                if isinstance(piece, libcst.FormattedStringText):
                    parts.append(Literal(piece.value, offset, offset + len(piece.value)))
                    offset += len(piece.value)
                else:
                    code = libcst.Module([]).code_for_node(piece)
                    parts.append(Unknown(code, offset, offset + len(code), variable=False))
                    offset += len(code)
            text = "".join(p.text if isinstance(p, Literal) else p.name for p in parts)
            written = LocatedText.at(text, self.source.path, start.line, start.column + 1 + opening)
            return Word(written, tuple(parts))
        code = libcst.Module([]).code_for_node(node)
        written = LocatedText.at(code, self.source.path, start.line, start.column + 1)
        return Word(written, (Unknown(code, 0, len(code), variable=False),))


def _alias(alias: libcst.ImportAlias) -> str | None:
    import libcst

    if alias.asname is not None and isinstance(alias.asname.name, libcst.Name):
        return alias.asname.name.value
    return None


def _string(node: libcst.BaseExpression | None) -> str | None:
    import libcst

    if isinstance(node, libcst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _subscript_key(target: libcst.Subscript) -> str | None:
    import libcst

    if len(target.slice) != 1:
        return None
    index = target.slice[0].slice
    return _string(index.value) if isinstance(index, libcst.Index) else None


def _is_true(node: libcst.BaseExpression | None) -> bool:
    import libcst

    return isinstance(node, libcst.Name) and node.value == "True"
