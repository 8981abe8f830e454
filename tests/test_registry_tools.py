"""Which arguments of registry tools name images, and in what role."""

from __future__ import annotations

import pytest

from crlint.commands import shell
from crlint.commands.images import image_arguments, images_of
from crlint.commands.words import word_from
from crlint.facts.locations import LocatedText, Location
from crlint.facts.model import EMPTY_ENV, Command, ImageRole
from crlint.world.kaniko import is_kaniko_image

BUILD = ImageRole.BUILD_TAG
PUSH = ImageRole.PUSH_DESTINATION
PULL = ImageRole.PULL_SOURCE
RUN = ImageRole.RUN_IMAGE


def command(text: str, entrypoint: str | None = None) -> Command:
    located = LocatedText.at(text, "ci.sh", 3, 5)
    (simple,) = shell.parse(located).commands
    return Command(
        simple.words, (), EMPTY_ENV, "test", Location.point("ci.sh", 3), entrypoint=entrypoint
    )


def named(text: str, entrypoint: str | None = None) -> list[tuple[str, ImageRole]]:
    """Each image argument as its written text and role."""
    return [
        (argument.word.written.text, argument.role)
        for argument in image_arguments(command(text, entrypoint))
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docker build -t a/b:1 .", [("a/b:1", BUILD)]),
        ("docker build --tag=a/b:1 --tag a/c .", [("a/b:1", BUILD), ("a/c", BUILD)]),
        ("docker build -ta/b:1 -t=a/c .", [("a/b:1", BUILD), ("a/c", BUILD)]),
        ("docker buildx build --push -t a/b .", [("a/b", BUILD)]),
        ("docker image build -t a/b .", [("a/b", BUILD)]),
        ("docker push a/b:1", [("a/b:1", PUSH)]),
        ("docker push --all-tags a/b", [("a/b", PUSH)]),
        ("docker image push --platform linux/amd64 a/b", [("a/b", PUSH)]),
        ("docker --config /tmp/cfg -H tcp://x:2375 push a/b", [("a/b", PUSH)]),
        ("docker pull -q a/b", [("a/b", PULL)]),
        ("docker tag a/b:1 a/b:2", [("a/b:1", ImageRole.TAG_SOURCE), ("a/b:2", BUILD)]),
        ("regctl image copy --platform linux/arm64 r.io/a:1 r.io/b:1", [
            ("r.io/a:1", ImageRole.PULL_SOURCE), ("r.io/b:1", PUSH),
        ]),
        ("regctl image copy --unknown-option x r.io/a:1 r.io/b:1", []),
        ('sudo -E -u ci docker push "a/b:$X"', [('"a/b:$X"', PUSH)]),
        ("env DOCKER_HOST=x timeout 30 docker push a/b", [("a/b", PUSH)]),
        ("podman push --tls-verify=false local/app docker://r.io/a/b:1", [
            ("local/app", BUILD), ("r.io/a/b:1", PUSH)
        ]),
        ("podman push local/app oci-archive:/tmp/a.tar", [("local/app", BUILD)]),
        ("buildah bud -t r.io/a/b:1 .", [("r.io/a/b:1", BUILD)]),
        ("buildah pull docker://r.io/a/b", [("r.io/a/b", PULL)]),
        ("/kaniko/executor --context . --destination r.io/a:1 -d r.io/b:2", [
            ("r.io/a:1", PUSH), ("r.io/b:2", PUSH)
        ]),
        ('/kaniko/executor "--destination=r.io/a:$TAG"', [("r.io/a:$TAG\"", PUSH)]),
        ("crane copy r.io/a:1 r.io/b:1", [("r.io/a:1", PULL), ("r.io/b:1", PUSH)]),
        ("crane --insecure cp -a r.io/a r.io/b", [("r.io/a", PULL), ("r.io/b", PUSH)]),
        ("crane push image.tar r.io/a:1", [("r.io/a:1", PUSH)]),
        ("crane pull r.io/a:1 r.io/b:1 out.tar", [("r.io/a:1", PULL), ("r.io/b:1", PULL)]),
        ("crane digest --platform linux/arm64 r.io/a:1", [("r.io/a:1", PULL)]),
        ("crane tag r.io/a:1 v2", [("r.io/a:1", PUSH)]),
        ("skopeo copy --all --src-creds u:p docker://r.io/a:1 docker://r.io/b:1", [
            ("r.io/a:1", PULL), ("r.io/b:1", PUSH)
        ]),
        ("skopeo copy docker-archive:/x.tar docker://r.io/b:1", [("r.io/b:1", PUSH)]),
        ("skopeo inspect --retry-times 3 docker://r.io/a:1", [("r.io/a:1", PULL)]),
        ("docker run --rm -v /x:/Y -e A=1 alpine:3 ls -l", [("alpine:3", RUN)]),
        ("docker run -it --name=x r.io/a:1 sh -c 'docker push b/c'", [("r.io/a:1", RUN)]),
        ("docker container run -d r.io/a:1", [("r.io/a:1", RUN)]),
        ("podman create --pull=always r.io/a:1", [("r.io/a:1", RUN)]),
        ("buildah from --pull --name w r.io/a:1", [("r.io/a:1", PULL)]),
        ("buildah from docker://r.io/a:1", [("r.io/a:1", PULL)]),
    ],
)  # fmt: skip
def test_images_named_by_registry_tools(text, expected):
    assert named(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "docker push --unknown /path/Not_An_Image a/b",  # unknown option: stop, never guess
        "docker push a/b c/d",  # docker push takes one image
        "docker run --not-an-option /x:/Y alpine:3 ls",  # unknown option: stop, never guess
        "docker run --rm",  # no image
        "buildah from scratch",  # an empty image, pulled from nowhere
        "buildah from oci-archive:/tmp/a.tar",
        "buildah from --unknown x r.io/a:1",
        "buildah run work -- ls",  # a working container, not an image
        "docker login -u user --password-stdin registry.example.com",
        "echo docker push A/B",
        "$DOCKER push a/b",  # the program is not known
        "crane ls r.io/a",
        "skopeo sync --src docker --dest dir r.io/a /tmp/x",
        "skopeo copy docker://r.io/a:1",  # one image where copy needs two: misread
        "executor --context . --cache-repo r.io/a/cache",
    ],
)
def test_commands_that_name_no_image_to_check(text):
    assert named(text) == []


