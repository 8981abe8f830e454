"""CR103 branch-name-in-image: raw branch and project names where a registry wants a slug.

`$CI_COMMIT_REF_NAME` is the branch or tag name as typed: `feature/login`
makes `app:feature/login`, which Docker rejects (`invalid reference
format`), and the tag pipeline or merge request that brings such a name is
the first to fail. GitLab computes `$CI_COMMIT_REF_SLUG` for exactly this
(gitlab-ce#22849). Project names and paths are not lowercased
(gitlab#25511), so they break a repository path whenever the project's
path has an uppercase letter; `$CI_REGISTRY_IMAGE` is the project's path
lowercased, on the right registry.

The variables are known by name, never by value: each one is reported
where its value is unsafe (a branch name anywhere; a git tag, which rarely
holds a `/`, only in the path).
"""

from __future__ import annotations

from crlint.checks.base import Check, set_here
from crlint.checks.project_registry import registry_image_fix
from crlint.commands.images import all_images
from crlint.facts.expand import Dialect, scan
from crlint.facts.findings import Edit, Fix, Level, Rule
from crlint.facts.model import ImageRole, SetBy, Unknown, show_unknown
from crlint.facts.record import Record
from crlint.world import reference
from crlint.world.tools import IMAGE_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.locations import LocatedText
    from crlint.facts.model import Facts, ImageRef, Part, Project

RULE = Rule(
    "CR103",
    "branch-name-in-image",
    Level.WARNING,
    "A raw branch, tag or project name ($CI_COMMIT_REF_NAME, $CI_PROJECT_PATH, …) in an image "
    "path or tag; a name with `/` or uppercase letters makes the reference invalid.",
    fixable=True,
)

SLUG = "CI_COMMIT_REF_SLUG"


class _Unsafe(Record):
    """What a variable holds, where that breaks a reference, and what to use instead."""

    what: str
    replacement: str | None
    in_path: bool
    in_tag: bool
    project: bool = False
    """A project or group path (uppercase letters), rather than a ref name."""
    tag_replacement: str | None = None
    """What to use in a tag, where it differs from `replacement`."""


UNSAFE = {
    "CI_COMMIT_REF_NAME": _Unsafe("is the raw branch or tag name", SLUG, True, True),
    "CI_COMMIT_BRANCH": _Unsafe(
        "is the raw branch name (and empty in tag and merge request pipelines)", SLUG, True, True
    ),
    "CI_COMMIT_TAG": _Unsafe("is the raw git tag", SLUG, True, False),
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": _Unsafe("is a raw branch name", SLUG, True, True),
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": _Unsafe("is a raw branch name", None, True, True),
    "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME": _Unsafe(
        "is a raw branch name", None, True, True
    ),
    "CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME": _Unsafe(
        "is a raw branch name", None, True, True
    ),
    "CI_PROJECT_NAME": _Unsafe(
        "is the project's path name, not lowercased", None, True, False, project=True
    ),
    "CI_PROJECT_PATH": _Unsafe(
        "is the project's full path, not lowercased",
        None,
        True,
        True,
        project=True,
        tag_replacement="CI_PROJECT_PATH_SLUG",
    ),
    "CI_PROJECT_NAMESPACE": _Unsafe(
        "is the group's full path, not lowercased", None, True, True, project=True
    ),
}


def _consequence(unsafe: _Unsafe, in_tag: bool, value: str | None) -> str:
    if value is not None:
        return f"this project's is `{value}`, which makes the {'tag' if in_tag else 'path'} invalid"
    if in_tag:
        if unsafe.project:
            return "its `/` makes the tag invalid"
        return "a `/` in it (`feature/login`) makes the tag invalid"
    return "uppercase letters, or `_`, `-` or `.` at an edge, make the path invalid"


def check(facts: Facts) -> Iterator[Finding]:
    project: Project | None = None
    for image in all_images(facts):
        if any(isinstance(p, Unknown) and p.name in UNSAFE for p in image.parts):
            project = project or facts.project
            yield from _check_image(image, project.path)


