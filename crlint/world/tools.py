"""Registry tools: one row per program whose command lines crlint reads.

Which programs there are is written here once; `crlint.commands.images`
reads the arguments of those that name images, `crlint.commands.invocations`
the subcommands of those that have them, the Python frontend looks for
their names before parsing a build script, and every check's
`Check.programs` is a subset of these names and the shells
(`tests/test_programs.py`).
"""

from __future__ import annotations

from crlint.facts.record import Record


class Options(Record):
    """What a command's options are: those that take a value, and plain flags."""

    valued: frozenset[str]
    flags: frozenset[str]


def options(valued: str = "", flags: str = "") -> Options:
    return Options(frozenset(valued.split()), frozenset(flags.split()))


class Tool(Record):
    name: str
    names_images: bool
    """Its arguments name images crlint checks (`docker push`, `--destination`)."""
    subcommands: bool
    """It runs as `tool SUBCOMMAND …` (`docker login`); kaniko's executor does not."""
    distinctive: bool
    """Its name picks out a file that runs it (`img` is a common word too)."""
    global_options: Options | None = None
    """Options it takes before the subcommand, where crlint knows them."""
    only_with: str | None = None
    """A word without which a line that runs it does not matter to crlint:
    `curl` is read for calls to `application/settings`, and the many other
    `curl` lines of scripts and Dockerfiles are not split into commands."""


_GLOBAL_OPTIONS = {
    "docker": options(
        "-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey",
        "-D --debug --tls --tlsverify",
    ),
    "podman": options(
        "--root --runroot --storage-driver --storage-opt --log-level --url --connection -c "
        "--identity --cgroup-manager --tmpdir --events-backend --runtime --conmon --module "
        "--registries-conf",
        "-r --remote --syslog --debug -D",
    ),
    "buildah": options(
        "--root --runroot --storage-driver --storage-opt --log-level --registries-conf "
        "--short-name-alias-conf --registries-conf-dir --cgroup-manager",
        "--debug",
    ),
    "crane": options("--platform", "--insecure -v --verbose --allow-nondistributable-artifacts"),
    "skopeo": options(
        "--command-timeout --override-arch --override-os --override-variant --policy "
        "--registries.d --tmpdir --registries-conf",
        "--debug --insecure-policy",
    ),
    "manifest-tool": options(
        "--username --password --docker-cfg", "--insecure --debug --plain-http"
    ),
    "regctl": options("--host --logopt -v --verbosity --user-agent", ""),
}

_SETTINGS = "application/settings"
"""GitLab's API endpoint of instance settings."""

TOOLS = (
    Tool("docker", True, True, True, _GLOBAL_OPTIONS["docker"]),
    Tool("podman", True, True, True, _GLOBAL_OPTIONS["podman"]),
    Tool("buildah", True, True, True, _GLOBAL_OPTIONS["buildah"]),
    Tool("executor", True, False, False),  # kaniko's; files name it `kaniko`
    Tool("crane", True, True, True, _GLOBAL_OPTIONS["crane"]),
    Tool("skopeo", True, True, True, _GLOBAL_OPTIONS["skopeo"]),
    Tool("regctl", True, True, True, _GLOBAL_OPTIONS["regctl"]),
    Tool("manifest-tool", False, True, True, _GLOBAL_OPTIONS["manifest-tool"]),
    Tool("nerdctl", False, True, True),
    Tool("oras", False, True, True),
    Tool("helm", False, True, True),
    Tool("werf", False, True, True),
    Tool("img", False, True, False),
    # (its images are those of the Compose files it reads: `crlint.frontends.compose`)
    Tool("docker-compose", True, True, True),
    # GitLab's API, where a repository that administers its instance sets its
    # settings (`crlint.commands.api_settings`)
    Tool("curl", False, False, False, only_with=_SETTINGS),
    Tool("wget", False, False, False, only_with=_SETTINGS),
    Tool("glab", False, True, True, only_with=_SETTINGS),
)
LINE_WORDS = {tool.name: tool.only_with for tool in TOOLS if tool.only_with}
"""The word a line must hold for each program that has one (`Tool.only_with`)."""

IMAGE_PROGRAMS = frozenset(tool.name for tool in TOOLS if tool.names_images)
"""The programs whose arguments `crlint.commands.images` reads for images."""
REGISTRY_PROGRAMS = frozenset(tool.name for tool in TOOLS if tool.subcommands)
"""The programs whose subcommands `crlint.commands.invocations` reads."""
GLOBAL_OPTIONS = {tool.name: tool.global_options for tool in TOOLS if tool.global_options}
DISTINCTIVE_NAMES = (*(tool.name for tool in TOOLS if tool.distinctive), "kaniko")
"""Words that say a file runs a registry tool."""

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
"""Shells whose `-c` strings and scripts crlint reads as shell."""
