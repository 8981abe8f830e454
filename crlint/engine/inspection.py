"""`crlint inspect`: the pipeline as crlint resolved it, with where every piece came from.

When a finding surprises, the first question is "what does crlint think
this job runs?". This prints each runnable job's image, services,
variables (with the file and line that set them) and commands (with the
file and line they were written at, in an included file or a template),
like `gitlab-ci-local --preview` but with origins.
"""

from __future__ import annotations

import json
import os

from crlint.discover.sources import SourceCache, Unreadable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crlint.engine.settings import Resolver
    from crlint.facts.model import Binding, Command, Project
    from crlint.frontends.gitlab_ci.jobs import ImageUse, Job
    from crlint.frontends.gitlab_ci.pipeline import Pipeline


class InspectError(Exception):
    """The path names nothing crlint can resolve as a pipeline."""


def pipeline_for(path: str, resolver: Resolver) -> Pipeline:
    """Resolve the CI file at `path` (a directory means its `.gitlab-ci.yml`)."""
    from crlint.discover.classify import kind_from_name
    from crlint.discover.kinds import FileKind
    from crlint.engine.run import frontend_context
    from crlint.frontends.gitlab_ci.frontend import pipeline_of
    from crlint.frontends.gitlab_ci.includes import parsed
    from crlint.frontends.gitlab_ci.pipeline import ENTRY_FILE, run_scripts
    from crlint.frontends.gitlab_ci.values import Map

    if os.path.isdir(path):
        path = os.path.join(path, ENTRY_FILE)  # where GitLab starts
    if not os.path.isfile(path):
        raise InspectError(f"{path}: no such file")
    kind = kind_from_name(os.path.basename(path))
    if kind is not None and kind is not FileKind.GITLAB_CI:
        raise InspectError(
            f"{path}: not a GitLab CI file (its name makes it {kind}); "
            "inspect shows a pipeline's jobs"
        )
    files = SourceCache(os.getcwd())
    source = files.get(path, FileKind.GITLAB_CI, os.path.dirname(os.path.abspath(path)))
    if isinstance(source, Unreadable):
        raise InspectError(f"{path}: {source.reason}")
    config = parsed(source, files)
    if not isinstance(config, Map):
        at = config.location
        raise InspectError(f"{at.path}:{at.line}:{at.column}: {config.message}")

    def project() -> Project:
        from crlint.discover.project import detect

        settings = resolver.for_directory(os.path.dirname(source.real_path))
        root = resolver.repository_root(os.path.dirname(source.real_path))
        return detect(root, settings.project_path, settings.registry)

    context = frontend_context(resolver, source, files, named=True, project=project)
    pipeline = pipeline_of(source, config, context, files)
    run_scripts(pipeline)
    return pipeline


def as_json(pipeline: Pipeline) -> str:
    document = {
        "jobs": {job.name: _job(job) for job in pipeline.jobs},
        "includes": [
            {
                "kind": include.kind,
                "target": include.target,
                "path": include.location.path,
                "line": include.location.line,
                "file": include.path,
                "status": include.status,
            }
            for include in pipeline.includes
        ],
        "notes": notes(pipeline),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _job(job: Job) -> dict[str, object]:
    location = job.location
    return {
        "path": location.path,
        "line": location.line,
        "image": _image_text(job.image),
        "entrypoint": job.image.entrypoint if job.image is not None else None,
        "services": [_image_text(service) for service in job.services],
        "variables": {name: _variable(binding) for name, binding in job.variables.items()},
        "commands": [_command(command) for command in job.commands],
    }


def _image_text(use: ImageUse | None) -> str | None:
    return use.name.value if use is not None else None


def _variable(binding: Binding) -> dict[str, object]:
    location = binding.location
    return {
        "value": binding.value,
        "path": location.path if location is not None else "<configuration: ci-variables>",
        "line": location.line if location is not None else 0,
        "origin": binding.origin,
    }


def _command(command: Command) -> dict[str, object]:
    location = command.location
    return {
        "argv": [word.written.text for word in command.words],
        "path": location.path,
        "line": location.line,
    }


def notes(pipeline: Pipeline) -> list[str]:
    """What limits the view: unread includes, rejections, shell text not understood."""
    found = [
        f"{f.location.path}:{f.location.line}:{f.location.column}: {f.rule.id} {f.message}"
        for f in pipeline.findings
    ]
    if not pipeline.entry:
        found.append(
            "this is not the repository's own .gitlab-ci.yml: jobs and templates it uses "
            "from the files that include it are unknown"
        )
    return found + pipeline.notes


def as_text(pipeline: Pipeline) -> str:
    lines: list[str] = []
    for job in pipeline.jobs:
        location = job.location
        lines.append(f"job {job.name}  ({location.path}:{location.line})")
        if job.image is not None:
            entrypoint = job.image.entrypoint
            suffix = f"  entrypoint: {json.dumps(entrypoint)}" if entrypoint is not None else ""
            lines.append(f"  image: {job.image.name.value}{suffix}")
        for service in job.services:
            lines.append(f"  service: {service.name.value}")
        if job.variables:
            lines.append("  variables:")
            for name, binding in job.variables.items():
                value = "(unknown)" if binding.value is None else binding.value
                where = binding.location
                origin = f"{where.path}:{where.line}, " if where is not None else ""
                lines.append(f"    {name} = {value}  ({origin}{binding.origin})")
        if job.commands:
            lines.append("  commands:")
            for command in job.commands:
                words = " ".join(word.written.text for word in command.words)
                at = command.location
                lines.append(f"    {at.path}:{at.line}  {words.replace(chr(10), chr(92) + 'n')}")
        lines.append("")
    if pipeline.includes:
        lines.append("includes:")
        for include in pipeline.includes:
            result = f"read {include.path}" if include.path else include.status
            at = include.location
            lines.append(f"  {include.kind} {include.target}  ({at.path}:{at.line}): {result}")
        lines.append("")
    found = notes(pipeline)
    if found:
        lines.append("notes:")
        lines.extend(f"  {note}" for note in found)
        lines.append("")
    if not pipeline.jobs:
        lines.insert(0, "no runnable jobs\n")
    return "\n".join(lines)