def _check_image(image: ImageRef, project_path: str | None) -> Iterator[Finding]:
    parts = image.parts
    prefix = _project_prefix(image)
    for index, (part, region) in enumerate(zip(parts, reference.regions(parts), strict=True)):
        if not isinstance(part, Unknown) or not part.variable:
            continue
        unsafe = UNSAFE.get(part.name)
        if unsafe is None:
            continue
        if not ((region.name and unsafe.in_path) or (region.tag and unsafe.in_tag)):
            continue
        if _made_safe(part, region, image):
            continue
        in_tag = region.tag and not (region.name and unsafe.in_path)
        value = None
        if unsafe.project:
            # A project's own names are known when its path is: report them only
            # where they break this project's references, not as a risk.
            value = _project_value(part.name, project_path)
            if not _breaks(part.name, value, in_tag):
                continue
        own = prefix if prefix is not None and index < prefix[0] else None
        yield _finding(image, part, unsafe, in_tag, value=value, project=own)


def _made_safe(part: Unknown, region: reference.Region, image: ImageRef) -> bool:
    r"""Whether the value fits where it stands: the job's `rules:`/`only:` let it
    run only for refs whose names do (`only: [main]`, tags matching `^v\d+$`), or
    the script's operations took out what does not (`${X//\//-}`, `${X,,}`)."""
    refs = image.refs
    name = part.name
    in_tag = (refs is not None and name in refs.in_tag) or _cleaned(part, _TAG_CHARS, {"/"})
    in_path = (refs is not None and name in refs.in_path) or _cleaned(part, _PATH_CHARS, _UPPER)
    return (not region.tag or in_tag) and (not region.name or in_path)


def _cleaned(part: Unknown, allowed: frozenset[str], unsafe: frozenset[str] | set[str]) -> bool:
    """Whether a value's operations leave only `allowed` characters, or none of `unsafe`."""
    if not part.operations:
        return False
    from crlint.facts import parameter_operations  # only where a script has operations

    only = parameter_operations.only(part.operations)
    return (only is not None and only <= allowed) or unsafe <= parameter_operations.absent(
        part.operations
    )


_TAG_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_PATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-/")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _project_value(name: str, path: str | None) -> str | None:
    if path is None:
        return None
    namespace, _, project = path.rpartition("/")
    return {"CI_PROJECT_NAME": project, "CI_PROJECT_NAMESPACE": namespace}.get(name, path)


def _breaks(name: str, value: str | None, in_tag: bool) -> bool:
    """Whether a project variable's value makes the reference invalid."""
    if in_tag:
        return name == "CI_PROJECT_PATH" or (value is not None and "/" in value)
    return value is not None and value != value.lower()


def _finding(
    image: ImageRef,
    part: Unknown,
    unsafe: _Unsafe,
    in_tag: bool,
    *,
    value: str | None,
    project: _Prefix | None,
) -> Finding:
    written = image.written
    shown = written.text[part.start : part.end]
    binding = image.env.get(part.via) if part.via is not None else None
    # A matrix value is one job of the matrix: say which.
    instance = f" in {image.context}" if binding and binding.origin is SetBy.MATRIX else ""
    through = f" (through `{shown}`{instance})" if part.via is not None else ""
    where = "tag" if in_tag else "image path"
    after = (
        f" (`{show_unknown(part)}` does not take out every such character)"
        if part.operations
        else ""
    )
    message = (
        f"`${part.name}`{through} in the {where} {unsafe.what}{after}: "
        f"{_consequence(unsafe, in_tag, value)}, and Docker fails with `invalid reference format`"
    )
    related = set_here(binding)
    fix = None
    if project is not None:
        message += "; use `$CI_REGISTRY_IMAGE`, the project's path lowercased on its registry"
        fix = project[1]
    elif (replacement := _replacement(unsafe, in_tag)) is not None:
        message += f"; use `${replacement}`"
        fix = _rename_fix(image, part, replacement)
    else:
        message += "; use a fixed lowercase name or a slug variable"
    return RULE.at(written.location(part.start, part.end), message, related, fix)


