"""The vocabulary every check speaks.

Frontends are the only code that knows a file format; they turn files into
these facts. Checks read facts and never open files, so the same check sees
an image reference whether it was written in a CI job, a Dockerfile, a Pod
spec or a shell script.

Values keep their origin: text as written (with its `LocatedText`), its
expansion as far as it is known (`Literal` and `Unknown` parts whose offsets
point back into the written text), and where each variable was set.
"""

from __future__ import annotations

import re

from crlint.facts.choice import Choice
from crlint.facts.locations import LocatedText, Location
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from typing import Protocol, TypeVar

    from crlint.facts.findings import Edit

    T = TypeVar("T")

    class Locatable(Protocol):
        """What was written somewhere (a YAML key, a shell word), placed when asked."""

        def location(self) -> Location: ...


# A shell parameter operation (`Unknown.operations`), after the name:
# `:offset[:length]`, `/pat/rep` (`//`, `/#`, `/%`), `,,` `,` `^^` `^`,
# `##pat` `#pat`, `%%pat` `%pat`, `:+alt` `+alt`. What each does to a value
# is `crlint.facts.parameter_operations`', imported only when one is met.
OPERATION = re.compile(
    r"(?P<substring>:[ \t]*-?[0-9]+(?::[ \t]*-?[0-9]+)?)"
    r"|(?P<replace>/[/#%]?(?:[^/\\]|\\.)*(?:/.*)?)"
    r"|(?P<case>,,?|\^\^?)"
    r"|(?P<trim>##?.*|%%?.*)"
    r"|(?P<alternative>:?\+.*)",
    re.DOTALL,
)


class Literal(Record):
    """Known text of an expansion.

    `start`/`end` are offsets in the written text the characters came from.
    When `via` is None and `len(text) == end - start` the characters map one
    to one onto the written text; otherwise (a known variable's value, an
    escape sequence) the whole part maps onto the written span.
    """

    text: str
    start: int
    end: int
    via: str | None = None


class Unknown(Record):
    """Text whose value cannot be known offline.

    For a variable reference `name` is the variable (`CI_COMMIT_REF_NAME`)
    and `default` the `${X:-default}` text if any; otherwise `variable` is
    False and `name` is what stands there (`$(...)`, `__REGISTRY__`). Checks
    may reason about a predefined variable by its name, never guess its value.
    """

    name: str
    start: int
    end: int
    default: str | None = None
    variable: bool = True
    via: str | None = None
    """The variable whose value holds this reference, when it came in through
    one (`TAG: $CI_COMMIT_REF_NAME`, used as `$TAG`): the innermost such."""
    operations: tuple[str, ...] = ()
    """Shell parameter operations applied to the value, in order, as written
    after the name (`//\\//-`, `,,`, `:0:8`): see `crlint.facts.parameter_operations`."""


Part = Literal | Unknown


def known_text(parts: tuple[Part, ...]) -> str | None:
    """The full expanded text, or None if any part is unknown."""
    if len(parts) == 1:  # most words: asked for again and again by every check
        part = parts[0]
        return part.text if isinstance(part, Literal) else None
    pieces = []
    for part in parts:
        if isinstance(part, Unknown):
            return None
        pieces.append(part.text)
    return "".join(pieces)


def display_text(parts: tuple[Part, ...]) -> str:
    """The expansion with unknown parts shown as `${NAME}`, for messages."""
    return "".join(part.text if isinstance(part, Literal) else show_unknown(part) for part in parts)


def show_unknown(part: Unknown) -> str:
    """How an unknown part reads in a message: `${NAME}`, or its own text."""
    if not part.variable:
        return part.name
    if part.default is not None:
        return "${" + part.name + ":-" + part.default + "}"
    return "${" + part.name + "".join(part.operations) + "}"


