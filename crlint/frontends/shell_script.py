"""Shell scripts: their simple commands, in an environment crlint cannot know.

A script linted on its own may be run by any job with any variables, so
every variable it does not set itself stays unknown; what it sets
(`X=…`, `export X=…`) and the scripts it sources or runs are followed as
in a CI job (`crlint.frontends.gitlab_ci.scripts`).
"""

from __future__ import annotations

import os

from crlint.commands import shell
from crlint.discover.kinds import FileKind
from crlint.facts.locations import LocatedText
from crlint.facts.model import EMPTY_ENV
from crlint.frontends.base import Extraction, Frontend, Later
from crlint.frontends.gitlab_ci.scripts import ScriptRunner, ShellState

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from crlint.commands.lexer import ShellCommand
    from crlint.discover.sources import SourceFile
    from crlint.frontends.base import Context, Edited


def extract(source: SourceFile, context: Context) -> Extraction:
    def later() -> Later:
        script = LocatedText.from_lines(source.text, source.path, 1, 1)
        directory = os.path.dirname(os.path.abspath(source.real_path))
        runner = ScriptRunner(context.files, context.root, programs=context.programs)
        # Jobs run scripts from the repository root; a sibling is found from `directory`.
        state = ShellState(EMPTY_ENV, context.root or directory)
        context_name = f"script {source.path}"
        commands = runner.run(script, state, context_name, here=directory, itself=source.canonical)
        related = [(s, _spans_callable(s)) for s in runner.sources if s.path != source.path]
        return Later(commands, related, runner.notes)

    return Extraction(spans=_spans_callable(source), later=later)


def _spans_callable(source: SourceFile) -> Callable[[], list[tuple[int, int]]]:
    return lambda: command_spans(source)


def command_spans(source: SourceFile) -> list[tuple[int, int]]:
    """Suppression spans of a script read because a CI job runs it."""
    script = LocatedText.from_lines(source.text, source.path, 1, 1)
    return _spans(script, shell.parse(script).commands)


def _spans(script: LocatedText, commands: list[ShellCommand]) -> list[tuple[int, int]]:
    return [
        (script.position(c.start)[0], script.position(max(c.end - 1, c.start))[0]) for c in commands
    ]


def same_commands(fixed: Edited) -> str | None:
    """Why a fixed script would run other commands than the original, if it would
    (`Frontend.verify_fix`)."""
    old, old_error = shell.split(fixed.before)
    new, new_error = shell.split(fixed.after)
    if (new_error is not None and old_error is None) or [len(c.words) for c in old] != [
        len(c.words) for c in new
    ]:
        return "the script's commands would change"
    return None


FRONTEND = Frontend(FileKind.SHELL, extract, same_commands)
