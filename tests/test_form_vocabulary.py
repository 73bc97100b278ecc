"""One description of the form: field paths, and labels from the declaration's own template."""
from __future__ import annotations

import pytest

from desktop.domain import template as template_module
from desktop.domain.form import HEADER_ROWS, INDICATOR_COLUMNS, parse_row_path, row_path
from desktop.domain.template import TemplateRegistry, registry
from desktop.store.database import open_database
from desktop.store.repository import Repository


def test_row_paths_name_a_table_cell_and_nothing_else():
    assert row_path("indicators", 3, "target") == "indicators[3].target"
    assert parse_row_path("cost_items[12].amount") == ("cost_items", 12, "amount")
    assert parse_row_path("header.project_name") is None
    assert parse_row_path("indicators[x].target") is None


def test_every_header_field_and_column_has_a_label_in_every_template():
    for t in registry().all():
        for left, right in HEADER_ROWS:
            assert t.label(left) != left and t.label(right) != right, t.id
    assert [f for f, _title in INDICATOR_COLUMNS] == ["level1", "level2", "name", "target", "explanation"]


@pytest.fixture
def relabelled(monkeypatch):
    """A third template that names 项目总金额 differently, as another jurisdiction's form might."""
    base = registry().get("caiyu-2021-101")
    other = base.model_copy(update={
        "id": "other-2026", "name": "另一地区的样式",
        "labels": {**base.labels, "header.total_amount": "项目总额（元）", "header.project_code": "项目代码"}})
    templates = {t.id: t for t in registry().all()} | {"other-2026": other}
    monkeypatch.setattr(template_module, "_registry", TemplateRegistry(templates))
    return other


def test_the_editor_shows_the_labels_of_the_open_declarations_template(qtbot, window_factory, db_path, samples,
                                                                         relabelled):
    first, second = samples[0], samples[1]
    second.template_id = relabelled.id
    with open_database(db_path) as db:
        ids = [d.id for d in Repository(db).save_all([first, second])]
    window = window_factory()
    labels = window.header_tab.labels
    window.open_declaration(ids[1])
    assert labels["header.total_amount"].text().startswith("项目总额")
    assert labels["header.project_code"].text() == "项目代码"
    window.open_declaration(ids[0])
    assert labels["header.total_amount"].text().startswith("项目总金额")
    assert labels["header.project_code"].text() == "项目编码"
