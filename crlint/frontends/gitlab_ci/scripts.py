"""Script text to commands, in the environment the shell has when each one runs.

A job's `before_script` and `script` run in one shell, `after_script` in a
new one (GitLab runs it separately), each starting from the job's variables.
`X=…` and `export X=…` change the environment for the commands after them;
an assignment that may not run (inside `if`, a loop, a subshell, after `&&`)
makes the variable unknown instead of guessing a branch. `X=… cmd` sets X
for that command only.

A command that runs a repository script (`./ci/build.sh`, `bash -e ci/x.sh`,
`source env.sh`) is followed: the script's commands are analysed with the
environment the job hands it (exported variables for a child shell,
everything for `source`), and variables a sourced script sets carry back.
"""

from __future__ import annotations

import os

from crlint.commands import shell
from crlint.commands.inner_scripts import RUNS_STRINGS, Runs, inner_text, script_of, split_words
from crlint.commands.programs import mentions, program
from crlint.commands.words import word_from
from crlint.discover.kinds import FileKind
from crlint.discover.sources import SourceFile, Unreadable
from crlint.facts.expand import Dialect, expand_word, scan, substitute
from crlint.facts.locations import LocatedText
from crlint.facts.model import Binding, Command, Env, Literal, SetBy, Word, display_text, known_text
from crlint.facts.record import Record
from crlint.world.tools import SHELLS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceCache
    from crlint.facts.model import Part, SafeRefs, SetVariable
    from crlint.frontends.gitlab_ci.jobs import Job

# Programs whose commands change the state later commands run in.
_STATE_PROGRAMS = SHELLS | {
    "export", "declare", "typeset", "readonly", "local", "unset", "cd", "source", ".",
}  # fmt: skip
# Programs that may run a string as a script (`crlint.commands.inner_scripts`).
_STRING_RUNNERS = frozenset({"eval", "su", "ssh", "kubectl"})
# What `ScriptRunner._needed` says of a command.
_SKIP, _PLAIN, _MAY_CHANGE_STATE = 0, 1, 2
if TYPE_CHECKING:
    from crlint.commands.lexer import CommandShape, ShellCommand
    from crlint.facts.model import Assignment

    # A command of a text as `ScriptRunner._bind` gives it: what `_needed`
    # says, the command tied to the text, its prefix assignments as facts,
    # the program it runs as written (`CommandShape.program`), and whether a
    # word's value may split into words (`CommandShape.splits`).
    _Bound = tuple[int, ShellCommand, tuple[Assignment, ...], tuple[str, int] | None, bool]
MAX_SCRIPT_DEPTH = 5
MAX_SCRIPTS_FOLLOWED = 200
"""Scripts followed from one script line: a script that runs others ten times
over, five deep, is a hundred thousand runs."""
MAX_FOLLOWED_COMMANDS = 100_000
"""Commands read in followed scripts for one pipeline or file. Each job runs
its scripts again with its own variables; stackgres, the largest of the 48
measured repositories, reads 53,000 such commands. Two scripts that run
each other two thousand times from two hundred jobs would be millions."""
# The directory a job starts in; crlint knows it is the repository root.
PROJECT_DIR_VARIABLES = frozenset({"CI_PROJECT_DIR", "CI_BUILDS_DIR_PROJECT", "PWD"})


class ShellState:
    """What a running shell knows: its variables, which are exported, its directory."""

    __slots__ = ("cwd", "env", "local")

    def __init__(self, env: Env, cwd: str | None) -> None:
        self.env = env
        self.cwd = cwd
        """The working directory, or None once a `cd` went somewhere unknown."""
        self.local: set[str] = set()
        """Names set by the shell but not exported: a child script does not see them."""

    def child(self) -> ShellState:
        """The state a script run as a new process starts with."""
        kept = {b.name: b for b in self.env if b.name not in self.local}
        return ShellState(Env(kept, self.env.unseen), self.cwd)


