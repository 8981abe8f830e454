"""CR201 cross-repository-manifest-list: a list whose images live in other repositories.

GitLab's troubleshooting guide: pushing a manifest list fails with `manifest
blob unknown: blob unknown to registry` when its per-architecture images
were pushed to other repositories (`app/amd64:1.0`, `app/arm64:1.0`) rather
than the list's own (`app:1.0-amd64`). This reads every tool that
assembles a list (`crlint.commands.invocations`) and manifest-tool specs, and
compares each source's repository (registry and path, variables expanded
where known; `$CI_REGISTRY_IMAGE` and what follows it are repositories too)
with the target's. Where a repository cannot be told (a variable that may
hold a tag), nothing is reported.
"""

from __future__ import annotations

from crlint.checks.base import Check
from crlint.commands.images import command_images
from crlint.commands.invocations import invocations, list_assemblies
from crlint.facts.expand import expand_word
from crlint.facts.findings import Level, Related, Rule
from crlint.facts.model import ImageRole, Literal, ManifestKind, display_text
from crlint.world.reference import split_domain, tag_separator
from crlint.world.tools import REGISTRY_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location
    from crlint.facts.model import Facts, ImageRef, Part

RULE = Rule(
    "CR201",
    "cross-repository-manifest-list",
    Level.ERROR,
    "A manifest list or index whose images are in other repositories than its own: the push "
    "fails with `blob unknown to registry`.",
)

PLACEHOLDERS = ("ARCH", "OS", "VARIANT")
_Key = tuple[object, ...]


def repository(parts: tuple[Part, ...]) -> _Key | None:
    """The repository a reference names (before its tag and digest), or None
    when that cannot be told."""
    items: list[object] = []
    for part in parts:
        if isinstance(part, Literal):
            items.extend(part.text)
        else:
            items.append(("$", part.name))
    if "@" in items:
        items = items[: items.index("@")]
    colon = tag_separator(items)
    if colon is None:
        tail = items[len(items) - items[::-1].index("/") :] if "/" in items else items
        if any(not isinstance(item, str) for item in tail):
            return None  # `$IMAGE` may carry its own tag
    name = items if colon is None else items[:colon]
    key: list[object] = []
    for item in name:
        if isinstance(item, str) and key and isinstance(key[-1], str):
            key[-1] += item
        else:
            key.append(item)
    return tuple(key)


def on_gitlab(parts: tuple[Part, ...], facts: Facts) -> bool:
    """Whether a list's target may be in a GitLab registry, the one that refuses
    lists across repositories: `$CI_REGISTRY…`, a host crlint cannot know (a
    variable, a placeholder), or a GitLab host written out. Docker Hub (`org/app`
    too), quay.io, ghcr.io and most others mount the blobs and accept the list."""
    first = parts[0] if parts else None
    if first is None or not isinstance(first, Literal):
        return True
    if "/" not in first.text:
        return len(parts) > 1  # `reg${SUFFIX}/app`: not known where
    from crlint.world.gitlab import may_be_gitlab_registry  # only for a list written out

    host, _ = split_domain(first.text.partition("@")[0])
    return host != "docker.io" and may_be_gitlab_registry(host, facts.project)


def check(facts: Facts) -> Iterator[Finding]:
    pushed = _pushes(facts)
    for found in invocations(facts):
        command = found.command
        for assembly in list_assemblies(found):
            target = expand_word(assembly.target.parts, command.env)
            target_repository = repository(target)
            if target_repository is None or not on_gitlab(target, facts):
                continue
            for source in assembly.sources:
                parts = expand_word(source.parts, command.env)
                source_repository = repository(parts)
                if source_repository is None:
                    continue
                templated = assembly.template and any(
                    isinstance(piece, str) and any(p in piece for p in PLACEHOLDERS)
                    for piece in source_repository
                )
                if source_repository == target_repository and not templated:
                    continue
                yield _finding(
                    display_text(parts),
                    display_text(target),
                    assembly.tool,
                    source.written.location(),
                    pushed,
                )
    for manifest in facts.manifests:
        if manifest.kind is not ManifestKind.MANIFEST_TOOL_SPEC or manifest.target is None:
            continue
        target_repository = repository(manifest.target.parts)
        if target_repository is None or not on_gitlab(manifest.target.parts, facts):
            continue
        for entry in manifest.entries:
            image = entry.image
            if image is None:
                continue
            source_repository = repository(image.parts)
            if source_repository is None or source_repository == target_repository:
                continue
            yield _finding(
                display_text(image.parts),
                display_text(manifest.target.parts),
                "the manifest-tool spec",
                image.written.location(),
                pushed,
            )


def _finding(
    source: str, target: str, tool: str, location: Location, pushed: dict[str, list[ImageRef]]
) -> Finding:
    related = tuple(
        Related(ref.written.location(), f"`{source}` is pushed here ({ref.context})")
        for ref in pushed.get(source, [])
    )
    message = (
        f"{tool} puts `{source}` in the list `{target}`, but they are in different "
        "repositories: GitLab's registry refuses the list with `manifest blob unknown: blob "
        "unknown to registry`. Push each architecture to the list's own repository, with the "
        "architecture in the tag (`app:1.0.0-amd64`)"
    )
    return RULE.at(location, message, related)


def _pushes(facts: Facts) -> dict[str, list[ImageRef]]:
    """Images the run's commands push or tag, by their text as expanded."""
    found: dict[str, list[ImageRef]] = {}
    for ref in command_images(facts):
        if ref.role in (ImageRole.PUSH_DESTINATION, ImageRole.BUILD_TAG):
            found.setdefault(display_text(ref.parts), []).append(ref)
    return found


CHECK = Check((RULE,), check, REGISTRY_PROGRAMS)
