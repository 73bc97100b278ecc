"""Issue 15, item 4: a new form shows what is left to do without shouting.

On 新建 the window showed 18 errors and every field red before anything was
typed. Required fields the user has not been to yet are now quiet: a grey
必填, no red border, listed under 尚未填写的必填项; they turn red once the user
leaves them empty or asks for 定稿. The rules are unchanged.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem

from desktop.domain.amounts import format_amount, parse_amount
from desktop.domain.template import registry
from desktop.qt.problems_panel import EMPTY_HINT, NOTHING_OPEN_HINT
from desktop.services.checking import check
from qt_helpers import type_into

HEADER_REQUIRED = [p for p in registry().default.required if p.startswith("header.")]
RED = QColor("#b71c1c")


def new_form(qtbot, window_factory):
    window = window_factory()
    window.resize(1024, 700)
    window.new_action.trigger()  # 文件 → 新建申报表 (Ctrl+N)
    qtbot.waitUntil(lambda: window.doc.declaration is not None)
    return window


def panel_texts(window) -> list[str]:
    lst = window.problems.list
    return [lst.item(i).text() for i in range(lst.count())]


def leave_by_tab(qtbot, widget) -> None:
    """Click into a field, then press Tab: the user has been there and left."""
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not widget.hasFocus())


def test_a_new_form_lists_what_is_left_to_do_and_marks_nothing_red(qtbot, window_factory):
    window = new_form(qtbot, window_factory)
    problems = window.doc.problems
    assert len(problems) == 18 and all(p.is_error for p in problems)  # the rules are unchanged

    for path in HEADER_REQUIRED:
        field = window.header_tab.widgets[path]
        assert field.property("problem") == "pending", path  # no style sheet rule: no red border
        assert window.header_tab.bindings[path].placeholder().startswith("必填"), path
    assert window.field_widgets["texts.policy_basis"].placeholderText().startswith("必填")
    assert window.cost_tab.total_label.property("problem") == "pending"

    assert window.problems.windowTitle() == "问题（待填写 18）"
    texts = panel_texts(window)
    assert texts[0] == "尚未填写的必填项 18 项"
    assert not any(t.startswith("错误") for t in texts)
    heading = window.problems.list.item(0)
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable
    assert heading.foreground().color() != RED

    bar = window.tabs.tabBar()
    for i in range(5):
        assert "错" not in window.tabs.tabText(i)
        assert bar.tabTextColor(i) != RED
    assert "必填尚未填写" in window.tabs.tabToolTip(0)
    assert window.tabs.tabText(4) in ("绩效指标 6", "绩效指标（6待填）")


def test_the_cursor_new_puts_in_a_field_is_no_visit(qtbot, window_factory):
    window = new_form(qtbot, window_factory)
    name = window.header_tab.widgets["header.project_name"]
    qtbot.waitUntil(name.hasFocus)  # 新建 puts the cursor there
    window.tabs.setCurrentWidget(window.policy_tab)  # the user looks around
    window.tabs.setCurrentWidget(window.header_tab)
    assert name.property("problem") == "pending"


def test_a_required_field_left_empty_turns_red_the_others_stay_quiet(qtbot, window_factory):
    window = new_form(qtbot, window_factory)
    name = window.header_tab.widgets["header.project_name"]
    leave_by_tab(qtbot, name)
    assert name.property("problem") == "error"
    assert "请填写“项目名称”" in name.toolTip()
    assert window.header_tab.widgets["header.duration_years"].property("problem") == "pending"

    assert window.problems.windowTitle() == "问题（错误 1，待填写 17）"
    texts = panel_texts(window)
    assert texts[0] == "错误：请填写“项目名称”"
    assert texts[1] == "尚未填写的必填项 17 项"
    assert window.problems.list.item(0).foreground().color() == RED
    assert window.tabs.tabBar().tabTextColor(0) == RED
    assert "1 个错误" in window.tabs.tabToolTip(0)

    # Filled in, the mark goes; emptied again, it comes back at once (the field was visited).
    type_into(qtbot, name, "车辆租赁费")
    assert name.property("problem") in ("", None)
    type_into(qtbot, name, "")
    qtbot.keyClick(name, Qt.Key.Key_Backspace)
    assert window.doc.declaration.header.project_name == ""
    assert name.property("problem") == "error"


def test_typing_then_leaving_counts_as_a_visit(qtbot, window_factory):
    window = new_form(qtbot, window_factory)
    years = window.header_tab.widgets["header.duration_years"]
    type_into(qtbot, years, "1")  # the program gave the focus (setFocus), the user typed
    qtbot.keyClick(years, Qt.Key.Key_Backspace)
    assert years.property("problem") == "pending"  # still in the field
    window.header_tab.widgets["header.project_name"].setFocus()
    assert years.property("problem") == "error"


def test_asking_for_final_marks_every_empty_required_field_red(qtbot, window_factory, monkeypatch):
    window = new_form(qtbot, window_factory)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    window.final_action.trigger()
    assert warned and "18 个错误" in warned[0]
    for path in HEADER_REQUIRED:
        assert window.header_tab.widgets[path].property("problem") == "error", path
    assert window.problems.windowTitle() == "问题（错误 18）"
    assert not any(t.startswith("尚未填写") for t in panel_texts(window))
    assert window.cost_tab.total_label.property("problem") == "error"

    # A red, empty 是否新增项目 shows its 必填 grey: the window's style sheet drew it black,
    # which read as if 必填 had been chosen.
    combo = window.header_tab.widgets["header.is_new"]
    assert combo.currentIndex() == -1 and combo.property("empty") is True
    image = combo.grab().toImage()
    text_area = [image.pixelColor(x, y) for x in range(6, image.width() // 2) for y in range(4, image.height() - 4)]
    assert min(c.lightness() for c in text_area) > 90, "the placeholder is drawn dark, like a chosen value"


def test_table_cells_are_quiet_until_the_cursor_leaves_them(qtbot, window_factory):
    window = new_form(qtbot, window_factory)
    ind = window.indicator_tab
    window.tabs.setCurrentWidget(ind)
    qtbot.mouseClick(ind.core_button, Qt.MouseButton.LeftButton)
    model, view = ind.model, ind.view
    name = model.index(0, 2)
    assert name.data(Qt.ItemDataRole.BackgroundRole) is None
    assert name.data(Qt.ItemDataRole.ToolTipRole) == "第 1 行指标未填写“三级指标”"
    option = QStyleOptionViewItem()
    view.itemDelegate().initStyleOption(option, name)
    assert option.text == "必填"
    assert option.palette.color(QPalette.ColorRole.Text) == view.palette().color(QPalette.ColorRole.PlaceholderText)

    view.setCurrentIndex(name)
    view.setCurrentIndex(model.index(0, 3))  # left the cell empty
    assert name.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) is None

    # The visit stays with its row when rows move.
    ind.select(0)
    qtbot.mouseClick(ind.down_button, Qt.MouseButton.LeftButton)
    assert model.index(1, 2).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_empty_problems_panel_says_what_it_is_for(qtbot, window_factory, samples):
    window = window_factory()
    panel = window.problems
    assert window.doc.declaration is None
    assert panel.pages.currentWidget() is panel.hint and panel.hint.text() == NOTHING_OPEN_HINT

    d = samples[1]
    total = sum((parse_amount(c.amount).value for c in d.cost_items), start=parse_amount("0").value)
    d.header.total_amount = d.header.annual_amount = format_amount(total)
    d.indicators[0].target += "次"
    assert check(d) == []
    window.open_declaration(window.repo.save(d).id)
    assert panel.pages.currentWidget() is panel.hint and panel.hint.isVisible()
    assert panel.hint.text() == EMPTY_HINT
    assert panel.windowTitle() == "问题"

    type_into(qtbot, window.header_tab.widgets["header.project_code"], "12x")
    assert panel.pages.currentWidget() is panel.list
    assert panel_texts(window)[0].startswith("错误：项目编码只能由数字组成")


def test_an_empty_choice_looks_empty(qtbot, window_factory, samples):
    window = window_factory()  # no declaration yet: the editor is disabled
    h = window.header_tab.widgets
    assert h["header.project_type"].currentText() == ""  # showed "15 履职类(运转)项目"
    assert h["header.is_new"].currentIndex() == -1
    # A disabled field's hint (21 位数字) must look fainter than text, not like a value.
    code = h["header.project_code"]
    assert not code.isEnabled()
    palette = code.palette()
    hint = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText)
    base = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    shown = hint.alphaF() * hint.lightness() + (1 - hint.alphaF()) * base.lightness()
    assert shown >= text.lightness()

    window.open_declaration(window.repo.save(samples[0]).id)
    assert h["header.project_type"].currentText() == samples[0].header.project_type
    window.session.close_declaration()  # e.g. the last declaration deleted
    QApplication.processEvents()
    assert h["header.project_name"].text() == ""  # nothing left over from the one closed
    assert h["header.project_type"].currentText() == ""
    assert h["header.is_new"].currentIndex() == -1
    assert window.field_widgets["texts.policy_basis"].toPlainText() == ""
