"""File → 导入… / 导出…, and files dropped on the window: the desktop.io code behind dialogs."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.domain.model import Declaration
from desktop.io.importers import READERS
from desktop.services.errors import Cancelled, ServiceError
from desktop.services.importing import Saved, import_files
from desktop.services.outputs import export
from desktop.store.repository import Repository

IMPORT_FILTER = "申报表文件 (*.txt *.json *.xlsx *.docx);;文本导出 (*.txt);;交换文件 (*.json);;Excel (*.xlsx);;Word (*.docx)"
EXPORT_FILTERS = {"交换文件 JSON (*.json)": ".json", "Excel 工作簿 (*.xlsx)": ".xlsx"}


def importable(path: Path) -> bool:
    return path.suffix.lower() in READERS


def import_into(parent: QWidget, repo: Repository, files: list[Path]) -> list[Saved]:
    """Import files all-or-nothing (progress, cancel) and show what was created and what needs attention."""
    progress = QProgressDialog("正在读取文件…", "取消", 0, len(files), parent)
    progress.setWindowTitle("导入")
    progress.setMinimumDuration(300)

    def step(done: int, total: int, what: str) -> bool:
        progress.setLabelText(what)
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        done = import_files(repo, files, step)
    except Cancelled:
        return []
    except ServiceError as exc:
        QMessageBox.warning(parent, "导入失败", f"{exc}\n\n没有导入任何申报表。")
        return []
    finally:
        progress.reset()

    def state(s: Saved) -> str:
        return f"错误 {s.errors}，警告 {s.warnings}" if s.errors or s.warnings else "无问题"

    shown = 30  # an import may hold 100,000: the first ones are named, the rest counted
    lines = [f"· {s.name or '（未命名）'}（{state(s)}）" for s in done.saved[:shown]]
    if len(done.saved) > shown:
        lines.append(f"……另有 {len(done.saved) - shown} 份")
    QMessageBox.information(parent, "导入完成", f"已从 {len(files)} 个文件导入 {len(done.saved)} 份申报表：\n\n"
                            + "\n".join(lines))
    return done.saved


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


def export_to(parent: QWidget, decls: list[Declaration], path: Path, protected: Sequence[Path] = ()) -> bool:
    """Export after checking the target (never the database, a device or a folder)."""
    try:
        export(decls, path, list(protected))
    except ServiceError as exc:
        QMessageBox.warning(parent, "不能导出", str(exc))
        return False
    return True
