"""The true reason a write to the database failed, in one Chinese sentence.

SQLite reports a full disk as "database or disk is full", a read-only folder
as "attempt to write a readonly database" or "unable to open database file";
SQLAlchemy wraps them. Callers (import, autosave, backup) show this text
instead of a traceback or a wrong "damaged" verdict.
"""
from __future__ import annotations

import errno
import sqlite3

DISK_FULL = "磁盘空间不足"
READ_ONLY = "数据库所在的文件夹或文件是只读的"


def _root(exc: BaseException) -> BaseException:
    return getattr(exc, "orig", None) or exc


def is_write_error(exc: BaseException) -> bool:
    """A failure of the disk or of permissions (worth retrying later), not a bug."""
    exc = _root(exc)
    return isinstance(exc, (OSError, sqlite3.OperationalError))


def reason(exc: BaseException) -> str:
    """Why a write failed: 磁盘空间不足 / 只读 / the system's own words."""
    exc = _root(exc)
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return DISK_FULL
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return READ_ONLY
        return exc.strerror or str(exc)
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if code == getattr(sqlite3, "SQLITE_FULL", 13) or "disk is full" in text:
        return DISK_FULL
    if (code == getattr(sqlite3, "SQLITE_READONLY", 8) or "readonly" in text or "read-only" in text
            or "unable to open database file" in text):
        return READ_ONLY
    if "disk i/o error" in text:
        return "磁盘读写出错（磁盘可能已满、已拔出或损坏）"
    return str(exc)


def write_error_message(exc: BaseException, what: str = "保存") -> str:
    why = reason(exc)
    if why == DISK_FULL:
        return f"{DISK_FULL}，{what}失败，没有写入任何内容。请清理磁盘空间后重试。"
    if why == READ_ONLY:
        return f"{READ_ONLY}，{what}失败，没有写入任何内容。请换到可写的位置或取消只读后重试。"
    return f"{what}失败（{why}），没有写入任何内容。"
