"""Registry tools' command lines: which arguments name an image, and what for.

`docker`/`podman`/`buildah` (`build -t`, `push`, `pull`, `tag`, the image of
`run`/`create`, `buildah from`), kaniko's
`executor --destination`, `crane` and `skopeo` each name images in their
own argv shape. This module reads those shapes into `ImageRef` facts, so
every check about image names sees a pushed tag as it sees a CI `image:`.

Reading stops at an option crlint does not know: its value could be taken
for an image (`--authfile /run/auth.json` as a repository name), and a
missed image costs less than a false alarm.
"""

from __future__ import annotations

from crlint.commands.programs import may_run, program
from crlint.commands.words import word_from
from crlint.facts.expand import expand_word
from crlint.facts.model import ImageRef, ImageRole, Unknown, Word
from crlint.facts.record import Record
from crlint.world.tools import GLOBAL_OPTIONS, IMAGE_PROGRAMS, Options, options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.model import Command, Facts


class ImageArgument(Record):
    """An argv word (or the part of one after `=`/`docker://`) that names an image."""

    word: Word
    role: ImageRole


_DOCKER_PUSH = options("--platform", "-a --all-tags --disable-content-trust -q --quiet")
_DOCKER_PULL = _DOCKER_PUSH
_PODMAN_TRANSFER = options(
    "--authfile --cert-dir --compression-format --compression-level --creds --digestfile "
    "--encryption-key --decryption-key -f --format --sign-by --sign-by-sigstore "
    "--sign-by-sigstore-private-key --sign-passphrase-file --signature-policy --retry "
    "--retry-delay --arch --os --variant --platform --policy",
    "-a --all-tags -q --quiet --tls-verify --remove-signatures --disable-compression "
    "--force-compression --compress --rm --disable-content-trust --all",
)
_CRANE = {
    "copy": options("-j --jobs --platform", "-a --all-tags -n --no-clobber"),
    "push": options("--image-refs --platform", "--index"),
    "pull": options("-c --cache_path --format --platform", "--annotate-ref"),
    "tag": options("--platform", ""),
    "digest": options("--platform", "--full-ref --tarball"),
    "manifest": options("--platform", ""),
    "config": options("--platform", ""),
}
_CRANE["cp"] = _CRANE["copy"]

# skopeo names images with a transport; only `docker://` is a registry.
_TRANSPORTS = (
    "docker://",
    "oci:",
    "oci-archive:",
    "dir:",
    "docker-archive:",
    "docker-daemon:",
    "containers-storage:",
    "sif:",
    "tarball:",
)
_DOCKER_TRANSPORT = "docker://"


def command_images(facts: Facts) -> list[ImageRef]:
    """Images that the run's commands name: `docker push`, kaniko `--destination`,
    `skopeo copy`…, worked out once for every check."""
    return facts.derived(_command_images)


def all_images(facts: Facts) -> Iterator[ImageRef]:
    """Every image reference: those written as images, then those in commands."""
    yield from facts.images
    yield from command_images(facts)


def _command_images(facts: Facts) -> list[ImageRef]:
    return [ref for command in facts.commands for ref in images_of(command)]


def images_of(command: Command) -> list[ImageRef]:
    """The images a command names, expanded in its environment, and those of the
    files it reads (`Command.images`)."""
    return [
        *command.images,
        *(
            ImageRef(
                argument.word.written,
                expand_word(argument.word.parts, command.env),
                argument.role,
                command.context,
                command.env,
                command.ci,
                command.own_pipeline,
                command.template,
                command.refs,
            )
            for argument in image_arguments(command)
        ),
    ]


def image_arguments(command: Command) -> list[ImageArgument]:
    words = command.words
    if command.entrypoint is None and not may_run(words, IMAGE_PROGRAMS):
        return []
    if command.entrypoint is not None and known_prefix(words[0]).startswith("-"):
        name, index = command.entrypoint, -1
    else:
        found = program(words)
        if found is None:
            return []
        name, index = found
    words = words[index + 1 :]
    if name in ("docker", "podman", "buildah"):
        return list(_container_cli(name, words))
    if name == "executor":
        destinations = option_values(words, "-d", "--destination")
        return [ImageArgument(word, ImageRole.PUSH_DESTINATION) for word in destinations]
    if name == "crane":
        return list(_crane(words))
    if name == "skopeo":
        return list(_skopeo(words))
    if name == "regctl":
        return list(_regctl(words))
    return []


