"""Writing a file the user named (PDF, JSON, Excel, backup) without destroying anything.

Every writer goes through here: ``check_output`` refuses a target that is the
open database or one of its companion files, anything that is not a regular
file (a device, a folder), an existing SQLite database, and a name whose
extension does not match what is written; ``write_atomically`` writes beside
the target and renames, leaving neither a half file nor a ``.part`` behind.
"""
from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"

# What each kind of output may be called.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("PDF", (".pdf",)),
    "json": ("JSON 交换文件", (".json",)),
    "xlsx": ("Excel 工作簿", (".xlsx",)),
    "backup": ("数据库备份", (".sqlite3", ".sqlite", ".db")),
}


class OutputRefused(Exception):
    """A target the app will not write; the message says why, in Chinese."""


def _same(a: Path, b: Path) -> bool:
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def check_output(path: Path, kind: str, protected: Iterable[Path] = ()) -> Path:
    """Return the target as an absolute path, or raise OutputRefused.

    ``protected`` lists files that must never be written (the open database
    and its -wal/-shm/lock files, its backups): compared by identity, so a
    different spelling or a link to them is refused too.
    """
    title, suffixes = KINDS[kind]
    path = Path(os.path.abspath(path))
    for p in protected:
        if _same(path, Path(p)):
            raise OutputRefused(
                f"不能写入 {path}：这是本程序的数据库或其备份文件，覆盖会毁掉数据。请另选一个文件名。")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputRefused(f"无法写入 {path}：{exc.strerror}。") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputRefused(f"{path} 是一个文件夹，不能作为输出文件。请在后面加上文件名。")
        if not stat.S_ISREG(st.st_mode):
            raise OutputRefused(f"{path} 不是普通文件（是设备或特殊文件），不能写入。")
        # Another database or an earlier backup: never overwritten, whatever its name.
        try:
            with open(path, "rb") as f:
                head = f.read(16)
        except OSError:
            head = b""
        if head == SQLITE_MAGIC:
            raise OutputRefused(f"{path} 是一个数据库文件（或备份），不会被覆盖。请另选一个文件名。")
    if path.suffix.lower() not in suffixes:
        wanted = "、".join(suffixes)
        raise OutputRefused(
            f"输出文件 {path.name} 的扩展名与内容不符：{title} 应保存为 {wanted} 文件。未写入任何文件。")
    parent = path.parent
    if not parent.is_dir():
        raise OutputRefused(f"文件夹 {parent} 不存在，未写入任何文件。")
    return path


def disk_message(exc: OSError, path: Path) -> str:
    """A plain Chinese sentence for a failed write."""
    import errno

    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入 {path}。请清理磁盘后重试；原有文件没有改动。"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"没有写入 {path.parent} 的权限（文件夹只读或受保护），未写入任何文件。"
    return f"无法写入 {path}：{exc.strerror or exc}。原有文件没有改动。"


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(tmp)`` on a temporary file beside ``path``, flush it to disk,
    then rename it over ``path``. On any failure the temporary file is removed
    and ``path`` is left as it was."""
    # Created exclusively under a new name: nothing that already exists (a file, or a
    # link to the database planted at a guessable name) is ever written through.
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:  # mkstemp makes it private (0600); the output keeps the old file's mode, or the usual one
        os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode) if path.exists() else 0o644)
    except OSError:
        pass
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomically(path, write)
