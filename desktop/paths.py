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
