"""Walking directories: `.gitignore` files, `.git/info/exclude` and configured excludes.

Only runs that walk a directory (or apply excludes to named files) import
this module and the pattern matcher behind it.
"""

from __future__ import annotations

import os

from crlint.discover.gitignore import IgnoreList

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


class Walker:
    """Walks directories, honouring `.gitignore` files and configured excludes.

    `excludes_for(directory)` gives the exclude lists that govern a directory
    (from the closest configuration), so excludes written in a subproject's
    configuration apply below it only.
    """

    def __init__(
        self,
        excludes_for: Callable[[str], tuple[IgnoreList, ...]],
        respect_gitignore: Callable[[str], bool],
        repository_root: Callable[[str], str | None],
    ) -> None:
        self._excludes_for = excludes_for
        self._respect_gitignore = respect_gitignore
        self._repository_root = repository_root
        self._gitignores: dict[str, IgnoreList | None] = {}

    def walk(self, root: str) -> Iterator[str]:
        """Every file below `root` that is not excluded, in a stable order."""
        root = os.path.abspath(root)
        inherited = self._ancestor_gitignores(root) if self._respect_gitignore(root) else []
        yield from self._walk(root, inherited)

    def _walk(self, directory: str, gitignores: list[IgnoreList]) -> Iterator[str]:
        use_gitignore = self._respect_gitignore(directory)
        if use_gitignore:
            own = self._gitignore(directory)
            if own is not None:
                gitignores = [*gitignores, own]
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            return
        excludes = self._excludes_for(directory)
        subdirectories = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            path = entry.path.replace(os.sep, "/")
            if _ignored(path, is_dir, excludes) or (
                use_gitignore and _ignored(path, is_dir, gitignores)
            ):
                continue
            if is_dir:
                if not entry.is_symlink():
                    subdirectories.append(entry.path)
            elif entry.is_file():
                yield entry.path
        for subdirectory in subdirectories:
            yield from self._walk(subdirectory, gitignores)

    def is_excluded(self, real_path: str) -> bool:
        """Whether configured excludes cover a file or any directory above it."""
        absolute = os.path.abspath(real_path)
        excludes = self._excludes_for(os.path.dirname(absolute))
        path = absolute.replace(os.sep, "/")
        parts = path.split("/")
        for end in range(2, len(parts) + 1):
            prefix = "/".join(parts[:end])
            if _ignored(prefix, end < len(parts), excludes):
                return True
        return False

    def _ancestor_gitignores(self, root: str) -> list[IgnoreList]:
        top = self._repository_root(root)
        if top is None:
            return []
        chain = []
        directory = os.path.dirname(root)
        while directory.startswith(top) and len(directory) >= len(top):
            chain.append(directory)
            if directory == top:
                break
            directory = os.path.dirname(directory)
        lists = []
        info_exclude = os.path.join(top, ".git", "info", "exclude")
        if os.path.isfile(info_exclude):
            lists.append(_read_ignore(top, info_exclude))
        for directory in reversed(chain):
            own = self._gitignore(directory)
            if own is not None:
                lists.append(own)
        return [item for item in lists if item is not None]

    def _gitignore(self, directory: str) -> IgnoreList | None:
        if directory not in self._gitignores:
            path = os.path.join(directory, ".gitignore")
            self._gitignores[directory] = (
                _read_ignore(directory, path) if os.path.isfile(path) else None
            )
        return self._gitignores[directory]


def _read_ignore(base: str, path: str) -> IgnoreList | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return IgnoreList.parse(base.replace(os.sep, "/"), lines)


def _ignored(path: str, is_dir: bool, lists: tuple[IgnoreList, ...] | list[IgnoreList]) -> bool:
    verdict = False
    for ignore_list in lists:
        matched = ignore_list.match(path, is_dir)
        if matched is not None:
            verdict = matched
    return verdict
