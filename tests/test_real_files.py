"""Reading files as people keep them (issue 12): label variants and units, encodings, legacy
Excel/WPS/OpenDocument sheets, Word forms split over tables or nested in a layout table,
.doc/.wps refused with what to do; and the window's side: 确认金额, 编辑列表….

The fixtures under fixtures/real/ are made by fixtures/real/make_real_fixtures.py.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from cli_helpers import db_dump, run
from conftest import FIXTURES
from desktop.io.errors import ImportFailed
from desktop.io.importers import import_file
from desktop.io.text_import import parse_text, read_text_file

REAL = FIXTURES / "real"
sys_path_fixture = REAL / "make_real_fixtures.py"

HEADER = {
    "project_code": "440300250000100000001", "project_name": "城市道路巡查养护经费",
    "applicant_unit": "某区城市管理和综合执法局", "budget_unit": "某区城市管理和综合执法局",
    "duration_years": "3", "project_type": "事业发展类项目", "is_new": "否", "allocation_method": "项目法",
    "total_amount": "3,600,000.00",
}
INDICATOR_NAMES = ["道路巡查里程", "养护培训次数", "道路完好率", "问题处置及时率", "资金使用合规率", "道路通行保障率", "市民满意度"]


NEXT_YEAR = datetime.now().year + 1


def read(name: str, notes: list[str] | None = None):
    (d,) = import_file(REAL / name, notes)
    return d


def assert_the_form(d, annual: str, cost: list[str]) -> None:
    for field, value in HEADER.items():
        assert getattr(d.header, field) == value, field
    assert d.header.annual_amount == annual
    assert [c.amount for c in d.cost_items] == cost
    assert [r.name for r in d.indicators] == INDICATOR_NAMES
    assert d.indicators[2].level2 == "质量指标" and d.indicators[-1].level1 == "满意度指标"
    assert d.texts.long_term_goals.startswith("三年内")


# -- text files: encodings, label variants and units, items run together -------------------------------
TEXT_COST = ["600,000.00", "300,000.00", "300,000.00"]


@pytest.mark.parametrize("name", ["form-gb18030.txt", "form-utf16-nobom.txt"])
def test_text_exports_in_gb18030_and_utf16_without_bom(name):
    notes: list[str] = []
    d = read(name, notes)
    assert_the_form(d, "1,200,000.00", TEXT_COST)
    assert notes == [f"{name}《城市道路巡查养护经费》：项目总金额按万元换算为元：360 万元 → 3,600,000.00 元",
                     f"{name}《城市道路巡查养护经费》：本年度项目金额按万元换算为元：120 万元 → 1,200,000.00 元",
                     f"{name}《城市道路巡查养护经费》：表中没有申报年度，按下一年度 {NEXT_YEAR} 年导入，请在“基本信息”中核对"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "gb18030", "utf-8-sig"])
def test_every_encoding_reads_the_same_text(tmp_path, encoding):
    text = read_text_file(REAL / "form-gb18030.txt")
    path = tmp_path / "form.txt"
    path.write_bytes(text.encode(encoding))
    assert read_text_file(path) == text


def test_items_run_together_after_full_width_punctuation_are_split():
    d = read("form-gb18030.txt")
    assert [c.text for c in d.cost_items] == [
        "道路巡查服务：按10人、每人6万元，合计60万元；", "养护材料费：沥青及辅材30万元；",
        "设备更新：巡查车辆2辆，每辆15万元，共计30万元。以上合计120万元。"]
    assert d.texts.annual_goals.split("\n") == [
        "（1）完成全区主次干道巡查500公里；", "（2）开展养护培训12次；", "（3）进一步提升道路完好率。"]


@pytest.mark.parametrize("cell, expected", [
    ("1.完成巡查；2.开展培训；3.更新设备", ["完成巡查；", "开展培训；", "更新设备"]),
    ("(1)完成巡查 (2)开展培训", ["完成巡查", "开展培训"]),
    ("（1）完成巡查（2）开展培训", ["完成巡查", "开展培训"]),
    ("①完成巡查②开展培训③更新设备", ["完成巡查", "开展培训", "更新设备"]),
])
def test_numbered_lists_in_every_style_become_items(cell, expected):
    (d,) = parse_text(f"二级项目支出绩效目标申报表\n项目名称\t甲\n测算依据\t{cell}\n")
    assert [c.text for c in d.cost_items] == expected


@pytest.mark.parametrize("label, value, expected", [
    ("项目总金额（万元）", "53.62", "536,200.00"),
    ("项目总金额(万元)", "1,234.5", "12,345,000.00"),
    ("项目总额（单位：万元）", "10", "100,000.00"),
    ("项目总金额（万元）", "53.62万", "536,200.00"),  # names its unit itself: taken as written
    ("项目总金额（中期规划，元）", "536200", "536,200.00"),
])
def test_an_amount_label_with_its_unit_converts_to_yuan(label, value, expected):
    (d,) = parse_text(f"二级项目支出绩效目标申报表\n项目名称\t甲\n{label}\t{value}\n")
    assert d.header.total_amount == expected


def test_the_annual_amount_label_variants():
    for label in ("本年度项目金额(万元)", "预算金额：万元", "本年度预算金额（万元）"):
        notes: list[str] = []
        (d,) = parse_text(f"二级项目支出绩效目标申报表\n项目名称\t甲\n{label}\t20\n", "a.txt", notes)
        assert d.header.annual_amount == "200,000.00", label
        assert notes[0] == "a.txt《甲》：本年度项目金额按万元换算为元：20 万元 → 200,000.00 元"
        assert notes[1:] == [f"a.txt《甲》：表中没有申报年度，按下一年度 {NEXT_YEAR} 年导入，请在“基本信息”中核对"]


def test_label_variants_come_from_the_template(monkeypatch):
    """One place: a synonym added to the template is read by every importer."""
    from desktop.domain import template
    from desktop.io import form_rows

    t = template.registry().default
    changed = t.model_copy(update={"label_synonyms": {**t.label_synonyms, "header.project_name": ("工程名称",)}})
    monkeypatch.setattr(template.registry(), "_by_id", {**template.registry()._by_id, t.id: changed})
    form_rows.labels.cache_clear()
    form_rows._label_of.cache_clear()
    try:
        (d,) = parse_text("二级项目支出绩效目标申报表\n工程名称\t乙\n")
        assert d.header.project_name == "乙"
    finally:
        form_rows.labels.cache_clear()
        form_rows._label_of.cache_clear()


def test_a_label_with_its_value_in_the_same_cell_is_no_label():
    (d,) = parse_text("二级项目支出绩效目标申报表\n项目名称\t甲\n年度目标\t项目名称：说明\n")
    assert d.texts.annual_goals == "项目名称：说明"


# -- spreadsheets: .xlsx, .xls, .et, .ods; the indicator table on its own sheet ------------------------
@pytest.mark.parametrize("name", ["form-sheets.xlsx", "form-sheets.xls", "form-sheets.et", "form-sheets.ods"])
def test_spreadsheets_in_every_format_with_the_indicators_on_their_own_sheet(name):
    notes: list[str] = []
    d = read(name, notes)
    assert_the_form(d, "1,205,000.00", ["600,000.00", "305,000.00", "300,000.00"])
    assert [c.text for c in d.cost_items][0] == "道路巡查服务：按10人、每人6万元"
    assert f"{name}《城市道路巡查养护经费》：测算依据的金额按万元换算为元" in notes
    assert any("预算" not in n and "本年度项目金额按万元换算为元：120.5 万元" in n for n in notes)


def test_a_damaged_legacy_sheet_is_refused_clearly(tmp_path):
    bad = tmp_path / "坏表格.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ImportFailed, match="坏表格.xls：无法读取 Excel 文件"):
        import_file(bad)


# -- Word: split over tables, nested in a layout table; .doc and .wps ---------------------------------------
@pytest.mark.parametrize("name", ["form-split.docx", "form-nested.docx"])
def test_word_forms_split_over_tables_or_nested_in_a_layout_table(name):
    d = read(name)
    assert_the_form(d, "1,200,000.00", TEXT_COST)


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_doc_or_wps_file_is_refused_with_what_to_do(capsys, db_path, filled_db, tmp_path, suffix):
    legacy = tmp_path / f"旧格式{suffix}"
    shutil.copy(REAL / "form-legacy.doc", legacy)
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "import", REAL / "form-gb18030.txt", legacy)
    assert code == 2 and out == ""
    assert f"旧格式{suffix}" in err and "另存为" in err and ".docx" in err and "不是文本文件" not in err
    assert db_dump(filled_db) == before


def test_a_text_whose_tabs_became_spaces_is_refused_not_saved_as_empty_forms(capsys, filled_db, tmp_path):
    """Copied out of Word/WPS, the cells' tabs turn into spaces: the labels run into their values.
    Before, five blank drafts were saved and the import reported success."""
    text = (FIXTURES / "shenshan-emergency-2024.txt").read_text(encoding="utf-8")
    spaced = tmp_path / "复制的申报表.txt"
    spaced.write_text(text.replace("\t", "    "), encoding="utf-8")
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "import", spaced)
    assert code == 2 and out == ""
    assert "没有读到任何栏目的内容" in err and "制表符" in err and ".docx" in err
    assert db_dump(filled_db) == before


def test_an_office_file_renamed_to_txt_says_what_it_is(tmp_path):
    renamed = tmp_path / "申报表.txt"
    shutil.copy(REAL / "form-legacy.doc", renamed)
    with pytest.raises(ImportFailed, match="另存为"):
        import_file(renamed)


# -- the command line ---------------------------------------------------------------------------------------
def test_import_prints_ids_then_the_conversions_on_stderr(capsys, db_path):
    code, out, err = run(capsys, "--db", db_path, "import", REAL / "form-sheets.xls")
    assert code == 0
    assert out == "1\t城市道路巡查养护经费\n"  # stdout: only the id lines
    assert "项目总金额按万元换算为元：360 万元 → 3,600,000.00 元" in err and err.count("注：") == 4
    assert f"表中没有申报年度，按下一年度 {NEXT_YEAR} 年导入" in err  # the year was guessed: said so


def test_validate_json_lists_a_guessed_amount(capsys, db_path, tmp_path):
    src = tmp_path / "guess.txt"
    src.write_text("二级项目支出绩效目标申报表\n项目名称\t甲\n测算依据\t1.培训费10万元。 2.开发费150万元，运维费30万元。\n",
                   encoding="utf-8")
    assert run(capsys, "--db", db_path, "import", src)[0] == 0
    code, out, _err = run(capsys, "--db", db_path, "validate", "--all", "--json")
    guessed = [p for p in json.loads(out) if p["code"] == "cost.amount_guessed"]
    assert guessed == [{"declaration": 1, "field": "cost_items[1].amount", "severity": "warning",
                        "code": "cost.amount_guessed", "message": guessed[0]["message"]}]
    assert "300,000.00" in guessed[0]["message"]


def test_options_lists_adds_and_removes_project_types(capsys, db_path, filled_db):
    code, out, _ = run(capsys, "--db", filled_db, "options", "项目类型", "--add", "31 科研专项项目", "--json")
    assert code == 0
    values = json.loads(out)
    assert values[0] == {"value": "15 履职类(运转)项目", "source": "template"}
    assert {"value": "31 科研专项项目", "source": "added"} in values
    code, out, err = run(capsys, "--db", filled_db, "options", "project_type", "--remove", "事业发展类项目")
    assert code == 2 and "模板自带" in err
    code, out, _ = run(capsys, "--db", filled_db, "options", "header.project_type", "--remove", "31 科研专项项目")
    assert code == 0 and "31 科研专项项目" not in out
    code, _, err = run(capsys, "--db", filled_db, "options", "申请单位")
    assert code == 2 and "没有可编辑的选项列表" in err


def test_a_type_added_to_the_list_or_used_before_is_known(capsys, filled_db, samples):
    from desktop.services.check_context import contexts_for
    from desktop.services.checking import check
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    def unknown(value: str) -> list[str]:
        d = samples[0].model_copy(deep=True)
        d.header.project_type = value
        with open_database(filled_db, write=False) as db:
            return [p.field for p in check(d, contexts_for(Repository(db), [d])[0]) if p.code == "option.unknown"]

    assert unknown("32 新类型") == ["header.project_type"]
    assert run(capsys, "--db", filled_db, "options", "项目类型", "--add", "32 新类型")[0] == 0
    assert unknown("32 新类型") == []
    with open_database(filled_db) as db:
        repo = Repository(db)
        d = repo.load(2)
        d.header.project_type = "33 用过的类型"
        repo.save(d)
    assert unknown("33 用过的类型") == []


def test_a_form_s_own_saved_type_does_not_make_it_known(capsys, filled_db):
    """A typo stays flagged after the autosave: only another form's use makes a value known."""
    import json

    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    def flagged() -> list[int]:
        code, out, _ = run(capsys, "--db", filled_db, "validate", "--all", "--json")
        return sorted(p["declaration"] for p in json.loads(out) if p["code"] == "option.unknown")

    with open_database(filled_db) as db:
        repo = Repository(db)
        for i in (2, 3):
            d = repo.load(i)
            d.header.project_type = "15 履职类（运转）项木"  # a typo, saved
            repo.save(d)
        assert flagged() == []  # two forms use it: each is known by the other
        d = repo.load(3)
        d.header.project_type = "15 履职类(运转)项目"
        repo.save(d)
    assert flagged() == [2]  # now only form 2 uses it


