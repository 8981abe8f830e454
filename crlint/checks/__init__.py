"""Checks: pure functions over facts, one module per topic.

A check is a `Check(rules, run)` (`crlint.checks.base`): the rules it may
report and a function from the run's `Facts` to findings. Built-in checks
are listed in `crlint.checks.registry`, with no import-time registration;
third-party checks arrive through the `crlint.checks` entry-point group
(see `crlint.engine.plugins`) and speak the same facts.
"""
