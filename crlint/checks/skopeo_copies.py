"""CR205 single-architecture-copy: `skopeo copy` that leaves architectures behind.

Without `--all` (or `--multi-arch all`), `skopeo copy` of a multi-arch image
copies only the manifest for the runner's own platform, and `skopeo sync`
does the same for each image: a migration between registries (GitLab's
troubleshooting guide moves images with skopeo) leaves an image that pulls
on amd64 and fails on arm64 nodes with `no matching manifest`. `crane copy`
copies every platform and is not reported.
"""

from __future__ import annotations

from crlint.checks.base import Check
from crlint.commands.invocations import invocations, single_platform_builds, skopeo_copy
from crlint.facts.expand import expand_word
from crlint.facts.findings import Edit, Fix, Level, Rule
from crlint.facts.model import display_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Env, Facts, Word

RULE = Rule(
    "CR205",
    "single-architecture-copy",
    Level.WARNING,
    "`skopeo copy`/`sync` between registries without `--all` copies only the runner's "
    "architecture of a multi-arch image.",
    fixable=True,
)


def check(facts: Facts) -> Iterator[Finding]:
    built: dict[str, set[str]] = {}
    """Images built for one platform, by where they were built (a job, a script)."""
    for found in invocations(facts):
        command = found.command
        for tag in single_platform_builds(found):
            built.setdefault(command.context, set()).add(_shown(tag, command.env))
        copy = skopeo_copy(found)
        if copy is None or copy.all_images or not copy.between_registries:
            continue
        if copy.source is not None and _shown(copy.source, command.env) in built.get(
            command.context, ()
        ):
            continue  # just built for one platform here: there is nothing more to copy
        name = copy.subcommand.value or "copy"
        message = (
            f"`skopeo {name}` without `--all` copies only the manifest for the runner's "
            "platform: the copy of a multi-arch image pulls on that architecture and fails "
            "on the others (`no matching manifest`); add `--all`"
        )
        written = copy.subcommand.written
        end = len(written.text.rstrip("\"'"))
        at = written.location(end, end)
        fix = Fix("add `--all`", (Edit(at, "", " --all"),))
        yield RULE.at(written.location(), message, fix=fix)


def _shown(word: Word, env: Env) -> str:
    return display_text(expand_word(word.parts, env))


CHECK = Check((RULE,), check, frozenset({"skopeo", "docker", "podman", "buildah"}))
