"""kaniko: which images run its executor, and what `GODEBUG` turns HTTP/2 off.

Pushing large layers with kaniko over HTTP/2 can be very slow (kaniko#2751:
Go's HTTP/2 flow control in go-containerregistry); `GODEBUG=http2client=0`
makes it use HTTP/1.1. `GODEBUG` is a comma-separated list of `key=value`
settings, read left to right, the last one for a key winning (Go's
`runtime/runtime1.go`).
"""

from __future__ import annotations

from crlint.world.reference import split_tag

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Images whose entrypoint is kaniko's executor; a mirror keeps the path's end.
# Configuration adds more (`kaniko-images`).
KANIKO_IMAGES = (
    "gcr.io/kaniko-project/executor",
    "ghcr.io/osscontainertools/kaniko",
    "martizih/kaniko",
    "ghcr.io/kaniko-build/dist/chainguard-dev-kaniko/executor",
    "ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor",
    "harnesscommunity/kaniko-executor",
)
_SUFFIXES = ("kaniko-project/executor", "kaniko/executor", "/kaniko", "/kaniko-executor")

EXECUTOR = "/kaniko/executor"
"""Where every kaniko image keeps the executor."""

SETTING = "http2client=0"


def repository(reference: str) -> str:
    """A reference without its tag or digest, lowercased."""
    return split_tag(reference.partition("@")[0])[0].lower()


def is_kaniko_image(reference: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether an image reference names a kaniko executor image (not the warmer)."""
    name = repository(reference)
    return (
        name in KANIKO_IMAGES
        or name.endswith(_SUFFIXES)
        or any(name == repository(image) for image in extra)
    )


def http2client(godebug: str) -> str | None:
    """The `http2client` setting a `GODEBUG` value leaves in force, if any."""
    found = None
    for setting in godebug.split(","):
        key, equals, value = setting.strip().partition("=")
        if equals and key == "http2client":
            found = value
    return found


def with_http1(godebug: str | None) -> str:
    """`GODEBUG` with `http2client=0` appended: the last setting wins, and the
    others are kept as written."""
    return f"{godebug.rstrip(',')},{SETTING}" if godebug else SETTING


# Subcommands and options after which the executor builds nothing it uploads.
_NOT_A_BUILD = frozenset({"version", "help", "completion", "-h", "--help"})


def uploads(arguments: Sequence[str | None]) -> bool:
    """Whether an executor run with these arguments (None: unknown words) pushes.

    `executor version` and `--help` build nothing; `--no-push` keeps the
    image local, unless `--cache` still pushes its layers to the cache
    repository (`--no-push-cache` stops that too). Unknown words count for
    nothing: `$KANIKO_ARGS` may hold anything, so the run is taken to push.
    """
    known = [argument for argument in arguments if argument is not None]
    if known and (known[0] in _NOT_A_BUILD or any(a in ("-h", "--help") for a in known)):
        return False
    if not _flag(known, "--no-push"):
        return True
    return _flag(known, "--cache") and not _flag(known, "--no-push-cache")


def _flag(arguments: Sequence[str], name: str) -> bool:
    """A boolean flag's value as pflag reads it: `--x`, `--x=true`, the last one winning."""
    value = False
    for argument in arguments:
        if argument == name:
            value = True
        elif argument.startswith(name + "="):
            value = argument[len(name) + 1 :].lower() in ("true", "1", "t")
    return value
