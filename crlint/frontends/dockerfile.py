"""Dockerfiles: base images, `COPY --from` images, `RUN` commands, `ARG`/`ENV`.

The instruction splitter is crlint's own rather than dockerfile-parse's:
dockerfile-parse reads the lines of a here-document (`RUN <<EOF`) as
instructions, so a heredoc line starting with `FROM` or `ADD` became a fake
instruction, and it joins continuation lines without keeping where each
piece was written. This one follows the Dockerfile reference: parser
directives (`# escape=`), comment lines (also inside continuations), the
escape character at the end of a line, and here-documents for `RUN`, `COPY`
and `ADD`. A test checks it against dockerfile-parse on every Dockerfile
without here-documents.

Variables follow Docker's scoping: `FROM` sees the `ARG`s declared before
the first `FROM`; a stage sees its own `ARG`s (a bare `ARG X` inherits the
global default) and `ENV`s. An `ARG` default counts as the value; a build
argument can override it, which the user can tell crlint by suppressing.
"""

from __future__ import annotations

import json
import re

from crlint.commands import shell
from crlint.commands.programs import mentions
from crlint.discover.kinds import FileKind
from crlint.facts.expand import PLACEHOLDER_WORDS, Dialect, scan, substitute
from crlint.facts.locations import LocatedText, Location, Segment
from crlint.facts.model import (
    Binding,
    Command,
    Container,
    Env,
    FileFacts,
    ImageRef,
    ImageRole,
    Literal,
    SetBy,
    Word,
    display_text,
    known_text,
)
from crlint.facts.record import Record
from crlint.frontends.base import Extraction, Frontend, parse_error
from crlint.world.tools import SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from crlint.discover.sources import SourceFile
    from crlint.facts.findings import Finding
    from crlint.facts.model import Part
    from crlint.frontends.base import Context, Edited

INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)  # fmt: skip
_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(\S*)\s*$")
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_HEREDOC = re.compile(r"<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
# Leading white space of any kind, as BuildKit trims it (`unicode.IsSpace`).
_KEYWORD = re.compile(r"[^\S\n]*(\S+)[ \t]*")
_RUN_FLAGS = re.compile(r"(?:\s*--\S*)*")  # `RUN --mount=… --network=none`
_STAGE_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_.-]*")
# `NAME=value …` with nothing the shell would read otherwise in a value (no
# quotes, expansions, escapes, globs or tildes), or one bare `NAME`: read so
# by `_Reader.declarations` as the shell model reads them.
_PLAIN_VALUE = r"[A-Za-z0-9_./:@%+,=-]+"
_PLAIN_DECLARATIONS = re.compile(
    rf"[ \t]*(?:(?:[A-Za-z_]\w*={_PLAIN_VALUE}[ \t]+)*[A-Za-z_]\w*={_PLAIN_VALUE}"
    rf"|[A-Za-z_][A-Za-z0-9_]*)[ \t]*",
    re.ASCII,
)
_PLAIN_DECLARATION = re.compile(rf"([A-Za-z_]\w*)(?:=({_PLAIN_VALUE}))?", re.ASCII)


class Instruction(Record):
    keyword: str
    """Upper-case instruction name as written (`FROM`, `RUN`, or an unknown word)."""
    arguments: LocatedText
    """Everything after the keyword, continuation lines joined as Docker joins them."""
    heredocs: tuple[LocatedText, ...]
    first_line: int
    last_line: int
    keyword_column: int


