"""A large database's pages are checked on a thread so the window shows at once
(issue 10), and still nothing is ever written to a damaged file (issue 9)."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.store import database
from desktop.store.database import DatabaseDamaged, open_database
from desktop.store.repository import Repository
from test_damaged_db import damaged, digest, healthy, names  # noqa: F401  (fixtures)


@pytest.fixture
def every_file_is_large(monkeypatch):
    monkeypatch.setattr(database, "DEFER_CHECK_BYTES", 0)


def test_a_sound_large_file_opens_at_once_and_saves_after_its_check(every_file_is_large, healthy, tmp_path,  # noqa: F811 (the fixture)
                                                                     sample_declarations):
    import shutil

    path = tmp_path / "big.sqlite3"
    shutil.copy(healthy, path)
    with open_database(path, defer_check=True) as db:
        assert db.page_check is not None
        Repository(db).save_all([sample_declarations[0].model_copy(deep=True)], counts=[(0, 0)])
        assert db.page_check is None  # passed, and forgotten
    assert len(names(path)) == 201


def test_a_damaged_large_file_is_never_written(every_file_is_large, damaged, sample_declarations):  # noqa: F811
    before = digest(damaged)
    db = open_database(damaged, defer_check=True)  # no verdict yet: opening does not wait
    try:
        with pytest.raises(DatabaseDamaged):
            Repository(db).save_all([sample_declarations[0].model_copy(deep=True)], counts=[(0, 0)])
        with pytest.raises(DatabaseDamaged):
            Repository(db).delete(1)
    finally:
        db.close()
    assert digest(damaged) == before


def test_the_window_on_a_damaged_large_file_says_so_and_closes_without_writing(
        every_file_is_large, damaged, qtbot, monkeypatch):  # noqa: F811
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow

    make_app()
    before = digest(damaged)
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    db = open_database(damaged, defer_check=True)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: bool(said) and not window.isVisible(), timeout=10000)
    finally:
        db.close()
    assert "已损坏" in said[0] and "备份" in said[0] and "没有写入任何内容" in said[0]
    assert digest(damaged) == before
