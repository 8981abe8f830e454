"""What crlint knows of the world outside the repository.

The reference grammar of images (`reference`), the registry tools whose
command lines crlint reads and the shells (`tools`), which images run
kaniko's executor (`kaniko`), and GitLab's registry hosts (`gitlab`). Facts
about the world are written once, here, and read by frontends and checks
alike.
"""
