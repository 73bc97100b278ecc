"""Issue 15, items 7–9: deleting moves declarations to a 回收站 (restorable, purged only
when asked), from the list (Delete key), the 回收站 dialog and the command line;
several declarations finalised or printed at once; restoring from this
database's own backups."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from desktop.cli import main
from desktop.qt import backup_ui
from desktop.services import trash
from desktop.services.declarations import FINAL, set_status_many
from desktop.services.errors import ServiceError
from desktop.store.backup import daily_backup
from desktop.store.database import SCHEMA_HEAD, backup_copy, current_revision, open_database
from desktop.store.listing import Listing, ListQuery
from desktop.store.repository import Repository
from qt_helpers import type_into

FIXTURES = Path(__file__).parent / "fixtures"
Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def rows(db_path: Path, sql: str, args=()) -> list[tuple]:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def search_index_sound(db_path: Path) -> None:
    """FTS5's own check of the search index (raises when it is corrupt)."""
    con = sqlite3.connect(db_path)
    try:
        con.execute("INSERT INTO declaration_search (declaration_search) VALUES ('integrity-check')")
    finally:
        con.close()


def names(listing: Listing, **query) -> set[str]:
    found = listing.summaries(listing.ids(ListQuery(**query)))
    return {s.project_name for s in found.values()}


# -- store and services -------------------------------------------------------------------
def test_a_trashed_declaration_leaves_every_list_and_comes_back_whole(repo, samples, db_path):
    saved = repo.save_all(samples)
    car = saved[1]  # 车辆租赁费
    car_unit = car.header.applicant_unit
    listing = Listing(repo.db)
    assert trash.move_to_trash(repo, [car.id]) == 1

    assert car.id not in repo.ids() and repo.count() == 4
    assert car.id not in {s.id for s in repo.list_summaries()}
    assert car.id not in listing.order() and listing.count() == 4
    assert names(listing, text="车辆") == set() and names(listing, text="车") == set()  # trigram and short words
    assert names(listing, text="600,000") == set()
    assert sum(g.count for g in listing.groups(ListQuery())) == 4
    assert [t.id for t in trash.list_trash(repo)] == [car.id]
    # every row it had is kept
    assert rows(db_path, "SELECT count(*) FROM cost_items WHERE declaration_id = ?", (car.id,)) == [(len(car.cost_items),)]
    search_index_sound(db_path)

    assert trash.restore(repo, [car.id]) == 1
    assert sorted(repo.ids()) == sorted(d.id for d in saved)
    assert names(listing, text="车辆") == {"车辆租赁费"} and names(listing, text="车") == {"车辆租赁费"}
    assert car_unit in listing.units()
    assert repo.load(car.id).content_equals(samples[1])
    assert trash.list_trash(repo) == []
    search_index_sound(db_path)


def test_purging_erases_only_what_is_in_the_trash(repo, samples, db_path):
    saved = repo.save_all(samples)
    ids = [d.id for d in saved]
    trash.move_to_trash(repo, ids[:3])
    with pytest.raises(ServiceError, match="回收站中没有编号为 4"):
        trash.purge(repo, [ids[0], ids[3]])  # refused whole: nothing erased
    assert len(trash.list_trash(repo)) == 3
    assert trash.purge(repo, [ids[0]]) == 1
    assert rows(db_path, "SELECT count(*) FROM declarations WHERE id = ?", (ids[0],)) == [(0,)]
    assert rows(db_path, "SELECT count(*) FROM indicators WHERE declaration_id = ?", (ids[0],)) == [(0,)]
    assert trash.purge(repo) == 2  # 清空回收站
    assert rows(db_path, "SELECT id FROM declarations ORDER BY id") == [(ids[3],), (ids[4],)]
    assert rows(db_path, "SELECT count(*) FROM cost_items WHERE declaration_id IN (?, ?, ?)", ids[:3]) == [(0,)]
    assert repo.ids() == ids[3:]
    search_index_sound(db_path)


