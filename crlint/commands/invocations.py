"""What registry tools' commands do beyond naming images: log in, copy, assemble lists.

`crlint.commands.images` reads which arguments name images; this module reads
the rest the checks need: the password of a `login`, the options of a
`skopeo copy`/`sync`, and the target and sources of every command that
assembles a manifest list or index from per-architecture images
(`docker manifest create`, `docker buildx imagetools create`, `podman` and
`buildah manifest create/add`, `crane index append`, `regctl index
create/add`, `manifest-tool push from-args`).
"""

from __future__ import annotations

from crlint.commands.images import (
    known_prefix,
    option_values,
    positionals,
    positionals_after_globals,
)
from crlint.commands.programs import may_run, program
from crlint.commands.words import word_from
from crlint.facts.record import Record
from crlint.world.tools import GLOBAL_OPTIONS, REGISTRY_PROGRAMS, Options

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.facts.model import Command, Facts, Word


class Invocation(Record):
    """A command running one of `REGISTRY_PROGRAMS`: which, its subcommand, the words after."""

    command: Command
    tool: str
    subcommand: str
    words: tuple[Word, ...]


def invocations(facts: Facts) -> list[Invocation]:
    """The run's commands that run a registry tool, read once for every check."""
    return facts.derived(_invocations)


def _invocations(facts: Facts) -> list[Invocation]:
    found = (invocation(command) for command in facts.commands)
    return [item for item in found if item is not None]


def invocation(command: Command) -> Invocation | None:
    """How a command runs a registry tool, if it does."""
    if not may_run(command.words, REGISTRY_PROGRAMS):
        return None
    found = program(command.words)
    if found is None or found[0] not in REGISTRY_PROGRAMS:
        return None
    name = found[0]
    words = command.words[found[1] + 1 :]
    options = GLOBAL_OPTIONS.get(name)
    if options is None:
        first = words[0].value if words else None
        return Invocation(command, name, first, words[1:]) if first is not None else None
    rest = positionals_after_globals(words, options)
    return Invocation(command, name, *rest) if rest is not None else None


# -- logins ---------------------------------------------------------------


class LoginSyntax(Record):
    """How a tool logs in: its subcommand words, the password options, the
    option that reads the password from stdin instead."""

    subcommand: tuple[str, ...]
    options: tuple[str, ...]
    stdin: str
    warns: str | None
    """Who prints Docker's warning about `--password` (the tool itself), if anyone."""


_PASSWORD = ("-p", "--password")
LOGINS = {
    "docker": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns="Docker"),
    "nerdctl": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns="nerdctl"),
    "podman": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns=None),
    "buildah": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns=None),
    "skopeo": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns=None),
    "oras": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns=None),
    "img": LoginSyntax(("login",), _PASSWORD, "--password-stdin", warns=None),
    "crane": LoginSyntax(("auth", "login"), _PASSWORD, "--password-stdin", warns=None),
    "helm": LoginSyntax(("registry", "login"), _PASSWORD, "--password-stdin", warns=None),
    "werf": LoginSyntax(("cr", "login"), _PASSWORD, "--password-stdin", warns=None),
    "regctl": LoginSyntax(("registry", "login"), ("-p", "--pass"), "--pass-stdin", warns=None),
}
"""Every registry login crlint reads, by program."""


class Login(Record):
    """A `login` given its password on the command line."""

    tool: str
    option: Word
    """`-p`, `--password`, or the word holding both (`-pX`, `--password=X`)."""
    password: Word
    syntax: LoginSyntax


def password_argument(found: Invocation) -> Login | None:
    """The password a registry login takes as an argument, if it does."""
    syntax = LOGINS.get(found.tool)
    if syntax is None:
        return None
    first, *more = syntax.subcommand
    words = found.words
    if found.subcommand != first:
        return None
    for name in more:
        if not words or words[0].value != name:
            return None
        words = words[1:]
    return _password(found.tool, words, syntax)


def _password(tool: str, words: tuple[Word, ...], syntax: LoginSyntax) -> Login | None:
    short, long = syntax.options
    for index, word in enumerate(words):
        text = known_prefix(word)
        if word.value is not None and word.value in syntax.options:
            if index + 1 < len(words):
                return Login(tool, word, words[index + 1], syntax)
            return None
        if text.startswith(long + "="):
            return Login(tool, word, word_from(word, len(long) + 1), syntax)
        # `-psecret`, or `-p"$TOKEN"`: the password is the rest of the word.
        attached = len(text) > 2 or (text == short and word.value is None)
        if text.startswith(short) and attached and not text.startswith("--"):
            return Login(tool, word, word_from(word, 2), syntax)
    return None


# -- skopeo copy and sync -----------------------------------------------------


class Copy(Record):
    """`skopeo copy`/`sync`: what it copies, and with which options."""

    subcommand: Word
    all_images: bool
    """`--all`, `-a` or `--multi-arch all`: every architecture is copied."""
    between_registries: bool
    """Both ends are registries (`docker://` for copy, `--src/--dest docker` for sync)."""
    format: Word | None
    """The value of `--format`/`-f`, if given."""
    source: Word | None = None
    """What `skopeo copy` copies (its `docker://` transport taken off), if it is a registry's."""


