"""Every rule crlint knows, built-in and from plugins, and how selectors name them.

A selector is `ALL`, a rule id (`CR101`), an id prefix (`CR1`, `CR`) or a
rule name (`invalid-image-reference`), the same in the command line,
configuration and suppression comments.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from crlint.facts.findings import Rule


class UnknownSelector(ValueError):
    pass


class Catalog:
    """The rules of one run, sorted by id so SARIF `ruleIndex` is stable."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in by_id and by_id[rule.id] != rule:
                raise ValueError(f"two rules claim the id {rule.id}")
            by_id[rule.id] = rule
        self.rules: tuple[Rule, ...] = tuple(sorted(by_id.values(), key=lambda r: r.id))
        self._by_id = by_id
        self._by_name = {rule.name: rule for rule in self.rules}
        self.index = {rule.id: position for position, rule in enumerate(self.rules)}

    def get(self, key: str) -> Rule | None:
        """A rule by id (any case) or by name."""
        return self._by_id.get(key.upper()) or self._by_name.get(key.lower())

    def select(self, selector: str) -> frozenset[str]:
        """The ids a selector names; raises UnknownSelector if it names none."""
        key = selector.strip()
        if key.upper() == "ALL":
            return frozenset(self._by_id)
        rule = self.get(key)
        if rule is not None:
            return frozenset((rule.id,))
        prefix = key.upper()
        matched = frozenset(rule_id for rule_id in self._by_id if rule_id.startswith(prefix))
        if matched and prefix.rstrip("0123456789"):
            return matched
        raise UnknownSelector(self._unknown_message(key))

    def _unknown_message(self, key: str) -> str:
        close = [r.id for r in self.rules if key.lower() in r.name or r.id.startswith(key[:3])]
        hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
        return f"`{key}` is not a rule id, id prefix or rule name{hint} (see `crlint rules`)"

    def default_enabled(self) -> frozenset[str]:
        return frozenset(rule.id for rule in self.rules if rule.default_enabled)
