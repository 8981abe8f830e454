"""Docker Compose files: the images services run, and the names builds give.

`compose.yaml`, `docker-compose.yml` and their variants (`docker-compose.ci.yml`).
A service's `image:` is pulled and run, or, beside `build:`, the name the
built image gets (and `docker compose push` pushes); `build.tags` are more
names for it; the Dockerfile a service builds is read with its `build:
args:` over the `ARG` defaults. Compose interpolates `${VAR}`, `$VAR` and
`${VAR:-default}` (`$$` is a `$`) from the environment it runs in and the `.env` file of the
project's directory: variables set in `.env` are known, the others are not
(whoever runs the file may set them), so a `${TAG:-latest}` is never taken
for its default.
"""

from __future__ import annotations

import os
import re

from crlint.discover.kinds import FileKind
from crlint.discover.sources import Unreadable, display_path, inside, read_bytes
from crlint.facts.expand import Dialect, scan, substitute
from crlint.facts.locations import Location
from crlint.facts.model import Binding, Env, FileFacts, ImageRef, ImageRole, SetBy, known_text
from crlint.frontends.base import Frontend
from crlint.frontends.yaml_documents import read_documents
from crlint.frontends.yaml_nodes import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    SourceIndex,
    mapping,
    same_yaml,
)
from crlint.world.tools import options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.facts.model import Word
    from crlint.frontends.base import Context, Extraction
    from crlint.frontends.yaml_nodes import Node

_ENV_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)")
MAX_ENV_FILE = 256 * 1024
"""An `.env` larger than this is not a project's settings: not read."""


def extract(source: SourceFile, context: Context) -> Extraction:
    env = dotenv(os.path.dirname(source.real_path), context.root)
    reader = _Reader(source, env, context.files, context.root)
    return read_documents(source, "`docker compose` rejects this file", reader)


# `docker compose`'s options before its subcommand.
_OPTIONS = options(
    "-f --file -p --project-name --project-directory --env-file --profile --ansi --progress "
    "--parallel",
    "--compatibility --dry-run --all-resources",
)
_READS_IMAGES = frozenset({"build", "push", "pull", "up", "create", "run"})
DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def files_run(words: tuple[Word, ...], cwd: str) -> list[str] | None:
    """The Compose files `docker compose …` (the words after `compose`) reads
    for a subcommand that builds, pushes, pulls or starts images: its `-f`
    files, or the default file in `cwd`; None for another subcommand, an
    option crlint does not know, or a file named by a value it does not."""
    named: list[str] = []
    index = 0
    while index < len(words):
        text = words[index].value
        if text is None:
            return None
        index += 1
        if not text.startswith("-"):
            if text not in _READS_IMAGES:
                return None
            break
        name, equals, value = text.partition("=")
        if name in _OPTIONS.valued:
            if not equals:
                if index >= len(words) or words[index].value is None:
                    return None
                value, index = words[index].value or "", index + 1
            if name in ("-f", "--file"):
                named.append(value)
        elif name not in _OPTIONS.flags:
            return None
    else:
        return None  # no subcommand
    if named:
        return [os.path.normpath(os.path.join(cwd, path)) for path in named]
    found = next((name for name in DEFAULT_FILES if os.path.isfile(os.path.join(cwd, name))), None)
    return [os.path.join(cwd, found)] if found is not None else []


def service_images(
    source: SourceFile, env: Env, files: SourceCache, root: str, runner: str
) -> list[ImageRef]:
    """The images of a Compose file as a command running it sees them: its
    `.env` under the command's environment, which wins (as Compose does);
    `runner` says who runs it, for messages ("job `release`")."""
    around = dotenv(os.path.dirname(source.real_path), root)
    bindings = {binding.name: binding for binding in env}
    reader = _Reader(source, around.with_bindings(bindings), files, root, runner)
    rejects = "`docker compose` rejects this file"
    return read_documents(source, rejects, reader, files).facts.images