# -- the window ------------------------------------------------------------------------------------------------
def _guessing_db(capsys, db_path, tmp_path) -> None:
    src = tmp_path / "guess.txt"
    src.write_text("二级项目支出绩效目标申报表\n项目名称\t甲\n本年度项目金额\t400000\n"
                   "测算依据\t1.培训费10万元。 2.开发费150万元，运维费30万元。\n", encoding="utf-8")
    assert run(capsys, "--db", db_path, "import", src)[0] == 0


def test_confirming_a_guessed_amount_in_the_cost_tab(qtbot, window_factory, db_path, tmp_path, capsys):
    _guessing_db(capsys, db_path, tmp_path)
    window = window_factory()
    window.open_declaration(1)
    tab = window.cost_tab
    window.tabs.setCurrentWidget(tab)
    codes = lambda: [(p.code, p.field) for p in window.doc.problems if p.code == "cost.amount_guessed"]  # noqa: E731
    assert codes() == [("cost.amount_guessed", "cost_items[1].amount")]
    panel = [window.problems.list.item(i).text() for i in range(window.problems.list.count())]
    assert any("确认金额" in text for text in panel)
    tab.editor.select(0)
    assert not tab.confirm_button.isEnabled()  # a certain amount: nothing to confirm
    tab.editor.select(1)
    assert tab.confirm_button.isEnabled()
    tab.confirm_button.click()
    assert codes() == [] and not tab.confirm_button.isEnabled()
    assert window.doc.declaration.cost_items[1].amount_guessed == ""
    window.doc.undo_stack.undo()
    assert codes() == [("cost.amount_guessed", "cost_items[1].amount")]
    window.doc.undo_stack.redo()
    assert window.session.save()
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    window.db.close()
    with open_database(db_path, write=False) as db:
        assert Repository(db).load(1).cost_items[1].amount_guessed == ""


