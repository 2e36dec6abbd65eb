"""The output directory as an atomic pointer to one finished build among versions kept side by side.

`build/` is a symbolic link to `.build.versions/<id>/`. A build writes a new version directory,
then renames a fresh link over `build/`: rename(2) replaces the name in one step, so a reader sees
the old build or the new one, never neither and never a mix. A build found as a real directory
(made before versions existed) is exchanged with the link in one step too (renameat2
RENAME_EXCHANGE), then moved among the versions.

Only one build of an output runs at a time: `.build.lock` is held (flock) for the whole build, and
a second build refuses with a message naming the first. Holding it, a build may remove what no
build and no reader needs: version directories that are neither current nor in use. A reader
(`serve`) marks the version it serves as in use with a shared lock on `<version>/.in-use`, so the
version is kept for as long as it is served, even across several rebuilds.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

from graph_builder.errors import HmicKgError

IN_USE = ".in-use"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def versions_dir(out: Path) -> Path:
    return out.with_name(f".{out.name}.versions")


class BuildLock:
    """The exclusive right to build `out`; a context manager."""

    def __init__(self, out: Path):
        self.path = out.with_name(f".{out.name}.lock")
        self.fd: int | None = None

    def __enter__(self) -> BuildLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise HmicKgError(f"{self.path.with_name(self.path.name[1:-5])}: another build of this "
                              f"directory is running (process {holder}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self.fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None


def new_version(out: Path) -> Path:
    """A fresh, empty version directory for a build of `out` (the caller holds the lock)."""
    root = versions_dir(out)
    root.mkdir(exist_ok=True)
    # Named by time for a person listing the folder; unique by mkdtemp's suffix.
    path = Path(tempfile.mkdtemp(prefix=f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-", dir=root))
    path.chmod(0o755)
    (path / IN_USE).touch()  # made now, so a reader never needs to write into a version
    return path


def publish(version: Path, out: Path) -> None:
    """Points `out` at `version` in one rename (the caller holds the lock)."""
    link = out.with_name(f".{out.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(version, out.parent), link)
    if out.is_symlink() or not out.exists():
        os.replace(link, out)
        return
    # A real directory from before versions existed: exchanged with the link in one step, then
    # kept among the versions (a server may be reading it).
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(_AT_FDCWD, str(link).encode(), _AT_FDCWD, str(out).encode(), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        link.unlink(missing_ok=True)
        raise HmicKgError(f"{out}: cannot replace the directory atomically ({os.strerror(err)}); "
                          "move it away and build again")
    os.rename(link, versions_dir(out) / f"legacy-{os.getpid()}")


def current(out: Path) -> Path | None:
    """The version `out` points at, or None."""
    return out.resolve() if out.is_symlink() else None


def remove_unused(out: Path) -> list[Path]:
    """Removes every version that is not current and not in use by a reader, and a link left by a
    killed build; returns what was removed (the caller holds the lock)."""
    removed = []
    for stale in out.parent.glob(f".{out.name}.link-*"):
        stale.unlink(missing_ok=True)
        removed.append(stale)
    root = versions_dir(out)
    if not root.is_dir():
        return removed
    keep = current(out)
    for version in sorted(root.iterdir()):
        if version.resolve() == keep or _in_use(version):
            continue
        shutil.rmtree(version, ignore_errors=True)
        removed.append(version)
    return removed


def _in_use(version: Path) -> bool:
    marker = version / IN_USE
    try:
        fd = os.open(marker, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError as exc:
        return exc.errno != errno.ENOLCK
    finally:
        os.close(fd)
    return False


def hold_in_use(version: Path) -> int:
    """For a reader: marks `version` as in use until the returned descriptor is closed."""
    marker = version / IN_USE
    if not marker.exists():
        try:
            marker.touch()  # a version made before markers were
        except OSError:
            return -1  # not a version a build manages (a plain directory given to --data)
    fd = os.open(marker, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd
