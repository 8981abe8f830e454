"""Shell commands: text to words, and what registry tools' command lines mean.

`shell` splits script text into simple commands, every word keeping where
it was written; `inner_scripts` reads the scripts inside `sh -c "…"`,
`eval` and the like; `images` says which arguments name images and what
for; `invocations` what registry tools' commands do beyond that (log in,
copy, assemble lists).
"""
