"""The 修订记录 dock: every kept revision of the open declaration, newest first.

Each row says when, why (编辑, 定稿, 打印 …) and what changed. A revision opens
read-only; two revisions (or one and the current content) are compared; one
is restored after a confirmation, through desktop.services.revisions.restore:
the current content is kept as a revision first, so nothing is lost. Undo in
the editor is untouched: a restore reopens the declaration, as 定稿所选 does.
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel,
    QMessageBox, QPlainTextEdit, QPushButton, QSizePolicy, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from desktop.domain.model import Declaration
from desktop.domain.revisions import as_text
from desktop.domain.template import registry
from desktop.services import revisions as service
from desktop.services.errors import ServiceError

if TYPE_CHECKING:
    from desktop.qt.main_window import MainWindow

NUMBER_ROLE = Qt.ItemDataRole.UserRole + 20
COLUMNS = ("版本", "时间", "原因", "修订码", "改动")
HINT = "选一个版本可查看、恢复，或与当前内容比较；选两个版本可相互比较。"
NOTHING_OPEN = "打开一份申报表后，它的修订记录列在这里。"
GREY = QColor("#5f6368")


def _label(decl: Declaration):
    return registry().get(decl.template_id).label


class RevisionDialog(QDialog):
    """A text shown read-only: one revision, or the comparison of two."""

    def __init__(self, title: str, heading: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("revision-dialog")
        layout = QVBoxLayout(self)
        head = QLabel(heading, self)
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.PlainText)  # user text is data, never markup
        layout.addWidget(head)
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("revision-text")
        self.view.setReadOnly(True)
        self.view.setPlainText(text)
        layout.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 640)


def text_comparison(old: Declaration, new: Declaration) -> str:
    """Two states line by line: "- " only in the older, "+ " only in the newer."""
    label = _label(new)
    lines = difflib.unified_diff(as_text(old, label).splitlines(), as_text(new, label).splitlines(),
                                 lineterm="", n=2)
    body: list[str] = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            body.append("……" if body else "")
            continue
        body.append(f"{line[:1] or ' '} {line[1:]}")
    return "\n".join(body).strip("\n") if body else "两者内容相同。"


class HistoryPanel(QDockWidget):
    restored = Signal(int, int)  # declaration id, revision number restored

    def __init__(self, window: MainWindow):
        super().__init__("修订记录", window)
        self.setObjectName("history-dock")
        self.window_ = window
        self.dialogs: list[QWidget] = []  # kept open side by side; the last one for tests
        self.table = QTreeWidget(self)
        self.table.setObjectName("history-list")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.header()
        for col in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {GREY.name()};")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps, never widens
        self.view_button = QPushButton("查看", self)
        self.compare_button = QPushButton("比较", self)
        self.restore_button = QPushButton("恢复…", self)
        self.restore_button.setToolTip("恢复到所选的版本（当前内容先保留为一个修订，不会丢失）")
        for name, b in (("view", self.view_button), ("compare", self.compare_button),
                        ("restore", self.restore_button)):
            b.setObjectName(f"history-{name}")
        self.view_button.clicked.connect(self.view_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemDoubleClicked.connect(lambda _item, _col: self.view_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addWidget(self.hint)
        # Two rows, not three buttons abreast: the dock shares the window's width with the list
        # and the editor, and at 1024 px and 150 % three buttons made the window too wide.
        for buttons in ((self.view_button, self.compare_button), (self.restore_button,)):
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            layout.addLayout(row)
        self.setWidget(body)

        window.doc.reset.connect(self.reload)
        window.session.revisionMade.connect(self._made)
        self.reload()

    # -- the list ------------------------------------------------------------------------
    @property
    def decl_id(self) -> int | None:
        d = self.window_.doc.declaration
        return d.id if d is not None else None

    def _made(self, decl_id: int) -> None:
        if decl_id == self.decl_id:
            self.reload()

    def reload(self) -> None:
        self.table.clear()
        decl_id = self.decl_id
        infos: list[service.RevisionInfo] = []
        if decl_id is not None:
            try:
                infos = service.history(self.window_.repo, decl_id)
            except ServiceError:
                infos = []
        for info in infos:
            item = QTreeWidgetItem([str(info.number), f"{info.saved_at:%m-%d %H:%M}", info.reason,
                                    info.code, info.summary])
            item.setData(0, NUMBER_ROLE, info.number)
            item.setToolTip(1, f"{info.saved_at:%Y-%m-%d %H:%M:%S}")
            item.setToolTip(3, "修订码：打印在每页页脚；用“jixiao find-print 修订码”或在搜索框输入它可找到这一版")
            item.setToolTip(4, info.summary)
            item.setFont(3, QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.table.addTopLevelItem(item)
        if decl_id is None:
            self.hint.setText(NOTHING_OPEN)
        elif not infos:
            self.hint.setText("还没有修订记录：编辑后停顿几秒、切换申报表、定稿、打印或导出时会自动保留一版。")
        else:
            self.hint.setText(HINT)
        self.setWindowTitle(f"修订记录（{len(infos)}）" if infos else "修订记录")
        if infos:
            bold = QFont(self.table.font())
            bold.setBold(True)
            top = self.table.topLevelItem(0)
            for col in range(len(COLUMNS)):
                if top is not None:
                    top.setFont(col, bold)
        self._update_buttons()

    def selected_numbers(self) -> list[int]:
        """The selected revision numbers, newest first."""
        return sorted((int(i.data(0, NUMBER_ROLE)) for i in self.table.selectedItems()), reverse=True)

    def select(self, *numbers: int) -> None:
        self.table.clearSelection()
        for k in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(k)
            if item is not None and int(item.data(0, NUMBER_ROLE)) in numbers:
                item.setSelected(True)

    def _update_buttons(self) -> None:
        n = len(self.selected_numbers())
        self.view_button.setEnabled(n == 1)
        self.restore_button.setEnabled(n == 1)
        self.compare_button.setEnabled(n in (1, 2))
        self.compare_button.setToolTip("与当前内容比较" if n == 1 else "比较所选的两个版本")

    # -- actions ---------------------------------------------------------------------------
    def _load(self, number: int) -> Declaration | None:
        decl_id = self.decl_id
        if decl_id is None:
            return None
        try:
            return service.load_revision(self.window_.repo, decl_id, number)
        except ServiceError as exc:
            QMessageBox.warning(self, "无法打开修订", str(exc))
            return None

    def _show(self, dialog: QWidget) -> QWidget:
        self.dialogs.append(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: self.dialogs.remove(dialog) if dialog in self.dialogs else None)
        dialog.show()
        return dialog

    def view_selected(self) -> QWidget | None:
        """The selected revision, read-only."""
        numbers = self.selected_numbers()
        if len(numbers) != 1:
            return None
        decl = self._load(numbers[0])
        if decl is None:
            return None
        name = decl.header.project_name or "（未命名）"
        return self._show(RevisionDialog(
            f"第 {numbers[0]} 版（只读）", f"《{name}》第 {numbers[0]} 版，只读。要让它成为当前内容，请用“恢复…”。",
            as_text(decl, _label(decl)), self))

    def compare_selected(self) -> QWidget | None:
        """Two selected revisions side by side, or one beside the current content."""
        numbers = self.selected_numbers()
        if len(numbers) not in (1, 2) or self.window_.doc.declaration is None:
            return None
        older = self._load(numbers[-1])
        if older is None:
            return None
        if len(numbers) == 2:
            newer = self._load(numbers[0])
            newer_name = f"第 {numbers[0]} 版"
        else:
            newer = self.window_.doc.declaration.model_copy(deep=True)
            newer_name = "当前内容"
        if newer is None:
            return None
        title = f"比较：第 {numbers[-1]} 版 → {newer_name}"
        view = _compare_view(self.window_.repo, numbers[-1], newer, numbers[0] if len(numbers) == 2 else None, self)
        if view is not None:
            view.setWindowTitle(title)
            return self._show(view)
        return self._show(RevisionDialog(
            title, f"以“- ”开头的行只在第 {numbers[-1]} 版中，以“+ ”开头的行只在{newer_name}中。",
            text_comparison(older, newer), self))

    def restore_selected(self) -> bool:
        """Make the selected revision the current content, after asking."""
        numbers = self.selected_numbers()
        decl_id = self.decl_id
        if len(numbers) != 1 or decl_id is None:
            return False
        number = numbers[0]
        answer = QMessageBox.question(
            self, "恢复到此版本",
            f"把这份申报表恢复为第 {number} 版的内容吗？\n\n当前内容会先保留为一个修订，不会丢失；"
            "恢复本身也会记为新的一版，以后还可以再恢复回来。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        window = self.window_
        if not window.session.end_burst():  # the edits not yet saved must be on disk first
            window._warn_unsaved()
            return False
        try:
            service.restore(window.repo, decl_id, number)
        except ServiceError as exc:
            QMessageBox.critical(self, "恢复失败", str(exc))
            return False
        window.session.open(decl_id)  # the editor shows the restored content
        window.list_model.upsert(window.repo.summary(decl_id))
        self.reload()
        window.statusBar().showMessage(f"已恢复为第 {number} 版（原来的内容保留在修订记录中）", 8000)
        self.restored.emit(decl_id, number)
        return True


def _compare_view(repo, older: int, newer: Declaration, newer_number: int | None,
                  parent: QWidget) -> QWidget | None:
    """The comparison view (desktop.qt.compare_view): revision ``older`` beside ``newer``
    (revision ``newer_number``, or the current content). None where it is not installed."""
    try:
        from desktop.qt.compare_view import CompareView
        from desktop.services.compare import Side
    except ImportError:
        return None
    view = CompareView(repo, newer, parent)
    if newer_number is not None:
        view.new = Side(newer, newer_number)
    view.compare_with_revision(older)
    return view