def test_moving_or_restoring_the_wrong_ids_is_refused_and_changes_nothing(repo, samples):
    saved = repo.save_all(samples[:2])
    with pytest.raises(ServiceError, match="没有编号为 99 的申报表"):
        trash.move_to_trash(repo, [saved[0].id, 99])
    assert repo.count() == 2
    trash.move_to_trash(repo, [saved[0].id])
    with pytest.raises(ServiceError, match=f"编号为 {saved[0].id} 的申报表已在回收站中"):
        trash.move_to_trash(repo, [saved[0].id])
    with pytest.raises(ServiceError, match=f"回收站中没有编号为 {saved[1].id}"):
        trash.restore(repo, [saved[1].id])
    assert repo.ids() == [saved[1].id]


def test_a_schema_0003_database_migrates_to_the_trash_schema_after_a_backup(tmp_path):
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0003.sqlite3", old)
    before = rows(old, "SELECT id, project_name, annual_amount FROM declarations ORDER BY id")
    con = sqlite3.connect(old)
    dump = list(con.iterdump())
    con.close()
    with open_database(old) as db:
        assert current_revision(db) == SCHEMA_HEAD == "0005"
        assert db.backup_path is not None and "before-migration-0003" in db.backup_path.name
        backup = sqlite3.connect(db.backup_path)
        assert list(backup.iterdump()) == dump
        backup.close()
        repo = Repository(db)
        listing = Listing(db)
        assert repo.count() == 6 and names(listing, text="车辆") == {"车辆租赁费"}
        odd = next(i for i, name, _ in before if name.startswith("ABC"))
        trash.move_to_trash(repo, [odd])
        assert names(listing, text="abc") == set() and repo.count() == 5
        trash.restore(repo, [odd])
        assert names(listing, text="abc") == {"ABC 系统运维（金额未定）"}
    assert rows(old, "SELECT id, project_name, annual_amount FROM declarations ORDER BY id") == before
    assert rows(old, "SELECT count(*) FROM declarations WHERE deleted_at IS NOT NULL") == [(0,)]
    search_index_sound(old)


def test_finalising_several_refuses_those_with_errors_and_names_them(repo, samples, db_path):
    samples[2].header.project_name = ""  # an error: 项目名称 is required
    saved = repo.save_all(samples[:4])
    ids = [d.id for d in saved]
    set_status_many(repo, [ids[3]], FINAL)
    done = set_status_many(repo, ids, FINAL)
    assert [i for i, _ in done.changed] == [ids[0], ids[1]]
    assert [i for i, _ in done.unchanged] == [ids[3]]
    assert [(i, name) for i, name, _why in done.refused] == [(ids[2], "（未命名）")]
    assert "错误" in done.refused[0][2]
    assert rows(db_path, "SELECT id, status FROM declarations ORDER BY id") == [
        (ids[0], "定稿"), (ids[1], "定稿"), (ids[2], "草稿"), (ids[3], "定稿")]


# -- the command line ------------------------------------------------------------------------
def cli(db_path, *args) -> int:
    return main(["--db", str(db_path), *map(str, args)])


def test_delete_trash_restore_and_empty_from_the_command_line(db_path, samples, tmp_path, capsys):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    assert cli(db_path, "delete", 2, 3) == 0
    assert capsys.readouterr().out == "2\t车辆租赁费\n3\t应急保障工作经费\n"
    assert rows(db_path, "SELECT id FROM declarations WHERE deleted_at IS NOT NULL ORDER BY id") == [(2,), (3,)]

    assert cli(db_path, "trash", "--json") == 0
    items = json.loads(capsys.readouterr().out)
    assert sorted(i["id"] for i in items) == [2, 3]
    assert set(items[0]) == {"id", "project_name", "project_code", "applicant_unit", "fiscal_year", "annual_amount",
                             "status", "deleted_at"}
    # hidden from list, validate --all, export --all and print --all
    assert cli(db_path, "list", "--json") == 0
    assert [i["id"] for i in json.loads(capsys.readouterr().out)] == [1, 4, 5]
    cli(db_path, "validate", "--all")
    assert [ln.split("\t")[0] for ln in capsys.readouterr().out.splitlines() if not ln.startswith("\t")] == ["1", "4", "5"]
    assert cli(db_path, "export", "--all", "-o", tmp_path / "all.json") == 0
    exported = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert sorted(d["header"]["project_name"] for d in exported["declarations"]) == sorted(
        [samples[0].header.project_name, samples[3].header.project_name, samples[4].header.project_name])
    assert cli(db_path, "print", "--all", "-o", tmp_path / "all.pdf") == 0
    assert "已输出 3 份申报表" in capsys.readouterr().out
    # a trashed one named on its own is not found either
    assert cli(db_path, "validate", 2) == 2
    assert "没有编号为 2 的申报表" in capsys.readouterr().err

    assert cli(db_path, "delete", 3) == 2
    assert capsys.readouterr().err.strip() == "编号为 3 的申报表已在回收站中。"
    assert cli(db_path, "restore-deleted", 2) == 0
    assert capsys.readouterr().out == "2\t车辆租赁费\n"
    assert rows(db_path, "SELECT id FROM declarations WHERE deleted_at IS NOT NULL") == [(3,)]
    assert cli(db_path, "empty-trash") == 0
    assert capsys.readouterr().out == "已彻底删除回收站中的 1 份申报表\n"
    assert rows(db_path, "SELECT id FROM declarations ORDER BY id") == [(1,), (2,), (4,), (5,)]
    assert rows(db_path, "SELECT count(*) FROM cost_items WHERE declaration_id = 3") == [(0,)]
    assert cli(db_path, "empty-trash") == 0
    assert capsys.readouterr().out == "回收站是空的\n"
    search_index_sound(db_path)


