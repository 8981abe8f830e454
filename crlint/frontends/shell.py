"""Shell scripts: their simple commands, in an environment crlint cannot know.

A script linted on its own may be run by any job with any variables, so
every variable it does not set itself stays unknown.
"""

from __future__ import annotations

from crlint import shell
from crlint.facts import EMPTY_ENV, FileFacts
from crlint.frontends import Extraction
from crlint.locations import LocatedText

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.frontends import Context
    from crlint.sources import SourceFile


def extract(source: SourceFile, context: Context) -> Extraction:
    del context
    script = LocatedText.from_lines(source.text, source.path, 1, 1)
    parsed = shell.parse(script)
    facts = FileFacts()
    where = f"script {source.path}"
    facts.commands.extend(shell.command_facts(script, parsed.commands, EMPTY_ENV, where))
    notes = []
    if parsed.error is not None:
        offset, reason = parsed.error
        line, column = script.position(offset)
        notes.append(f"{source.path}:{line}:{column}: shell text not analysed from here: {reason}")
    spans = _spans(script, parsed.commands)
    return Extraction(facts=facts, spans=lambda: spans, notes=notes)


def command_spans(source: SourceFile) -> list[tuple[int, int]]:
    """Suppression spans of a script read because a CI job runs it."""
    script = LocatedText.from_lines(source.text, source.path, 1, 1)
    return _spans(script, shell.parse(script).commands)


def _spans(script: LocatedText, commands: list[shell.ShellCommand]) -> list[tuple[int, int]]:
    return [
        (script.position(c.start)[0], script.position(max(c.end - 1, c.start))[0]) for c in commands
    ]
