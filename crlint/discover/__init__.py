"""Which files there are, what kind each is, and how each is read.

`walk` lists the files under the paths given (with `gitignore`'s rules),
`classify` names each one's kind (by name, shebang or content), `sources`
reads them bounded and decoded, and `project` learns the repository's own
GitLab project from `.git/config`.
"""
