"""One module per file kind, each turning a file into facts.

Each module ends in a `FRONTEND` (`base.Frontend`: its kind, how it
extracts facts, how it verifies a fix); `registry` lists them by kind.
`base` holds what they share (`Extraction`, `Context`, the CR001 of a file
that does not parse), `yaml_nodes` the YAML reading they share, and
`gitlab_ci/` is the CI back end (includes, `extends`, `!reference`, jobs,
scripts, and the edits fixes make).
"""
