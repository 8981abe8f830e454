"""`Check`: what every check, built-in or a plugin's, is."""

from __future__ import annotations

from crlint.facts.findings import Related
from crlint.facts.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from crlint.facts.findings import Finding, Rule
    from crlint.facts.model import Binding, Facts


class Check(Record):
    rules: tuple[Rule, ...]
    run: Callable[[Facts], Iterable[Finding]]
    programs: frozenset[str] | None = None
    """The programs whose commands the check reads (`docker`, `executor`), or
    None for every command. Splitting script lines into commands is most of
    the cost of a run; a line that mentions none of the run's programs, and
    cannot change the shell's variables or directory, is left unsplit."""


def set_here(binding: Binding | None) -> tuple[Related, ...]:
    """Where a variable a finding is about was set, as the finding's related
    place ("`TAG` is set here (global variables)"), when that is known."""
    if binding is None or binding.location is None:
        return ()
    return (Related(binding.location, f"`{binding.name}` is set here ({binding.origin})"),)