def known_prefix(word: Word) -> str:
    """The word's value up to its first unknown part."""
    pieces = []
    for part in word.parts:
        if isinstance(part, Unknown):
            break
        pieces.append(part.text)
    return "".join(pieces)


def option_values(words: tuple[Word, ...], *names: str) -> Iterator[Word]:
    """Values of the named options, in every form: `-t x`, `--tag x`, `--tag=x`, `-tx`."""
    index = 0
    while index < len(words):
        word = words[index]
        text = known_prefix(word)
        index += 1
        if text == "--":
            return
        for name in names:
            if text == name and word.value == name:
                if index < len(words):
                    yield words[index]
                    index += 1
                break
            if text.startswith(name + "="):
                yield word_from(word, len(name) + 1)
                break
            if len(name) == 2 and text.startswith(name) and not text.startswith("--"):
                # `-tx`: a short option glued to its value (pflag also takes `-t=x`)
                skip = 3 if text.startswith(name + "=") else 2
                if len(word.value or text) > skip - 1:
                    yield word_from(word, skip)
                break


def positionals(
    words: tuple[Word, ...], options: Options, *, strict: bool = True
) -> list[Word] | None:
    """The arguments that are not options, or None at an option crlint does not
    know; not `strict`, such an option is taken for a flag (for tools whose few
    options with a value are all in `options.valued`)."""
    found: list[Word] = []
    index = 0
    while index < len(words):
        word = words[index]
        text = known_prefix(word)
        index += 1
        if text == "--":
            found.extend(words[index:])
            break
        if not text.startswith("-") or text == "-":
            found.append(word)
            continue
        name, equals, _ = text.partition("=")
        known = name in options.valued or name in options.flags
        if not equals and text in options.valued:
            index += 1
        elif strict and not known:
            return None
    return found


def _container_cli(name: str, words: tuple[Word, ...]) -> Iterator[ImageArgument]:
    rest = positionals_after_globals(words, GLOBAL_OPTIONS[name])
    if rest is None:
        return
    subcommand, words = rest
    if subcommand in ("image", "buildx", "builder", "container") and words:
        value = words[0].value
        if value is None:
            return
        if subcommand == "buildx" and value in ("b", "build"):
            subcommand, words = "build", words[1:]
        elif subcommand != "buildx":
            subcommand, words = value, words[1:]
        else:
            return
    if subcommand in ("build", "bud"):
        for word in option_values(words, "-t", "--tag"):
            yield ImageArgument(word, ImageRole.BUILD_TAG)
    elif subcommand == "tag":
        for index, word in enumerate(words):
            yield ImageArgument(word, ImageRole.BUILD_TAG if index else ImageRole.TAG_SOURCE)
    elif subcommand == "push":
        options = _DOCKER_PUSH if name == "docker" else _PODMAN_TRANSFER
        found = positionals(words, options)
        if found is None or not found or len(found) > (1 if name == "docker" else 2):
            return
        if len(found) == 2:
            yield ImageArgument(found[0], ImageRole.BUILD_TAG)
            destination = _registry_word(found[1], bare=True)
            if destination is not None:
                yield ImageArgument(destination, ImageRole.PUSH_DESTINATION)
        else:
            yield ImageArgument(found[0], ImageRole.PUSH_DESTINATION)
    elif subcommand == "pull":
        found = positionals(words, _DOCKER_PULL if name == "docker" else _PODMAN_TRANSFER)
        for word in found or ():
            source = _registry_word(word, bare=True)
            if source is not None:
                yield ImageArgument(source, ImageRole.PULL_SOURCE)
    elif subcommand in ("run", "create") and name != "buildah":
        started = run_options(words)
        if started is not None:
            yield ImageArgument(words[started.image], ImageRole.RUN_IMAGE)
    elif subcommand == "from" and name == "buildah":
        found = positionals(words, _BUILDAH_FROM)
        if found is not None and len(found) == 1 and found[0].value != "scratch":
            source = _registry_word(found[0], bare=True)
            if source is not None:
                yield ImageArgument(source, ImageRole.PULL_SOURCE)


