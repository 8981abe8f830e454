"""The Project fact: the repository's own GitLab path and registry, read offline."""

from __future__ import annotations

import pytest

from crlint.discover.project import Remote, detect, parse_remote_url
from crlint.facts.model import Facts, Project

from .conftest import write_tree


@pytest.mark.parametrize(
    ("url", "remote"),
    [
        ("git@gitlab.com:acme/shop.git", Remote("gitlab.com", "acme/shop")),
        ("git@gitlab.com:_infra/sub-/tool.git", Remote("gitlab.com", "_infra/sub-/tool")),
        (
            "ssh://git@gitlab.example.com:2222/group/sub/project.git",
            Remote("gitlab.example.com", "group/sub/project"),
        ),
        ("https://gitlab.com/acme/shop.git", Remote("gitlab.com", "acme/shop")),
        (
            "https://oauth2:token@gitlab.example.com/acme/shop",
            Remote("gitlab.example.com", "acme/shop"),
        ),
        ("https://GitLab.Example.com:8443/Acme/Shop/", Remote("gitlab.example.com", "Acme/Shop")),
        ("/srv/git/shop.git", None),
        ("file:///srv/git/shop.git", None),
    ],
)
def test_remote_url_forms(url, remote):
    assert parse_remote_url(url) == remote


def git_config(url_section: str) -> str:
    return f'[core]\n\tbare = false\n{url_section}[branch "main"]\n\tremote = origin\n'


def test_origin_is_preferred_and_gitlab_com_has_a_known_registry(tmp_path):
    write_tree(
        tmp_path,
        {
            ".git/config": git_config(
                '[remote "upstream"]\n\turl = git@gitlab.com:upstream/shop.git\n'
                '[remote "origin"]\n\turl = git@gitlab.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'
            )
        },
    )
    assert detect(str(tmp_path), None, None) == Project(
        "acme/shop", "gitlab.com", "registry.gitlab.com", "git remote `origin`"
    )


def test_self_managed_registry_comes_from_configuration(tmp_path):
    write_tree(
        tmp_path,
        {".git/config": git_config('[remote "origin"]\n\turl = https://git.acme.io/a/b\n')},
    )
    assert detect(str(tmp_path), None, None).registry is None
    assert detect(str(tmp_path), None, "registry.acme.io:5050").registry == "registry.acme.io:5050"


def test_configured_path_wins_and_works_without_a_remote(tmp_path):
    assert detect(None, "/acme/shop/", "registry.acme.io") == Project(
        "acme/shop", None, "registry.acme.io", "configuration"
    )
    assert detect(None, None, None).path is None


def test_worktree_git_file_is_followed(tmp_path):
    write_tree(
        tmp_path,
        {
            "main/.git/config": git_config(
                '[remote "origin"]\n\turl = git@gitlab.com:acme/shop.git\n'
            ),
            "main/.git/worktrees/wt/commondir": "../..\n",
            "wt/.git": "gitdir: ../main/.git/worktrees/wt\n",
        },
    )
    assert detect(str(tmp_path / "wt"), None, None).path == "acme/shop"


def test_facts_learn_the_project_only_when_asked():
    calls = []

    def learn() -> Project:
        calls.append(1)
        return Project("a/b", None, None, "test")

    facts = Facts(learn)
    assert calls == []
    assert facts.project.path == "a/b" and facts.project.path == "a/b"
    assert calls == [1]