def instructions(text: str, path: str) -> list[Instruction]:
    """Split a Dockerfile into instructions as BuildKit's parser does."""
    lines = text.split("\n")
    escape = "\\"
    index = 0
    # Parser directives: only at the very top, before any other line.
    while index < len(lines):
        directive = _DIRECTIVE.match(lines[index].strip())
        if not directive:
            break
        if directive.group(1).lower() == "escape" and directive.group(2) in ("\\", "`"):
            escape = directive.group(2)
        index += 1
    result: list[Instruction] = []
    append = result.append
    count = len(lines)
    keyword_at = _KEYWORD.match
    while index < count:
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped[0] == "#":
            index += 1
            continue
        first_line = index + 1
        # `_KEYWORD`'s match, found without it for a word of letters and one
        # space (nearly every instruction): the expression was a quarter of
        # the splitter's time.
        space = stripped.find(" ")
        keyword = stripped[:space]
        if space > 0 and keyword.isalpha() and stripped[space + 1] not in " \t":
            keyword_start = 0 if line[0] == stripped[0] else len(line) - len(line.lstrip())
            column = keyword_start + space + 1
        else:
            keyword_match = keyword_at(line)
            if keyword_match is None:  # (cannot be: the line holds more than white space)
                index += 1
                continue
            keyword = keyword_match.group(1)
            keyword_start, column = keyword_match.start(1), keyword_match.end()
        keyword = keyword.upper()
        if stripped[-1] != escape:  # one line: most instructions
            # `LocatedText.at`, inlined: its call was 7 % of the splitter's time.
            arguments = LocatedText(
                line[column:], path, (_new(Segment, (0, first_line, column + 1)),)
            )
            last_line = first_line
            index += 1
        else:
            # Continuation lines joined as Docker joins them, each piece
            # mapped to where it was written.
            pieces: list[str] = []
            placed: list[Segment] = []
            offset = 0
            while True:
                content = line[column:]
                trimmed = content.rstrip(" \t")
                if trimmed.endswith(escape):
                    piece = trimmed[:-1]
                    placed.append(_new(Segment, (offset, index + 1, column + 1)))
                    pieces.append(piece)
                    offset += len(piece)
                    index += 1
                    while index < count:  # comment lines, and (deprecated) empty lines
                        following = lines[index].strip()
                        if following and following[0] != "#":
                            break
                        index += 1
                    if index >= count:
                        break
                    line, column = lines[index], 0
                    continue
                placed.append(_new(Segment, (offset, index + 1, column + 1)))
                pieces.append(content)
                break
            last_line = min(index + 1, count)
            index += 1
            arguments = LocatedText("".join(pieces), path, tuple(placed))
        heredocs: tuple[LocatedText, ...] = ()
        if keyword in _HEREDOC_KEYWORDS and "<<" in arguments.text:
            heredocs, index = _heredocs(arguments.text, lines, index, path)
            if heredocs:
                last_line = index
        # Made as a plain tuple (an `Instruction` has no defaults to fill in):
        # the splitter's own cost is what a Dockerfile's run is compared with.
        keyword_column = keyword_start + 1
        append(
            _new(Instruction, (keyword, arguments, heredocs, first_line, last_line, keyword_column))
        )
    return result


def _heredocs(
    arguments: str, lines: list[str], index: int, path: str
) -> tuple[tuple[LocatedText, ...], int]:
    """The here-documents the `<<` markers of an instruction open, their bodies
    read from line `index` on, and the index of the line after the last."""
    count = len(lines)
    found = []
    for marker in _HEREDOC.finditer(arguments):
        strip_tabs, delimiter = marker.group(1) == "-", marker.group(3)
        body_start = index
        while index < count:
            candidate = lines[index].lstrip("\t") if strip_tabs else lines[index]
            index += 1
            if candidate == delimiter:
                break
        body = "\n".join(lines[body_start : index - 1])
        found.append(LocatedText.from_lines(body, path, body_start + 1, 1))
    return tuple(found), index


_new = tuple.__new__


def extract(source: SourceFile, context: Context) -> Extraction:
    parsed = instructions(source.text, source.path)
    reader = _Reader(source, None if context.programs is None else mentions(context.programs))
    for instruction in parsed:
        reader.read(instruction)
    reader.finish()
    return Extraction(
        facts=reader.facts,
        findings=reader.findings,
        spans=lambda: [(i.first_line, i.last_line) for i in parsed],
    )


class _Stage(Record):
    """What a stage's image runs, for the stages built on it and whoever runs it."""

    image: str | None
    """The image it starts from, as far as known; a stage's for a stage."""
    env: Env
    """`ENV` settings, the parent stage's included."""
    entrypoint: tuple[str, ...]
    location: Location
    """The `FROM` that starts it."""
    executor_from: str | None = None
    """The image `/kaniko/…` was copied from into it (or into its parent stage)."""


def built_images(source: SourceFile, build_args: Mapping[str, Binding]) -> list[ImageRef]:
    """The images a Dockerfile names (`FROM`, `COPY --from`) as a build that
    passes `build_args` sees them: each `ARG` they name takes their value
    over its default (a Compose service's `build: args:`)."""
    reader = _Reader(source, lambda _: False, build_args)
    for instruction in instructions(source.text, source.path):
        reader.read(instruction)
    return reader.facts.images


