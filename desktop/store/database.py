"""Opening the user's database: checks, backup, migrations, connection settings.

Opening an up-to-date file needs only the standard library: the SQLAlchemy
engine is created on first use, so the window can show its list before
SQLAlchemy (a fifth of a second to import) has loaded.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store.lock import DatabaseLocked, InstanceLock

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# The newest migration under migrations/versions. Checked against Alembic's
# own view by a test, so that opening an up-to-date file never imports Alembic
# (it costs a noticeable part of start-up).
SCHEMA_HEAD = "0002"
KNOWN_REVISIONS = ("0001", "0002")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database file that cannot be used; the message says why, in Chinese."""


def _set_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL + synchronous=FULL: a committed transaction survives a power cut, and
    # readers (read-only commands) never block the window's writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class Database:
    """An open database file: its engine (made on first use) and, for writers, the instance lock."""

    def __init__(self, path: Path, lock: InstanceLock, read_only: bool = False):
        self.path = path
        self.lock = lock
        self.read_only = read_only
        self.backup_path: Path | None = None

    @cached_property
    def engine(self) -> "Engine":
        from sqlalchemy import create_engine, event

        if self.read_only:
            # Reading a read-only file: no journal changes, no locks taken on it.
            return create_engine(f"sqlite:///file:{self.path.as_posix()}?mode=ro&uri=true")
        engine = create_engine(f"sqlite:///{self.path}")
        event.listen(engine, "connect", _set_pragmas)
        return engine

    def connect(self) -> sqlite3.Connection:
        """A plain read connection, for the quick reads of start-up."""
        if self.read_only:
            return sqlite3.connect(f"file:{self.path.as_posix()}?mode=ro", uri=True)
        return sqlite3.connect(self.path)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        self.lock.release()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_database(path: Path | str, *, write: bool = True) -> Database:
    """Open (creating if needed) and migrate a database.

    ``write=True`` takes the instance lock: a second window or writing command
    on the same file gets ``DatabaseLocked``. Read-only users skip the lock.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库所在的文件夹 {path.parent}：{exc.strerror}") from exc
    _check_is_sqlite(path)
    read_only_file = path.exists() and not (path.stat().st_mode & 0o222)
    if read_only_file and write:
        raise DatabaseError(
            f"数据库文件 {path} 是只读的，不能在其中编辑。请复制一份可写的文件，或取消该文件的“只读”属性。文件未做任何改动。")
    lock = InstanceLock(path)
    if write:
        try:
            lock.acquire()
        except PermissionError as exc:
            raise DatabaseError(f"数据库所在的文件夹不可写：{path.parent}") from exc
    try:
        db = Database(path, lock, read_only=read_only_file)
        _migrate(db, write)
        return db
    except Exception:
        lock.release()
        raise


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件 {path}：{exc.strerror}") from exc
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"文件 {path} 不是本程序的数据库（不是 SQLite 数据库文件），未做任何改动。")


def current_revision(db: Database) -> str | None:
    con = db.connect()
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone():
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _migrate(db: Database, write: bool) -> None:
    try:
        rev = current_revision(db)
    except sqlite3.DatabaseError as exc:  # the file is damaged
        raise DatabaseError(
            f"数据库文件 {db.path} 已损坏或无法读取（{exc}）。文件未做任何改动；"
            "可以从备份恢复（文件 → 从备份恢复）。") from exc
    if rev == SCHEMA_HEAD:
        return
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"数据库 {db.path} 由更新版本的程序创建（结构版本 {rev}），请使用新版本程序打开。文件未做任何改动。"
        )
    if db.read_only:
        raise DatabaseError(f"数据库 {db.path} 需要升级，但文件是只读的。请复制一份可写的文件后再打开。")
    if not write and not db.lock.held:
        # Migrating writes: a read-only user may do it only when no window has the file.
        try:
            db.lock.acquire()
        except DatabaseLocked:
            raise DatabaseError("数据库需要升级，但正被窗口使用；请关闭窗口后重试。") from None
    if _has_user_tables(db):
        db.backup_path = backup_copy(db.path, f"before-migration-{rev or 'none'}")
    _run_alembic(db.engine)


def _has_user_tables(db: Database) -> bool:
    con = db.connect()
    try:
        return con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone() is not None
    finally:
        con.close()


def _run_alembic(engine: "Engine") -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def online_copy(source: Path, target: Path) -> None:
    """Copy a database page by page with SQLite's online backup API: consistent
    even while another connection writes. Target is overwritten in place."""
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_copy(path: Path, reason: str) -> Path:
    """A consistent copy beside the file, named for why it was made."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{reason}.{stamp}{path.suffix or '.sqlite3'}")
    online_copy(path, target)
    return target


__all__ = ["Database", "DatabaseError", "DatabaseLocked", "open_database", "backup_copy"]