def test_deleting_from_the_command_line_is_refused_while_a_window_has_the_database(db_path, samples, capsys):
    with open_database(db_path) as db:
        Repository(db).save_all(samples[:1])
    with open_database(db_path):  # as the window holds it
        assert cli(db_path, "delete", 1) == 2
    assert "关闭窗口" in capsys.readouterr().err
    assert rows(db_path, "SELECT count(*) FROM declarations WHERE deleted_at IS NULL") == [(1,)]


# -- the window --------------------------------------------------------------------------------
@pytest.fixture
def window(window_factory, db_path, samples):
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    w = window_factory()
    w.resize(1600, 1000)
    return w


def select_rows(window, *rows_):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sm = window.list_view.selectionModel()
    selection = QItemSelection()
    for r in rows_:
        selection.select(window.list_model.index(r, 0), window.list_model.index(r, 0))
    sm.setCurrentIndex(window.list_model.index(rows_[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    sm.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


def test_the_delete_key_in_the_list_asks_and_moves_the_selected_to_the_trash(qtbot, window, db_path, monkeypatch):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: asked.append(text) or No)
    window.open_declaration(window.list_model.id_at(1))
    select_rows(window, 1, 2)
    chosen = window.selected_ids()
    window.list_view.setFocus()
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "把以下 2 份申报表移到回收站吗" in asked[0]
    assert window.list_model.rowCount() == 5  # answered No: nothing moved

    monkeypatch.setattr(QMessageBox, "question", lambda *a: Yes)
    qtbot.keyClick(window.list_view, Qt.Key.Key_Delete)
    assert window.list_model.rowCount() == 3
    assert sorted(r[0] for r in rows(db_path, "SELECT id FROM declarations WHERE deleted_at IS NOT NULL")) == sorted(chosen)
    assert window.open_id not in chosen and window.list_model.row_of(window.open_id) == 1  # the next one opened
    assert "已把 2 份申报表移到回收站" in window.statusBar().currentMessage()


def test_the_delete_key_in_a_text_field_deletes_text_not_declarations(qtbot, window, db_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked to delete declarations"))
    name = window.header_tab.widgets["header.project_name"]
    type_into(qtbot, name, "ab")
    qtbot.keyClick(name, Qt.Key.Key_Home)
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    assert name.text() == "b"
    assert window.list_model.rowCount() == 5


def test_the_trash_dialog_restores_and_purges_after_asking(qtbot, window, db_path, monkeypatch):
    answers = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a: answers.append(title) or Yes)
    select_rows(window, 0, 1, 2)
    gone = window.selected_ids()
    window.delete_action.trigger()
    window.trash_action.trigger()
    dialog = window.trash_window
    assert dialog.windowTitle() == "回收站（3 份）" and dialog.table.rowCount() == 3
    assert not dialog.restore_button.isEnabled()  # nothing selected yet

    back = dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert answers[-1] == "恢复申报表"
    assert window.list_model.row_of(back) >= 0 and window.open_id == back
    assert dialog.table.rowCount() == 2

    monkeypatch.setattr(QMessageBox, "question", lambda *a: No)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 2  # answered No twice: nothing erased

    monkeypatch.setattr(QMessageBox, "question", lambda *a: Yes)
    purged = dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.purge_button, Qt.MouseButton.LeftButton)
    assert rows(db_path, "SELECT count(*) FROM declarations WHERE id = ?", (purged,)) == [(0,)]
    qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert dialog.windowTitle() == "回收站（空）"
    assert rows(db_path, "SELECT id FROM declarations ORDER BY id") == sorted(
        (i,) for i in window.repo.ids())  # only those in the list are left
    assert len(window.repo.ids()) == 3 and back in window.repo.ids() and not set(gone) - {back} & set(window.repo.ids())
    search_index_sound(db_path)


def test_finalising_the_selected_reports_those_refused(qtbot, window, db_path, monkeypatch):
    broken = window.list_model.id_at(2)
    con = sqlite3.connect(db_path)  # a required field emptied behind the window's back
    with con:
        con.execute("UPDATE declarations SET project_name = '' WHERE id = ?", (broken,))
    con.close()
    window.list_panel.reload()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: told.append(text))
    select_rows(window, 0, 1, 2)
    chosen = window.selected_ids()
    assert window.finalize_selected_action.text() == "定稿所选 3 份…"
    window.finalize_selected_action.trigger()
    assert told and "已定稿 2 份申报表" in told[0] and "以下 1 份有错误，没有定稿" in told[0]
    status = dict(rows(db_path, "SELECT id, status FROM declarations"))
    assert [status[i] for i in chosen] == ["定稿", "定稿", "草稿"] and status[broken] == "草稿"
    assert window.list_model.index(0, 4).data() == "定稿"  # the list shows it


