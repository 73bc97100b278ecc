"""The signature block, set per 申请单位: 设置 → 签字栏… and `jixiao signature`, one store (issue 14)."""
from __future__ import annotations

import json

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from cli_helpers import db_dump, run
from desktop.domain.signature import Signature
from desktop.qt.signature_ui import DEFAULT_NAME, SignatureDialog
from desktop.services.settings import load_signature
from desktop.store.database import open_database
from qt_helpers import type_into

UNIT = "深汕特别合作区应急指挥中心（深汕特别合作区网格管理中心）"


def fields(dialog) -> dict[str, str]:
    return {name: edit.text() for name, edit in dialog.edits.items()}


def fill(qtbot, dialog, **values) -> None:
    for name, text in values.items():
        type_into(qtbot, dialog.edits[name], text)


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def signature_json(capsys, db_path, *unit) -> dict:
    code, out, err = run(capsys, "--db", db_path, "signature", *unit, "--json")
    assert code == 0, err
    return json.loads(out)


def opened_dialog(window) -> SignatureDialog:
    window.signature_action.trigger()
    dialog = window.signature_window
    assert dialog.isVisible()
    return dialog


def test_the_menu_opens_the_dialog_on_the_open_forms_unit(qtbot, window_factory, filled_db):
    window = window_factory(filled_db)
    window.open_declaration(3)
    unit = window.doc.declaration.header.applicant_unit
    assert window.signature_action.text() == "签字栏…"
    assert window.signature_action in window.menus["settings"].actions()
    dialog = opened_dialog(window)
    assert dialog.current_unit() == unit and dialog.unit_box.currentText() == unit
    assert dialog.use_default.isVisible() and dialog.use_default.isChecked()  # nothing of its own yet
    assert not dialog.edits["filled_by"].isEnabled()
    assert dialog.unit_box.itemText(0) == DEFAULT_NAME
    dialog.reject()


def test_a_units_block_set_in_the_dialog_is_what_the_command_line_reads(qtbot, window_factory, filled_db, capsys):
    window = window_factory(filled_db)
    window.open_declaration(3)
    unit = window.doc.declaration.header.applicant_unit
    dialog = opened_dialog(window)
    box = dialog.use_default  # untick: this unit gets its own block
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert dialog.edits["filled_by"].isEnabled()
    fill(qtbot, dialog, filled_by="张三", phone="0660-1234567", head="李四", date="2026年11月27日")
    save(qtbot, dialog)
    assert not dialog.isVisible()
    # read by the command line while the window is open (reading needs no lock)
    assert signature_json(capsys, filled_db, "--unit", unit) == {
        "unit": unit, "source": "unit", "filled_by": "张三", "phone": "0660-1234567", "head": "李四",
        "date": "2026年11月27日"}
    assert signature_json(capsys, filled_db)["source"] is None  # the default is untouched


def test_the_default_set_in_the_dialog_serves_every_unit_without_its_own(qtbot, window_factory, filled_db, capsys):
    window = window_factory(filled_db)
    window.open_declaration(3)
    dialog = opened_dialog(window)
    dialog.unit_box.setCurrentIndex(0)  # 所有单位的默认值
    assert not dialog.use_default.isVisible() and dialog.edits["phone"].isEnabled()
    fill(qtbot, dialog, filled_by="王五", phone="0660-7654321")
    save(qtbot, dialog)
    shown = signature_json(capsys, filled_db, "--unit", "另一个单位")
    assert shown["source"] == "default" and shown["filled_by"] == "王五" and shown["head"] == ""
    code, out, _err = run(capsys, "--db", filled_db, "signature", "--unit", "另一个单位")
    assert code == 0 and "填报人：王五" in out and f"使用{DEFAULT_NAME}" in out


