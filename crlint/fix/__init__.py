"""Fixes: `--fix` writes them, `--diff` shows them.

`apply` applies the edits a finding carries, verifies that the fixed text
still reads as the same kind of file, and writes it through `atomic`, which
every file crlint writes goes through.
"""