def test_editing_a_guessed_amount_clears_the_warning(qtbot, window_factory, db_path, tmp_path, capsys):
    from qt_helpers import edit_cell

    _guessing_db(capsys, db_path, tmp_path)
    window = window_factory()
    window.open_declaration(1)
    window.tabs.setCurrentWidget(window.cost_tab)
    edit_cell(qtbot, window.cost_tab.editor.view, 1, 1, "1,800,000.00")
    assert not [p for p in window.doc.problems if p.code == "cost.amount_guessed"]


def test_the_project_type_list_is_editable_from_the_window(qtbot, window_factory, db_path, samples, monkeypatch):
    from desktop.qt.options_dialog import OptionsDialog
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    samples[0].header.project_type = samples[1].header.project_type = "31 科研专项项目"
    with open_database(db_path) as db:
        saved, _other = Repository(db).save_all(samples[:2])
    window = window_factory()
    window.open_declaration(saved.id)
    assert not [p for p in window.doc.problems if p.code == "option.unknown"]  # used by another: known
    window.doc.set_field("header.project_type", "32 新类型")
    assert [p.field for p in window.doc.problems if p.code == "option.unknown"] == ["header.project_type"]

    def add_in_dialog(dialog):
        dialog.input.setText("32 新类型")
        dialog.add_button.click()
        assert "32 新类型" in dialog.values()
        dialog.list.setCurrentRow(0)
        dialog.remove_button.click()  # the template's own: refused, said in the dialog
        assert "模板自带" in dialog.message.text()
        return 0

    monkeypatch.setattr(OptionsDialog, "exec", add_in_dialog)
    window.header_tab.edit_types_button.click()
    assert not [p for p in window.doc.problems if p.code == "option.unknown"]
    combo = window.header_tab.project_type
    assert combo.findText("32 新类型") >= 0 and combo.currentText() == "32 新类型"


