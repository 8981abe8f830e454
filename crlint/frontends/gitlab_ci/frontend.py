"""GitLab CI configuration: the pipeline each file defines, as images and commands.

The file is resolved as GitLab resolves it (`crlint.frontends.gitlab_ci.pipeline`): local
includes read and merged, `extends`, `!reference`, `default:`, `inherit:`
and variables applied. Each runnable job contributes its image, services
and commands, with the variables in force; hidden templates that no job
uses contribute too, so a template library is checked on its own.
"""

from __future__ import annotations

import os

from crlint.discover.kinds import FileKind
from crlint.facts.expand import Dialect, scan, substitute
from crlint.facts.model import FileFacts, ImageRef, ImageRole
from crlint.frontends.base import Extraction, Frontend, Later
from crlint.frontends.gitlab_ci.values import Map
from crlint.frontends.yaml_nodes import same_yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.frontends.base import Context
    from crlint.frontends.gitlab_ci.inputs import InputValue
    from crlint.frontends.gitlab_ci.jobs import ImageUse, Job
    from crlint.frontends.gitlab_ci.pipeline import Pipeline

# Keys that make a top-level mapping a job (or a job template) in a file
# whose name does not say it is GitLab CI.
JOB_SIGNS = ("script", "before_script", "after_script", "extends", "trigger")


def extract(source: SourceFile, context: Context) -> Extraction:
    from crlint.frontends.gitlab_ci.includes import input_variants, parsed

    files = _files(context, source)
    config = parsed(source, files)
    if not isinstance(config, Map):
        return Extraction(findings=[config])
    if not (context.named or looks_like_ci(config)):
        return Extraction(skipped="not a GitLab CI configuration")
    pipeline = pipeline_of(source, config, context, files)
    variants = input_variants(source, files)
    if variants:
        _add_variants(pipeline, variants, source, context, files)
    related = [(s, _spans_of(s, files)) for s in pipeline.sources if s is not source]

    def later() -> Later:
        from crlint.frontends.gitlab_ci.pipeline import run_scripts

        commands = run_scripts(pipeline, context.programs)
        scripts = [(s, _spans_of(s, files)) for s in pipeline.scripts or ()]
        return Later(commands, scripts, pipeline.notes)

    facts = _facts(pipeline)
    facts.shared_templates.extend(
        included.path
        for included in pipeline.sources
        if included is not source and not _defines_jobs(parsed(included, files))
    )
    return Extraction(
        facts=facts,
        findings=pipeline.findings,
        spans=_spans_of(source, files),
        related=related,
        later=later,
    )


def _add_variants(
    pipeline: Pipeline,
    variants: list[tuple[dict[str, InputValue | None], str]],
    source: SourceFile,
    context: Context,
    files: SourceCache,
) -> None:
    """The jobs a file that declares inputs makes with each of an input's
    `options` (the others at their defaults), where they differ from those
    of its defaults: a component is checked as each of its users may read it."""
    from crlint.frontends.gitlab_ci.includes import parsed
    from crlint.frontends.gitlab_ci.inputs import MAX_VARIANTS

    known = {job.name: _signature(job) for job in (*pipeline.jobs, *pipeline.templates)}
    for given, variant in variants[:MAX_VARIANTS]:
        config = parsed(source, files, given)
        if not isinstance(config, Map):
            continue
        other = pipeline_of(source, config, context, files)
        for mine, theirs in ((pipeline.jobs, other.jobs), (pipeline.templates, other.templates)):
            for job in theirs:
                if known.get(job.name) != _signature(job):
                    job.variant = variant
                    mine.append(job)


def _signature(job: Job) -> tuple[object, ...]:
    """What an input can change in a job that crlint reads."""
    return (
        job.image.name.value if job.image else None,
        tuple(service.name.value for service in job.services),
        tuple(line.value for lines in job.scripts.values() for line in lines),
        tuple((name, binding.value) for name, binding in job.variables.items()),
    )


def _defines_jobs(config: object) -> bool:
    """Whether an included file defines a job that runs, not only templates."""
    from crlint.frontends.gitlab_ci.keywords import GLOBAL_KEYWORDS

    return isinstance(config, Map) and any(
        not name.startswith(".") and name not in GLOBAL_KEYWORDS and isinstance(value, Map)
        for name, value in config.items()
    )


def pipeline_of(source: SourceFile, config: Map, context: Context, files: SourceCache) -> Pipeline:
    from crlint.frontends.gitlab_ci.pipeline import resolve

    return resolve(
        source,
        config,
        files,
        context.root,
        projects=context.include_projects,
        ui_variables=context.ci_variables,
        project=context.project,
        certain=context.named,
    )


def looks_like_ci(config: Map) -> bool:
    """Whether a YAML mapping has the shape of a GitLab CI configuration."""
    from crlint.frontends.gitlab_ci.keywords import GLOBAL_KEYWORDS

    if any(key in config for key in ("stages", "include", "workflow", "default")):
        return True
    return any(
        name not in GLOBAL_KEYWORDS
        and isinstance(value, Map)
        and any(key in value for key in JOB_SIGNS)
        for name, value in config.items()
    )


def _files(context: Context, source: SourceFile) -> SourceCache:
    if context.files is not None:
        return context.files
    from crlint.discover.sources import SourceCache

    files = SourceCache(os.getcwd())
    files.add(source)
    return files


def _facts(pipeline: Pipeline) -> FileFacts:
    facts = FileFacts()
    seen: set[tuple[object, ...]] = set()

    def add(use: ImageUse, role: ImageRole, where: str, job: Job | None) -> None:
        written = use.name.located()
        env = job.env if job is not None else pipeline.global_env
        parts = substitute(scan(written.text, Dialect.GITLAB), env, Dialect.GITLAB)
        key = (written.location(), parts, job.refs if job is not None else None)
        if key not in seen:  # a template's image, inherited by ten jobs, is one fact
            seen.add(key)
            template = job is not None and id(job) in templates
            refs = job.refs if job is not None else None
            facts.images.append(
                ImageRef(written, parts, role, where, env, True, pipeline.entry, template, refs)
            )

    templates = set(map(id, pipeline.templates))
    for job in (*pipeline.jobs, *pipeline.templates):
        if job.image is not None:
            add(job.image, ImageRole.CI_IMAGE, job.label, job)
        for service in job.services:
            add(service, ImageRole.CI_SERVICE, job.label, job)
    for keyword, use in pipeline.default_images:
        role = ImageRole.CI_IMAGE if keyword == "image" else ImageRole.CI_SERVICE
        add(use, role, "`default:`", None)
    return facts


def _spans_of(source: SourceFile, files: SourceCache) -> Callable[[], list[tuple[int, int]]]:
    """Suppression spans of a file the pipeline read: YAML entries, or script commands."""
    from crlint.frontends.gitlab_ci.includes import documents
    from crlint.frontends.yaml_nodes import walk_entries

    def spans() -> list[tuple[int, int]]:
        if source.kind != FileKind.GITLAB_CI:
            from crlint.frontends.shell_script import command_spans

            return command_spans(source)
        nodes = documents(source, files)
        return [span for node in nodes for span in walk_entries(node)]

    return spans


FRONTEND = Frontend(FileKind.GITLAB_CI, extract, same_yaml)