_DOCKER_RUN = options(
    "-a --attach --add-host --annotation --blkio-weight --blkio-weight-device --cap-add "
    "--cap-drop --cgroup-parent --cgroupns --cidfile --cpu-period --cpu-quota --cpu-rt-period "
    "--cpu-rt-runtime -c --cpu-shares --cpus --cpuset-cpus --cpuset-mems --device "
    "--device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps "
    "--device-write-iops --dns --dns-option --dns-search --domainname --entrypoint -e --env "
    "--env-file --expose --gpus --group-add --health-cmd --health-interval --health-retries "
    "--health-start-period --health-timeout -h --hostname --ip --ip6 --ipc --isolation "
    "--kernel-memory -l --label --label-file --link --link-local-ip --log-driver --log-opt "
    "--mac-address -m --memory --memory-reservation --memory-swap --memory-swappiness --mount "
    "--name --network --net --network-alias --oom-score-adj --pid --pids-limit --platform -p "
    "--publish --pull --restart --runtime --security-opt --shm-size --stop-signal "
    "--stop-timeout --storage-opt --sysctl --tmpfs --ulimit -u --user --userns --uts -v "
    "--volume --volume-driver --volumes-from -w --workdir",
    "-d --detach -i --interactive -t --tty --rm --privileged --init -P --publish-all "
    "--read-only --sig-proxy --no-healthcheck --oom-kill-disable -q --quiet "
    "--disable-content-trust",
)
_RUN_FLAG_LETTERS = frozenset("ditPq")
_BUILDAH_FROM = options(
    "--add-host --arch --authfile --cap-add --cap-drop --cert-dir --cgroup-parent "
    "--cgroupns --cidfile --cpu-period --cpu-quota -c --cpu-shares --cpuset-cpus "
    "--cpuset-mems --creds --decryption-key --device --dns --dns-option --dns-search "
    "-f --format --group-add --ipc --isolation -m --memory --memory-swap --name --network "
    "--net --os --pid --platform --retry --retry-delay --security-opt --shm-size --ulimit "
    "--userns --userns-gid-map --userns-gid-map-group --userns-uid-map "
    "--userns-uid-map-user --uts --variant -v --volume",
    "-q --quiet --pull --pull-always --pull-never --tls-verify --http-proxy",
)


class ContainerRun(Record):
    """`docker run … IMAGE …`: the image, and the environment the container gets."""

    image: Word
    env: dict[str, Word | None]
    """`-e NAME=value` by name; None for `-e NAME`, which passes the caller's value."""
    env_file: bool
    """`--env-file`: more variables, unknown offline."""


class RunOptions(Record):
    """What the options of `docker run` say: where the image is, the environment."""

    image: int
    """The index of the image among the words after `run`."""
    env: dict[str, Word | None]
    env_file: bool


def container_run(command: Command) -> ContainerRun | None:
    """The `docker run`/`podman run` a command is, if crlint can read its options."""
    found = program(command.words)
    if found is None or found[0] not in ("docker", "podman"):
        return None
    rest = positionals_after_globals(command.words[found[1] + 1 :], GLOBAL_OPTIONS[found[0]])
    if rest is None:
        return None
    subcommand, words = rest
    if subcommand == "container" and words and words[0].value == "run":
        subcommand, words = "run", words[1:]
    if subcommand != "run":
        return None
    options = run_options(words)
    if options is None:
        return None
    return ContainerRun(words[options.image], options.env, options.env_file)


def run_options(words: tuple[Word, ...]) -> RunOptions | None:
    """The options of `docker run` (the words after `run`), up to the image; None
    at an option crlint does not know."""
    env: dict[str, Word | None] = {}
    env_file = False
    index = 0
    while index < len(words):
        word = words[index]
        text = known_prefix(word)
        index += 1
        if not text.startswith("-") or text == "-":
            return RunOptions(index - 1, env, env_file)
        name, equals, _ = text.partition("=")
        if name in ("-e", "--env"):
            if equals:
                setting = word_from(word, len(name) + 1)
            elif index < len(words):
                setting, index = words[index], index + 1
            else:
                return None
            _environment(setting, env)
        elif name == "--env-file":
            env_file = True
            index += 0 if equals else 1
        elif name in _DOCKER_RUN.valued:
            index += 0 if equals else 1
        elif name in _DOCKER_RUN.flags or (
            not text.startswith("--") and set(text[1:]) <= _RUN_FLAG_LETTERS
        ):
            continue
        else:
            return None
    return None