def test_kaniko_args_without_a_command_run_the_executor():
    assert named("--context=. --destination=r.io/a:1", entrypoint="executor") == [
        ("r.io/a:1", PUSH)
    ]
    assert named("--context=. --destination=r.io/a:1") == []


def test_image_reference_points_into_the_written_word():
    (image,) = images_of(command('/kaniko/executor "--destination=r.io/A:1"'))
    assert image.written.text == 'r.io/A:1"'
    # "--destination=" is 14 characters after the opening quote at column 22.
    assert image.written.location(5, 6) == Location("ci.sh", 3, 42, 3, 43)
    assert image.parts[0].text == "r.io/A:1"


@pytest.mark.parametrize(
    ("reference", "kaniko"),
    [
        ("gcr.io/kaniko-project/executor:v1.23.2-debug", True),
        ("gcr.io/kaniko-project/executor@sha256:" + "a" * 64, True),
        ("mirror.example.com:5000/gcr/kaniko-project/executor:debug", True),
        ("martizih/kaniko:v1.25.0", True),
        ("gcr.io/kaniko-project/warmer:latest", False),
        ("docker:27", False),
    ],
)
def test_known_kaniko_images(reference, kaniko):
    assert is_kaniko_image(reference) is kaniko


def test_word_from_counts_value_characters_past_quotes():
    located = LocatedText.at('x "--tag=$IMAGE"', "ci.sh", 1, 1)
    word = shell.parse(located).commands[0].words[1]
    rest = word_from(word, len("--tag="))
    assert rest.written.text == '$IMAGE"'
    assert [(p.name, p.start, p.end) for p in rest.parts] == [("IMAGE", 0, 6)]  # type: ignore[union-attr]
