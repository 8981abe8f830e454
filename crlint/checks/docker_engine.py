"""CR203 legacy-docker-engine: Docker Engine 17.11 or older, where crlint can see its version.

GitLab's troubleshooting guide: with Docker Engine 17.11 or older, pulling
or pushing to the container registry fails with `404 Not Found` or
`Unknown Manifest`, since those engines speak schema 1 manifests that the
registry no longer serves. crlint sees the engine's version in the tag of a
`docker` image (`docker:17.09-dind`, `docker:1.12-git`, a mirror's
`…/library/docker:17.06`) used as a CI image or service, or as a
Dockerfile's base. `docker:stable`, `latest` and tags without a version
are not reported.
"""

from __future__ import annotations

import re

from crlint.checks.base import Check
from crlint.facts.findings import Level, Rule
from crlint.facts.model import ImageRole, known_text
from crlint.world.reference import split_tag

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.model import Facts

RULE = Rule(
    "CR203",
    "legacy-docker-engine",
    Level.ERROR,
    "Docker Engine 17.11 or older (`docker:17.09-dind`): pulls and pushes to GitLab's "
    "registry fail with `404 Not Found` or `Unknown Manifest`.",
)

LAST_LEGACY = (17, 11)
CURRENT = "27"
_ROLES = frozenset({ImageRole.CI_IMAGE, ImageRole.CI_SERVICE, ImageRole.BASE_IMAGE})
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-ce)?((?:-[a-z][a-z0-9.-]*)?)$")


def check(facts: Facts) -> Iterator[Finding]:
    for image in facts.images:
        if image.role not in _ROLES:
            continue
        text = known_text(image.parts)
        if text is None or "@" in text:
            continue
        name, tag = split_tag(text)
        if tag is None:
            continue
        if name.rpartition("/")[2] != "docker":
            continue
        version = _VERSION.match(tag)
        if version is None:
            continue
        major, minor = int(version.group(1)), int(version.group(2) or 0)
        if (major, minor) > LAST_LEGACY:
            continue
        variant = version.group(3)
        suggestion = f"{name}:{CURRENT}{variant}"
        message = (
            f"`{text}` runs Docker Engine {major}.{minor:02d}; engines 17.11 and older fail to "
            "pull from and push to GitLab's container registry with `404 Not Found` or "
            f"`Unknown Manifest` (schema 1). Use a current engine, such as `{suggestion}`"
        )
        written = image.written
        tag_at = written.text.rfind(":")
        at = (
            written.location(tag_at + 1) if tag_at > written.text.rfind("/") else written.location()
        )
        yield RULE.at(at, message)


CHECK = Check((RULE,), check, frozenset())
