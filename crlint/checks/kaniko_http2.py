"""CR301 kaniko-http2-upload: kaniko pushing over HTTP/2 without `GODEBUG=http2client=0`.

Pushing large images with kaniko is very slow over HTTP/2 (kaniko#2751: Go's
HTTP/2 flow control in go-containerregistry); GitLab's troubleshooting guide
gives the workaround, `GODEBUG` set to `http2client=0` in kaniko's
environment. A kaniko run is:

- a command running `/kaniko/executor`, or `executor` in a kaniko image;
- `docker run`/`podman run` of a kaniko image, whose environment is its
  `-e` options;
- a Kubernetes or Tekton container with a kaniko image (not the warmer);
- the image a Dockerfile builds, when its last stage is kaniko (from a
  kaniko image, or with kaniko's executor as its entrypoint): everyone who
  runs it inherits the problem.

`GODEBUG` is read where the run gets it: job and global `variables:`,
`export`, `GODEBUG=… executor`, a container's `env:`. A value crlint cannot
know (a variable from elsewhere, `valueFrom`, `envFrom`, `--env-file`) is
not reported.
"""

from __future__ import annotations

from crlint import kaniko
from crlint.checks import Check
from crlint.expand import expand_word
from crlint.facts import Literal, Unknown, known_text
from crlint.findings import Fix, Level, Related, Rule
from crlint.registry_tools import container_run
from crlint.shell import may_run, program

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts import Binding, Command, Container, Env, Facts, SetVariable, Word
    from crlint.findings import Finding
    from crlint.locations import Location

RULE = Rule(
    "CR301",
    "kaniko-http2-upload",
    Level.WARNING,
    "kaniko runs without GODEBUG=http2client=0, so pushing large layers over HTTP/2 can "
    "be very slow (kaniko#2751).",
    fixable=True,
)

ISSUE = "uploads of large layers over HTTP/2 can be very slow (kaniko#2751)"
PROGRAMS = frozenset({"executor", "docker", "podman"})
# Where a variable set in a script line wins over the job's `variables:`.
_SCRIPT_ORIGINS = ("set in the script", "set before the command", "set conditionally in the script")
_CONFIGURED = "configuration (`ci-variables`)"


def check(facts: Facts) -> Iterator[Finding]:
    extra = facts.kaniko_images
    covered: set[str] = set()
    for container in facts.containers:
        if _runs_kaniko(container, extra):
            covered.add(container.context)
            yield from _container_finding(container)
    for command in facts.commands:
        if command.context in covered or not may_run(command.words, PROGRAMS):
            continue  # (the container it runs in is judged as a whole)
        yield from _command_finding(command, extra)


def _runs_kaniko(container: Container, extra: frozenset[str]) -> bool:
    """A kaniko image runs kaniko whatever its command (a CI agent execs it
    later); another image only when its command is the executor."""
    if container.image is not None and kaniko.is_kaniko_image(container.image, extra):
        return True
    return bool(container.runs) and container.runs[0].endswith(kaniko.EXECUTOR)


def _container_finding(container: Container) -> Iterator[Finding]:
    binding = container.env.get("GODEBUG")
    if binding is None and container.env_from_elsewhere:
        return
    state = _state(binding)
    if state is None:
        return
    message = f"{container.context} runs kaniko {state}; {ISSUE}"
    fix = _fix(container.set_variable, binding, f"{container.context}'s `env:`")
    if fix is None:
        message += f"; add {container.how_to_set}"
    yield RULE.at(container.location, message, _set_here(binding), fix)


def _command_finding(command: Command, extra: frozenset[str]) -> Iterator[Finding]:
    found = program(command.words)
    if found is None:
        return
    name, index = found
    word = command.words[index]
    value = word.value or ""
    if value.endswith(kaniko.EXECUTOR) or (
        name == "executor" and command.image is not None
        and kaniko.is_kaniko_image(command.image, extra)
    ):  # fmt: skip
        yield from _executor_finding(command, word.written.location())
    elif name in ("docker", "podman"):
        yield from _container_run_finding(command, extra, word.written.location())


