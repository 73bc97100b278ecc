"""设置 → 签字栏…: the signature block printed under a form, per 申请单位.

Kept in the database (desktop.services.settings), the same store as
`jixiao signature`. One entry is the default for every unit; a unit either
uses it or has a block of its own. Edits of several units are kept while the
dialog is open and saved together by 保存; 取消 saves nothing.
"""
from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget,
)

from desktop.domain.signature import LABELS, SEAL_LABEL, Signature
from desktop.services import settings as store
from desktop.store.database import Database
from desktop.store.repository import Repository

DEFAULT_NAME = "所有单位的默认值"
PLACEHOLDERS = {
    "filled_by": "如：张三",
    "phone": "如：0755-12345678",
    "head": "如：李四",
    "date": "如：2026年11月27日",
}
# A unit's choice in the dialog: its own block, or None (it prints the default).
Choice = Signature | None


class SignatureDialog(QDialog):
    """Choose a 申请单位 (or the default), set its 填报人 / 联系电话 / 单位负责人 / 填报日期, 保存."""

    def __init__(self, db: Database, unit: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("签字栏")
        self.setObjectName("signature-dialog")
        self.setMinimumWidth(460)
        intro = QLabel(
            "打印在申报表下方的签字栏。可为每个申请单位分别设置，未单独设置的单位使用“所有单位的默认值”。\n"
            f"留空的项目打印为空白，由人手写；“{SEAL_LABEL}”处总是留空，用于盖章。"
            "申报表模板启用签字栏时才会打印。", self)
        intro.setWordWrap(True)
        self.unit_box = QComboBox(self)
        self.unit_box.setObjectName("signature-unit")
        self.unit_box.addItem(DEFAULT_NAME, "")
        units = Repository(db).previous_values("applicant_unit")
        for u in sorted(set(store.signature_units(db)) - set(units)):
            units.append(u)  # a unit whose forms are all deleted keeps its block
        for u in units:
            self.unit_box.addItem(u, u)
        self.use_default = QCheckBox(f"使用{DEFAULT_NAME}", self)
        self.use_default.setObjectName("signature-use-default")
        self.use_default.setToolTip("勾选后，本单位的申报表打印默认签字栏；取消勾选可为本单位单独填写")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("申请单位：", self.unit_box)
        form.addRow("", self.use_default)
        for f, label in zip(fields(Signature), LABELS, strict=True):
            edit = QLineEdit(self)
            edit.setObjectName(f"signature-{f.name}")
            edit.setPlaceholderText(PLACEHOLDERS.get(f.name, ""))
            edit.setClearButtonEnabled(True)
            self.edits[f.name] = edit
            form.addRow(f"{label}：", edit)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # it names the unit: user text, never markup
        self.note.setObjectName("signature-note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._pending: dict[str, Choice] = {}  # unit -> what the dialog shows for it, once shown
        self._unit: str | None = None
        i = self.unit_box.findData(unit.strip()) if unit.strip() else 0
        self.unit_box.setCurrentIndex(max(i, 0))
        self.unit_box.currentIndexChanged.connect(lambda _i: self._switch())
        self.use_default.toggled.connect(self._use_default_toggled)
        self._switch()

    # -- what is shown ----------------------------------------------------------------
    def current_unit(self) -> str:
        return self.unit_box.currentData() or ""

    def _stored(self, unit: str) -> Choice:
        return store.own_signature(self.db, unit)

    def _default_now(self) -> Signature:
        """The default as the dialog has it (edited or stored)."""
        if "" in self._pending:
            return self._pending[""] or Signature()
        return self._stored("") or Signature()

    def _switch(self) -> None:
        if self._unit is not None:
            self._pending[self._unit] = self._shown()
        unit = self.current_unit()
        self._unit = unit
        choice = self._pending[unit] if unit in self._pending else self._stored(unit)
        blocked = self.use_default.blockSignals(True)
        self.use_default.setVisible(bool(unit))
        self.use_default.setChecked(bool(unit) and choice is None)
        self.use_default.blockSignals(blocked)
        self._fill(choice if choice is not None else self._default_now() if unit else Signature())
        self._update_note()

    def _fill(self, signature: Signature) -> None:
        editable = not self.use_default.isChecked()
        for name, edit in self.edits.items():
            edit.setText(getattr(signature, name))
            edit.setEnabled(editable)
            # An example in a field that cannot be typed into would read as the value.
            edit.setPlaceholderText(PLACEHOLDERS.get(name, "") if editable else "（留空）")

    def _shown(self) -> Choice:
        if self._unit and self.use_default.isChecked():
            return None
        return Signature(**{name: edit.text().strip() for name, edit in self.edits.items()})

    def _use_default_toggled(self, checked: bool) -> None:
        # Unticked: the unit's own block starts as a copy of the default, to be changed.
        self._fill(self._default_now() if checked else (self._stored(self._unit or "") or self._default_now()))
        self._update_note()

    def _update_note(self) -> None:
        unit = self.current_unit()
        if not unit:
            text = "未单独设置签字栏的申请单位都打印这里的内容。"
        elif self.use_default.isChecked():
            text = f"“{unit}”的申报表打印默认签字栏。要为它单独填写，请取消勾选“使用{DEFAULT_NAME}”。"
        else:
            text = f"“{unit}”的申报表打印这里的内容（不受默认值影响）。"
        self.note.setText(text)

    # -- saving -------------------------------------------------------------------------
    def changes(self) -> dict[str, Choice]:
        """What 保存 would write: unit -> block (None: uses the default), only where it differs from the store."""
        pending = dict(self._pending)
        if self._unit is not None:
            pending[self._unit] = self._shown()
        out: dict[str, Choice] = {}
        for unit, choice in pending.items():
            if not unit and choice == Signature():
                choice = None  # an empty default is no default
            if choice != self._stored(unit):
                out[unit] = choice
        return out

    def accept(self) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from desktop.store.database import DatabaseError

        changes = self.changes()
        for unit, choice in changes.items():  # all checked before any is saved
            problem = store.signature_problem(unit, choice)
            if problem:
                QMessageBox.warning(self, "不能保存签字栏", problem)
                return
        try:
            for unit, choice in changes.items():
                store.save_signature(self.db, unit, choice)
        except (DatabaseError, SQLAlchemyError) as exc:
            QMessageBox.critical(self, "不能保存签字栏", f"签字栏没有保存：{exc}")
            return
        super().accept()
