"""One writer per database file.

The window (and any writing command) holds an OS-level lock on ``<db>.lock``;
the OS drops it when the process dies, so a crash never leaves a stale lock.

A file can have more than one name. The lock is named after the resolved path
(``os.path.realpath``), so a symbolic link shares it; and once the file exists
a second lock is taken, named after the file's identity (device and inode) in
a per-user folder, so a hard link (another directory entry for the same file,
for which SQLite would keep a separate -wal/-shm) is refused too.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


class DatabaseLocked(Exception):
    pass


def _identity_lock_dir() -> Path | None:
    """The per-user folder for identity locks, created if missing; None when it cannot be made."""
    try:
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("jixiao", appauthor=False)) / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return folder if os.access(folder, os.W_OK) else None
    except Exception:  # no home, read-only home…: the path lock alone still guards
        return None


def _lock_fd(path: Path) -> int | None:
    """An open fd holding an exclusive OS lock on ``path``; None when another process holds it.

    OSError from creating the file is raised as is.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, 0, 0)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
    os.close(fd)  # closing drops a flock


class InstanceLock:
    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.path = Path(os.path.realpath(str(db_path)) + ".lock")
        self._fd: int | None = None
        self._identity_fd: int | None = None
        self._identity_path_held: Path | None = None

    def _refused(self) -> DatabaseLocked:
        return DatabaseLocked(
            f"数据库 {self.path.with_suffix('').name} 已被另一个窗口打开。"
            "请先关闭那个窗口，或在那个窗口中继续工作。"
        )

    def _identity_path(self) -> Path | None:
        try:
            st = os.stat(os.path.realpath(str(self.db_path)))
        except OSError:  # not there yet: it has no other name, the path lock suffices
            return None
        if not st.st_ino:  # a file system without stable identities
            return None
        folder = _identity_lock_dir()
        if folder is None:
            return None
        return folder / f"{st.st_dev}-{st.st_ino}.lock"

    def acquire(self) -> None:
        fd = _lock_fd(self.path)
        if fd is None:
            raise self._refused() from None
        self._fd = fd
        try:
            self.cover_identity()
        except BaseException:
            self.release()
            raise

    def cover_identity(self) -> None:
        """Also take the identity lock, if the file exists now and it is not held yet.

        Called by acquire, and again once a new database file has been created.
        Raises DatabaseLocked when another name of the same file is open for writing.
        """
        if self._fd is None or self._identity_fd is not None:
            return
        ident = self._identity_path()
        if ident is None:
            return
        for _attempt in range(5):
            try:
                fd = _lock_fd(ident)
            except OSError:  # the lock folder cannot be written: the path lock alone
                return
            if fd is None:
                raise self._refused() from None
            # The holder removes its identity file on release (so the folder does not
            # fill up); a lock won on a file removed meanwhile is no lock: try again.
            try:
                current = os.stat(ident)
                mine = os.fstat(fd)
                if (current.st_dev, current.st_ino) == (mine.st_dev, mine.st_ino):
                    self._identity_fd, self._identity_path_held = fd, ident
                    return
            except OSError:
                pass
            _unlock_fd(fd)
        raise self._refused()

    def release(self) -> None:
        if self._identity_fd is not None:
            held = self._identity_path_held
            if sys.platform != "win32" and held is not None:  # removed while still locked; not possible on Windows
                try:
                    os.unlink(held)
                except OSError:
                    pass
            _unlock_fd(self._identity_fd)
            self._identity_fd = None
        if self._fd is None:
            return
        _unlock_fd(self._fd)
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