def _executor_finding(command: Command, location: Location) -> Iterator[Finding]:
    binding = command.env.get("GODEBUG")
    if binding is None and command.env.partial:
        return  # an include or a template crlint could not read may set it
    state = _state(binding)
    if state is None:
        return
    message = f"{command.context} runs kaniko {state}; {ISSUE}"
    fix = None
    if binding is not None and binding.origin in _SCRIPT_ORIGINS:
        message += "; add `http2client=0` where the script sets `GODEBUG`"
    elif binding is not None and binding.origin == _CONFIGURED:
        message += "; add `http2client=0` to the `GODEBUG` variable set in GitLab's settings"
    elif command.set_variable is not None:
        fix = _fix(command.set_variable, binding, f"{command.context}'s `variables:`")
        if fix is None:
            message += '; set `GODEBUG: "http2client=0"` in its `variables:`'
    elif command.how_to_set is not None:
        message += f"; add {command.how_to_set}"
    else:
        message += "; run it as `GODEBUG=http2client=0 /kaniko/executor …`"
    yield RULE.at(location, message, _set_here(binding), fix)


def _container_run_finding(
    command: Command, extra: frozenset[str], location: Location
) -> Iterator[Finding]:
    run = container_run(command)
    if run is None or not _names_kaniko(run.image, command.env, extra):
        return
    if "GODEBUG" in run.env:
        setting = run.env["GODEBUG"]
        if setting is None:  # `-e GODEBUG`: the caller's value
            binding = command.env.get("GODEBUG")
            state = _state(binding)
        else:
            value = _value(setting, command.env)
            if value is None:
                return
            state = _state_of(value)
            binding = None
    elif run.env_file:
        return
    else:
        binding, state = None, "without `GODEBUG=http2client=0`"
    if state is None:
        return
    message = (
        f"{command.context} runs kaniko in a container {state.replace('`GODEBUG', '`-e GODEBUG')}"
        f"; {ISSUE}; pass `-e GODEBUG=http2client=0`"
    )
    yield RULE.at(location, message, _set_here(binding))


def _names_kaniko(image: Word, env: Env, extra: frozenset[str]) -> bool:
    """Whether a `docker run` image is kaniko; `${IMAGE:=default}` by its default."""
    parts = expand_word(image.parts, env)
    if len(parts) == 1 and isinstance(parts[0], Unknown) and parts[0].default:
        return kaniko.is_kaniko_image(parts[0].default, extra)
    text = "".join(p.text for p in parts if isinstance(p, Literal))
    return len(parts) == sum(isinstance(p, Literal) for p in parts) and kaniko.is_kaniko_image(
        text, extra
    )


def _value(word: Word, env: Env) -> str | None:
    return known_text(expand_word(word.parts, env))


def _state(binding: Binding | None) -> str | None:
    """How `GODEBUG` stands, for the message; None when it is fine or unknown."""
    if binding is None:
        return "without `GODEBUG=http2client=0`"
    if binding.value is None:
        return None
    return _state_of(binding.value)


def _state_of(value: str) -> str | None:
    setting = kaniko.http2client(value)
    if setting == "0":
        return None
    if setting is None:
        return f"with `GODEBUG={value}`, which leaves HTTP/2 on"
    return f"with `GODEBUG={value}`, whose last `http2client` is `{setting}`"


def _fix(set_variable: SetVariable | None, binding: Binding | None, where: str) -> Fix | None:
    if set_variable is None:
        return None
    value = kaniko.with_http1(binding.value if binding is not None else None)
    edits = set_variable("GODEBUG", value)
    if not edits:
        return None
    return Fix(f'set `GODEBUG: "{value}"` in {where}', edits)


def _set_here(binding: Binding | None) -> tuple[Related, ...]:
    if binding is None or binding.location is None:
        return ()
    return (Related(binding.location, f"`GODEBUG` is set here ({binding.origin})"),)


CHECK = Check((RULE,), check, PROGRAMS)
