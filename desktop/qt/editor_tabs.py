"""The editor's tabs: 基本信息 · 政策依据 · 测算依据 · 绩效目标 · 绩效指标 · 打印预览.

Builds them over the document, titles them with their problem counts, and
puts the cursor on the field a problem (or a search hit) names.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget

from desktop.domain.form import parse_row_path
from desktop.domain.problems import TABS, tab_of


class EditorTabs(QTabWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("editor-tabs")
        loading = QLabel("正在载入编辑器…")
        loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addTab(loading, TABS[0])
        self.field_widgets: dict = {}

    def build(self, doc) -> None:
        """Replace the "loading" page by the editors (second step of start-up)."""
        from desktop.qt.cost_tab import CostTab
        from desktop.qt.header_tab import HeaderTab
        from desktop.qt.indicator_tab import IndicatorEditor
        from desktop.qt.printing_ui import PreviewTab
        from desktop.qt.text_tab import TextTab

        self.doc = doc
        self.setUpdatesEnabled(False)
        self.removeTab(0)
        self.header_tab = HeaderTab(doc)
        self.policy_tab = TextTab(doc, [("texts.policy_basis", "列出政策文件名称、文号及年度主要工作")])
        self.cost_tab = CostTab(doc)
        self.goals_tab = TextTab(doc, [
            ("texts.annual_goals", "本年度要达到的目标，可分条填写"),
            ("texts.long_term_goals", "实施期限超过 1 年的项目必须填写"),
        ])
        self.indicator_tab = IndicatorEditor(doc)
        editors = (self.header_tab, self.policy_tab, self.cost_tab, self.goals_tab, self.indicator_tab)
        for widget, title in zip(editors, TABS, strict=True):
            self.addTab(widget, title)
        self.preview_tab = PreviewTab(doc)
        self.addTab(self.preview_tab, "打印预览")
        self.setUpdatesEnabled(True)
        self.field_widgets = {**self.header_tab.widgets, **self.policy_tab.widgets, **self.goals_tab.widgets}
        doc.problemsChanged.connect(self.update_titles)

    def update_titles(self) -> None:
        counts = [[0, 0] for _ in TABS]
        for p in self.doc.problems:
            counts[p.tab][0 if p.is_error else 1] += 1
        for i, title in enumerate(TABS):
            e, w = counts[i]
            parts = ([f"{e}错"] if e else []) + ([f"{w}警"] if w else [])
            text = f"{title}（{' '.join(parts)}）" if parts else title
            if self.tabText(i) != text:
                self.setTabText(i, text)

    def focus_field(self, path: str) -> None:
        """Show the tab of a field and put the cursor in it (or in its table cell)."""
        self.setCurrentIndex(tab_of(path))
        if path in self.field_widgets:
            self.field_widgets[path].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        cell = parse_row_path(path)
        if cell is not None:
            kind, row, field = cell
            editor = self.cost_tab.editor if kind == "cost_items" else self.indicator_tab
            col = next((i for i, (f, _t) in enumerate(editor.model.columns) if f == field), 0)
            editor.select(row, col)
            return
        if path == "indicators":
            self.indicator_tab.view.setFocus()
        elif path == "cost_basis":
            self.cost_tab.editor.view.setFocus()
