"""Backups of the database: on demand, daily rolling copies, and restore.

All copies are made with SQLite's online backup API, so they are consistent
even while the window is writing, and each copy is checked (quick_check)
before it is kept: a damaged database never replaces a good backup.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from desktop.store.database import (
    KNOWN_REVISIONS, SQLITE_MAGIC, Database, DatabaseError, _migrate, backup_copy, before_copies,
    connect_backup, file_problem, is_damage, online_copy, open_database, read_only_folder_error,
    verified_copy,
)
from desktop.store.lock import DatabaseLocked, InstanceLock

DAILY_KEEP = 7
# The tables each schema revision has (a backup missing one is refused).
REQUIRED_TABLES = (
    ("0001", ("declarations", "cost_items", "indicators")),
    ("0003", ("declaration_list", "declaration_search", "declaration_keys")),
    ("0005", ("revisions", "library_entries", "option_values", "settings")),
)
BACKUP_DIR = "backups"


def copy_database(source: Path, target: Path) -> None:
    """Write a consistent, checked copy of source to target (replacing it atomically)."""
    verified_copy(source, target)


def backup_to(db: Database, target: Path) -> Path:
    copy_database(db.path, target)
    return target


def daily_copies(db_path: Path) -> list[tuple[date, Path]]:
    """This database's own daily copies, oldest first.

    Exactly ``{stem}-YYYYMMDD.sqlite3``: the copies of ``jixiao-2025.sqlite3``
    (``jixiao-2025-YYYYMMDD.sqlite3``) are not ``jixiao.sqlite3``'s.
    """
    folder = db_path.parent / BACKUP_DIR
    pattern = re.compile(rf"{re.escape(db_path.stem)}-(\d{{8}})\.sqlite3")
    found = []
    if folder.is_dir():
        for p in folder.iterdir():
            m = pattern.fullmatch(p.name)
            if not m:
                continue
            try:
                found.append((datetime.strptime(m.group(1), "%Y%m%d").date(), p))
            except ValueError:
                continue
    return sorted(found)


def _sound(path: Path) -> bool:
    try:
        return file_problem(path) is None
    except (sqlite3.Error, DatabaseError, OSError):
        return False


def daily_backup(db: Database, keep: int = DAILY_KEEP, today: date | None = None) -> Path | None:
    """Today's copy in backups/ beside the database (once a day); keeps the last `keep` days.

    A damaged database raises DatabaseDamaged and nothing is copied or pruned;
    the newest sound copy is never pruned, even if newer ones are damaged.
    """
    today = today or date.today()
    keep = max(keep, 1)
    folder = db.path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"{db.path.stem}-{today:%Y%m%d}.sqlite3"
    made = None
    if not target.exists():
        made = backup_to(db, target)
    copies = [p for _day, p in daily_copies(db.path)]
    old = copies[:-keep]
    if old:
        # Unless the newest copy is the one just made and checked, the newest
        # sound copy may be among the old ones (newer ones damaged, clock set back).
        newest_good: Path | None
        if made is not None and copies[-1] == made:
            newest_good = made
        else:
            newest_good = next((p for p in reversed(copies) if _sound(p)), None)
        old = [p for p in old if p != newest_good]
    for p in old:
        p.unlink(missing_ok=True)
    return made


@dataclass(frozen=True)
class BackupInfo:
    revision: str
    declarations: int


@dataclass(frozen=True)
class FoundBackup:
    """A sound backup of a database, as offered for restoring it."""

    path: Path
    made: datetime
    label: str  # when it was made, for people: 2026-11-10 or 2026-11-10 14:03
    declarations: int


def inspect_backup(path: Path) -> BackupInfo:
    """Check that a file is a sound backup of this app's database; say why not in Chinese."""
    try:
        with open(path, "rb") as f:
            if f.read(16) != SQLITE_MAGIC:
                raise DatabaseError(f"{path.name} 不是本程序的数据库备份。")
    except OSError as exc:
        raise DatabaseError(f"无法读取 {path.name}：{exc.strerror}") from exc
    try:
        con = connect_backup(path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"备份 {path.name} 无法读取：{exc}") from None
    try:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DatabaseError(f"备份 {path.name} 已损坏，不能用于恢复。")
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            count = con.execute("SELECT count(*) FROM declarations").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise
            raise DatabaseError(f"{path.name} 不是本程序的数据库备份。") from None
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise DatabaseError(f"备份 {path.name} 已损坏，不能用于恢复。") from None
        raise DatabaseError(f"备份 {path.name} 无法读取：{exc}") from None
    finally:
        con.close()
    if revision not in KNOWN_REVISIONS:
        raise DatabaseError(f"备份 {path.name} 由更新版本的程序创建（结构版本 {revision}），不能恢复。")
    missing = sorted(t for rev, needed in REQUIRED_TABLES if revision >= rev for t in needed if t not in tables)
    if missing:  # a copy someone tampered with or cut short: restoring it would break every command
        raise DatabaseError(f"备份 {path.name} 不完整（缺少数据表 {'、'.join(missing)}），不能用于恢复。")
    return BackupInfo(revision, count)


