"""The window's actions as data: id, text, shortcut, menu, slot and when each is enabled.

Menus and the enable/disable logic read this table; nothing keeps a second
hand-made list of which action needs what.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

Key = QKeySequence.StandardKey
SEPARATOR = None


@dataclass(frozen=True)
class ActionSpec:
    id: str  # the window gets it as `<id>_action`
    text: str
    slot: str  # a method of the window
    menu: str  # file / view / decl / settings
    shortcuts: tuple = ()
    enabled_when: str | None = None  # a key of CONDITIONS; None: always
    # The window's widget (attribute name) where the shortcuts work, e.g. Delete
    # only in the list (in a text field it deletes text); None: the whole window.
    scope: str | None = None
    several: str | None = None  # the text while several declarations are selected ({n}: how many)


def _status(window) -> str | None:
    d = window.doc.declaration
    return d.status if d is not None else None


def _selected(window) -> int:
    return window.list_panel.selected_count()


CONDITIONS: dict[str, Callable[[object], bool]] = {
    "open": lambda w: _status(w) is not None,
    "chosen": lambda w: _status(w) is not None or _selected(w) > 0,  # the selected ones, or the open one
    "draft": lambda w: _status(w) == "草稿",
    "final": lambda w: _status(w) == "定稿",
}

ACTIONS: tuple[ActionSpec | None, ...] = (
    ActionSpec("new", "新建申报表", "new_declaration", "file", (Key.New,)),
    ActionSpec("copy", "复制申报表", "duplicate_declaration", "file", (), "open"),
    ActionSpec("copy_forward", "复制到下一年度", "copy_forward_declaration", "file", (), "open"),
    ActionSpec("delete", "删除申报表（移到回收站）…", "delete_declaration", "file", (Key.Delete,), "chosen",
               scope="list_view", several="删除所选 {n} 份申报表（移到回收站）…"),
    ActionSpec("trash", "回收站…", "trash_dialog", "file"),
    SEPARATOR,
    ActionSpec("save", "保存", "save", "file", (Key.Save,), "open"),
    ActionSpec("save_copy", "另存为文件（JSON）…", "save_copy_dialog", "file", (), "open"),
    SEPARATOR,
    ActionSpec("import", "导入…", "import_dialog", "file", ("Ctrl+I",)),
    ActionSpec("export", "导出（JSON / Excel，可多选）…", "export_dialog", "file"),
    ActionSpec("export_history", "导出 JSON（带修订记录）…", "export_history_dialog", "file", (), "chosen"),
    SEPARATOR,
    ActionSpec("print", "打印…", "print_current", "file", (Key.Print,), "chosen", several="打印所选 {n} 份…"),
    ActionSpec("preview", "打印预览", "show_preview", "file", (), "open"),
    ActionSpec("export_pdf", "导出 PDF（可多选）…", "export_selected_pdf", "file"),
    SEPARATOR,
    ActionSpec("backup", "备份数据库…", "backup_dialog", "file"),
    ActionSpec("restore", "从备份恢复…", "restore_dialog", "file"),
    SEPARATOR,
    ActionSpec("quit", "退出", "close", "file", (Key.Quit,)),
    ActionSpec("next_tab", "下一个标签页", "next_tab", "view", ("Ctrl+PgDown",), "open"),
    ActionSpec("previous_tab", "上一个标签页", "previous_tab", "view", ("Ctrl+PgUp",), "open"),
    SEPARATOR,
    ActionSpec("final", "定稿", "mark_final", "decl", (), "draft"),
    ActionSpec("draft", "退回草稿", "mark_draft", "decl", (), "final"),
    ActionSpec("finalize_selected", "定稿所选…", "finalize_selected", "decl", (), "chosen",
               several="定稿所选 {n} 份…"),
    ActionSpec("signature", "签字栏…", "signature_dialog", "settings"),
    ActionSpec("history", "修订记录", "show_history", "decl", (), "open"),
    ActionSpec("compare", "与上年度比较…", "compare_declaration", "decl", (), "open"),
)


def build_actions(window, menus: dict) -> dict[str, QAction]:
    """Create every action on the window, in its menu, as `window.<id>_action`."""
    made: dict[str, QAction] = {}
    last_menu = None
    for spec in ACTIONS:
        if spec is SEPARATOR:
            menus[last_menu].addSeparator()
            continue
        action = QAction(spec.text, window)
        if spec.shortcuts:
            action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.triggered.connect(lambda _checked=False, slot=spec.slot: getattr(window, slot)())
        menus[spec.menu].addAction(action)
        if spec.scope is not None:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            getattr(window, spec.scope).addAction(action)
        else:
            window.addAction(action)
        setattr(window, f"{spec.id}_action", action)
        made[spec.id] = action
        last_menu = spec.menu
    return made


def update_enabled(window, actions: dict[str, QAction]) -> None:
    """Enable each action by its condition; name how many are selected where that matters."""
    selected = _selected(window)
    for spec in ACTIONS:
        if spec is SEPARATOR:
            continue
        if spec.enabled_when is not None:
            actions[spec.id].setEnabled(CONDITIONS[spec.enabled_when](window))
        if spec.several is not None:
            actions[spec.id].setText(spec.several.format(n=selected) if selected > 1 else spec.text)
