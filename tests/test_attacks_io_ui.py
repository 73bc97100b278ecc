"""Malformed exchange files imported from the window: the reason is shown, nothing is saved."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from conftest import SAMPLE

NESTED = '{"format": "jixiao-declarations", "schema_version": 1, "declarations": ' + "[" * 100_000 + "]" * 100_000 + "}"
DECLARATION = '{"format": "jixiao-declarations", "schema_version": 1, "declarations": [{"fiscal_year": %s}]}'
ATTACKS = {
    "deep nesting": (NESTED, "declarations.0.0.0.0.0.0.0…：嵌套层数过多"),
    "5000-digit integer": (DECLARATION % ("9" * 5000), "declarations.0.fiscal_year：数字有 5,000 位"),
    "fiscal year 10**30": (DECLARATION % (10**30), "declarations.0.fiscal_year：申报年度 1000000000000000000000000000000 不在 2000–2100 之间"),
    "lone surrogate": (DECLARATION % '2024, "header": {"project_name": "\\ud800"}',
                       "declarations.0.header.project_name：含有无效字符 U+D800"),
}


@pytest.mark.parametrize("case", ATTACKS)
def test_a_malformed_exchange_file_shows_why_and_saves_nothing(qtbot, window_factory, monkeypatch, tmp_path, case):
    text, where = ATTACKS[case]
    bad = tmp_path / "坏交换文件.json"
    bad.write_text(text, encoding="utf-8")
    window = window_factory()
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    window.import_paths([SAMPLE])
    assert window.repo.count() == 5
    before = [d.model_dump() for d in window.repo.load_many(window.repo.ids())]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bad)], ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append((title, text)))
    window.import_action.trigger()
    assert len(warned) == 1
    title, message = warned[0]
    assert title == "导入失败" and message.startswith("坏交换文件.json：内容有误（") and where in message
    assert "没有导入任何申报表" in message
    assert window.list_model.rowCount() == 5
    assert [d.model_dump() for d in window.repo.load_many(window.repo.ids())] == before
