"""The kinds of file crlint reads, one frontend each (`crlint.frontends.base`)."""

from __future__ import annotations

from crlint.facts.choice import Choice


class FileKind(Choice):
    GITLAB_CI = "gitlab-ci"
    DOCKERFILE = "dockerfile"
    SHELL = "shell"
    KUBERNETES = "kubernetes"
    MANIFEST = "manifest"
    PYTHON = "python"
    REGISTRY_CONFIG = "registry-config"
    NGINX = "nginx"
    HELM_VALUES = "helm-values"
    COMPOSE = "compose"
    TERRAFORM = "terraform"
