"""Where bundled files and the user's database live.

Bundled files (fonts, templates) sit at the repository top level in a source
checkout and under ``sys._MEIPASS`` in a PyInstaller bundle.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "jixiao"
DB_ENV = "JIXIAO_DB"


def bundle_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def forms_dir() -> Path:
    return bundle_root() / "forms"


def default_db_path() -> Path:
    """The database used when neither --db nor JIXIAO_DB is given."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir  # imported late: only needed here

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "jixiao.sqlite3"


def database_files(db_path: Path) -> list[Path]:
    """The database and every file that belongs to it: SQLite's journals, the
    window's lock, the backups beside it. No output may ever be written over these."""
    db_path = Path(os.path.abspath(db_path))
    name = str(db_path)
    files = [db_path, *(Path(name + s) for s in ("-wal", "-shm", "-journal", ".lock"))]
    real = os.path.realpath(db_path)  # a linked database: its lock sits beside the real file
    if real != name:
        files += [Path(real + s) for s in ("-wal", "-shm", "-journal", ".lock")]
    backups = db_path.parent / "backups"
    if backups.is_dir():
        files += [p for p in backups.iterdir() if p.is_file()]
    files += [p for p in db_path.parent.glob(f"{db_path.stem}.*{db_path.suffix}") if p.is_file()]
    return files
