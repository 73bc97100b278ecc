"""Test configuration: headless Qt, settings and databases kept in tmp."""
from __future__ import annotations

import os
from pathlib import Path

# Before any Qt import: the suite runs headless anywhere, on a screen the size
# of a common office monitor (the offscreen default is 800x800).
_SCREEN = Path(__file__).parent / "offscreen-screen.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.pop("JIXIAO_DB", None)

import pytest  # noqa: E402

# Saving without counts asks the one checker of the services (as the app does).
import desktop.services.checking  # noqa: E402,F401

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "shenshan-emergency-2024.txt"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """Keep QSettings (window geometry, last declaration) away from the user's disk."""
    settings_dir = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(settings_dir))
    monkeypatch.setenv("XDG_DATA_HOME", str(settings_dir / "data"))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:  # pragma: no cover
        return
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.sqlite3"


@pytest.fixture(scope="session")
def sample_declarations():
    from desktop.io.text_import import import_text_file

    return import_text_file(SAMPLE)


@pytest.fixture
def samples(sample_declarations):
    """Fresh copies of the five sample forms, safe to modify."""
    return [d.model_copy(deep=True) for d in sample_declarations]


@pytest.fixture
def filled_db(tmp_path, capsys) -> Path:
    """A database holding the five sample forms, imported through the command line."""
    from desktop.cli import main

    path = tmp_path / "jixiao.sqlite3"
    assert main(["--db", str(path), "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def db(db_path):
    from desktop.store.database import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def repo(db):
    from desktop.store.repository import Repository

    return Repository(db)


@pytest.fixture
def window_factory(qtbot, db_path):
    """Open main windows on db_path; closes them (and their databases) at the end."""
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow
    from desktop.store.database import open_database

    make_app()
    opened = []

    def factory(path=None):
        database = open_database(path or db_path)
        window = MainWindow(database)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.editor_ready)  # the second step of start-up
        opened.append((window, database))
        return window

    yield factory
    for window, database in opened:
        if window.isVisible():
            window.close()
        database.close()
    # A cancelled preview stops at its next page, which a huge text reaches only after
    # seconds of layout: let it end here rather than eat the next test's time measurements.
    import threading

    for thread in threading.enumerate():
        if thread.name in ("print-preview", "jixiao-library"):
            thread.join(timeout=120)


def close_window(window):
    window.close()
    window.db.close()
