"""Backups: a checked copy on demand, and restoring one (window and command line alike)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop import paths
from desktop.io.output import OutputRefused, check_output
from desktop.services.errors import ServiceError
from desktop.store.backup import BackupInfo, backup_to, inspect_backup, restore_from
from desktop.store.database import Database, DatabaseError
from desktop.store.write_errors import write_error_message


def backup(db: Database, target: Path) -> Path:
    """A verified copy of the open database at `target` (never over the database itself,
    one of its companions, another database, or with a wrong extension)."""
    try:
        out = check_output(Path(target), "backup", paths.database_files(db.path))
        return backup_to(db, out)
    except OutputRefused as exc:
        raise ServiceError(str(exc)) from None
    except DatabaseError as exc:  # the database is damaged, or the copy failed its check
        raise ServiceError(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:
        raise ServiceError(f"{write_error_message(exc, '备份')}（{target}）") from None


def inspect(source: Path) -> BackupInfo:
    try:
        return inspect_backup(Path(source))
    except DatabaseError as exc:
        raise ServiceError(str(exc)) from None


def restore(db: Database, source: Path) -> Path:
    """Replace the open database's content by a backup; returns the safety copy made first."""
    inspect(source)
    try:
        return restore_from(db, Path(source))
    except (DatabaseError, OSError, sqlite3.Error) as exc:
        raise ServiceError(f"{exc}\n当前数据没有改变。") from None
