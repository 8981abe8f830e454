"""Third-party checks from the `crlint.checks` entry-point group.

A plugin distribution declares, in its `pyproject.toml`:

    [project.entry-points."crlint.checks"]
    acme = "acme_crlint:CHECKS"

where the object is a `crlint.checks.Check` or an iterable of them.

`importlib.metadata` costs about 35 ms to import, more than a whole
pre-commit run of crlint; so the installed distributions' `entry_points.txt`
files are first looked at directly, and `importlib.metadata` is imported
only when one of them mentions the group.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from crlint.checks import Check

GROUP = "crlint.checks"


class PluginError(Exception):
    """A plugin that cannot be loaded (reported, exit code 2)."""


def _any_declared() -> bool:
    marker = "[" + GROUP + "]"
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(entry, name, "entry_points.txt")
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    if marker in handle.read():
                        return True
            except OSError:
                continue
    return False


def load() -> tuple[Check, ...]:
    if not _any_declared():
        return ()
    from importlib.metadata import entry_points

    checks: list[Check] = []
    seen: set[str] = set()
    for entry_point in entry_points(group=GROUP):
        if entry_point.name in seen:
            continue
        seen.add(entry_point.name)
        try:
            loaded = entry_point.load()
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
