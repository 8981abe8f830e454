"""One module per file kind, each turning a file into facts.

`base` holds what they share (`Extraction`, `Context`, the CR001 of a file
that does not parse) and which module reads which kind; `yaml_nodes` is
the YAML reading they share; `gitlab_ci/` is the CI back end (includes,
`extends`, `!reference`, jobs, scripts, and the edits fixes make).
"""
