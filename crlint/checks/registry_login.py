"""CR401 registry-password-argument: a registry password given on the command line.

`docker login -p "$CI_REGISTRY_PASSWORD"` works, and Docker itself warns
about it ("WARNING! Using --password via the CLI is insecure. Use
--password-stdin."): the secret is in the process list of everything on the
runner while the command runs, and in the shell's trace (`set -x`) or a log
that echoes commands. `--password-stdin` reads it from a pipe instead.
"""

from __future__ import annotations

from crlint.checks.base import Check
from crlint.commands.invocations import invocations, password_argument
from crlint.facts.findings import Level, Rule
from crlint.world.tools import REGISTRY_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts

RULE = Rule(
    "CR401",
    "registry-password-argument",
    Level.WARNING,
    "A registry login takes its password as an argument (`-p`, `--password`), where process "
    "lists and command traces show it; use `--password-stdin`.",
    security=True,
)

DOCKER_WARNING = "WARNING! Using --password via the CLI is insecure. Use --password-stdin."


def check(facts: Facts) -> Iterator[Finding]:
    for found in invocations(facts):
        login = password_argument(found)
        if login is None:
            continue
        secret = login.password.written.text.strip("\"'")
        if "$" not in secret:
            # A password written out: never repeat it in a report that CI
            # uploads (SARIF, Code Quality); name a variable to move it to.
            secret = "$REGISTRY_PASSWORD"
        syntax = login.syntax
        command = " ".join((login.tool, *syntax.subcommand))
        warning = f'{syntax.warns} prints "{DOCKER_WARNING}", and ' if syntax.warns else ""
        message = (
            f"`{command}` gets the password as an argument; {warning}the secret shows in "
            f"process lists and command traces. Pipe it in: "
            f'`echo "{secret}" | {command} … {syntax.stdin}`'
        )
        yield RULE.at(login.option.written.location(), message)


CHECK = Check((RULE,), check, REGISTRY_PROGRAMS)
