"""kaniko: which images run its executor, and what `GODEBUG` turns HTTP/2 off.

Pushing large layers with kaniko over HTTP/2 can be very slow (kaniko#2751:
Go's HTTP/2 flow control in go-containerregistry); `GODEBUG=http2client=0`
makes it use HTTP/1.1. `GODEBUG` is a comma-separated list of `key=value`
settings, read left to right, the last one for a key winning (Go's
`runtime/runtime1.go`).
"""

from __future__ import annotations

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
    name = reference.partition("@")[0]
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name = name[:colon]
    return name.lower()


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