_COMPOSE_HOSTS = frozenset({"docker", "podman", "docker-compose"})
"""Programs that run a Compose file: `docker compose`, `podman compose`, `docker-compose`."""


class Host(Record):
    """What the scripts of a job run in: its image, and how to set its variables."""

    image: str | None = None
    set_variable: SetVariable | None = None
    template: bool = False
    """A hidden job that no job uses (see `Command.template`)."""
    refs: SafeRefs | None = None
    """What the job's conditions say about the ref (see `Command.refs`)."""


class ScriptRunner:
    """Turns script text into `Command` facts, following the scripts it runs."""

    def __init__(
        self,
        files: SourceCache | None,
        root: str | None,
        *,
        ci: bool = False,
        own_pipeline: bool = False,
        programs: frozenset[str] | None = None,
    ) -> None:
        self.files = files
        self.root = root
        self.ci = ci
        """The scripts run in a GitLab CI job."""
        self.own_pipeline = own_pipeline
        """That job is in the repository's own pipeline."""
        self.programs = programs
        self.wanted = None if programs is None else mentions(programs)
        """Which texts to split: None for all (see `mentions`)."""
        self.notes: list[str] = []
        self.sources: list[SourceFile] = []
        """Scripts read because a command ran them."""
        self.host = Host()
        """What the commands being read run in (set for each job)."""
        self._running: list[str] = []
        """The scripts being read, outermost first."""
        self._followed = 0
        """Scripts followed since the text of a job line (or a file) began."""
        self._commands_left = MAX_FOLLOWED_COMMANDS
        """Commands of followed scripts that may still be read."""
        self._ran: dict[tuple[str, str | None], Env] = {}
        """Scripts run in a child shell since the line began, with the environment
        they got: run again with that very environment, they do the same again."""
        self._bound: dict[int, tuple[LocatedText, list[_Bound], tuple[int, str] | None]] = {}
        """`_bind` of each text run, by identity: a template's line, or a script
        file (one text, `_texts`), that job after job runs is bound once."""
        self._texts: dict[str, LocatedText] = {}
        """Script files as located text, each made once."""
        self._files: dict[str, bool] = {}
        """Whether each candidate path of a script is a file."""

    def run_job(self, job: Job, root: str, *, template: bool = False) -> None:
        """Fill in a job's commands: `before_script` and `script` share a shell,
        `after_script` starts a new one. `template`: a hidden job that no job uses."""
        from crlint.frontends.gitlab_ci.edits import variable_setter  # (YAML: not for a script)

        image = None
        if job.image is not None and job.image.name.value:
            parts = substitute(scan(job.image.name.value, Dialect.GITLAB), job.env, Dialect.GITLAB)
            image = display_text(parts)
        self.host = Host(image, variable_setter(job.key, job.own), template, job.refs)
        may_matter = self.may_matter
        commands = job.commands
        label = job.label  # one string for all its commands
        for section in ("before_script", "script", "after_script"):
            if section != "script":
                state = ShellState(job.env, root)
            for line in job.scripts[section]:
                if may_matter(line.value or ""):  # before locating: that has a cost too
                    commands.extend(self.run(line.located(), state, label))

    def may_matter(self, text: str) -> bool:
        """Whether `text` may hold commands the run's checks read (see `mentions`)."""
        return self.wanted is None or self.wanted(text)

    def run(
        self,
        text: LocatedText,
        state: ShellState,
        context: str,
        depth: int = 0,
        here: str | None = None,
        *,
        itself: str | None = None,
    ) -> list[Command]:
        """Commands of `text`; `here` is the directory of the script file it is, if
        any, and `itself` that file's canonical path (a line running it again is
        not followed: its commands are the ones being read)."""
        if depth == 0:
            self._followed = 0
            self._ran.clear()
        if not self.may_matter(text.text):
            return []
        if itself is not None:
            self._running.append(itself)
            try:
                return self.run(text, state, context, depth, here)
            finally:
                self._running.pop()
        known = self._bound.get(id(text))
        if known is None or known[0] is not text:
            known = self._bound[id(text)] = (text, *self._bind(text))
        _, bound, error = known
        if error is not None:
            offset, reason = error
            line, column = text.position(offset)
            self.notes.append(
                f"{text.path}:{line}:{column}: shell text not analysed from here: {reason}"
            )
        commands: list[Command] = []
        for needed, simple, assignments, written_program, splits in bound:
            if depth > 0:
                self._commands_left -= 1
                if self._commands_left < 0:
                    if self._commands_left == -1:
                        line, column = text.position(simple.start)
                        self.notes.append(
                            f"{text.path}:{line}:{column}: commands of scripts not read from "
                            f"here on: the scripts run hold more than {MAX_FOLLOWED_COMMANDS}"
                        )
                    break
            if not simple.words:
                for name, word in simple.assignments:
                    _assign(state, name, word, simple.conditional, exported=False)
                continue
            prefix = {
                name: _binding(name, word, state.env, SetBy.PREFIX)
                for name, word in simple.assignments
            }
            env = state.env.with_bindings(prefix) if prefix else state.env
            host = self.host
            split = split_words(simple.words, env) if splits else None
            command = Command(
                split or simple.words,
                assignments,
                env,
                context,
                text.slice(simple.start, simple.end),
                self.ci,
                self.own_pipeline,
                host.template,
                None,  # entrypoint
                host.image,
                host.set_variable,
                None,  # how_to_set
                host.refs,
            )
            runs = written_program if split is None else program(split)
            if runs is not None and runs[0] in _COMPOSE_HOSTS:
                command = self._with_compose_images(command, runs, state)
            commands.append(command)
            if needed is _MAY_CHANGE_STATE:
                effects = self._effects(command, state, simple.conditional, context, (depth, here))
                commands.extend(effects)
            if depth < MAX_SCRIPT_DEPTH and runs is not None and runs[0] in RUNS_STRINGS:
                commands.extend(self._string(command, state, simple.conditional, depth, here))
        return commands

    def _with_compose_images(
        self, command: Command, runs: tuple[str, int], state: ShellState
    ) -> Command:
        """`docker compose … build|push|pull|up` with the images of the Compose
        files it reads, expanded in the command's environment over their `.env`:
        the job's variables are what the file's `${TAG}` becomes."""
        name, index = runs
        words = command.words[index + 1 :]
        if name != "docker-compose":  # (the v1 program is `compose` itself)
            if not words or words[0].value != "compose":
                return command
            words = words[1:]
        if self.files is None or self.root is None or state.cwd is None:
            return command
        from crlint.discover.kinds import FileKind
        from crlint.discover.sources import Unreadable
        from crlint.frontends.compose import files_run, service_images

        images = []
        for path in files_run(words, state.cwd) or ():
            source = self.files.get(path, FileKind.COMPOSE, self.root)
            if isinstance(source, Unreadable):
                continue
            found = service_images(source, command.env, self.files, self.root, command.context)
            for image in found:
                images.append(
                    image._replace(
                        ci=command.ci,
                        own_pipeline=command.own_pipeline,
                        template=command.template,
                        refs=command.refs,
                    )
                )
        return command._replace(images=tuple(images)) if images else command

    def _bind(self, text: LocatedText) -> tuple[list[_Bound], tuple[int, str] | None]:
        """The commands of a text that matter, tied to where it was written, and
        where and why splitting stopped, if it did; whatever environment it runs in.
        (Split by `shell.split`, whose cache of texts is the one split cache.)"""
        shapes, error = shell.split(text.text)
        bound: list[_Bound] = []
        for shape in shapes:
            needed = self._needed(shape, text.text)
            if needed is not _SKIP:
                simple = shape.bind(text)
                facts = shell.assignment_facts(simple) if simple.words else ()
                bound.append((needed, simple, facts, shape.program, shape.splits))
        return bound, error

    def _string(
        self, command: Command, state: ShellState, conditional: bool, depth: int, here: str | None
    ) -> list[Command]:
        """The commands of a string the command runs as a script (`sh -c "…"`)."""
        found = script_of(command.words)
        if found is None:
            return []
        words, runs = found
        text = inner_text(words, command.env)
        if text is None:
            return []
        if runs is Runs.SAME_SHELL:  # an `eval` that may not run must not change the caller
            inner = ShellState(state.env, state.cwd) if conditional else state
        elif runs is Runs.CHILD:
            inner = state.child()
        else:
            inner = ShellState(Env(), None)
        return self.run(text, inner, command.context, depth + 1, here)

    def _needed(self, shape: CommandShape, text: str) -> int:
        """Whether a command runs one of the wanted programs (`_PLAIN`) or may
        also change the shell's state or run a script (`_MAY_CHANGE_STATE`).

        Only a command whose first word is written as a plain name (`docker`,
        `sudo`) and is not one of `_STATE_PROGRAMS` is `_PLAIN`: `_effects`
        reads the first word alone, and has nothing to do for it.
        """
        if not shape.words:
            return _MAY_CHANGE_STATE
        first = shape.words[0]
        written = text[first.start : first.end]
        if "/" in written or written.endswith((".sh", ".bash")):
            return _MAY_CHANGE_STATE  # a script it may follow
        if written.startswith("$"):
            return _MAY_CHANGE_STATE  # the program a variable holds (`$DOCKER push`)
        value = first.value
        if value in _STATE_PROGRAMS or (value is not None and "/" in value):
            return _MAY_CHANGE_STATE
        if self.programs is None:
            return _PLAIN
        found = shape.program
        if found is not None and (
            found[0] in self.programs or found[0] in _STATE_PROGRAMS or found[0] in _STRING_RUNNERS
        ):
            return _PLAIN
        return _SKIP

    def _effects(
        self,
        command: Command,
        state: ShellState,
        conditional: bool,
        context: str,
        where: tuple[int, str | None],
    ) -> list[Command]:
        """What a command does to the shell's state, and the commands of a script it runs."""
        depth, here = where
        words = command.words
        program = words[0].value
        if program in ("export", "declare", "typeset", "readonly", "local"):
            from crlint.commands.lexer import ASSIGNMENT, NAME  # (split already: imported)

            exported = program == "export" or (program == "declare" and _has_flag(words, "x"))
            for word in words[1:]:
                value = word.written.text
                if "=" in value and ASSIGNMENT.match(value):
                    name, _, _ = value.partition("=")
                    value_word = word_from(word, len(name) + 1)
                    _assign(state, name, value_word, conditional, exported)
                elif exported and NAME.fullmatch(value):
                    state.local.discard(value)
            return []
        if program == "unset":
            for word in words[1:]:
                state.env = state.env.without(word.written.text)
            return []
        if program == "cd":
            state.cwd = self._cd(state, words[1:], conditional)
            return []
        script, shares_shell = self._script_of(words)
        if script is None or depth >= MAX_SCRIPT_DEPTH:
            return []
        real = self._resolve(script, state, command, here)
        if real is None or self.files is None:
            return []
        source = self.files.get(real, FileKind.SHELL, self.root or os.path.dirname(real))
        if isinstance(source, Unreadable) or source.canonical in self._running:
            return []  # (a script that runs itself: its commands are being read)
        if self._followed >= MAX_SCRIPTS_FOLLOWED:
            self._note_budget(command)
            return []
        if shares_shell:  # a `source` that may not run must not change the caller
            inner = ShellState(state.env, state.cwd) if conditional else state
        else:
            ran = (source.canonical, state.cwd)
            if self._ran.get(ran) is state.env:
                return []  # its commands, with these very variables, are read already
            self._ran[ran] = state.env
            inner = state.child()
        self._followed += 1
        if source not in self.sources:
            self.sources.append(source)
        shown = source.path
        text = self._texts.get(source.canonical)
        if text is None:
            text = self._texts[source.canonical] = LocatedText.from_lines(source.text, shown, 1, 1)
        directory = os.path.dirname(real)
        self._running.append(source.canonical)
        try:
            return self.run(text, inner, f"script {shown} (run by {context})", depth + 1, directory)
        finally:
            self._running.pop()

    def _note_budget(self, command: Command) -> None:
        where = command.location
        self.notes.append(
            f"{where.path}:{where.line}:{where.column}: scripts not followed from here: one job "
            f"runs more than {MAX_SCRIPTS_FOLLOWED} of them"
        )

    def _script_of(self, words: tuple[Word, ...]) -> tuple[Word | None, bool]:
        """The script a command runs, and whether it runs in the same shell (`source`)."""
        program = words[0].value
        if program in ("source", "."):
            return (words[1] if len(words) > 1 else None), True
        if program is not None and os.path.basename(program) in SHELLS and "/" not in program[1:]:
            for word in words[1:]:
                value = word.written.text
                if value in ("-c", "-s"):
                    return None, False  # a command string or stdin, not a file
                if value.startswith(("-", "+")):
                    continue
                return word, False
            return None, False
        first = words[0].written.text
        if "/" in first and first.endswith((".sh", ".bash")):
            return words[0], False
        if first.startswith("./") or first.startswith(("$CI_PROJECT_DIR/", "${CI_PROJECT_DIR}/")):
            return words[0], False
        return None, False

    def _resolve(
        self, word: Word, state: ShellState, command: Command, here: str | None
    ) -> str | None:
        """The repository file a script word names, if crlint can tell which.

        A relative path is tried from the shell's directory, then from the
        directory of the script running it (scripts often call siblings).
        """
        path = self._path(word, command.env)
        if path is None or self.root is None:
            return None
        if os.path.isabs(path):
            candidates = [path]
        else:
            candidates = [os.path.join(d, path) for d in (state.cwd, here) if d is not None]
        root = os.path.normpath(self.root)
        for candidate in map(os.path.normpath, candidates):
            if candidate.startswith(root + os.sep) and self._is_file(candidate):
                return candidate
        return None

    def _is_file(self, path: str) -> bool:
        known = self._files.get(path)
        if known is None:
            known = self._files[path] = os.path.isfile(path)
        return known

    def _cd(self, state: ShellState, arguments: tuple[Word, ...], conditional: bool) -> str | None:
        if conditional or state.cwd is None or len(arguments) != 1:
            return None
        value = self._path(arguments[0], state.env)
        return None if value is None else os.path.normpath(os.path.join(state.cwd, value))

    def _path(self, word: Word, env: Env) -> str | None:
        """A path word's text, `$CI_PROJECT_DIR` at its start read as the repository
        root (where every job starts); None if any other part is unknown."""
        pieces: list[str] = []
        for index, part in enumerate(expand_word(word.parts, env)):
            if isinstance(part, Literal):
                pieces.append(part.text)
            elif index == 0 and part.variable and part.name in PROJECT_DIR_VARIABLES:
                if self.root is None:
                    return None
                pieces.append(self.root)
            else:
                return None
        return "".join(pieces)


def _assign(state: ShellState, name: str, word: Word, conditional: bool, exported: bool) -> None:
    if conditional:  # it may or may not have run: the value is unknown afterwards
        state.env = state.env.with_bindings(
            {name: Binding(name, None, word.written, SetBy.CONDITIONAL)}
        )
        return
    new = state.env.get(name) is None
    state.env = state.env.with_bindings({name: _binding(name, word, state.env, SetBy.SCRIPT)})
    if exported:
        state.local.discard(name)
    elif new:  # `X=1` exports nothing, but a variable already exported stays so
        state.local.add(name)


def _binding(name: str, word: Word, env: Env, origin: SetBy) -> Binding:
    parts: tuple[Part, ...] = expand_word(word.parts, env)
    written = word.written
    return Binding(name, known_text(parts), written, origin, parts=parts, written=lambda: written)


def _has_flag(words: tuple[Word, ...], flag: str) -> bool:
    return any(
        (value := word.value) is not None and value.startswith("-") and flag in value
        for word in words[1:]
    )