class ImageRole(Choice):
    """Where an image reference is used; messages and later rules depend on it."""

    CI_IMAGE = "ci-image"
    CI_SERVICE = "ci-service"
    BASE_IMAGE = "base-image"
    COPY_FROM = "copy-from"
    CONTAINER_IMAGE = "container-image"
    MANIFEST_TARGET = "manifest-target"
    MANIFEST_SOURCE = "manifest-source"
    BUILD_TAG = "build-tag"
    """A name given to a local image: `docker build -t`, the new name of `docker tag`."""
    TAG_SOURCE = "tag-source"
    """The local image a `docker tag` gives another name."""
    PUSH_DESTINATION = "push-destination"
    """Where an image is pushed: `docker push`, kaniko `--destination`, a copy's target."""
    PULL_SOURCE = "pull-source"
    """An image read from a registry: `docker pull`, a copy's source, `crane digest`,
    `buildah from`."""
    RUN_IMAGE = "run-image"
    """The image a container is started from: `docker run`, `podman create`; pulled
    when it is not there already."""

    @property
    def pulls(self) -> bool:
        """Whether using the reference reads the image from its registry."""
        return self in _PULLING

    @property
    def names_a_push(self) -> bool:
        """Whether the reference names an image that is (or is built to be) pushed."""
        return self in _PUSHED


_PULLING = frozenset(
    {ImageRole.CI_IMAGE, ImageRole.CI_SERVICE, ImageRole.PULL_SOURCE, ImageRole.RUN_IMAGE}
)
_PUSHED = frozenset({ImageRole.BUILD_TAG, ImageRole.PUSH_DESTINATION, ImageRole.MANIFEST_TARGET})


class SafeRefs(Record):
    """The ref variables (`CI_COMMIT_REF_NAME`, …) that a job's `rules:`/`only:`
    make safe: every value the job can see fits a tag (`in_tag`), or a path."""

    in_tag: frozenset[str]
    in_path: frozenset[str]


class ImageRef(Record):
    """An image reference: as written, as far as expanded, and what it is for."""

    written: LocatedText
    parts: tuple[Part, ...]
    role: ImageRole
    context: str
    """Where it is used, for messages: "job `build`", "stage `builder`"."""
    env: Env
    """The variables its expansion used, to say where a bad value came from."""
    ci: bool = False
    """Used by a GitLab CI job, where the predefined `$CI_*` variables are set."""
    own_pipeline: bool = False
    """Used by the repository's own pipeline (its `.gitlab-ci.yml`, what that
    includes, the scripts its jobs run), so `$CI_REGISTRY_IMAGE` is this
    project's; a CI file outside it may be a template other projects include."""
    template: bool = False
    """Written in a hidden job that no job uses: it runs only where another
    project's job extends it."""
    refs: SafeRefs | None = None
    """What the job's conditions say about the ref it runs for."""


class Word(Record):
    """One shell word: written text, and its value with quotes removed."""

    written: LocatedText
    parts: tuple[Part, ...]

    @property
    def value(self) -> str | None:
        return known_text(self.parts)


class Assignment(Record):
    """`NAME=value` before a command, or as an argument of `export`."""

    name: str
    value: Word
    location: Location


class SetBy(Choice):
    """Where a variable was set; its value is how messages name it
    ("`TAG` is set here (global variables)")."""

    CONFIGURATION = "configuration (`ci-variables`)"
    GLOBAL_VARIABLES = "global variables"
    WORKFLOW_RULES = "`workflow:rules:variables`, when a rule matches"
    JOB_VARIABLES = "job variables"
    RULES = "`rules:variables`, when the rule matches"
    MATRIX = "`parallel:matrix`, one value per job instance"
    SCRIPT = "set in the script"
    PREFIX = "set before the command"
    CONDITIONAL = "set conditionally in the script"
    ARG_DEFAULT = "ARG default"
    GLOBAL_ARG_DEFAULT = "ARG default (global)"
    ENV = "ENV"
    DOTENV = "the `.env` file Compose reads"
    BUILD_ARG = "`build: args:` of a Compose service"
    CONTAINER_ENV = "container env"
    CALL_ENV = "`env=` of the call"
    ENV_ARGUMENT = "`env=`"

    @property
    def in_script(self) -> bool:
        """Set by the script itself, where a fix can add to it."""
        return self in (SetBy.SCRIPT, SetBy.PREFIX, SetBy.CONDITIONAL)


