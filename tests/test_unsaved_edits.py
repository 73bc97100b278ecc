"""Issue 9.2 (and 9.1 in the window): when autosave cannot write, nothing is lost.

A real 4 MB tmpfs fills up or turns read-only under the open window; the
window must say so in the status bar and on the list row, keep the edit,
retry until it lands, refuse to move away from it, and on closing offer to
save it elsewhere. Outputs chosen in dialogs never replace the database.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from conftest import close_window
from desktop.qt.declaration_list import STATUS_COLUMN, UNSAVED_TEXT
from desktop.qt.session import SAVE_RETRY_MS
from desktop.store.database import open_database
from desktop.store.repository import Repository
from disk import small_disk  # noqa: F401  (fixture)
from qt_helpers import type_into


def stored_names(db: Path) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("select project_name from declarations order by id")]
    finally:
        con.close()


def seeded(path: Path, samples, n: int = 2) -> Path:
    with open_database(path) as database:
        Repository(database).save_all(samples[:n])
    return path


def status_cell(window, decl_id: int) -> str:
    row = window.list_model.row_of(decl_id)
    return window.list_model.data(window.list_model.index(row, STATUS_COLUMN))


def click_in_next_box(button_text: str, seen: list) -> None:
    """Click a button of the next modal message box, as the user would."""
    def attempt():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            next(b for b in box.buttons() if b.text() == button_text).click()
        else:
            QTimer.singleShot(20, attempt)
    QTimer.singleShot(20, attempt)


def edit_name_and_wait_for_the_warning(qtbot, window, name: str) -> None:
    type_into(qtbot, window.header_tab.widgets["header.project_name"], name)
    qtbot.waitUntil(lambda: window.unsaved_label.isVisible(), timeout=5000)


def test_a_full_disk_is_shown_retried_and_the_edit_lands_when_space_returns(
        qtbot, window_factory, samples, small_disk, monkeypatch):  # noqa: F811
    db = seeded(small_disk.path / "jixiao.sqlite3", samples)
    window = window_factory(db)
    first, second = (s.id for s in sorted(window.list_model.items, key=lambda s: s.id))
    window.open_declaration(first)
    before = stored_names(db)
    small_disk.fill()
    edit_name_and_wait_for_the_warning(qtbot, window, "磁盘满时输入的名称")

    assert "磁盘空间不足" in window.unsaved_label.text()
    assert status_cell(window, first) == UNSAVED_TEXT
    assert stored_names(db) == before  # not on disk yet ...
    assert window.doc.declaration.header.project_name == "磁盘满时输入的名称"  # ... but not lost

    # Moving to another declaration would drop the edit: refused, with the reason.
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window.open_declaration(second)
    assert warned and "磁盘空间不足" in warned[0]
    assert window.doc.declaration.id == first
    assert window.doc.declaration.header.project_name == "磁盘满时输入的名称"

    small_disk.free()
    qtbot.waitUntil(lambda: not window.unsaved_label.isVisible(), timeout=SAVE_RETRY_MS + 5000)
    assert stored_names(db)[0] == "磁盘满时输入的名称"
    assert status_cell(window, first) != UNSAVED_TEXT


def test_a_folder_that_turns_read_only_is_shown_and_retried(qtbot, window_factory, samples, tmp_path,
                                                           monkeypatch):
    # A mount cannot turn read-only while the window holds the file open, so
    # the folder's refusal is SQLite's own error, raised where the write happens.
    from sqlalchemy.exc import OperationalError

    db = seeded(tmp_path / "jixiao.sqlite3", samples)
    window = window_factory(db)
    real_save_all = Repository.save_all
    read_only = [True]

    def save_all(self, *args, **kwargs):
        if read_only[0]:
            raise OperationalError("UPDATE declarations …", {},
                                   sqlite3.OperationalError("attempt to write a readonly database"))
        return real_save_all(self, *args, **kwargs)

    monkeypatch.setattr(Repository, "save_all", save_all)
    edit_name_and_wait_for_the_warning(qtbot, window, "只读时输入的名称")
    assert "只读" in window.unsaved_label.text()
    assert "只读时输入的名称" not in stored_names(db)
    read_only[0] = False
    qtbot.waitUntil(lambda: not window.unsaved_label.isVisible(), timeout=SAVE_RETRY_MS + 5000)
    assert "只读时输入的名称" in stored_names(db)


def test_closing_with_unsaved_edits_offers_to_save_them_elsewhere(
        qtbot, window_factory, samples, small_disk, tmp_path, monkeypatch):  # noqa: F811
    db = seeded(small_disk.path / "jixiao.sqlite3", samples)
    window = window_factory(db)
    small_disk.fill()
    edit_name_and_wait_for_the_warning(qtbot, window, "只在内存里的名称")

    # 取消 keeps the window open with the edit.
    seen: list[str] = []
    click_in_next_box("取消", seen)
    window.close()
    assert window.isVisible() and "磁盘空间不足" in seen[0]
    assert window.doc.declaration.header.project_name == "只在内存里的名称"

    # 另存为文件… writes the declaration as the window holds it, then the window closes.
    rescue = tmp_path / "抢救.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(rescue), ""))
    click_in_next_box("另存为文件…", seen)
    window.close()
    assert not window.isVisible()
    data = json.loads(rescue.read_text(encoding="utf-8"))
    assert [d["header"]["project_name"] for d in data["declarations"]] == ["只在内存里的名称"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("target", ["{db}", "{db}-wal", "{db}.lock"])
def test_the_backup_dialog_never_writes_over_the_database(qtbot, window_factory, samples, tmp_path,
                                                          monkeypatch, target):
    db = seeded(tmp_path / "jixiao.sqlite3", samples)
    window = window_factory(db)
    before = stored_names(db)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (target.format(db=db), ""))
    refused = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: refused.append(text))
    window.backup_action.trigger()
    assert refused and ("数据库" in refused[0] or "扩展名" in refused[0])
    assert stored_names(db) == before
    with sqlite3.connect(db) as con:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert not list(tmp_path.glob("*.part"))


def test_pdf_and_json_exports_through_a_link_to_the_database_are_refused(
        qtbot, window_factory, samples, tmp_path, monkeypatch):
    db = seeded(tmp_path / "jixiao.sqlite3", samples)
    window = window_factory(db)
    close_window(window)  # let the file settle (WAL checkpointed) to compare bytes
    window = window_factory(db)
    before = sha(db)
    refused = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: refused.append(text))
    for name, action in (("打印.pdf", window.export_pdf_action), ("交换.json", window.export_action)):
        link = tmp_path / name
        link.symlink_to(db)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _l=link, **k: (str(_l), ""))
        action.trigger()
    assert len(refused) == 2 and all("数据库" in text for text in refused)
    assert sha(db) == before