class _Reader:
    def __init__(
        self,
        source: SourceFile,
        wanted: Callable[[str], bool] | None,
        build_args: Mapping[str, Binding] | None = None,
    ) -> None:
        self.source = source
        self.build_args = build_args or {}
        """Values the build passes for `ARG`s, over their defaults."""
        self.wanted = wanted
        """Which `RUN` bodies to split into commands: None for all; each `RUN`
        is a shell of its own, so a body naming no program the checks read
        and changing no state (`apt-get install …`) holds nothing for them."""
        self.facts = FileFacts()
        self.findings: list[Finding] = []
        self.global_args: dict[str, Binding] = {}
        self.stage_env: Env | None = None
        self.stages: list[str] = []
        self.stage_names: set[str] = set()
        self.context = "the Dockerfile"
        self.built: dict[str, _Stage] = {}
        """Stages by name and number, to follow `FROM stage`."""
        self.stage: _Stage | None = None
        self.stage_keys: list[str] = []

    def read(self, instruction: Instruction) -> None:
        keyword = instruction.keyword
        if keyword not in INSTRUCTIONS:
            self.findings.append(
                parse_error(
                    self.source,
                    f"unknown instruction `{keyword}`; `docker build` stops with a parse error",
                    instruction.first_line,
                    instruction.keyword_column,
                )
            )
            return
        handler = _HANDLERS.get(keyword)
        if handler is not None:
            handler(self, instruction)

    def env(self) -> Env:
        return self.stage_env if self.stage_env is not None else Env(self.global_args)

    def on_from(self, instruction: Instruction) -> None:
        words = _words(instruction.arguments)
        words = [(t, s, e) for t, s, e in words if not t.startswith("--")]
        if not words:
            return
        text, start, end = words[0]
        name = words[2][0] if len(words) >= 3 and words[1][0].lower() == "as" else None
        index = len(self.stages)
        self.context = f"stage `{name}`" if name else f"stage {index}"
        written = instruction.arguments.slice(start, end)
        env = Env(self.global_args)
        parts = _word_parts(text, env)
        value = known_text(parts)
        is_stage = value is not None and (
            value.lower() == "scratch" or value.lower() in self.stage_names
        )
        if not is_stage:
            image = ImageRef(written, parts, ImageRole.BASE_IMAGE, self.context, env)
            self.facts.images.append(image)
        if name and _STAGE_NAME.fullmatch(name):
            self.stage_names.add(name.lower())
        self.stages.append(name or str(index))
        self.stage_env = Env()
        location = instruction.arguments.location(start, end)
        parent = self.built.get(value.lower()) if value is not None else None
        if parent is not None:
            self.stage = parent._replace(location=location)
        else:
            self.stage = _Stage(display_text(parts), Env(), (), location)
        self.stage_keys = [str(index), name.lower()] if name else [str(index)]
        self._keep_stage()

    def on_entrypoint(self, instruction: Instruction) -> None:
        if self.stage is None:
            return
        text = instruction.arguments.text.strip()
        try:
            argv = json.loads(text) if text.startswith("[") else text.split()
        except (ValueError, RecursionError):  # not JSON, or arrays nested past the decoder
            argv = []
        words = tuple(str(word) for word in argv) if isinstance(argv, list) else ()
        self.stage = self.stage._replace(entrypoint=words)
        self._keep_stage()

    def _keep_stage(self) -> None:
        """Record the current stage's state under its number and name, for `FROM stage`."""
        assert self.stage is not None
        for key in self.stage_keys:
            self.built[key] = self.stage

    def finish(self) -> None:
        """The image the Dockerfile builds: its last stage, as whoever runs it sees it."""
        stage = self.stage
        if stage is None:
            return
        self.facts.containers.append(
            Container(
                stage.image,
                stage.env,
                f"the image this Dockerfile builds ({self.context}, the last)",
                stage.location,
                stage.entrypoint,
                how_to_set="`ENV GODEBUG=http2client=0` in that stage",
                executor_from=stage.executor_from,
            )
        )

    def on_copy(self, instruction: Instruction) -> None:
        if "--from=" not in instruction.arguments.text:
            return  # (most: what follows reads only a `--from=` flag)
        words = _words(instruction.arguments)
        sources = [text for text, _, _ in words if not text.startswith("--")][:-1]
        for text, start, end in words:
            if not text.startswith("--"):
                break
            if text.startswith("--from="):
                value_start = start + len("--from=")
                origin = self.copy_from(instruction.arguments.slice(value_start, end))
                if origin is not None and any(_is_executor(source) for source in sources):
                    self._with_executor(origin)

    def copy_from(self, written: LocatedText) -> str | None:
        """Record the image a `COPY --from=` reads; what it names: an image (as
        far as known), or the image a stage got kaniko's executor from."""
        env = self.env()
        parts = _word_parts(written.text, env)
        value = known_text(parts)
        if value is not None and (value.isdigit() or value.lower() in self.stage_names):
            stage = self.built.get(value.lower())
            return stage.executor_from or stage.image if stage is not None else None
        self.facts.images.append(ImageRef(written, parts, ImageRole.COPY_FROM, self.context, env))
        return display_text(parts)

    def _with_executor(self, image: str) -> None:
        """`COPY --from=gcr.io/kaniko-project/executor /kaniko/executor …`: this stage
        runs what it copied (if that image is kaniko's, which the check decides)."""
        if self.stage is not None:
            self.stage = self.stage._replace(executor_from=image)
            self._keep_stage()

    def on_arg(self, instruction: Instruction) -> None:
        for name, value, location_text in self.declarations(instruction, legacy=False):
            if name in self.build_args:
                binding = self.build_args[name]
            elif value is None and self.stage_env is not None and name in self.global_args:
                inherited = self.global_args[name]
                binding = inherited._replace(origin=SetBy.GLOBAL_ARG_DEFAULT)
            else:
                # `ARG DIGEST=null`: a default that says the build passes the real one
                known = None if value is None or value.lower() in PLACEHOLDER_WORDS else value
                binding = Binding(name, known, location_text, SetBy.ARG_DEFAULT, expand=False)
            if self.stage_env is None:
                self.global_args[name] = binding
            else:
                self.stage_env = self.stage_env.with_bindings({name: binding})

    def on_env(self, instruction: Instruction) -> None:
        declared = self.declarations(instruction, legacy=True)
        bindings = {
            name: Binding(name, value, written, SetBy.ENV, expand=False)
            for name, value, written in declared
        }
        if self.stage_env is None:
            self.stage_env = Env()
        self.stage_env = self.stage_env.with_bindings(bindings)
        if self.stage is not None:
            # Made anew rather than by the generic `_replace`: it changes at every ENV line.
            stage = self.stage
            self.stage = _Stage(
                stage.image,
                stage.env.with_bindings(bindings),
                stage.entrypoint,
                stage.location,
                stage.executor_from,
            )
            self._keep_stage()

    def declarations(
        self, instruction: Instruction, legacy: bool
    ) -> list[tuple[str, str | None, LocatedText]]:
        """`NAME=value …` pairs of ARG/ENV (and `ENV NAME value` when `legacy`).

        Values are expanded as Docker expands them, when the instruction runs;
        a value with an unknown part is unknown.
        """
        arguments = instruction.arguments
        if (not legacy or "=" in arguments.text) and _PLAIN_DECLARATIONS.fullmatch(arguments.text):
            # What the shell model gives such a text, without it (`ENV LANG=C`,
            # `ARG TARGETARCH`): splitting them was most of what an ENV cost.
            found = _PLAIN_DECLARATION.finditer(arguments.text)
            return [
                (m[1], m[2], arguments.slice(m.start(2), m.end(2)))
                if m[2]
                else (m[1], None, arguments.slice(m.start(1), m.end(1)))
                for m in found
            ]
        parsed = shell.parse(arguments)
        if not parsed.commands:
            return []
        command = parsed.commands[0]
        env = self.env()
        result: list[tuple[str, str | None, LocatedText]] = []
        for name, word in command.assignments:
            value = known_text(substitute(word.parts, env, Dialect.DOCKERFILE))
            result.append((name, value, word.written))
        words = command.words
        if legacy and not result and len(words) >= 2 and words[0].value:
            values = [known_text(substitute(w.parts, env, Dialect.DOCKERFILE)) for w in words[1:]]
            value = None if any(v is None for v in values) else " ".join(v or "" for v in values)
            result.append((words[0].value, value, words[0].written))
        elif not legacy:
            result.extend((w.value, None, w.written) for w in words if w.value)
        return result

    def on_run(self, instruction: Instruction) -> None:
        arguments = instruction.arguments
        text = arguments.text
        stripped = text.lstrip()
        body = arguments
        if stripped.startswith("--"):  # `RUN --mount=… --network=none …`
            offset = _RUN_FLAGS.match(text).end()  # type: ignore[union-attr]
            body = arguments.slice(offset, len(text))
            stripped = body.text.lstrip()
        if stripped.startswith("["):
            self.exec_form(body, self.env())
            return
        wanted = self.wanted
        for script in _scripts(body, instruction.heredocs):
            if wanted is None or wanted(script.text):
                env = self.env()
                commands = shell.parse(script).commands
                self.facts.commands.extend(
                    shell.command_facts(script, commands, env, self.context, _filler(env))
                )

    def exec_form(self, body: LocatedText, env: Env) -> None:
        """`RUN ["program", "arg"]`: JSON strings are the argv, unexpanded."""
        try:
            argv = json.loads(body.text)
        except (ValueError, RecursionError):  # a shell form after all, or nested past the decoder
            return
        if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
            return
        words = []
        for match in re.finditer(r'"((?:[^"\\]|\\.)*)"', body.text):
            value = json.loads(match.group(0))
            written = body.slice(match.start(1), match.end(1))
            parts = (Literal(value, 0, len(written.text)),) if value else ()
            words.append(Word(written, parts))
        if words:
            location = body.location()
            self.facts.commands.append(Command(tuple(words), (), env, self.context, location))


