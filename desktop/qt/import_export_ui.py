"""File → 导入… / 导出…, and files dropped on the window: the desktop.io code behind dialogs."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.domain import rules
from desktop.domain.model import Declaration
from desktop.domain.template import registry
from desktop.io.errors import ImportFailed
from desktop.io.importers import READERS, import_file, keeps_timestamps
from desktop.io.output import OutputRefused, check_output, disk_message
from desktop.store.repository import Repository
from desktop.store.write_errors import is_write_error, write_error_message

IMPORT_FILTER = "申报表文件 (*.txt *.json *.xlsx *.docx);;文本导出 (*.txt);;交换文件 (*.json);;Excel (*.xlsx);;Word (*.docx)"
EXPORT_FILTERS = {"交换文件 JSON (*.json)": ".json", "Excel 工作簿 (*.xlsx)": ".xlsx"}


def importable(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_files(parent: QWidget, files: list[Path]) -> list[Declaration] | None:
    """Read every file (progress shown); None when one fails or the user cancels: nothing is saved then."""
    progress = QProgressDialog("正在读取文件…", "取消", 0, len(files), parent)
    progress.setWindowTitle("导入")
    progress.setMinimumDuration(300)
    decls: list[Declaration] = []
    try:
        for i, f in enumerate(files):
            progress.setLabelText(f"正在读取 {f.name}（{i + 1}/{len(files)}）…")
            progress.setValue(i)
            QApplication.processEvents()
            if progress.wasCanceled():
                return None
            decls.extend(import_file(f))
    except ImportFailed as exc:
        QMessageBox.warning(parent, "导入失败", f"{exc}\n\n没有导入任何申报表。")
        return None
    finally:
        progress.reset()
    return decls


def import_into(parent: QWidget, repo: Repository, files: list[Path]) -> list[Declaration]:
    """Import files all-or-nothing and show what was created and what needs attention."""
    decls = read_files(parent, files)
    if not decls:
        return []
    try:
        saved = repo.save_all(decls, keep_timestamps=keeps_timestamps(files))
    except Exception as exc:
        if not is_write_error(exc):
            raise
        QMessageBox.warning(parent, "导入失败", write_error_message(exc, "导入") + "\n\n没有导入任何申报表。")
        return []
    lines = []
    for d in saved:
        problems = rules.check(d, registry().get(d.template_id))
        errors = sum(p.is_error for p in problems)
        state = f"错误 {errors}，警告 {len(problems) - errors}" if problems else "无问题"
        lines.append(f"· {d.header.project_name or '（未命名）'}（{state}）")
    QMessageBox.information(parent, "导入完成", f"已从 {len(files)} 个文件导入 {len(saved)} 份申报表：\n\n" + "\n".join(lines[:30]))
    return saved


def ask_import_files(parent: QWidget) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, "导入申报表", str(Path.home()), IMPORT_FILTER)
    return [Path(n) for n in names]


def ask_export_path(parent: QWidget, suggested: str) -> Path | None:
    name, chosen = QFileDialog.getSaveFileName(parent, "导出申报表", suggested, ";;".join(EXPORT_FILTERS))
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() not in EXPORT_FILTERS.values():
        path = path.with_suffix(EXPORT_FILTERS.get(chosen, ".json"))
    return path


def export_to(parent: QWidget, decls: list[Declaration], path: Path, protected: list[Path] = ()) -> bool:
    """Export after checking the target (never the database, a device or a folder)."""
    from desktop.io.exporters import EXPORTERS

    try:
        path = check_output(path, path.suffix.lower().lstrip("."), protected)
        EXPORTERS[path.suffix.lower()](decls, path)
    except OutputRefused as exc:
        QMessageBox.warning(parent, "不能导出", str(exc))
        return False
    except OSError as exc:
        QMessageBox.critical(parent, "导出失败", disk_message(exc, path))
        return False
    return True
