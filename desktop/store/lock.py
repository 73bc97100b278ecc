"""One writer per database file.

The window (and any writing command) holds an OS-level lock on ``<db>.lock``;
the OS drops it when the process dies, so a crash never leaves a stale lock.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


class DatabaseLocked(Exception):
    pass


class InstanceLock:
    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise DatabaseLocked(
                f"数据库 {self.path.with_suffix('').name} 已被另一个窗口打开。"
                "请先关闭那个窗口，或在那个窗口中继续工作。"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        if sys.platform == "win32":
            import msvcrt

            try:
                os.lseek(self._fd, 0, 0)
                msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                pass
        os.close(self._fd)  # closing drops a flock
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