# Unbound, so a reader does not hold its own bound methods (a reference cycle).
_HANDLERS: dict[str, Callable[[_Reader, Instruction], None]] = {
    "FROM": _Reader.on_from,
    "COPY": _Reader.on_copy,
    "ADD": _Reader.on_copy,
    "ARG": _Reader.on_arg,
    "ENV": _Reader.on_env,
    "RUN": _Reader.on_run,
    "ENTRYPOINT": _Reader.on_entrypoint,
}


def _scripts(body: LocatedText, heredocs: tuple[LocatedText, ...]) -> list[LocatedText]:
    """The shell text a `RUN` runs.

    `RUN <<EOF` (or `RUN <<EOF bash`) runs the here-document; in
    `RUN python3 <<EOF` the here-document is the program's input, not shell.
    """
    if not heredocs:
        return [body]
    rest = _HEREDOC.sub(" ", body.text).strip()
    if not rest or (" " not in rest and rest.rpartition("/")[2] in SHELLS):
        return list(heredocs)
    return [body]


def _filler(env: Env) -> Callable[[Word], Word]:
    """What fills a `RUN` word's build arguments and variables in: Docker
    expands them in the instruction before the shell runs it."""

    def fill(word: Word) -> Word:
        parts = substitute(word.parts, env, Dialect.DOCKERFILE)
        return word if parts is word.parts else Word(word.written, parts)

    return fill