class Binding(Record):
    """A variable in force: its value (None when unknown) and where it was set."""

    name: str
    value: str | None
    at: Location | Locatable | None
    """Where it was set: the location, or what was written there (a YAML key, a
    word), whose location is worked out when asked (`location`): a job's
    variables are bound for every job and most are never shown."""
    origin: SetBy
    expand: bool = True
    """False for GitLab's `expand: false`: the value is taken literally."""
    parts: tuple[Part, ...] | None = None
    """The value already expanded, for a shell assignment: the shell expands it
    when the assignment runs, with the variables in force then."""
    written: Callable[[], LocatedText] | None = None
    """The value as written, located; a function, since locating a YAML
    scalar has a cost and only a fix needs it."""

    @property
    def location(self) -> Location | None:
        at = self.at
        return at if at is None or isinstance(at, Location) else at.location()


class Env:
    """Variables in force for a command or an image reference.

    A name that is not bound may still be set from outside (GitLab UI
    variables, build arguments), so absence means unknown, never empty, for
    a value. A check about a setting everyone forgets (`GODEBUG`) may read
    absence as "not set", and say where it may be set after all when
    `unseen` names configuration that sets variables and was not read.
    """

    __slots__ = ("_bindings", "unseen")

    def __init__(
        self, bindings: Mapping[str, Binding] | None = None, unseen: str | None = None
    ) -> None:
        self._bindings: dict[str, Binding] = dict(bindings or {})
        self.unseen = unseen
        """Configuration crlint could not read that may set variables here, for
        messages: "`include: project` of `a/b:ci.yml`", "`.base` (not defined
        here)"; None when everything that sets them was read."""

    def get(self, name: str) -> Binding | None:
        return self._bindings.get(name)

    def with_bindings(self, bindings: Mapping[str, Binding]) -> Env:
        merged = dict(self._bindings)
        merged.update(bindings)
        return Env(merged, self.unseen)

    def without(self, name: str) -> Env:
        return Env({n: b for n, b in self._bindings.items() if n != name}, self.unseen)

    def __iter__(self) -> Iterator[Binding]:
        return iter(self._bindings.values())

    def __len__(self) -> int:
        return len(self._bindings)

    def __repr__(self) -> str:
        return f"Env({sorted(self._bindings)})"


EMPTY_ENV = Env()


class Command(Record):
    """A simple command: its argv words, prefix assignments and environment."""

    words: tuple[Word, ...]
    assignments: tuple[Assignment, ...]
    env: Env
    context: str
    """Where it runs, for messages: "job `build`", "script ci/build.sh"."""
    at: Location | LocatedText
    """Where it was written: its location, or its text, whose location is worked
    out when asked (`location`): most commands are read and never reported."""
    ci: bool = False
    """Run by a GitLab CI job (directly or through a script the job runs)."""
    own_pipeline: bool = False
    """Run by the repository's own pipeline (see `ImageRef.own_pipeline`)."""
    template: bool = False
    """Run by a hidden job that no job uses (see `ImageRef.template`)."""
    entrypoint: str | None = None
    """The program the words are arguments of, when they are only arguments: a
    container's `args:` without `command:` run its image's entrypoint
    (`executor` for a kaniko image)."""
    image: str | None = None
    """The image the command runs in (a CI job's `image:`, a container's), as far
    as it is known, unknown parts shown as `${NAME}`."""
    set_variable: SetVariable | None = None
    """Edits that set a variable for every command of the job or container this
    one runs in; None where crlint cannot write one (a script, a Dockerfile)."""
    how_to_set: str | None = None
    """How a variable is set for it, for messages, where that is not a shell's
    `NAME=value` (an `env=` entry of a Python call)."""
    refs: SafeRefs | None = None
    """What the conditions of the job running it say about the ref (`ImageRef.refs`)."""
    images: tuple[ImageRef, ...] = ()
    """Images it names in a file it reads, expanded in its environment: the
    services of a Compose file that `docker compose push` pushes."""

    @property
    def location(self) -> Location:
        at = self.at
        return at.location() if isinstance(at, LocatedText) else at


