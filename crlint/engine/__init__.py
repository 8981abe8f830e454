"""The run: which files, in which units, with which settings, checked by what.

`lint` is the run as a whole (checks, processes, order), `run` the runner
that takes each file through discover → frontends → facts → checks,
`units` what a unit is and its states, `parallel` lints shares of a large
run in other processes, `settings` reads configuration, `suppressions`
the `# crlint: ignore[…]` comments, `filtering` the findings' report order,
`catalog` every rule and how selectors name them, `plugins` third-party
checks, and `inspection` is `crlint inspect`.
"""
