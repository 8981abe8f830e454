"""The pipeline GitLab will run, read offline: every job's image, variables and commands.

    includes ──▶ extends ──▶ !reference ──▶ default:/inherit ──▶ variables ──▶ scripts
    (includes.py)        (jobs.py)                                          (scripts.py)

Values keep the file and line they were written at (values.py), so a
finding about a command that a job got from a template in an included file
points into that file. `crlint inspect` prints this model.
"""

from __future__ import annotations

import os

from crlint.facts.model import Env

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from crlint.discover.sources import SourceCache, SourceFile
    from crlint.facts.findings import Finding
    from crlint.facts.model import Command, Project
    from crlint.frontends.gitlab_ci.includes import Include
    from crlint.frontends.gitlab_ci.jobs import ImageUse, Job
    from crlint.frontends.gitlab_ci.values import Map


# The file GitLab reads first, unless a project configures another.
ENTRY_FILE = ".gitlab-ci.yml"


class Pipeline:
    """A CI file resolved: its runnable jobs and what could not be read."""

    __slots__ = (
        "base",
        "default_images",
        "entry",
        "files",
        "findings",
        "global_env",
        "includes",
        "incomplete",
        "jobs",
        "notes",
        "scripts",
        "sources",
        "templates",
    )

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.templates: list[Job] = []
        """Hidden jobs no runnable job uses: a template library's content."""
        self.default_images: list[tuple[str, ImageUse]] = []
        """`default:` images by keyword, checked even where every job sets its own."""
        self.global_env = Env()
        """Global variables, and those set in the GitLab UI."""
        self.includes: list[Include] = []
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.sources: list[SourceFile] = []
        """The CI file and every file it includes."""
        self.scripts: list[SourceFile] | None = None
        """Scripts the jobs run; None until `run_scripts()`."""
        self.files: SourceCache | None = None
        self.base = ""
        """The repository root, or the file's directory when there is none."""
        self.incomplete = False
        """Jobs may come from elsewhere: an unread include, or a file that is itself
        included by the pipeline's entry file."""
        self.entry = False
        """The file is the repository's `.gitlab-ci.yml`, where GitLab starts."""


def resolve(
    source: SourceFile,
    config: Map,
    files: SourceCache,
    root: str | None,
    *,
    projects: Mapping[str, str] | None = None,
    ui_variables: Mapping[str, str] | None = None,
    project: Callable[[], Project] | None = None,
    certain: bool = True,
) -> Pipeline:
    """Resolve a CI file whose configuration has been parsed.

    `root` is the repository root; without one, paths resolve against the
    file's own directory and a missing include is not called an error. Nor
    is it when the file is not `certain` to be GitLab CI (only its content
    said so): test data and examples name files of other repositories.
    `project` tells the repository's own project, whose `include: project:`
    files are the repository's own.
    """
    # Imported here: a shell script linted alone uses `scripts` without YAML.
    from crlint.frontends.gitlab_ci.includes import IncludeResolver
    from crlint.frontends.gitlab_ci.jobs import JobResolver, image_uses

    base = root if root is not None else os.path.dirname(os.path.abspath(source.real_path))
    includes = IncludeResolver(
        files, base, root is not None, dict(projects or {}), project, certain=certain
    )
    loaded = includes.load(source, config)
    pipeline = Pipeline()
    pipeline.includes = loaded.includes
    pipeline.findings.extend(loaded.findings)
    pipeline.notes.extend(loaded.notes)
    pipeline.entry = root is not None and _is_entry(source, root)
    pipeline.incomplete = loaded.unresolved or not pipeline.entry
    unseen = loaded.unseen
    resolver = JobResolver(
        loaded.config,
        pipeline.incomplete,
        ui_variables,
        unseen=unseen,
        parents_unseen=unseen or (None if pipeline.entry else "the file that includes this one"),
    )
    pipeline.global_env = Env(resolver.global_variables).with_bindings(resolver.ui)
    names = resolver.job_names()
    pipeline.jobs = [
        instance
        for name in names
        if not name.startswith(".")
        for instance in resolver.instances(resolver.build(name))
    ]
    templates = [
        resolver.build(name) for name in names if name.startswith(".") and name not in resolver.used
    ]
    pipeline.templates = [job for job in templates if not _merged_into(job, pipeline.jobs)]
    for keyword in ("image", "services"):
        value = resolver.resolve(resolver.defaults.get(keyword))
        pipeline.default_images.extend((keyword, use) for use in image_uses(keyword, value))
    pipeline.findings.extend(resolver.findings)
    pipeline.sources = loaded.sources
    pipeline.files = files
    pipeline.base = base
    return pipeline


def run_scripts(pipeline: Pipeline, programs: frozenset[str] | None = None) -> list[Command]:
    """Split every job's script lines into commands (once), following the scripts they run.

    Kept apart from `resolve()`: it is most of the cost of reading a
    pipeline, and only checks about commands need it. With `programs`,
    only lines that mention them or change the shell's state are split
    (`ScriptRunner`).
    """
    from crlint.frontends.gitlab_ci.scripts import ScriptRunner

    if pipeline.scripts is None:
        runner = ScriptRunner(
            pipeline.files, pipeline.base, ci=True, own_pipeline=pipeline.entry, programs=programs
        )
        for job in pipeline.jobs:
            runner.run_job(job, pipeline.base)
        for job in pipeline.templates:
            runner.run_job(job, pipeline.base, template=True)
        pipeline.notes.extend(runner.notes)
        pipeline.scripts = runner.sources
    return [command for job in (*pipeline.jobs, *pipeline.templates) for command in job.commands]


def _merged_into(template: Job, jobs: list[Job]) -> bool:
    """Whether a job merges the hidden job's mapping (`<<: *build`, an anchor):
    then its content runs as that job, under its rules, and is not a template
    of its own. A merged key is the very key written in the anchor."""
    keys = {key.location() for key in template.own.keys_at.values()}
    return bool(keys) and any(
        key.location() in keys for job in jobs for key in job.own.keys_at.values()
    )


def _is_entry(source: SourceFile, root: str) -> bool:
    path = source.canonical
    return os.path.basename(path) == ENTRY_FILE and os.path.dirname(path) == os.path.realpath(root)
