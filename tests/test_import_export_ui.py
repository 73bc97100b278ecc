"""Import and export from the window: menus, summary, drag and drop, all or nothing."""
from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from conftest import SAMPLE


def test_import_from_the_menu_shows_a_summary_and_the_new_forms(qtbot, window_factory, monkeypatch):
    window = window_factory()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(SAMPLE)], ""))
    summary = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: summary.append(text))
    window.import_action.trigger()
    assert window.list_model.rowCount() == 5
    assert "导入 5 份申报表" in summary[0] and "车辆租赁费（错误 0，警告 2）" in summary[0]
    assert window.doc.declaration is not None


def test_a_failing_file_imports_nothing_and_says_why(qtbot, window_factory, monkeypatch, tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    window = window_factory()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(SAMPLE), str(bad)], ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window.import_action.trigger()
    assert window.list_model.rowCount() == 0 and window.repo.count() == 0
    assert "坏文件.xlsx" in warned[0] and "没有导入任何申报表" in warned[0]


def test_files_dropped_on_the_window_are_imported(qtbot, window_factory, monkeypatch):
    window = window_factory()
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.list_model.rowCount() == 5


def test_export_of_selected_forms_as_json_and_excel(qtbot, window_factory, monkeypatch, tmp_path):
    window = window_factory()
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    window.import_paths([SAMPLE])
    window.list_view.selectAll()
    target = tmp_path / "交换"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "交换文件 JSON (*.json)"))
    window.export_action.trigger()
    data = json.loads((tmp_path / "交换.json").read_text(encoding="utf-8"))
    assert len(data["declarations"]) == 5
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "表.xlsx"), ""))
    window.export_action.trigger()
    from openpyxl import load_workbook

    assert len(load_workbook(tmp_path / "表.xlsx").sheetnames) == 5


def test_export_file_names_come_from_the_project_name_made_safe(qtbot, window_factory, monkeypatch, tmp_path):
    window = window_factory()
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    window.import_paths([SAMPLE])
    name = window.header_tab.widgets["header.project_name"]
    name.setText("网格/管理:经费")
    name.textEdited.emit(name.text())
    suggested = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, title, path, *a: suggested.append(path) or ("", ""))
    window.export_action.trigger()
    assert suggested and suggested[0].endswith("网格_管理_经费.json")


def test_export_with_nothing_open_does_nothing(qtbot, window_factory, monkeypatch):
    window = window_factory()
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window.export_action.trigger()
    window.export_pdf_action.trigger()
    assert asked == []