def backup_candidates(db_path: Path) -> list[tuple[datetime, str, Path]]:
    """This database's daily and before-* copies as (made, label, path), newest first, unchecked."""
    found = []
    for day, p in daily_copies(db_path):
        found.append((datetime.combine(day, datetime.min.time()), day.isoformat(), p))
    for _kind, made, p in before_copies(db_path):
        found.append((made, f"{made:%Y-%m-%d %H:%M}", p))

    def newest(item):
        made, _label, p = item
        # A daily copy's name has only the date: within a day, the file's time decides.
        try:
            mtime = p.stat().st_mtime
        except OSError:
            mtime = 0
        return made.date(), mtime, made

    return sorted(found, key=newest, reverse=True)


def newest_good_backup(db_path: Path) -> FoundBackup | None:
    """The newest backup of this database that passes inspect_backup, or None."""
    for made, label, p in backup_candidates(db_path):
        try:
            info = inspect_backup(p)
        except (DatabaseError, sqlite3.Error, OSError):  # not sound: try the next older one
            continue
        return FoundBackup(p, made, label, info.declarations)
    return None


def restore_from(db: Database, source: Path) -> Path:
    """Replace the open database's content with a backup; returns the safety copy made first."""
    inspect_backup(source)
    safety = backup_copy(db.path, "before-restore", spare=source)
    db.engine.dispose()  # no pooled connection may keep the old pages
    online_copy(source, db.path, source_is_backup=True)
    _migrate(db, True)  # an older backup is brought to the current schema
    return safety


@dataclass(frozen=True)
class Restored:
    declarations: int
    kept_aside: Path | None  # the damaged file, renamed, never deleted
    safety: Path | None  # a before-restore copy of a sound database


def _set_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm, which belong to it) to NAME.damaged-DATE."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".sqlite3"
    target = path.with_name(f"{path.stem}.damaged-{stamp}{suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.damaged-{stamp}-{n}{suffix}")
    path.rename(target)
    for side in ("-wal", "-shm"):
        # A -wal left behind would be replayed into the restored file.
        sidecar = Path(str(path) + side)
        if sidecar.exists():
            sidecar.rename(Path(str(target) + side))
    return target


def restore_database(path: Path, source: Path) -> Restored:
    """Put a backup in place of the database at `path`, which may be damaged.

    Refused while a window holds the database (DatabaseLocked). A damaged file
    is renamed aside, never deleted; a sound one is first copied to
    NAME.before-restore.DATE. An older backup is then migrated.
    """
    path, source = Path(path), Path(source)
    if source.exists() and path.exists() and source.resolve() == path.resolve():
        raise DatabaseError("备份文件就是当前的数据库本身，不能用它恢复。")
    info = inspect_backup(source)
    lock = InstanceLock(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # restoring onto a new machine
        lock.acquire()
    except DatabaseLocked:
        raise
    except OSError as exc:
        raise read_only_folder_error(path, exc) from exc
    kept = safety = None
    try:
        current = path.exists() and path.stat().st_size > 0
        problem = None
        if current:
            try:
                with open(path, "rb") as f:
                    is_sqlite = f.read(16) == SQLITE_MAGIC
                problem = file_problem(path) if is_sqlite else "不是 SQLite 数据库文件"
            except sqlite3.Error as exc:
                raise DatabaseError(f"无法读取数据库文件 {path}（{exc}），未做任何改动。") from exc
        try:
            if current and problem is None:
                # Sound: keep a copy, then write the backup through SQLite so its WAL stays coherent.
                safety = backup_copy(path, "before-restore", spare=source)
                online_copy(source, path, source_is_backup=True)
            else:
                if current:
                    kept = _set_aside(path)
                verified_copy(source, path, source_is_backup=True)
        except OSError as exc:
            raise read_only_folder_error(path, exc) from exc
        except sqlite3.Error as exc:
            raise DatabaseError(f"恢复失败（{exc}）。") from exc
    finally:
        lock.release()
    # An older backup is brought to the current schema, and the result checked once more.
    open_database(path).close()
    return Restored(info.declarations, kept, safety)