def _environment(setting: Word, env: dict[str, Word | None]) -> None:
    """One `-e` setting: `NAME=value`, or `NAME` alone (the caller's value)."""
    text = known_prefix(setting)
    name, equals, _ = text.partition("=")
    if not name:
        return
    env[name] = word_from(setting, len(name) + 1) if equals else None


def positionals_after_globals(
    words: tuple[Word, ...], options: Options
) -> tuple[str, tuple[Word, ...]] | None:
    """The subcommand after a program's global options, and the words after it."""
    index = 0
    while index < len(words):
        text = known_prefix(words[index])
        if not text.startswith("-"):
            value = words[index].value
            return (value, words[index + 1 :]) if value is not None else None
        name, equals, _ = text.partition("=")
        if equals and (name in options.valued or name in options.flags):
            index += 1
        elif text in options.valued:
            index += 2
        elif text in options.flags:
            index += 1
        else:
            return None
    return None


def _crane(words: tuple[Word, ...]) -> Iterator[ImageArgument]:
    rest = positionals_after_globals(words, GLOBAL_OPTIONS["crane"])
    if rest is None:
        return
    subcommand, words = rest
    options = _CRANE.get(subcommand)
    if options is None:
        return
    found = positionals(words, options)
    if not found:
        return
    if subcommand in ("copy", "cp") and len(found) == 2:
        yield ImageArgument(found[0], ImageRole.PULL_SOURCE)
        yield ImageArgument(found[1], ImageRole.PUSH_DESTINATION)
    elif subcommand == "push" and len(found) == 2:
        yield ImageArgument(found[1], ImageRole.PUSH_DESTINATION)
    elif subcommand == "pull" and len(found) >= 2:
        for word in found[:-1]:
            yield ImageArgument(word, ImageRole.PULL_SOURCE)
    elif subcommand == "tag" and len(found) == 2:
        yield ImageArgument(found[0], ImageRole.PUSH_DESTINATION)
    elif subcommand in ("digest", "manifest", "config") and len(found) == 1:
        yield ImageArgument(found[0], ImageRole.PULL_SOURCE)


_REGCTL_COPY = options(
    "--platform --exclude --referrers-src --referrers-tgt --format",
    "--digest-tags --fast --force-recursive --include-external --referrers -v --verbose",
)


def _regctl(words: tuple[Word, ...]) -> Iterator[ImageArgument]:
    """`regctl image copy|cp SRC DST`: a pull and a push."""
    rest = positionals_after_globals(words, GLOBAL_OPTIONS["regctl"])
    if rest is None or rest[0] != "image" or not rest[1] or rest[1][0].value not in ("copy", "cp"):
        return
    found = positionals(rest[1][1:], _REGCTL_COPY)
    if found is not None and len(found) == 2:
        yield ImageArgument(found[0], ImageRole.PULL_SOURCE)
        yield ImageArgument(found[1], ImageRole.PUSH_DESTINATION)


def _skopeo(words: tuple[Word, ...]) -> Iterator[ImageArgument]:
    rest = positionals_after_globals(words, GLOBAL_OPTIONS["skopeo"])
    if rest is None:
        return
    subcommand, words = rest
    if subcommand not in ("copy", "inspect"):
        return
    # Options of these commands are many; the images are the words that
    # carry a transport, and only their order matters.
    named = [word for word in words if known_prefix(word).startswith(_TRANSPORTS)]
    roles = (
        (ImageRole.PULL_SOURCE, ImageRole.PUSH_DESTINATION)
        if subcommand == "copy"
        else (ImageRole.PULL_SOURCE,)
    )
    if len(named) != len(roles):
        return
    for word, role in zip(named, roles, strict=True):
        image = _registry_word(word, bare=False)
        if image is not None:
            yield ImageArgument(image, role)


def _registry_word(word: Word, bare: bool) -> Word | None:
    """The image a word names in a registry, past a `docker://` transport.

    `bare` says a word without a transport names a registry image (podman's
    default); a word with any other transport names no registry image.
    """
    text = known_prefix(word)
    if text.startswith(_DOCKER_TRANSPORT):
        return word_from(word, len(_DOCKER_TRANSPORT))
    if text.startswith(_TRANSPORTS):
        return None
    return word if bare else None