def test_edits_of_several_units_are_saved_together_and_cancel_saves_nothing(qtbot, window_factory, filled_db,
                                                                             capsys):
    window = window_factory(filled_db)
    window.open_declaration(3)
    unit = window.doc.declaration.header.applicant_unit
    before = db_dump(filled_db)
    dialog = opened_dialog(window)
    dialog.unit_box.setCurrentIndex(0)
    fill(qtbot, dialog, head="赵六")
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData(unit))
    dialog.use_default.setChecked(False)
    assert fields(dialog)["head"] == "赵六"  # a unit's own block starts from the default shown
    fill(qtbot, dialog, phone="123")
    dialog.unit_box.setCurrentIndex(0)
    assert fields(dialog)["head"] == "赵六"  # kept while switching
    dialog.reject()
    assert db_dump(filled_db) == before
    dialog = opened_dialog(window)
    dialog.unit_box.setCurrentIndex(0)
    fill(qtbot, dialog, head="赵六")
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData(unit))
    dialog.use_default.setChecked(False)
    fill(qtbot, dialog, phone="123")
    save(qtbot, dialog)
    assert signature_json(capsys, filled_db)["head"] == "赵六"
    assert signature_json(capsys, filled_db, "--unit", unit)["phone"] == "123"


def test_what_the_command_line_sets_shows_in_the_dialog(qtbot, window_factory, filled_db, capsys):
    with open_database(filled_db) as db:
        from desktop.store.repository import Repository

        unit = Repository(db).load(3).header.applicant_unit
    code, out, err = run(capsys, "--db", filled_db, "signature", "--unit", unit, "--filled-by", "钱七",
                         "--phone", "0660-1111111")
    assert code == 0, err
    assert "填报人：钱七" in out and "联系电话：0660-1111111" in out
    code, _out, err = run(capsys, "--db", filled_db, "signature", "--head", "孙八")  # the default
    assert code == 0, err
    window = window_factory(filled_db)
    window.open_declaration(3)
    dialog = opened_dialog(window)
    assert not dialog.use_default.isChecked()
    assert fields(dialog) == {"filled_by": "钱七", "phone": "0660-1111111", "head": "", "date": ""}
    dialog.unit_box.setCurrentIndex(0)
    assert fields(dialog)["head"] == "孙八"
    dialog.reject()
    window.close()
    window.db.close()
    # --clear: the unit prints the default again, and the dialog says so
    code, _out, err = run(capsys, "--db", filled_db, "signature", "--unit", unit, "--clear")
    assert code == 0, err
    with open_database(filled_db) as db:
        assert load_signature(db, unit) == Signature(head="孙八")
    window = window_factory(filled_db)
    window.open_declaration(3)
    dialog = opened_dialog(window)
    assert dialog.use_default.isChecked() and fields(dialog)["head"] == "孙八"
    dialog.reject()


def test_the_command_line_changes_only_the_lines_given(capsys, filled_db):
    run(capsys, "--db", filled_db, "signature", "--unit", "甲单位", "--filled-by", "张三", "--phone", "1")
    run(capsys, "--db", filled_db, "signature", "--unit", "甲单位", "--phone", "2")
    assert signature_json(capsys, filled_db, "--unit", "甲单位") == {
        "unit": "甲单位", "source": "unit", "filled_by": "张三", "phone": "2", "head": "", "date": ""}
    run(capsys, "--db", filled_db, "signature", "--unit", "甲单位", "--clear", "--head", "李四")
    shown = signature_json(capsys, filled_db, "--unit", "甲单位")
    assert (shown["filled_by"], shown["phone"], shown["head"]) == ("", "", "李四")
    code, out, _err = run(capsys, "--db", filled_db, "signature")
    assert code == 0 and "尚未设置签字栏" in out


def test_changing_it_from_the_command_line_while_the_window_is_open_is_refused(qtbot, window_factory, filled_db,
                                                                               capsys):
    window_factory(filled_db)
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "signature", "--phone", "1")
    assert code == 2 and "关闭窗口" in err and out == ""
    assert db_dump(filled_db) == before


