"""CR101 invalid-image-reference: names a registry rejects before any network traffic.

GitLab's troubleshooting guide: "A Docker connection error can occur when
there are special characters in either the group, project or branch name"
(a leading underscore, a trailing hyphen). Docker refuses such a reference
with `invalid reference format` before it contacts the registry; the
grammar lives in `crlint.world.reference`.
"""

from __future__ import annotations

import re

from crlint.checks.base import Check, set_here
from crlint.commands.images import all_images
from crlint.facts.expand import placeholders
from crlint.facts.findings import Level, Related, Rule
from crlint.facts.model import Literal, SetBy
from crlint.world import reference
from crlint.world.tools import IMAGE_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts, ImageRef

RULE = Rule(
    "CR101",
    "invalid-image-reference",
    Level.ERROR,
    "An image reference breaks the registry's reference grammar (leading underscore, "
    "trailing hyphen, uppercase, bad tag), so pulling or pushing it fails.",
)


def check(facts: Facts) -> Iterator[Finding]:
    for image in all_images(facts):
        if any(isinstance(part, Literal) and _SPACE.search(part.text) for part in image.parts):
            continue  # a sentence ("set by the controller"), not a name anyone wrote
        for problem in reference.problems(placeholders(image.parts)):
            yield _finding(image, problem)


_SPACE = re.compile(r"\S\s+\S")  # between words: a stray space at an end is a typo


def _finding(image: ImageRef, problem: reference.Problem) -> Finding:
    location = image.written.location(problem.start, problem.end)
    message = problem.message
    related: list[Related] = []
    seen: set[str] = set()
    for part in image.parts:
        if not isinstance(part, Literal) or part.via is None or part.via in seen:
            continue
        if part.start < problem.end and problem.start < part.end:
            seen.add(part.via)
            binding = image.env.get(part.via)
            # A matrix value breaks one job of the matrix: say which.
            instance = f" in {image.context}" if binding and binding.origin is SetBy.MATRIX else ""
            message += f" (from `{image.written.text[part.start : part.end]}`{instance})"
            related.extend(set_here(binding))
    return RULE.at(location, message, tuple(related))


CHECK = Check((RULE,), check, IMAGE_PROGRAMS)