class _Reader:
    def __init__(
        self,
        source: SourceFile,
        env: Env,
        files: SourceCache | None,
        root: str | None,
        runner: str | None = None,
    ) -> None:
        self.source = source
        self.runner = runner
        """Who runs the file, when a command does: its services are then named
        as its ("job `release` (`docker compose`, service `app`)")."""
        self.index = SourceIndex(source.path, source.text)
        self.env = env
        self.files = files
        self.root = root
        self.facts = FileFacts()

    def document(self, root: MappingNode) -> None:
        services = mapping(root).get("services")
        for name, (_, service) in mapping(services[1] if services else None).items():
            if isinstance(service, MappingNode):
                where = f"service `{name}`"
                if self.runner is not None:
                    where = f"{self.runner} (`docker compose`, {where})"
                self.facts.images.extend(_service_images(self.index, where, service, self.env))
                self.facts.images.extend(self.built_from(where, service))

    def built_from(self, where: str, service: MappingNode) -> list[ImageRef]:
        """The images the Dockerfile a service builds names, with the service's
        `build: args:` over its `ARG` defaults; none without `args:` (the
        Dockerfile is checked on its own then), or outside the repository."""
        build = mapping(service).get("build")
        entries = mapping(build[1]) if build is not None else {}
        args = entries.get("args")
        if args is None or self.files is None or self.root is None:
            return []
        directory = os.path.dirname(self.source.real_path)
        context = _text(entries.get("context")) or "."
        dockerfile = _text(entries.get("dockerfile")) or "Dockerfile"
        if "$" in context + dockerfile or "://" in context:
            return []  # a context built from variables, or a Git URL
        path = os.path.normpath(os.path.join(directory, context, dockerfile))
        source = self.files.get(path, FileKind.DOCKERFILE, self.root)
        if isinstance(source, Unreadable):
            return []
        from crlint.frontends.dockerfile import built_images

        images = built_images(source, self.build_args(args[1]))
        return [image._replace(context=f"{image.context} built by {where}") for image in images]

    def build_args(self, node: Node) -> dict[str, Binding]:
        """`args:` as a mapping or a list of `NAME=value`; a name without a value
        (taken from the environment) or a value with an unknown part is unknown."""
        found: list[tuple[str, ScalarNode | None, ScalarNode]] = []
        if isinstance(node, MappingNode):
            for key, (key_node, item) in mapping(node).items():
                if isinstance(key_node, ScalarNode):
                    found.append((key, item if isinstance(item, ScalarNode) else None, key_node))
        elif isinstance(node, SequenceNode):
            for entry in node.value:
                if isinstance(entry, ScalarNode) and "=" in str(entry.value):
                    found.append((str(entry.value).partition("=")[0], entry, entry))
        bindings: dict[str, Binding] = {}
        for arg, value, at in found:
            known = None
            if value is not None and value.value is not None:
                text = str(value.value)
                if value is at:  # `NAME=value` in a list
                    text = text.partition("=")[2]
                parts = substitute(scan(text, Dialect.GITLAB), self.env, Dialect.GITLAB)
                known = known_text(parts)
            location = self.index.located(at).location()
            bindings[arg] = Binding(arg, known, location, SetBy.BUILD_ARG, expand=False)
        return bindings


def _text(entry: tuple[Node, Node] | None) -> str:
    node = entry[1] if entry is not None else None
    return str(node.value) if isinstance(node, ScalarNode) and node.value is not None else ""


def _service_images(
    index: SourceIndex, where: str, service: MappingNode, env: Env
) -> list[ImageRef]:
    entries = mapping(service)
    build = entries.get("build")
    found: list[tuple[ScalarNode, ImageRole]] = []
    image = entries.get("image")
    if image is not None and isinstance(image[1], ScalarNode) and image[1].value:
        found.append((image[1], ImageRole.BUILD_TAG if build else ImageRole.RUN_IMAGE))
    if build is not None and isinstance(build[1], MappingNode):
        tags = mapping(build[1]).get("tags")
        if tags is not None and isinstance(tags[1], SequenceNode):
            found.extend(
                (item, ImageRole.BUILD_TAG)
                for item in tags[1].value
                if isinstance(item, ScalarNode) and item.value
            )
    references = []
    for node, role in found:
        written = index.located(node)
        parts = substitute(scan(written.text, Dialect.GITLAB), env, Dialect.GITLAB)
        references.append(ImageRef(written, parts, role, where, env))
    return references


def dotenv(directory: str, root: str | None) -> Env:
    """The variables of the `.env` file in a compose project's directory, each
    known where it is written; no file, or one outside the repository, none."""
    path = os.path.join(directory, ".env")
    boundary = root if root is not None else directory
    if not os.path.isfile(path) or not inside(os.path.realpath(path), boundary):
        return Env()
    data = read_bytes(path)  # (no FIFO, device or endless link)
    if isinstance(data, Unreadable) or len(data) > MAX_ENV_FILE:
        return Env()
    text = data.decode("utf-8", "replace")
    shown = display_path(path, os.getcwd())
    bindings: dict[str, Binding] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if match is None:
            continue
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        at = Location.point(shown, number, match.start(1) + 1)
        bindings[match.group(1)] = Binding(match.group(1), value, at, SetBy.DOTENV)
    return Env(bindings)


FRONTEND = Frontend(FileKind.COMPOSE, extract, same_yaml)
