"""复制到下一年度 (issue 13): a new draft for the next 申报年度 with everything carried over,
linked to its source — from the command line and from the window, and the link in the list."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.qt.declaration_list import CODE_COLUMN, LINK_COLUMN, YEAR_COLUMN
from desktop.store.database import open_database
from desktop.store.repository import Repository
from tests.cli_helpers import db_dump, run


def _load(path, decl_id):
    with open_database(path, write=False) as db:
        return Repository(db).load(decl_id)


def test_copy_forward_carries_everything_over_and_links_to_the_source(filled_db, capsys):
    assert run(capsys, "--db", filled_db, "finalize", 3)[0] == 0  # a final form: its copy is a draft
    code, out, err = run(capsys, "--db", filled_db, "copy-forward", 1, 3)
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split("\t")[1] for line in lines] == ["民意速办工作经费", "应急保障工作经费"]
    for line, source_id in zip(lines, (1, 3), strict=True):
        copy, source = _load(filled_db, int(line.split("\t")[0])), _load(filled_db, source_id)
        assert copy.id not in (None, source_id)
        assert copy.fiscal_year == source.fiscal_year + 1 == 2025
        assert copy.source_id == source_id and copy.status == "草稿"
        assert copy.header == source.header and copy.texts == source.texts
        assert copy.cost_items == source.cost_items and copy.indicators == source.indicators
    assert _load(filled_db, 3).status == "定稿"  # the source is untouched


def test_copy_forward_starts_the_copy_s_history_and_is_not_made_twice(filled_db, capsys):
    import json

    code, out, _err = run(capsys, "--db", filled_db, "copy-forward", 1)
    copy_id = int(out.split("\t")[0])
    code, out, _err = run(capsys, "--db", filled_db, "history", copy_id, "--json")
    assert [r["reason"] for r in json.loads(out)] == ["复制到下一年度"]
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "copy-forward", 1)  # again: the copy exists
    assert code == 2 and out == ""
    assert "已复制到 2025 年度" in err and f"编号 {copy_id}" in err
    assert db_dump(filled_db) == before


def test_copy_forward_of_a_missing_declaration_changes_nothing(filled_db, capsys):
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "copy-forward", 42)
    assert code == 2 and out == "" and "没有编号为 42 的申报表" in err
    assert db_dump(filled_db) == before


def test_copy_forward_from_the_window_opens_the_linked_draft(window_factory, filled_db):
    w = window_factory(filled_db)
    w.open_declaration(2)
    w.copy_forward_action.trigger()  # 文件 → 复制到下一年度
    d = w.doc.declaration
    assert d.id == 6 and d.fiscal_year == 2025 and d.source_id == 2 and d.status == "草稿"
    assert d.header == _load(filled_db, 2).header
    row = w.list_model.row_of(6)
    model = w.list_model
    assert model.index(row, YEAR_COLUMN).data() == "2025"
    assert model.index(row, CODE_COLUMN).data() == "440313241071500400006"  # 项目编码 in the list
    assert model.index(row, LINK_COLUMN).data() == "← 2024"  # and the link
    assert "编号 2" in model.index(row, LINK_COLUMN).data(3)  # ToolTipRole
    assert model.index(w.list_model.row_of(2), LINK_COLUMN).data() == ""
    assert model.headerData(LINK_COLUMN, Qt.Orientation.Horizontal) == "上年度"
    w.resize(1600, 900)  # shown beside 项目编码 when there is room (right click on the header: always)
    w.list_panel.fit_columns()
    assert LINK_COLUMN in w.list_panel.shown_columns()
    # No warning: the copy is no less ambitious than its source, and the only one of 2025.
    assert not [p for p in w.doc.problems if p.code in ("target.below_last_year", "duplicate.code_year")]
