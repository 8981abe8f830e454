"""CR205 single-architecture-copy: `skopeo copy` that leaves architectures behind.

Without `--all` (or `--multi-arch all`), `skopeo copy` of a multi-arch image
copies only the manifest for the runner's own platform, and `skopeo sync`
does the same for each image: a migration between registries (GitLab's
troubleshooting guide moves images with skopeo) leaves an image that pulls
on amd64 and fails on arm64 nodes with `no matching manifest`. `crane copy`
copies every platform and is not reported.
"""

from __future__ import annotations

from crlint.checks import Check
from crlint.findings import Edit, Fix, Level, Rule
from crlint.tool_commands import skopeo_copy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts import Facts
    from crlint.findings import Finding

RULE = Rule(
    "CR205",
    "single-architecture-copy",
    Level.WARNING,
    "`skopeo copy`/`sync` between registries without `--all` copies only the runner's "
    "architecture of a multi-arch image.",
    fixable=True,
)


def check(facts: Facts) -> Iterator[Finding]:
    for found in facts.invocations:
        copy = skopeo_copy(found)
        if copy is None or copy.all_images or not copy.between_registries:
            continue
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


CHECK = Check((RULE,), check, frozenset({"skopeo"}))