def _is_executor(source: str) -> bool:
    """`/kaniko/executor`, or all of `/kaniko`: what a `COPY` takes of kaniko's image
    to run it (its certificates, `/kaniko/ssl/…`, are not)."""
    path = source.strip("\"'").rstrip("/")
    return path in ("/kaniko", "/kaniko/executor", "/kaniko/*")


def _word_parts(text: str, env: Env) -> tuple[Part, ...]:
    """An image word as Docker reads it: BuildKit's shell lexer removes quotes
    (`FROM "$BASE_IMAGE"`, `FROM 'mcr.microsoft.com/…'`) and expands build
    arguments; known values are filled in."""
    parts = scan(text, Dialect.DOCKERFILE)
    if "'" in text or '"' in text:
        shapes, error = shell.split(text)
        if error is None and len(shapes) == 1 and len(shapes[0].words) == 1:
            parts = shapes[0].words[0].parts
    return substitute(parts, env, Dialect.DOCKERFILE)


def _words(arguments: LocatedText) -> list[tuple[str, int, int]]:
    """The white-space separated words of an instruction, with their offsets
    (`str.split`'s words, which are `\\S+`'s: the same white space)."""
    text = arguments.text
    found = []
    end = 0
    for word in text.split():
        start = text.find(word, end)
        end = start + len(word)
        found.append((word, start, end))
    return found


def same_instructions(fixed: Edited) -> str | None:
    """Why a fixed Dockerfile would have other instructions, if it would
    (`Frontend.verify_fix`)."""
    before = [i.keyword for i in instructions(fixed.before, fixed.path)]
    after = [i.keyword for i in instructions(fixed.after, fixed.path)]
    return None if before == after else "the Dockerfile's instructions would change"


FRONTEND = Frontend(FileKind.DOCKERFILE, extract, same_instructions)
