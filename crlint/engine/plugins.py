"""Third-party checks from the `crlint.checks` entry-point group.

A plugin distribution declares, in its `pyproject.toml`:

    [project.entry-points."crlint.checks"]
    acme = "acme_crlint:CHECKS"

where the object is a `crlint.checks.base.Check` or an iterable of them.

`importlib.metadata` costs about 35 ms to import, more than a whole
pre-commit run of crlint; so the installed distributions' `entry_points.txt`
files are first looked at directly, and `importlib.metadata` is imported
only when one of them mentions the group.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from crlint.checks.base import Check

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "crlint.checks"


class PluginError(Exception):
    """A plugin that cannot be loaded (reported, exit code 2)."""


def installed_path() -> list[str]:
    """Where plugins may come from: `sys.path` without the working directory.

    `python -m crlint` puts the working directory first on `sys.path`, and
    crlint is run in the repository it lints: a `*.dist-info` there naming
    a `crlint.checks` entry point, or a module shadowing a plugin's, would
    run code from the repository under review.
    """
    here = os.path.realpath(os.getcwd())
    return [entry for entry in sys.path if entry and os.path.realpath(entry) != here]


def _any_declared(path: list[str]) -> bool:
    """Whether an installed distribution's `entry_points.txt` names the group.

    Read as bytes through `read_bytes` (not `open()` and a text wrapper for
    each): a pre-commit environment has dozens of distributions, a
    developer's hundreds.
    """
    from crlint.discover.sources import read_bytes

    marker = ("[" + GROUP + "]").encode()
    for entry in path:
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                points = read_bytes(os.path.join(entry, name, "entry_points.txt"))
                if isinstance(points, bytes) and marker in points:
                    return True
    return False


def load() -> tuple[Check, ...]:
    path = installed_path()
    if not _any_declared(path):
        return ()
    from importlib.metadata import distributions

    checks: list[Check] = []
    seen: set[str] = set()
    points = (
        point
        for distribution in distributions(path=path)
        for point in distribution.entry_points
        if point.group == GROUP
    )
    for entry_point in points:
        if entry_point.name in seen:
            continue
        seen.add(entry_point.name)
        try:
            loaded = _load(entry_point, path)
        except Exception as error:  # a plugin's own bug must not look like crlint's
            raise PluginError(
                f"plugin `{entry_point.name}` ({entry_point.value}) failed to load: {error}"
            ) from error
        items = [loaded] if isinstance(loaded, Check) else loaded
        if not isinstance(items, Iterable):
            raise PluginError(f"plugin `{entry_point.name}` is not a Check or a list of Checks")
        for item in items:
            if not isinstance(item, Check):
                raise PluginError(f"plugin `{entry_point.name}` provides {item!r}, not a Check")
            checks.append(item)
    return tuple(checks)


def _load(entry_point: EntryPoint, path: list[str]) -> object:
    """The entry point's object, its module imported from the installed path only."""
    saved = sys.path[:]
    sys.path[:] = path
    try:
        return entry_point.load()
    finally:
        sys.path[:] = saved
