"""The project's own registry: a path that cannot name it, written out, or another project's.

Three rules about where an image lives relative to the repository's own
GitLab project (`Facts.project`, from `.git/config` or configuration):

- CR102 project-path-special-characters: the project's path cannot name
  a container repository at all (a group starting with `_`, a project
  ending with `-`). GitLab's troubleshooting guide: "A Docker connection
  error can occur when there are special characters in either the group,
  project or branch name". Reported once, where the registry is first used.
- CR104 hardcoded-project-registry-path: `registry.gitlab.com/acme/shop`
  written out where `$CI_REGISTRY_IMAGE` would follow a rename or transfer
  (and GitLab refuses to rename a project whose registry holds images).
- CR402 cross-project-registry-image: a job pulls from another project's
  repository on the same registry; with the job token, that project must
  list this one in its job token allowlist, or the pull fails with
  `Failed to pull image`.

A reference is placed on the project's registry only from what is written:
the registry host the project is known to use, `$CI_REGISTRY`, or
`$CI_REGISTRY_IMAGE`. With the project unknown, all three stay silent.
"""

from __future__ import annotations

import re

from crlint.checks.base import Check, set_here
from crlint.commands.images import all_images
from crlint.facts.findings import Edit, Fix, Level, Related, Rule
from crlint.facts.model import ImageRole, Unknown, display_text
from crlint.facts.record import Record
from crlint.world.reference import SEPARATOR
from crlint.world.tools import IMAGE_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.locations import LocatedText
    from crlint.facts.model import Facts, ImageRef, Part, Project

PATH_RULE = Rule(
    "CR102",
    "project-path-special-characters",
    Level.ERROR,
    "The repository's own GitLab group or project path (leading `_`, trailing `-`, …) cannot "
    "name a container repository, so every push and pull of $CI_REGISTRY_IMAGE fails.",
    once_per_run=True,
)
HARDCODED_RULE = Rule(
    "CR104",
    "hardcoded-project-registry-path",
    Level.WARNING,
    "The project's registry path is written out where $CI_REGISTRY_IMAGE would follow a "
    "rename or transfer of the project.",
    fixable=True,
)
CROSS_PROJECT_RULE = Rule(
    "CR402",
    "cross-project-registry-image",
    Level.NOTE,
    "A job pulls an image from another project's registry; that project must allow this one "
    "in its CI/CD job token allowlist.",
)

ALLOWLIST_DOCS = "https://docs.gitlab.com/ci/jobs/ci_job_token/#add-a-group-or-project-to-the-job-token-allowlist"
_COMPONENT = re.compile(rf"[a-z0-9]+(?:(?:{SEPARATOR})[a-z0-9]+)*")
_END_OF_PATH = frozenset(":@")


class RegistryUse(Record):
    """Where a reference names a repository on the project's registry."""

    own: bool
    """The project's own repository, or one below it."""
    path: str
    """The repository path after the registry, lowercased, as far as it is written."""
    variable: bool
    """Written as `$CI_REGISTRY_IMAGE`, not spelled out."""
    start: int
    end: int
    """The written span of the registry and the project's path (the registry
    and the path as far as known, for another project's)."""
    via: str | None
    """The variable all of that text came from, if one did ("" if several did)."""
    text: str
    """That text as it reads once expanded (`$CI_REGISTRY` left as is)."""
    whole: bool = True
    """The whole repository path is known (no unknown part before its tag)."""


# A character of the expansion: (character or None for `$CI_REGISTRY`, its
# part's index, its offset in the written text or -1 when it came from a variable)
_Char = tuple[str | None, int, int]


def registry_use(image: ImageRef, project: Project) -> RegistryUse | None:
    """Whether a reference names a repository on the project's registry, and which."""
    parts = image.parts
    if project.path is None or not parts:
        return None
    first = parts[0]
    if first.via == "CI_REGISTRY_IMAGE":  # a pipeline that sets it means what it sets
        return RegistryUse(
            True, project.path.lower(), True, first.start, first.end, first.via, first.via
        )
    if isinstance(first, Unknown):
        if not first.variable:
            return None
        if first.name == "CI_REGISTRY_IMAGE":
            return RegistryUse(
                True, project.path.lower(), True, first.start, first.end, first.via, first.name
            )
        if first.name != "CI_REGISTRY":
            return None
        chars: list[_Char] = [(None, 0, -1)]
        lead = 2  # `$CI_REGISTRY` and `/`
    else:
        if project.registry is None:
            return None
        chars = []
        lead = len(project.registry) + 1
    complete = _known_chars(parts, chars)
    text = "".join(c or "" for c, _, _ in chars[1:]) if chars and chars[0][0] is None else None
    if text is None:
        literal = "".join(c or "" for c, _, _ in chars)
        if not literal.lower().startswith(f"{project.registry}/".lower()):
            return None
        rest = literal[lead:]
    else:
        if not text.startswith("/"):
            return None
        rest = text[1:]
    end = next((i for i, c in enumerate(rest) if c in _END_OF_PATH), None)
    path = (rest if end is None else rest[:end]).lower()
    known = end is not None or complete
    own_path = project.path.lower()
    if path == own_path or path.startswith(own_path + "/"):
        if not known and path == own_path:
            return None  # `…/acme/shop$SUFFIX` may be another repository
        covered = chars[: lead + len(own_path)]
        own = True
    elif known or not (own_path + "/").startswith(path):
        covered = chars[: lead + len(path)]
        own = False
    else:
        return None  # the written part is a prefix of the project's path
    if not path:
        return None
    spelled = "".join(c if c is not None else "$CI_REGISTRY" for c, _, _ in covered)
    return RegistryUse(own, path, False, *_span(parts, covered), spelled, known)


