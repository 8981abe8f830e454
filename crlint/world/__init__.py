"""What crlint knows of the world outside the repository.

The reference grammar of images (`reference`), which images run kaniko's
executor (`kaniko`), and GitLab's registry hosts (`gitlab`). Facts about
the world are written once, here, and read by frontends and checks alike.
"""