def test_the_window_import_summary_shows_the_conversions(qtbot, window_factory, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window = window_factory()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(REAL / "form-sheets.ods")], ""))
    summary: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: summary.append(text))
    window.import_action.trigger()
    assert window.list_model.rowCount() == 1
    assert "导入时已做如下换算" in summary[0] and "项目总金额按万元换算为元：360 万元 → 3,600,000.00 元" in summary[0]


def test_the_fixture_maker_is_kept_beside_its_fixtures():
    assert sys_path_fixture.is_file()
    assert {p.name for p in REAL.iterdir()} >= {"form-gb18030.txt", "form-utf16-nobom.txt", "form-sheets.xlsx",
                                                "form-sheets.xls", "form-sheets.et", "form-sheets.ods",
                                                "form-split.docx", "form-nested.docx", "form-legacy.doc"}



def test_a_cost_table_in_ten_thousands_in_text_and_word(tmp_path):
    from docx import Document

    rows = [("项目名称", "甲", ""), ("测算依据", "测算内容", "金额（万元）"), ("", "培训费", "10"), ("", "宣传费", "5.5"),
            ("年度目标", "完成培训", "")]
    text = "二级项目支出绩效目标申报表\n" + "\n".join("\t".join(r) for r in rows) + "\n"
    doc = Document()
    doc.add_paragraph("二级项目支出绩效目标申报表")
    table = doc.add_table(rows=0, cols=3)
    for r in rows:
        for cell, value in zip(table.add_row().cells, r, strict=True):
            cell.text = value
    table.cell(1, 0).merge(table.cell(3, 0))  # the 测算依据 label runs down beside its items
    word = tmp_path / "cost.docx"
    doc.save(str(word))
    text_notes: list[str] = []
    word_notes: list[str] = []
    read_both = ((parse_text(text, "a.txt", text_notes), text_notes), (import_file(word, word_notes), word_notes))
    for decls, notes in read_both:
        (decl,) = decls
        assert [(c.text, c.amount) for c in decl.cost_items] == [("培训费", "100,000.00"), ("宣传费", "55,000.00")]
        assert decl.texts.annual_goals == "完成培训"
        assert notes and notes[0].endswith("测算依据的金额按万元换算为元")


def test_review_problems_are_marked_in_place_and_listed(qtbot, window_factory, db_path, samples):
    from PySide6.QtCore import Qt

    from desktop.store.database import open_database
    from desktop.store.repository import Repository
    from qt_helpers import type_into

    with open_database(db_path) as db:
        saved = Repository(db).save(samples[0])
    window = window_factory()
    window.resize(1600, 1000)
    window.open_declaration(saved.id)
    goals = window.goals_tab.widgets["texts.annual_goals"]
    assert goals.property("problem") == "warning" and "有效" in goals.toolTip()  # text.vague, 第 3 条
    type_into(qtbot, goals, "1.开展业务培训2次\n2.开展宣传2次")
    assert goals.property("problem") in ("", None)
    window.doc.set_field("indicators[0].name", "资金到位率")
    index = window.indicator_tab.view.model().index(0, 2)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "资金投入" in index.data(Qt.ItemDataRole.ToolTipRole)
    texts = [window.problems.list.item(i).text() for i in range(window.problems.list.count())]
    assert any("资金到位率" in t and "请改为" in t for t in texts)
