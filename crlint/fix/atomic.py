"""Writing a file so that nothing half-written is ever left: fixes and reports.

A regular file (or a new one) is written beside itself under a temporary
name, flushed to the disk and renamed over the old one; the rename is the
one step a crash can fall on either side of. Signals that would stop crlint
(Ctrl-C, `kill`) wait until the rename is done; a temporary file that a
killed run (`kill -9`, a power cut) left behind is removed by the next
write in its directory. Anything that is not a regular file (`/dev/null`,
a FIFO, `/proc/self/fd/1`) is written in place: replacing it would turn a
device into a plain file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

_TEMPORARY = re.compile(r"\.crlint-(\d+)-[0-9a-f]+\.tmp")
_STOPPING = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def write(path: str, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `path`: a regular file keeps its mode (`mode` otherwise,
    or what the umask gives a new file), missing folders are made."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        with open(path, "wb") as target:  # a device, a FIFO: in place
            target.write(data)
        return
    path = os.path.realpath(path)  # a link keeps pointing at the file it named
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    _remove_leftovers(directory)
    if status is not None:
        mode = stat.S_IMODE(status.st_mode)
    elif mode is None:
        mode = 0o666 & ~_umask()
    temporary = os.path.join(directory, f".crlint-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with _signals_held():
        try:
            with os.fdopen(descriptor, "wb") as target:
                target.write(data)
                target.flush()
                os.fchmod(target.fileno(), mode)
                os.fsync(target.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _sync_directory(directory)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Signals that would stop the process are delivered after the block."""
    if not hasattr(signal, "pthread_sigmask") or not _STOPPING:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove_leftovers(directory: str) -> None:
    """Temporary files of crlint runs that are no longer running."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.fullmatch(name)
        if match is None or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, name))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a pid: leave its file alone
    return True
