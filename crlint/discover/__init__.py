"""Which files there are, what kind each is, and how each is read.

`walk` lists the files under the paths given (with `gitignore`'s rules),
`kinds` names the kinds crlint reads and `classify` tells each file's (by
name, shebang or content), `sources` reads them bounded and decoded,
`load` takes one candidate to its source or says why not, and `project`
learns the repository's own GitLab project from `.git/config`.
"""