# `set(name, value)`: the edits that make `name` hold `value` for a job or a
# container (a key in its own `variables:`, an `env:` entry), or None when its
# YAML is written in a way crlint does not edit (flow style).
if TYPE_CHECKING:
    SetVariable = Callable[[str, str], tuple[Edit, ...] | None]


class Container(Record):
    """Where an image runs with an environment of its own: a Kubernetes or
    Tekton container, or the image a Dockerfile builds (its last stage), in
    whatever later runs it."""

    image: str | None
    """The image it runs, as far as known (unknown parts as `${NAME}`)."""
    env: Env
    context: str
    """For messages: "container `kaniko` of Pod `build`", "the image Dockerfile builds"."""
    location: Location
    """Where to report it: the container's `image:`, the last `FROM`."""
    runs: tuple[str, ...] = ()
    """What it runs, where that is written: `command:`, an `ENTRYPOINT`."""
    arguments: tuple[str | None, ...] = ()
    """Its `args:`, as far as known (None for a word with an unknown part)."""
    env_from_elsewhere: bool = False
    """`envFrom`: variables come from a secret or config map, unknown offline."""
    set_variable: SetVariable | None = None
    how_to_set: str = "an `env:` entry"
    """How a variable is set there, for messages (`ENV` in a Dockerfile)."""
    executor_from: str | None = None
    """The image a Dockerfile copied `/kaniko/…` from (`COPY --from=…`), as far as
    known: when that is kaniko's, this image runs kaniko's executor too."""


class RegistryConfig(Record):
    """A container registry's configuration (distribution's `config.yml`)."""

    schema1: Location | None
    """Where `compatibility: schema1: enabled: true` turns schema 1 manifests on."""
    realm: str | None
    """`auth: token: realm:`, where clients fetch their tokens (GitLab's `/jwt/auth`)."""
    realm_location: Location | None
    external_url: str | None
    """An `external_url` written beside it, if any."""


class InstanceSetting(Record):
    """A GitLab instance setting a repository that manages GitLab as code sets:
    a Terraform `gitlab_application_settings` attribute, an API call."""

    name: str
    """The setting's name in GitLab's API (`container_registry_token_expire_delay`)."""
    value: str | None
    """As written; None when it is not known (a Terraform variable)."""
    location: Location
    where: str
    """For messages: "Terraform `gitlab_application_settings.this`", "an API call"."""


class ProxyRoute(Record):
    """A proxy's `location` block (nginx) and what it does to requests it matches."""

    match: str
    """The location's path or pattern, as written."""
    modifier: str
    """`=`, `~`, `~*`, `^~`, or "" for a prefix."""
    server: int
    """Which `server` block of its file it is in: nginx picks among those."""
    location: Location
    strips_authorization: tuple[tuple[str, Location], ...]
    """Directives that drop or blank the `Authorization` header, or redirect."""


class ManifestKind(Choice):
    IMAGE_MANIFEST = "image-manifest"
    MANIFEST_LIST = "manifest-list"
    OCI_INDEX = "oci-index"
    SCHEMA1 = "schema1"
    MANIFEST_TOOL_SPEC = "manifest-tool-spec"


class ManifestEntry(Record):
    """One entry of a list, index or manifest-tool spec."""

    media_type: str | None
    digest: str | None
    platform: Mapping[str, str]
    image: ImageRef | None
    location: Location


class Manifest(Record):
    """A parsed image manifest, manifest list, OCI index or manifest-tool spec."""

    kind: ManifestKind
    schema_version: int | None
    media_type: str | None
    entries: tuple[ManifestEntry, ...]
    target: ImageRef | None
    location: Location
    """Where the kind is declared (`schemaVersion`, or the spec's `image:`)."""


class Project(Record):
    """The repository's own GitLab project, when crlint can tell it."""

    path: str | None
    """The full project path, `group/subgroup/project`."""
    host: str | None
    """The GitLab host the project lives on."""
    registry: str | None
    """The registry host (and port) that `$CI_REGISTRY` names, if known."""
    source: str
    """Where it was learnt: "git remote `origin`", "configuration", "unknown"."""


