"""Checks: pure functions over facts, listed explicitly.

A check is a `Check(rules, run)`: the rules it may report and a function
from the run's `Facts` to findings. Built-in checks are listed below, in
one place, with no import-time registration; third-party checks arrive
through the `crlint.checks` entry-point group (see `crlint.engine.plugins`) and
speak the same facts.
"""

from __future__ import annotations

from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from crlint.facts.findings import Finding, Rule
    from crlint.facts.model import Facts


class Check(Record):
    rules: tuple[Rule, ...]
    run: Callable[[Facts], Iterable[Finding]]
    programs: frozenset[str] | None = None
    """The programs whose commands the check reads (`docker`, `executor`), or
    None for every command. Splitting script lines into commands is most of
    the cost of a run; a line that mentions none of the run's programs, and
    cannot change the shell's variables or directory, is left unsplit."""


def builtin_checks() -> tuple[Check, ...]:
    from crlint.checks import (
        branch_names,
        docker_engine,
        image_reference,
        kaniko_http2,
        manifest_lists,
        project_registry,
        registry_login,
        schema_v1,
        skopeo_copies,
        token_realm,
    )

    return (
        image_reference.CHECK,
        branch_names.CHECK,
        *project_registry.CHECKS,
        kaniko_http2.CHECK,
        registry_login.CHECK,
        skopeo_copies.CHECK,
        docker_engine.CHECK,
        *schema_v1.CHECKS,
        manifest_lists.CHECK,
        token_realm.CHECK,
    )
