"""GitLab CI: a pipeline as GitLab would build it, and the facts of its jobs.

`includes` merges included files, `values` holds configuration values with
where each was written, `jobs` resolves `extends`, `!reference` and
`default:`, `refs` reads what `rules:`/`only:` say about the ref, `scripts`
follows the commands and scripts jobs run, `pipeline` ties them together and
`frontend` turns the result into facts; `edits` is where fixes write.
"""
