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

from crlint.checks.base import Check, set_here
from crlint.commands.images import container_run
from crlint.commands.programs import may_run, program
from crlint.facts.expand import expand_word
from crlint.facts.findings import Fix, Level, Related, Rule
from crlint.facts.model import Literal, SetBy, Unknown, known_text
from crlint.facts.record import Record
from crlint.world import kaniko

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from crlint.facts.findings import Finding
    from crlint.facts.locations import Location
    from crlint.facts.model import Binding, Command, Container, Env, Facts, SetVariable, Word

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


class _Report(Record):
    """A kaniko run to report: who runs it (a job, a script), and the rest."""

    who: str
    what: str
    """The message after "<who> runs": "kaniko without …; uploads … (kaniko#2751)"."""
    location: Location
    related: tuple[Related, ...]
    fix: Fix | None
    advice: str = ""
    """How to mend it where there is no fix: "; set `GODEBUG` …"."""
    caveat: str = ""
    """Where it may be set after all, out of crlint's sight."""


def check(facts: Facts) -> Iterator[Finding]:
    extra = facts.kaniko_images
    covered: set[str] = set()
    for container in facts.containers:
        if _runs_kaniko(container, extra):
            covered.add(container.context)
            if kaniko.uploads((*container.runs[1:], *container.arguments)):
                yield from _container_finding(container)
    # One command line that several jobs run (a template's script) is one finding.
    by_place: dict[tuple[Location, str, str], list[_Report]] = {}
    for command in facts.commands:
        if command.context in covered or not may_run(command.words, PROGRAMS):
            continue  # (the container it runs in is judged as a whole)
        for report in _command_reports(command, extra):
            key = (report.location, report.what, report.caveat)
            by_place.setdefault(key, []).append(report)
    for reports in by_place.values():
        yield _finding(reports)


def _finding(reports: list[_Report]) -> Finding:
    """One finding for the runs of one command line: every job named, and
    every job's fix applied together (or, if one cannot be fixed, none)."""
    first = reports[0]
    whos = list(dict.fromkeys(report.who for report in reports))
    if len(whos) == 1:  # (a job may run one line twice: `!reference`d into two sections)
        message = f"{first.who} runs {first.what}{first.advice}{first.caveat}"
        return RULE.at(first.location, message, first.related, first.fix)
    fix = None
    advice = next((r.advice for r in reports if r.advice), "").replace(" its ", " their ")
    if all(report.fix is not None for report in reports):
        # The jobs of one `parallel:matrix` share their job's `variables:`: one edit.
        fixes = {report.fix.edits: report.fix for report in reports if report.fix}
        edits = tuple(edit for each in fixes for edit in each)
        if len(fixes) == 1:
            what = "set `GODEBUG` in the `variables:` of the job whose `parallel:matrix` they are"
        else:
            what = f"set `GODEBUG` in the `variables:` of each of the {len(fixes)} jobs"
        fix = Fix(what, edits)
    elif not advice:
        advice = '; set `GODEBUG: "http2client=0"` in their `variables:`'
    message = f"{_several(whos)} run {first.what}{advice}{first.caveat}"
    return RULE.at(first.location, message, first.related, fix)


def _several(whos: list[str]) -> str:
    """`job `a``, `job `b`` as "jobs `a` and `b`"; past four, the rest counted."""
    kinds = {who.partition(" ")[0] for who in whos}
    if len(kinds) == 1 and kinds < {"job", "template"}:
        names = [who.partition(" ")[2] for who in whos]
        lead = f"{kinds.pop()}s "
    else:
        names, lead = whos, ""
    if len(names) > 4:
        return f"{lead}{', '.join(names[:3])} and {len(names) - 3} more"
    return f"{lead}{', '.join(names[:-1])} and {names[-1]}"


def _runs_kaniko(container: Container, extra: frozenset[str]) -> bool:
    """A kaniko image runs kaniko whatever its command (a CI agent execs it
    later); another image only when its command is the executor."""
    for image in (container.image, container.executor_from):
        if image is not None and kaniko.is_kaniko_image(image, extra):
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
    yield RULE.at(container.location, message, set_here(binding), fix)


def _command_reports(command: Command, extra: frozenset[str]) -> Iterator[_Report]:
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
        if kaniko.uploads([w.value for w in command.words[index + 1 :]]):
            yield from _executor_report(command, word.written.location())
    elif name in ("docker", "podman"):  # located only if reported: most are other commands
        yield from _container_run_report(command, extra, word)


def _executor_report(command: Command, location: Location) -> Iterator[_Report]:
    binding = command.env.get("GODEBUG")
    state = _state(binding)
    if state is None:
        return
    caveat = ""
    if binding is None and command.env.unseen is not None:
        # Said, not silenced: such includes hardly ever set GODEBUG.
        caveat = f"; unless {command.env.unseen} sets it, which crlint cannot see"
    fix, advice = None, ""
    if binding is not None and binding.origin.in_script:
        advice = "; add `http2client=0` where the script sets `GODEBUG`"
    elif binding is not None and binding.origin is SetBy.CONFIGURATION:
        advice = "; add `http2client=0` to the `GODEBUG` variable set in GitLab's settings"
    elif binding is not None and binding.origin is SetBy.MATRIX:
        # (the matrix's value wins over one the job's `variables:` would set)
        advice = "; add `http2client=0` to the `GODEBUG` values of its `parallel:matrix`"
    elif binding is not None and binding.written is not None and binding.written().rewritten:
        advice = "; add `http2client=0` to the input `GODEBUG` is set from (`$[[ inputs.… ]]`)"
    elif command.set_variable is not None:
        fix = _fix(command.set_variable, binding, f"{command.context}'s `variables:`")
        if fix is None:
            advice = '; set `GODEBUG: "http2client=0"` in its `variables:`'
    elif command.how_to_set is not None:
        advice = f"; add {command.how_to_set}"
    else:
        advice = "; run it as `GODEBUG=http2client=0 /kaniko/executor …`"
    what = f"kaniko {state}; {ISSUE}"
    yield _Report(command.context, what, location, set_here(binding), fix, advice, caveat)


def _container_run_report(
    command: Command, extra: frozenset[str], runner: Word
) -> Iterator[_Report]:
    run = container_run(command)
    if run is None or not _names_kaniko(run.image, command.env, extra):
        return
    after = command.words[command.words.index(run.image) + 1 :]
    if not kaniko.uploads([word.value for word in after]):
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
        f"kaniko in a container {state.replace('`GODEBUG', '`-e GODEBUG')}"
        f"; {ISSUE}; pass `-e GODEBUG=http2client=0`"
    )
    yield _Report(command.context, message, runner.written.location(), set_here(binding), None)


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


CHECK = Check((RULE,), check, PROGRAMS)
