"""What kind each file is (which files to walk is `crlint.discover.walk`'s business).

Classification is by name first (`.gitlab-ci.yml`, `Dockerfile.*`, `*.sh`),
then by a cheap look at the content (a shebang; `schemaVersion`; top-level
keys that only GitLab CI, Kubernetes or manifest-tool files have). A file
is *claimed* once its kind is known: from then on a file that fails to parse
is a CR001 finding. Files that merely end in `.yml` and look like nothing
crlint knows are left alone, as are templated files (`{{ … }}`), which are
not YAML until a tool renders them.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from crlint.discover.kinds import FileKind
from crlint.discover.sources import SNIFF_BYTES
from crlint.facts.record import Record
from crlint.world.tools import SHELLS

# Directories nobody wants linted; `exclude` in the configuration replaces
# this list, `extend-exclude` adds to it.
DEFAULT_EXCLUDES = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "venv",
)

# `Dockerfile`, `Dockerfile.prod`, `Dockerfile-dev`, `prod.Dockerfile`,
# `base_Dockerfile`: the word delimited by `.`, `-`, `_` or the name's ends.
_DOCKERFILE_NAME = re.compile(r"(?:^|[._-])(?:docker|container)file(?:[._-]|$)")
# ...but not documentation, code or a template that renders to a Dockerfile.
_NOT_DOCKERFILE = frozenset(
    {
        "md", "rst", "txt", "adoc", "html", "py", "go", "js", "ts", "rb", "java", "rs", "json",
        "yml", "yaml", "toml", "ini", "cfg", "lock", "sh", "bash", "ps1", "j2", "jinja", "jinja2",
        "tmpl", "tpl", "template", "in", "erb", "mustache", "hbs", "gotmpl", "orig", "bak", "swp",
        "dockerignore",
    }
)  # fmt: skip
_SHELL_INTERPRETERS = SHELLS | {"busybox"}
_SHEBANG = re.compile(rb"#![ \t]*(\S+)(?:[ \t]+(\S+))?")


class _ContentPatterns:
    """Compiled on the first content sniff: a run over named files never needs them."""

    def __init__(self) -> None:
        self.templated = re.compile(r"\{\{|\{%")
        self.ci_global_key = re.compile(r"^(?:stages|include|workflow|default)[ \t]*:", re.M)
        self.ci_job_key = re.compile(
            r"^[ \t]+(?:script|before_script|after_script|extends|trigger)[ \t]*:", re.M
        )
        self.top_level_key = re.compile(r"^[^\s#\-][^\n]*:", re.M)
        self.k8s_api_version = re.compile(r"^(?:- )?apiVersion[ \t]*:", re.M)
        self.k8s_kind = re.compile(r"^(?:- |  )?kind[ \t]*:", re.M)
        # Block style (`  - image: x`) or a flow mapping (`- {name: a, image: x}`).
        self.k8s_image = re.compile(r"(?:^[ \t-]*|[{,][ \t]*)['\"]?image['\"]?[ \t]*:", re.M)
        self.manifest_tool_image = re.compile(r"^image[ \t]*:", re.M)
        self.manifest_tool_manifests = re.compile(r"^manifests[ \t]*:", re.M)
        # The distribution registry's config.yml: `version: 0.1` beside `storage:`.
        self.registry_version = re.compile(r"^version[ \t]*:[ \t]*['\"]?0\.1\b", re.M)
        self.registry_section = re.compile(r"^(?:storage|http|auth)[ \t]*:", re.M)
        # nginx: a `server`, `location`, `http`, `upstream` or `events` block, and a
        # directive ended by `;`. OpenBSD's httpd.conf and relayd.conf have blocks
        # too, but no `;`; supervisor's `nginx.conf` has neither.
        self.nginx_block = re.compile(
            r"^[ \t]*(?:server|location|http|upstream|events)\b[^;{}\n]*\{", re.M
        )
        self.nginx_directive = re.compile(r"^[ \t]*[a-z_]+[ \t][^\n{};#]*;[ \t]*(?:#.*)?$", re.M)


@lru_cache(maxsize=1)
def _content_patterns() -> _ContentPatterns:
    return _ContentPatterns()


def is_nginx(text: str) -> bool:
    """Whether a file's content has nginx's own syntax: a block and a `;` directive."""
    patterns = _content_patterns()
    return (
        patterns.templated.search(text) is None
        and patterns.nginx_block.search(text) is not None
        and patterns.nginx_directive.search(text) is not None
    )


# `docker-compose.yml`, `docker-compose.prod.yaml`, `compose.yaml`, `compose-dev.yml`.
_COMPOSE_NAME = re.compile(r"(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml")


def is_compose(text: str) -> bool:
    """Whether a file named like a Compose file is one crlint can read: it
    has `services:`, and no `{{ … }}` of a template that renders it (an
    Ansible role's `docker-compose.yml`), which is not YAML yet."""
    return "services:" in text and _content_patterns().templated.search(text) is None


# Kinds a name suggests but only the content settles: `nginx.conf` is also the
# name of supervisor's or fail2ban's settings *about* nginx; a CI job file may
# be called `docker-compose-upload.yml`.
CONFIRMED_BY_CONTENT = {FileKind.NGINX: is_nginx, FileKind.COMPOSE: is_compose}
# Kinds whose name is common in documentation and examples: a file so named
# that does not parse is most likely a template of one (Sphinx's
# `|registry|/app`), skipped with a reason rather than reported as broken;
# and Terraform, whose every construct the HCL parser may not know.
NAME_ONLY_SUGGESTS = frozenset({FileKind.COMPOSE, FileKind.TERRAFORM})


def kind_from_name(name: str) -> FileKind | None:
    """The kind a file name alone settles, or None."""
    lower = name.lower()
    if lower == ".gitlab-ci.yml" or lower.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")):
        return FileKind.GITLAB_CI
    if _DOCKERFILE_NAME.search(lower) and lower.rpartition(".")[2] not in _NOT_DOCKERFILE:
        return FileKind.DOCKERFILE
    if lower.endswith((".sh", ".bash")):
        return FileKind.SHELL
    if lower.endswith(".py"):
        return FileKind.PYTHON
    if lower == "nginx.conf":
        return FileKind.NGINX
    if _COMPOSE_NAME.fullmatch(lower):
        return FileKind.COMPOSE
    if lower.endswith(".tf"):
        return FileKind.TERRAFORM
    return None


# A Helm chart's values: `values.yaml`, `values-prod.yaml`, `values.staging.yml`.
_VALUES_NAME = re.compile(r"values(?:[._-][^/]*)?\.ya?ml")


def kind_from_place(path: str) -> FileKind | None:
    """The kind a file's name and its neighbours settle: values beside a
    `Chart.yaml` are a chart's, whatever they hold."""
    name = os.path.basename(path).lower()
    if _VALUES_NAME.fullmatch(name) and os.path.isfile(
        os.path.join(os.path.dirname(path), "Chart.yaml")
    ):
        return FileKind.HELM_VALUES
    return None


def needs_sniff(name: str) -> bool:
    """Whether the content may tell a kind the name does not."""
    lower = name.lower()
    return lower.endswith((".yml", ".yaml", ".json", ".conf")) or "." not in lower


def kind_from_shebang(head: bytes) -> FileKind | None:
    match = _SHEBANG.match(head)
    if not match:
        return None
    program = os.path.basename(match.group(1)).decode("ascii", "replace")
    if program == "env" and match.group(2):
        program = os.path.basename(match.group(2)).decode("ascii", "replace")
    if program in _SHELL_INTERPRETERS:
        return FileKind.SHELL
    return FileKind.PYTHON if program.startswith("python") else None


def kind_from_content(name: str, text: str) -> FileKind | None:
    """The kind a YAML or JSON file's content shows, or None if it is none of ours."""
    lower = name.lower()
    if lower.endswith(".json"):
        return FileKind.MANIFEST if '"schemaVersion"' in text[: SNIFF_BYTES * 4] else None
    patterns = _content_patterns()
    if patterns.templated.search(text):
        return None
    if lower.endswith(".conf"):
        return FileKind.NGINX if is_nginx(text) else None
    if patterns.k8s_api_version.search(text) and patterns.k8s_kind.search(text):
        return FileKind.KUBERNETES if patterns.k8s_image.search(text) else None
    if patterns.manifest_tool_image.search(text) and patterns.manifest_tool_manifests.search(text):
        return FileKind.MANIFEST
    if patterns.registry_version.search(text) and patterns.registry_section.search(text):
        return FileKind.REGISTRY_CONFIG
    if patterns.top_level_key.search(text) and (
        patterns.ci_global_key.search(text) or patterns.ci_job_key.search(text)
    ):
        return FileKind.GITLAB_CI
    return None


class Candidate(Record):
    """A file to consider; `explicit` when the user named it, else found by
    walking the directory `walked`."""

    real_path: str
    explicit: bool
    walked: str | None = None
    canonical: str | None = None
    """Its path with links resolved, once worked out (`SourceFile.canonical`):
    `os.path.realpath` asks the file system of every directory on the way."""
