"""The repository's own GitLab project, read offline from `.git/config`.

`git remote` is not run (crlint runs nothing); the `origin` remote's URL is
read from the configuration file in ssh (`git@host:group/project.git`,
`ssh://git@host:2222/group/project`) and http(s) forms. gitlab.com's
registry is `registry.gitlab.com`; a self-managed instance's registry host
cannot be derived from its URL, so configuration supplies it (`registry`),
as it supplies `project-path` when there is no remote at all.
"""

from __future__ import annotations

import os

from crlint.discover.sources import read_bytes
from crlint.facts.model import UNKNOWN_PROJECT, Project
from crlint.facts.record import Record
from crlint.world.gitlab import registry_for


class Remote(Record):
    host: str
    path: str


def parse_remote_url(url: str) -> Remote | None:
    """Host and project path of a git remote URL, or None if it names neither."""
    url = url.strip().strip('"')
    if "://" in url:
        scheme, _, rest = url.partition("://")
        if scheme not in ("ssh", "git+ssh", "http", "https", "git"):
            return None
        authority, _, path = rest.partition("/")
        host = authority.rpartition("@")[2].split(":")[0]
    else:  # scp-like: [user@]host:path
        authority, colon, path = url.partition(":")
        if not colon or "/" in authority:
            return None
        host = authority.rpartition("@")[2]
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if not host or not path:
        return None
    return Remote(host.lower(), path)


def remote_url(repository_root: str) -> str | None:
    """The URL of `origin` (else of the first remote) in `.git/config`."""
    config = _git_config_path(repository_root)
    if config is None:
        return None
    data = read_bytes(config)
    if not isinstance(data, bytes):
        return None
    lines = data.decode("utf-8", "replace").split("\n")
    urls: dict[str, str] = {}
    remote = None
    for raw in lines:
        line = raw.strip()
        if line.startswith("["):
            kind, _, name = line.strip("[]").strip().partition(" ")
            name = name.strip()
            quoted = len(name) > 1 and name[0] == name[-1] == '"'
            remote = name[1:-1] if kind == "remote" and quoted else None
            continue
        key, equals, value = line.partition("=")
        if remote is not None and equals and key.strip() == "url" and remote not in urls:
            urls[remote] = value.strip()
    return urls.get("origin") or next(iter(urls.values()), None)


def _git_config_path(repository_root: str) -> str | None:
    dirs = _git_dirs(repository_root)
    return os.path.join(dirs[1], "config") if dirs is not None else None


def _git_dirs(repository_root: str) -> tuple[str, str] | None:
    """The repository's git directory and its common one (they differ for a worktree)."""
    dot_git = os.path.join(repository_root, ".git")
    if os.path.isdir(dot_git):
        return dot_git, dot_git
    # A worktree or submodule: `.git` is a file naming the real directory. Its
    # bytes are a path, not text: kept as they are (surrogateescape).
    content = _read_path(dot_git, 4096)
    if content is None or not content.startswith("gitdir:"):
        return None
    gitdir = os.path.join(repository_root, content[len("gitdir:") :].strip())
    common = _read_path(os.path.join(gitdir, "commondir"), 4096)
    return gitdir, os.path.join(gitdir, common.strip()) if common is not None else gitdir


def head(repository_root: str) -> tuple[str | None, str | None]:
    """The commit checked out and its branch, read from `.git` (either may be unknown)."""
    dirs = _git_dirs(repository_root)
    if dirs is None:
        return None, None
    gitdir, common = dirs
    content = _read_path(os.path.join(gitdir, "HEAD"), 4096)
    if content is None:
        return None, None
    if not content.startswith("ref:"):
        return (content if _is_commit(content) else None), None
    ref = content[len("ref:") :].strip()
    branch = ref[len("refs/heads/") :] if ref.startswith("refs/heads/") else None
    commit = _read_path(os.path.join(common, *ref.split("/")), 4096) if ".." not in ref else None
    if commit is None:
        packed = _read_path(os.path.join(common, "packed-refs"), 1 << 20) or ""
        commit = next((line.split()[0] for line in packed.splitlines()
                       if line.endswith(" " + ref) and not line.startswith("#")), None)  # fmt: skip
    return (commit if commit is not None and _is_commit(commit) else None), branch


def _is_commit(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _read_path(path: str, limit: int) -> str | None:
    """A small file naming a path, its bytes kept whatever they are; None if unreadable."""
    data = read_bytes(path)
    if not isinstance(data, bytes) or len(data) > limit:
        return None
    return data.decode("utf-8", "surrogateescape").strip()


def detect(
    repository_root: str | None, configured_path: str | None, configured_registry: str | None
) -> Project:
    """The project from configuration first, then from the git remote."""
    remote = None
    if repository_root is not None:
        url = remote_url(repository_root)
        remote = parse_remote_url(url) if url else None
    if configured_path:
        host = remote.host if remote else None
        registry = configured_registry or registry_for(host)
        return Project(configured_path.strip("/"), host, registry, "configuration")
    if remote is None:
        if configured_registry:
            return UNKNOWN_PROJECT._replace(registry=configured_registry, source="configuration")
        return UNKNOWN_PROJECT
    registry = configured_registry or registry_for(remote.host)
    return Project(remote.path, remote.host, registry, "git remote `origin`")