def _replacement(unsafe: _Unsafe, in_tag: bool) -> str | None:
    if in_tag and unsafe.tag_replacement is not None:
        return unsafe.tag_replacement
    return unsafe.replacement


# Written-out forms of the project's own repository: `$CI_REGISTRY_IMAGE` says it.
_PROJECT_FORMS = (("CI_PROJECT_PATH",), ("CI_PROJECT_NAMESPACE", "CI_PROJECT_NAME"))

# How many leading parts of a reference spell the project's own repository,
# and the fix that writes `$CI_REGISTRY_IMAGE` instead (None where crlint
# cannot make it).
_Prefix = tuple[int, Fix | None]


def _project_prefix(image: ImageRef) -> _Prefix | None:
    """`$CI_REGISTRY/$CI_PROJECT_PATH` (or `/$CI_PROJECT_NAMESPACE/$CI_PROJECT_NAME`)
    at the start of a reference: `$CI_REGISTRY_IMAGE` says it, lowercased."""
    parts = image.parts
    for form in _PROJECT_FORMS:
        size = 1 + 2 * len(form)
        if len(parts) < size or _spelled(parts[:size]) != _spelling(form):
            continue
        vias = {p.via for p in parts[:size]}
        if vias == {None}:
            span = (parts[0].start, parts[size - 1].end)
            return size, registry_image_fix(image.written, *span, image.ci)
        via = vias.pop() if len(vias) == 1 else None
        binding = image.env.get(via) if via is not None else None
        if binding is None or binding.written is None:
            return size, None
        value = binding.written()
        scanned = scan(value.text, Dialect.GITLAB)
        if _spelled(scanned[:size]) != _spelling(form):
            return size, None
        span = (scanned[0].start, scanned[size - 1].end)
        return size, registry_image_fix(value, *span, image.ci)
    return None


def _spelling(form: tuple[str, ...]) -> list[str]:
    spelled = ["$CI_REGISTRY"]
    for name in form:
        spelled += ["/", "$" + name]
    return spelled


def _spelled(parts: tuple[Part, ...]) -> list[str]:
    return ["$" + p.name if isinstance(p, Unknown) else p.text for p in parts]


def _rename_fix(image: ImageRef, part: Unknown, replacement: str) -> Fix | None:
    """Rename the variable where it is written: at the image, or where the
    variable that brought it in is set (unsafe: other lines may read that one).

    Outside a CI job (a script, a Pod spec) crlint cannot tell the variables
    are GitLab's, so the fix is offered as unsafe; a Dockerfile's is a build
    argument, passed under its name, and gets none.
    """
    if image.role in (ImageRole.BASE_IMAGE, ImageRole.COPY_FROM):
        return None
    safe = image.ci
    if part.via is None:
        edits = _renames(image.written, part.start, part.end, part.name, replacement)
    else:
        binding = image.env.get(part.via)
        if binding is None or binding.written is None:
            return None
        value = binding.written()
        edits = []
        for inner in scan(value.text, Dialect.GITLAB):
            if isinstance(inner, Unknown) and inner.variable and inner.name == part.name:
                edits.extend(_renames(value, inner.start, inner.end, part.name, replacement))
        safe = False
    if not edits:
        return None
    where = "" if part.via is None else f" where `{part.via}` is set"
    return Fix(f"use `${replacement}` instead of `${part.name}`{where}", tuple(edits), safe)


def _renames(written: LocatedText, start: int, end: int, name: str, replacement: str) -> list[Edit]:
    """`$NAME`/`${NAME}`/`${NAME:-x}` with the name replaced, keeping its style."""
    text = written.text[start:end]
    if name not in text or written.rewritten:
        return []
    return [Edit(written.location(start, end), text, text.replace(name, replacement, 1))]


CHECK = Check((RULE,), check, IMAGE_PROGRAMS)