UNKNOWN_PROJECT = Project(None, None, None, "unknown")


class Facts:
    """Everything the frontends found in one run, in the order found.

    The project is learnt on first use, and so are the commands of CI jobs
    and shell scripts: splitting every script line into commands is most of
    the cost of reading a pipeline, and a run whose checks never ask for
    commands does not pay it.
    """

    __slots__ = (
        "_commands",
        "_derived",
        "_later",
        "_project",
        "_project_source",
        "containers",
        "images",
        "instance_settings",
        "kaniko_images",
        "manifests",
        "proxy_routes",
        "registry_configs",
        "shared_templates",
    )

    def __init__(self, project: Project | Callable[[], Project] = UNKNOWN_PROJECT) -> None:
        self.images: list[ImageRef] = []
        self._commands: list[Command] = []
        self._later: list[Callable[[], list[Command]]] = []
        self.manifests: list[Manifest] = []
        self._project = project if isinstance(project, Project) else None
        self._project_source = None if isinstance(project, Project) else project
        self._derived: dict[Callable[[Facts], object], object] = {}
        self.containers: list[Container] = []
        self.registry_configs: list[RegistryConfig] = []
        self.proxy_routes: list[ProxyRoute] = []
        self.instance_settings: list[InstanceSetting] = []
        self.kaniko_images: frozenset[str] = frozenset()
        """Images configured (`kaniko-images`) as running kaniko's executor."""
        self.shared_templates: set[str] = set()
        """Included CI files that define only hidden jobs: templates other
        projects may include too, where the project's own path is written on
        purpose (by path as shown)."""

    @property
    def commands(self) -> list[Command]:
        """Every command, those deferred worked out now, in the order files were read.

        When every check of the run names the programs it reads
        (`Check.programs`), script lines that mention none of them and cannot
        change the shell's state are left out.
        """
        while self._later:  # a producer may defer more: take them in turn
            later, self._later = self._later, []
            for produce in later:
                self._commands.extend(produce())
        return self._commands

    def derived(self, derive: Callable[[Facts], T]) -> T:
        """What `derive` makes of these facts, worked out once for every check.

        Facts the commands layer reads out of commands (the images they name,
        the registry tools they run) are derived here rather than in this
        module, which imports nothing above the vocabulary: see
        `crlint.commands.images.command_images` and
        `crlint.commands.invocations.invocations`.
        """
        known = self._derived.get(derive, _NOT_YET)
        if known is _NOT_YET:
            known = self._derived[derive] = derive(self)
        return known  # type: ignore[return-value]

    def defer(self, commands: Callable[[], list[Command]]) -> None:
        """Commands to work out when a check first asks for commands."""
        self._later.append(commands)

    @property
    def project(self) -> Project:
        if self._project is None:
            assert self._project_source is not None
            self._project = self._project_source()
        return self._project

    def extend(self, other: FileFacts) -> None:
        self.images.extend(other.images)
        if other.commands:
            commands = other.commands
            self.defer(lambda: commands)  # keeps the order with deferred commands
        self.manifests.extend(other.manifests)
        self.containers.extend(other.containers)
        self.registry_configs.extend(other.registry_configs)
        self.proxy_routes.extend(other.proxy_routes)
        self.instance_settings.extend(other.instance_settings)
        self.shared_templates.update(other.shared_templates)


_NOT_YET = object()


class FileFacts:
    """What one frontend found in one file."""

    __slots__ = (
        "commands",
        "containers",
        "images",
        "instance_settings",
        "manifests",
        "proxy_routes",
        "registry_configs",
        "shared_templates",
    )

    def __init__(self) -> None:
        self.images: list[ImageRef] = []
        self.instance_settings: list[InstanceSetting] = []
        self.commands: list[Command] = []
        self.manifests: list[Manifest] = []
        self.containers: list[Container] = []
        self.registry_configs: list[RegistryConfig] = []
        self.proxy_routes: list[ProxyRoute] = []
        self.shared_templates: list[str] = []