def _known_chars(parts: tuple[Part, ...], chars: list[_Char]) -> bool:
    """Append the known characters from the start (after a leading `$CI_REGISTRY`);
    True if every part was known."""
    for index in range(1 if chars else 0, len(parts)):
        part = parts[index]
        if isinstance(part, Unknown):
            return False
        one_to_one = part.via is None and len(part.text) == part.end - part.start
        chars.extend(
            (char, index, part.start + k if one_to_one else -1) for k, char in enumerate(part.text)
        )
    return True


def _span(parts: tuple[Part, ...], covered: list[_Char]) -> tuple[int, int, str | None]:
    indexes = sorted({index for _, index, _ in covered})
    vias = {parts[i].via for i in indexes}
    via = vias.pop() if len(vias) == 1 else ""
    start = parts[indexes[0]].start
    last_char, last_index, last_offset = covered[-1]
    end = last_offset + 1 if last_char is not None and last_offset >= 0 else parts[last_index].end
    return start, end, via


def project_path_problems(path: str) -> list[str]:
    """Why each component of a project path, lowercased as `$CI_REGISTRY_IMAGE`
    lowercases it, cannot be a repository path component."""
    components = path.split("/")
    problems = []
    for index, component in enumerate(components):
        lowered = component.lower()
        if _COMPONENT.fullmatch(lowered):
            continue
        what = "project" if index == len(components) - 1 else "group"
        problems.append(f"{what} `{component}` {_why(lowered)}")
    return problems


def _why(component: str) -> str:
    names = {"_": "an underscore", "-": "a hyphen", ".": "a dot"}
    if component and not component[0].isalnum():
        return f"starts with {names.get(component[0], repr(component[0]))}"
    if component and not component[-1].isalnum():
        return f"ends with {names.get(component[-1], repr(component[-1]))}"
    run = re.search(r"[._-]{2,}", component)
    if run:
        return f"has `{run.group()}`, which is not a separator a registry accepts"
    return "has characters a registry does not accept"


def check_project_path(facts: Facts) -> Iterator[Finding]:
    used = any(_this_project(i) and _may_use_registry(i) for i in all_images(facts))
    project = facts.project if used else None
    if project is None or project.path is None:
        return
    problems = project_path_problems(project.path)
    if not problems:
        return
    for image in all_images(facts):
        if not _this_project(image) or not _may_use_registry(image):
            continue
        use = registry_use(image, project)
        if use is None or not use.own:
            continue
        registry = project.registry or "$CI_REGISTRY"
        message = (
            f"this project's path `{project.path}` (from {project.source}) cannot name a "
            f"container repository: {'; '.join(problems)}. `$CI_REGISTRY_IMAGE` is "
            f"`{registry}/{project.path.lower()}`, so every push and pull of it fails with a "
            "Docker connection error (`invalid reference format`). Change the path (Settings "
            "→ General → Advanced → Change path); a project with images in its registry "
            "cannot be renamed until they are moved"
        )
        location = image.written.location(use.start, use.end)
        yield PATH_RULE.at(location, message, _where_set(image, use.via))
        return  # once per run: it is one fact about the project


def check_hardcoded(facts: Facts) -> Iterator[Finding]:
    """Pushes only: an image *pulled* from the project's own path spelled out is
    how forks and merge requests from forks (whose `$CI_REGISTRY_IMAGE` is the
    fork's empty registry) keep using the upstream's images."""
    project = None
    for image in all_images(facts):
        if not image.own_pipeline or not image.role.names_a_push:
            continue
        if not _may_use_registry(image):
            continue
        project = project or facts.project
        use = registry_use(image, project)
        if use is None or not use.own or use.variable:
            continue
        if image.written.path in facts.shared_templates:
            continue  # a template other projects include names this project on purpose
        written = image.written.text[use.start : use.end]
        through = f" (through `{written}`)" if use.via else ""
        message = (
            f"`{use.text}`{through} spells out this project's own registry path; after the "
            "project is renamed or transferred it names a repository that no longer exists. Use "
            "`$CI_REGISTRY_IMAGE`, which GitLab sets to the project's current path"
        )
        location = image.written.location(use.start, use.end)
        fix = _hardcoded_fix(image, use, project)
        yield HARDCODED_RULE.at(location, message, _where_set(image, use.via), fix)