def test_the_block_set_in_the_dialog_is_in_the_preview_and_on_paper_as_jixiao_print_has_it(
        qtbot, window_factory, db_path, samples, tmp_path, monkeypatch, capsys):
    """The template shenshan-2025-review prints the signature block; the window prints what the CLI prints."""
    from pypdf import PdfReader

    from desktop.store.repository import Repository
    from test_printer import answer_print_dialog

    samples[2].template_id = "shenshan-2025-review"
    with open_database(db_path) as db:
        Repository(db).save_all(samples)
    window = window_factory()
    window.open_declaration(3)
    preview = window.preview_tab
    window.tabs.setCurrentWidget(preview)
    qtbot.waitUntil(lambda: preview.fresh_pdf() is not None)
    dialog = opened_dialog(window)
    dialog.use_default.setChecked(False)
    fill(qtbot, dialog, filled_by="周九", phone="0660-2222222")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: preview.fresh_pdf() is not None and "周九" in pdf_text_of(preview.fresh_pdf()))
    out = tmp_path / "signed.pdf"
    answer_print_dialog(monkeypatch, out)
    window.print_action.trigger()
    printed = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "周九" in printed and "0660-2222222" in printed
    window.close()
    window.db.close()
    code, _out, err = run(capsys, "--db", db_path, "print", 3, "-o", tmp_path / "cli.pdf")
    assert code == 0, err
    assert printed == "".join(page.extract_text() for page in PdfReader(tmp_path / "cli.pdf").pages)


def pdf_text_of(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_unit_set_only_from_the_command_line_is_offered_too(qtbot, window_factory, filled_db, capsys):
    code, _out, err = run(capsys, "--db", filled_db, "signature", "--unit", "  没有申报表的单位 ", "--head", "吴十")
    assert code == 0, err
    window = window_factory(filled_db)
    dialog = opened_dialog(window)
    i = dialog.unit_box.findData("没有申报表的单位")
    assert i > 0
    dialog.unit_box.setCurrentIndex(i)
    assert not dialog.use_default.isChecked() and fields(dialog)["head"] == "吴十"
    dialog.reject()


def test_a_line_that_cannot_print_is_refused_and_nothing_is_saved(capsys, filled_db):
    """Control characters (an escape sequence pasted from a terminal) or a page of text in one line."""
    before = db_dump(filled_db)
    for value in ("张三\x07\x1b[31m", "名" * 5000):
        code, out, err = run(capsys, "--db", filled_db, "signature", "--filled-by", value)
        assert code == 2 and out == ""
        assert "签字栏的“填报人”" in err and "没有保存" in err
    code, _out, err = run(capsys, "--db", filled_db, "options", "项目类型", "--add", "专项类\x1b[0m")
    assert code == 2 and "控制字符" in err
    assert db_dump(filled_db) == before


def test_the_dialog_refuses_a_control_character_before_saving_any_unit(qtbot, window_factory, filled_db,
                                                                       monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    window = window_factory(filled_db)
    window.open_declaration(3)
    dialog = opened_dialog(window)
    box = dialog.use_default  # untick: this unit gets its own block
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    dialog.edits["phone"].setText("0660\t1234")  # a tab pasted with the number
    save(qtbot, dialog)
    assert dialog.isVisible() and "联系电话" in said[0] and "控制字符" in said[0]
    window.db.close()
    with open_database(filled_db, write=False) as db:
        assert load_signature(db, window.doc.declaration.header.applicant_unit) is None


def test_a_unit_named_like_markup_shows_as_typed(qtbot, window_factory, filled_db):
    window = window_factory(filled_db)
    window.open_declaration(3)
    window.doc.set_field("header.applicant_unit", "<b>财政局</b>")
    assert window.session.save()  # the dialog offers the units of saved forms
    dialog = opened_dialog(window)
    assert "“<b>财政局</b>”" in dialog.note.text()
    assert dialog.note.textFormat() == Qt.TextFormat.PlainText