def skopeo_copy(found: Invocation) -> Copy | None:
    if found.tool != "skopeo" or found.subcommand not in ("copy", "sync"):
        return None
    name, arguments, words = found.subcommand, found.words, found.command.words
    sub = words[len(words) - len(arguments) - 1]
    texts = [known_prefix(w) for w in arguments]
    all_images = any(t in ("--all", "-a") for t in texts) or _multi_arch_all(arguments)
    source = None
    if name == "copy":
        registries = [t for t in texts if not t.startswith("-") and ":" in t]
        between = len(registries) == 2 and all(t.startswith("docker://") for t in registries)
        if between:
            word = arguments[texts.index(registries[0])]
            source = word_from(word, len("docker://"))
    else:
        ends = {flag: list(option_values(arguments, flag)) for flag in ("--src", "--dest")}
        between = all(len(values) == 1 and values[0].value == "docker" for values in ends.values())
    formats = list(option_values(arguments, "-f", "--format"))
    return Copy(sub, all_images, between, formats[-1] if formats else None, source)


def single_platform_builds(found: Invocation) -> list[Word]:
    """The names a `docker|podman|buildah build` gives an image built for one
    platform (no `--platform a,b`, no `--manifest`); none for any other command."""
    words = found.words
    if found.tool == "docker" and found.subcommand == "buildx" and words:
        if words[0].value not in ("build", "b"):
            return []
        words = words[1:]
    elif found.tool not in ("docker", "podman", "buildah") or found.subcommand not in (
        "build",
        "bud",
    ):
        return []
    platforms = list(option_values(words, "--platform"))
    if len(platforms) > 1 or any("," in (p.value or ",") for p in platforms):
        return []
    if any(known_prefix(w).startswith("--manifest") for w in words):
        return []
    return list(option_values(words, "-t", "--tag"))


def _multi_arch_all(words: tuple[Word, ...]) -> bool:
    return any(value.value == "all" for value in option_values(words, "--multi-arch"))


# -- manifest lists -------------------------------------------------------------


class ListAssembly(Record):
    """A command that makes a manifest list (or index) from other images."""

    tool: str
    target: Word
    sources: tuple[Word, ...]
    template: bool = False
    """The sources are a manifest-tool `--template` (with `ARCH`, `OS`, `VARIANT`)."""


def list_assemblies(found: Invocation) -> list[ListAssembly]:
    """The lists a command assembles: one per target."""
    read = _ASSEMBLERS.get(found.tool)
    return read(found.subcommand, found.words) if read is not None else []


def _positionals(words: tuple[Word, ...], valued: frozenset[str]) -> list[Word]:
    """Arguments that are not options: an option in `valued` takes the next
    word, any other is a flag (list tools have few options with a value)."""
    return positionals(words, Options(valued, frozenset()), strict=False) or []


def _docker(name: str, words: tuple[Word, ...]) -> list[ListAssembly]:
    if name == "manifest" and words and words[0].value == "create":
        found = _positionals(words[1:], frozenset())
        if found and len(found) >= 2:
            return [ListAssembly("docker manifest create", found[0], tuple(found[1:]))]
        return []
    if name == "buildx" and len(words) >= 2 and words[0].value == "imagetools":
        if words[1].value != "create":
            return []
        rest = words[2:]
        targets = list(option_values(rest, "-t", "--tag"))
        sources = _positionals(rest, frozenset({"-t", "--tag", "-f", "--file", "--annotation"}))
        if not targets or not sources or len(sources) < 2:
            return []  # one source is a re-tag, not a list
        return [
            ListAssembly("docker buildx imagetools create", target, tuple(sources))
            for target in targets
        ]
    return []


def _podman(name: str, words: tuple[Word, ...], tool: str = "podman") -> list[ListAssembly]:
    if name != "manifest" or not words or words[0].value not in ("create", "add"):
        return []
    action = words[0].value
    valued = frozenset(
        {"--arch", "--os", "--variant", "--features", "--os-version", "--annotation",
         "--authfile", "--cert-dir", "--creds"}
    )  # fmt: skip
    found = _positionals(words[1:], valued)
    if not found or len(found) < 2:
        return []
    sources = tuple(_without_transport(word) for word in found[1:])
    return [ListAssembly(f"{tool} manifest {action}", found[0], sources)]


def _without_transport(word: Word) -> Word:
    """`docker://registry/app:1` as `registry/app:1`: podman names registry images so."""
    prefix = "docker://"
    return word_from(word, len(prefix)) if known_prefix(word).startswith(prefix) else word


def _buildah(name: str, words: tuple[Word, ...]) -> list[ListAssembly]:
    return _podman(name, words, "buildah")


def _crane(name: str, words: tuple[Word, ...]) -> list[ListAssembly]:
    if name != "index" or not words or words[0].value != "append":
        return []
    rest = words[1:]
    targets = list(option_values(rest, "-t", "--tag"))
    sources = list(option_values(rest, "-m", "--manifest"))
    if len(targets) != 1 or not sources:
        return []
    return [ListAssembly("crane index append", targets[0], tuple(sources))]


def _regctl(name: str, words: tuple[Word, ...]) -> list[ListAssembly]:
    if name != "index" or not words or words[0].value not in ("create", "add"):
        return []
    rest = words[1:]
    sources = list(option_values(rest, "--ref"))
    found = _positionals(rest, frozenset({"--ref", "--platform", "--media-type", "--annotation"}))
    if not found or not sources:
        return []
    return [ListAssembly(f"regctl index {words[0].value}", found[0], tuple(sources))]


def _manifest_tool(name: str, words: tuple[Word, ...]) -> list[ListAssembly]:
    if name != "push" or not words or words[0].value != "from-args":
        return []
    rest = words[1:]
    targets = list(option_values(rest, "--target"))
    templates = list(option_values(rest, "--template"))
    if len(targets) != 1 or len(templates) != 1:
        return []
    return [ListAssembly("manifest-tool push from-args", targets[0], (templates[0],), True)]


_ASSEMBLERS = {
    "docker": _docker,
    "podman": _podman,
    "buildah": _buildah,
    "crane": _crane,
    "regctl": _regctl,
    "manifest-tool": _manifest_tool,
}
