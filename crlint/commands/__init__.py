"""Shell commands: text to words, and what registry tools' command lines mean.

`lexer` turns script text into simple commands' shapes (quoting,
expansions, operators, compound commands); `shell` splits a text once and
ties its commands to where they were written; `words` and `programs` say
what a word holds and which program a command runs (past `sudo`, `env`);
`inner_scripts` reads the scripts inside `sh -c "…"`, `eval` and the like;
`images` says which arguments name images and what for; `invocations` what
registry tools' commands do beyond that (log in, copy, assemble lists).
"""
