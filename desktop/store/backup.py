"""Backups of the database: on demand, daily rolling copies, and restore.

All copies are made with SQLite's online backup API, so they are consistent
even while the window is writing.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.store.database import (
    KNOWN_REVISIONS, SQLITE_MAGIC, Database, DatabaseError, _migrate, backup_copy, online_copy,
)

DAILY_KEEP = 7
BACKUP_DIR = "backups"


def copy_database(source: Path, target: Path) -> None:
    """Write a consistent copy of source to target (replacing it atomically)."""
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    online_copy(source, tmp)
    tmp.replace(target)


def backup_to(db: Database, target: Path) -> Path:
    copy_database(db.path, target)
    return target


def daily_backup(db: Database, keep: int = DAILY_KEEP, today: date | None = None) -> Path | None:
    """Today's copy in backups/ beside the database (once a day); keeps the last `keep` days."""
    today = today or date.today()
    folder = db.path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{db.path.stem}-{today:%Y%m%d}.sqlite3"
    made = None
    if not target.exists():
        made = backup_to(db, target)
    copies = sorted(folder.glob(f"{db.path.stem}-[0-9]*.sqlite3"))
    for old in copies[:-keep] if keep > 0 else copies:
        old.unlink(missing_ok=True)
    return made


@dataclass(frozen=True)
class BackupInfo:
    revision: str
    declarations: int


def inspect_backup(path: Path) -> BackupInfo:
    """Check that a file is a sound backup of this app's database; say why not in Chinese."""
    try:
        with open(path, "rb") as f:
            if f.read(16) != SQLITE_MAGIC:
                raise DatabaseError(f"{path.name} 不是本程序的数据库备份。")
    except OSError as exc:
        raise DatabaseError(f"无法读取 {path.name}：{exc.strerror}") from exc
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DatabaseError(f"备份 {path.name} 已损坏，不能用于恢复。")
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            count = con.execute("SELECT count(*) FROM declarations").fetchone()[0]
        except sqlite3.DatabaseError:
            raise DatabaseError(f"{path.name} 不是本程序的数据库备份。") from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"备份 {path.name} 无法读取：{exc}") from None
    finally:
        con.close()
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(f"备份 {path.name} 由更新版本的程序创建（结构版本 {revision}），不能恢复。")
    return BackupInfo(revision, count)


def restore_from(db: Database, source: Path) -> Path:
    """Replace the open database's content with a backup; returns the safety copy made first."""
    inspect_backup(source)
    safety = backup_copy(db.path, "before-restore")
    db.engine.dispose()  # no pooled connection may keep the old pages
    online_copy(source, db.path)
    _migrate(db, True)  # an older backup is brought to the current schema
    return safety
