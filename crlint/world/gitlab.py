"""GitLab's registry hosts, and the instance settings crlint reads.

gitlab.com's registry is `registry.gitlab.com`; a self-managed instance's
registry host cannot be derived from its URL, so configuration supplies it
(`registry`).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import Project

GITLAB_COM_REGISTRY = "registry.gitlab.com"

TOKEN_EXPIRE_DELAY = "container_registry_token_expire_delay"
"""The registry's "Authorization token duration", in minutes: an instance
setting that Terraform and API calls set (CR404)."""


def registry_for(host: str | None) -> str | None:
    """The registry of a GitLab instance, where its URL alone says it."""
    return GITLAB_COM_REGISTRY if host == "gitlab.com" else None


def may_be_gitlab_registry(host: str, project: Project) -> bool:
    """Whether a registry host written out may be a GitLab registry: gitlab.com's,
    the configured one, or one of the project's own instance (its host, or a
    `registry.` host beside it: `registry.example.com` for `gitlab.example.com`).
    Any other host written out is another registry (Docker Hub, quay.io, ghcr.io,
    gcr.io, `*.pkg.dev`, ECR, ACR, a company's Harbor)."""
    host = host.lower()
    if host in (GITLAB_COM_REGISTRY, (project.registry or "").lower()):
        return True
    instance = (project.host or "").lower()
    if not instance:
        return False
    if host.partition(":")[0] == instance:
        return True  # `gitlab.example.com:5050`
    parent = instance.partition(".")[2]
    return bool(parent) and host in (f"registry.{parent}", f"registry.{instance}")