def test_printing_several_selected_sends_one_document(qtbot, window, monkeypatch):
    from desktop.qt import printing_ui

    from desktop.qt.print_job import PrintOutcome

    printed = []  # issue 14: the printer dialog comes first; the job renders them after it
    monkeypatch.setattr(printing_ui, "print_with_dialog",
                        lambda parent, decls, pdf=None, protected=(), repo=None: printed.append(decls) or PrintOutcome(ok=True))
    select_rows(window, 0, 3)
    wanted = [s.project_name for s in window.list_model.summaries(window.selected_ids())]
    assert window.print_action.text() == "打印所选 2 份…"
    window.print_action.trigger()
    assert len(printed) == 1
    assert sorted(d.header.project_name for d in printed[0]) == sorted(wanted)
    assert "已把 2 份申报表" in window.statusBar().currentMessage()


# -- 从备份恢复: this database's own backups first --------------------------------------------------
def test_restore_offers_this_databases_backups_with_their_counts(qtbot, window, db_path, monkeypatch, tmp_path):
    window.repo.move_to_trash([window.list_model.id_at(0)])  # the trashed one is not counted
    daily_backup(window.db, today=date(2026, 11, 10))
    window.repo.move_to_trash([window.list_model.id_at(1)])
    later = backup_copy(db_path, "before-restore")
    # another database's copy beside them is not offered
    shutil.copy(later, db_path.parent / "backups" / "other-20261111.sqlite3")
    offered = []

    def choose(self):
        offered.extend((self.table.item(r, 0).text(), self.table.item(r, 1).text(), self.table.item(r, 2).text())
                       for r in range(self.table.rowCount()))
        self.table.selectRow(1)  # the daily copy
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(backup_ui.BackupChooser, "exec", choose)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: Yes)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    window.restore_action.trigger()
    assert [o[1:] for o in offered] == [("3 份", "恢复前的自动备份"), ("4 份", "每日自动备份")]
    assert offered[1][0] == "2026-11-10"
    assert told and "已从备份恢复 4 份申报表" in told[0]
    assert window.list_model.rowCount() == 4

    # 其他文件…: the file chooser, as before
    def other(self):
        self.other = True
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(backup_ui.BackupChooser, "exec", other)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window.restore_action.trigger()
    assert asked and window.list_model.rowCount() == 4
