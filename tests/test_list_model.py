"""The window's list model over the store's queries: consistent for Qt's model
tester through sorts, filters, inserts and removals, and lazy: rows are read
from the database as the view asks for them, a page at a time."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop.qt.declaration_list import COLUMNS, ID_ROLE, PAGE, DeclarationListModel
from desktop.store.listing import Listing


@pytest.fixture
def model(qapp, repo, samples):
    for i, d in enumerate(samples):
        d.fiscal_year = 2024 + i % 2
    repo.save_all(samples)
    m = DeclarationListModel(Listing(repo.db))
    m.reload()
    yield m
    m.listing.close()


def shown_names(model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_model_stays_consistent_through_sorts_filters_and_changes(qtmodeltester, model, repo, samples):
    qtmodeltester.check(model)  # stays attached: every later change is checked as it happens
    for column in range(len(COLUMNS)):
        model.sort(column, Qt.SortOrder.AscendingOrder)
        model.sort(column, Qt.SortOrder.DescendingOrder)
    model.set_filters(year=2024)
    assert model.rowCount() == 3
    model.set_filters(text="工作经费")
    assert sorted(shown_names(model)) == ["应急保障工作经费", "民意速办工作经费"]  # 网格管理 is 2025
    model.set_filters(year=None, text="")
    assert model.rowCount() == 5
    new = repo.save(samples[0].model_copy(update={"id": None}))
    model.upsert(repo.summary(new.id))
    assert model.rowCount() == 6 and model.id_at(0) == new.id
    repo.delete(new.id)
    model.remove(new.id)
    assert model.rowCount() == 5
    model.reload()
    assert model.rowCount() == 5


def test_sorting_by_each_column_follows_the_store(model):
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert shown_names(model) == sorted(shown_names(model))
    model.sort(2, Qt.SortOrder.DescendingOrder)
    years = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert years == sorted(years, reverse=True)
    model.sort(3, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 3).data() == "6,000.00" and model.index(4, 3).data() == "3,318,800.00"


def test_a_sort_keeps_the_selection_on_the_same_declarations(qapp, model):
    from PySide6.QtWidgets import QTableView

    view = QTableView()
    view.setModel(model)
    chosen = model.id_at(1)
    view.selectionModel().setCurrentIndex(model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
    for column in (0, 3, 6):
        model.sort(column, Qt.SortOrder.AscendingOrder)
        assert view.selectionModel().currentIndex().data(ID_ROLE) == chosen
        assert [i.data(ID_ROLE) for i in view.selectionModel().selectedRows()] == [chosen]


def test_an_edited_row_keeps_its_place_and_a_new_one_comes_first(model, repo):
    model.sort(0, Qt.SortOrder.AscendingOrder)
    row = 2
    decl = repo.load(model.id_at(row))
    decl.header.project_name = "啊（改名后排在最前）"
    model.upsert(repo.summary(repo.save(decl).id))
    assert model.index(row, 0).data() == "啊（改名后排在最前）"  # until the next sort
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.row_of(decl.id) == 0


def test_a_filtered_out_declaration_stays_hidden_when_saved(model, repo):
    model.set_filters(text="车辆")
    assert model.rowCount() == 1
    hidden = next(i for i in model.listing.order() if i != model.id_at(0))
    model.upsert(repo.summary(hidden))
    assert model.rowCount() == 1


def test_rows_are_read_a_page_at_a_time(qapp, repo, samples, monkeypatch):
    decls = []
    for i in range(PAGE * 3):
        d = samples[i % 5].model_copy(deep=True)
        d.header.project_name = f"项目 {i:03d}"
        decls.append(d)
    repo.save_all(decls)
    model = DeclarationListModel(Listing(repo.db))
    model.reload()
    asked: list[int] = []
    real = model.listing.summaries
    monkeypatch.setattr(model.listing, "summaries", lambda ids: asked.append(len(ids)) or real(ids))
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert asked == []  # sorting reads ids only
    assert model.index(0, 0).data() == "项目 000"
    assert model.index(PAGE - 1, 0).data() == f"项目 {PAGE - 1:03d}"
    assert asked == [PAGE]
    assert model.index(PAGE * 3 - 1, 0).data() == f"项目 {PAGE * 3 - 1:03d}"
    assert asked == [PAGE, PAGE]
    assert [s.project_name for s in model.items[:2]] == ["项目 000", "项目 001"]
    model.listing.close()
