"""The editor's tabs: 基本信息 · 政策依据 · 测算依据 · 绩效目标 · 绩效指标 · 打印预览.

Builds them over the document, titles them with their problem counts, and
puts the cursor on the field a problem (or a search hit) names.

Every tab stays in sight however narrow the editor (1024×700, 150 %): the
counts are spelt out (基本信息（1错 2警）) while they fit and shrink to one
number otherwise (基本信息 3), with the words in the tab's tooltip.
"""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTabWidget

from desktop.domain.form import parse_row_path
from desktop.domain.problems import TABS, tab_of

PREVIEW_TITLE = "打印预览"
ERROR_COLOR = QColor("#b71c1c")
WARNING_COLOR = QColor("#8a6100")


class EditorTabs(QTabWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("editor-tabs")
        # No scroll arrows to hide 打印预览 behind: if even the short titles do
        # not fit, the tabs share the width and elide.
        self.setUsesScrollButtons(False)
        self.setElideMode(Qt.TextElideMode.ElideRight)
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
        self.addTab(self.preview_tab, PREVIEW_TITLE)
        self.setUpdatesEnabled(True)
        self.field_widgets = {**self.header_tab.widgets, **self.policy_tab.widgets, **self.goals_tab.widgets}
        doc.marksChanged.connect(self.update_titles)

    def step(self, delta: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: the next or previous tab, from wherever the cursor is."""
        if self.count():
            self.setCurrentIndex((self.currentIndex() + delta) % self.count())

    def update_titles(self) -> None:
        """Each tab's counts: errors, warnings, and required fields still to fill in (待填, not red)."""
        if not hasattr(self, "doc"):
            return
        counts = [[0, 0, 0] for _ in TABS]
        for p in self.doc.problems:
            counts[p.tab][2 if self.doc.is_quiet(p) else (0 if p.is_error else 1)] += 1
        full = [_full_title(title, *c) for title, c in zip(TABS, counts, strict=True)]
        titles = full if self._fits(full) else [_short_title(t, *c) for t, c in zip(TABS, counts, strict=True)]
        bar = self.tabBar()
        for i, ((e, w, q), text) in enumerate(zip(counts, titles, strict=True)):
            if self.tabText(i) != text:
                self.setTabText(i, text)
            words = [f"{n} {word}" for n, word in ((e, "个错误"), (w, "个警告"), (q, "项必填尚未填写")) if n]
            self.setTabToolTip(i, "，".join(words))
            # Red only for mistakes the user has seen; what is left to do keeps the usual colour.
            bar.setTabTextColor(i, ERROR_COLOR if e else (WARNING_COLOR if w else QColor()))

    def _fits(self, titles: list[str]) -> bool:
        bar = self.tabBar()
        fm = bar.fontMetrics()
        # A tab's padding and frame: what its size hint adds to its text (打印预览 never changes).
        pad = bar.tabSizeHint(self.count() - 1).width() - fm.horizontalAdvance(self.tabText(self.count() - 1))
        need = sum(fm.horizontalAdvance(t) + pad for t in [*titles, PREVIEW_TITLE])
        return need <= self.width() - 4

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.update_titles()  # spelt-out or short counts, whichever fits now

    def focus_field(self, path: str) -> None:
        """Show the tab of a field and put the cursor in it (or in its table cell)."""
        self.setCurrentIndex(tab_of(path))
        if path in self.field_widgets:
            self.field_widgets[path].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if path in ("fiscal_year", "template_id", "status"):
            self.setCurrentIndex(0)
            return
        row_only = re.match(r"^(cost_items|indicators)\[(\d+)\]$", path)
        if row_only:
            editor = self.cost_tab.editor if row_only.group(1) == "cost_items" else self.indicator_tab
            editor.select(int(row_only.group(2)), 0)
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


def _full_title(title: str, errors: int, warnings: int, pending: int) -> str:
    parts = [f"{n}{word}" for n, word in ((errors, "错"), (warnings, "警"), (pending, "待填")) if n]
    return f"{title}（{' '.join(parts)}）" if parts else title


def _short_title(title: str, errors: int, warnings: int, pending: int) -> str:
    total = errors + warnings + pending
    return f"{title} {total}" if total else title