def _hardcoded_fix(image: ImageRef, use: RegistryUse, project: Project) -> Fix | None:
    """Write `$CI_REGISTRY_IMAGE` where the path is spelled: at the reference, or
    in the variable it came from (the same value wherever that variable is read)."""
    if use.via is None:
        if "'" in image.written.text[: use.start]:
            return None  # in single quotes the shell would not expand the variable
        return registry_image_fix(image.written, use.start, use.end)
    binding = image.env.get(use.via) if use.via else None
    if binding is None or binding.written is None or project.path is None:
        return None
    value = binding.written()
    spelled = [f"{project.registry}/{project.path}".lower()] if project.registry else []
    spelled += [f"$CI_REGISTRY/{project.path}".lower(), f"${{CI_REGISTRY}}/{project.path}".lower()]
    lowered = value.text.lower()
    for text in spelled:
        found = lowered.find(text)
        end = found + len(text)
        if found != -1 and (end == len(lowered) or lowered[end] in "/:@"):
            return registry_image_fix(value, found, end)
    return None


def registry_image_fix(written: LocatedText, start: int, end: int, safe: bool = True) -> Fix | None:
    """Write `$CI_REGISTRY_IMAGE` (or `${…}`, as the text it replaces is written)
    over `written[start:end]`, a spelling of the project's own repository;
    None where the text is not the file's (an input's value)."""
    if written.rewritten:
        return None
    original = written.text[start:end]
    replacement = "${CI_REGISTRY_IMAGE}" if original.startswith("${") else "$CI_REGISTRY_IMAGE"
    return Fix(
        f"use `{replacement}` for the project's own repository",
        (Edit(written.location(start, end), original, replacement),),
        safe,
    )


def check_cross_project(facts: Facts) -> Iterator[Finding]:
    """The organisational case only: an image of another project under this
    project's own top-level group, where private and internal projects live.
    Offline, a project's visibility is unknown; images of other groups are
    mostly public (a public project needs no allowlist), and a note that is
    wrong there would be wrong most of the time."""
    project = None
    noted: set[str] = set()
    for image in all_images(facts):
        if not image.own_pipeline or not image.role.pulls or image.template:
            continue  # (a template no job uses pulls nothing)
        if not _may_use_registry(image):
            continue
        project = project or facts.project
        use = registry_use(image, project)
        if use is None or use.own or not use.whole or use.path in noted:
            continue
        assert project.path is not None
        group = project.path.lower().partition("/")[0]
        if use.path.partition("/")[0] != group or group in PUBLIC_GROUPS:
            continue
        noted.add(use.path)  # once per repository: the allowlist is set once
        verb = "pulls" if image.role is ImageRole.PULL_SOURCE else "runs"
        message = (
            f"{image.context} {verb} `{display_text(image.parts)}` from {_owner(use.path)} "
            f"of this project's group: unless it is public, the pull with the CI/CD job token "
            f"fails with `Failed to pull image` until it lists `{project.path}` in its job "
            f"token allowlist (Settings → CI/CD → Job token permissions): {ALLOWLIST_DOCS}"
        )
        location = image.written.location(use.start, use.end)
        yield CROSS_PROJECT_RULE.at(location, message, _where_set(image, use.via))


# Groups whose projects are public by policy: GitLab's own.
PUBLIC_GROUPS = frozenset({"gitlab-org", "gitlab-com"})


def _owner(path: str) -> str:
    """The project a repository path belongs to, as far as the path tells:
    `a/b/c/d` may be the registry of `a/b`, `a/b/c` or `a/b/c/d`."""
    components = path.split("/")
    if len(components) <= 2:
        return f"the project `{path}`"
    return f"another project (`{'/'.join(components[:2])}` or one below it)"


def _where_set(image: ImageRef, via: str | None) -> tuple[Related, ...]:
    return set_here(image.env.get(via) if via else None)


def _this_project(image: ImageRef) -> bool:
    """Whether `$CI_REGISTRY_IMAGE` in the reference is this project's: anywhere
    but a CI file outside the repository's pipeline, which may be a template
    that other projects include."""
    return image.own_pipeline or not image.ci


def _may_use_registry(image: ImageRef) -> bool:
    """A cheap first look: only these references can name the project's registry."""
    first = image.parts[0] if image.parts else None
    if isinstance(first, Unknown):
        return first.name in ("CI_REGISTRY", "CI_REGISTRY_IMAGE")
    return first is not None and "/" in first.text


PROGRAMS = IMAGE_PROGRAMS
CHECKS = (
    Check((PATH_RULE,), check_project_path, PROGRAMS),
    Check((HARDCODED_RULE,), check_hardcoded, PROGRAMS),
    Check((CROSS_PROJECT_RULE,), check_cross_project, PROGRAMS),
)
