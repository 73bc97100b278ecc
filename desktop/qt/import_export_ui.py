"""File → 导入… / 导出…, and files dropped on the window: the desktop.io code behind dialogs."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.domain.model import Declaration
from desktop.io.importers import READERS
from desktop.services.errors import Cancelled, ServiceError
from desktop.services.importing import Duplicate, DuplicatesFound, OnDuplicate, Saved, import_files
from desktop.services.outputs import export
from desktop.store.repository import Repository

IMPORT_FILTER = ("申报表文件 (*.txt *.json *.xlsx *.docx *.xls *.et *.ods);;文本导出 (*.txt);;交换文件 (*.json);;"
                 "Excel (*.xlsx *.xls);;WPS 表格 (*.et);;OpenDocument 表格 (*.ods);;Word (*.docx)")
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

    mode: OnDuplicate = "refuse"
    while True:  # asked once: the first try finds the duplicates, the second imports as chosen
        try:
            done = import_files(repo, files, step, on_duplicate=mode)
            break
        except Cancelled:
            return []
        except DuplicatesFound as exc:
            progress.reset()
            chosen = ask_on_duplicate(parent, exc.duplicates)
            if chosen is None:
                return []
            mode = chosen
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
    if done.replaced:
        lines.append(f"\n其中 {len(done.replaced)} 份覆盖了项目编码和申报年度相同的已有申报表（原内容保存在修订记录中）。")
    if done.skipped:
        lines.append(f"\n跳过了 {len(done.skipped)} 份项目编码和申报年度重复的申报表：")
        lines += [f"· {d.describe()}" for d in done.skipped[:10]]
    if done.notes:  # what the reading changed on the way in (a unit converted)
        lines.append("\n导入时已做如下换算，请核对：")
        lines += [f"· {note}" for note in done.notes[:10]]
    QMessageBox.information(parent, "导入完成", f"已从 {len(files)} 个文件导入 {len(done.saved)} 份申报表：\n\n"
                            + "\n".join(lines))
    return done.saved


# The answers to "these are already there", as import_files takes them.
DUPLICATE_CHOICES: tuple[tuple[str, OnDuplicate], ...] = (("跳过", "skip"), ("覆盖", "replace"), ("保留两份", "keep"))


def ask_on_duplicate(parent: QWidget, duplicates: list[Duplicate]) -> OnDuplicate | None:
    """Once per import: what to do with declarations whose 项目编码 and 申报年度 are taken
    (跳过 / 覆盖 / 保留两份); None (取消) imports nothing."""
    shown = [f"· {d.describe()}" for d in duplicates[:10]]
    if len(duplicates) > 10:
        shown.append(f"……另有 {len(duplicates) - 10} 份")
    box = QMessageBox(QMessageBox.Icon.Question, "导入：发现重复的申报表",
                      f"以下 {len(duplicates)} 份申报表的项目编码和申报年度与已有的申报表相同：\n\n" + "\n".join(shown)
                      + "\n\n跳过：不导入这些申报表。\n覆盖：用文件中的内容替换已有的申报表（原内容保存在修订记录中，可以恢复）。"
                      "\n保留两份：都保留，两份都会标出“项目编码和年度重复”的警告。", parent=parent)
    box.setObjectName("on-duplicate")
    buttons: dict[object, OnDuplicate] = {box.addButton(text, QMessageBox.ButtonRole.AcceptRole): mode
                                          for text, mode in DUPLICATE_CHOICES}
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    return buttons.get(clicked)


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


def export_to(parent: QWidget, decls: list[Declaration], path: Path, protected: Sequence[Path] = (),
              repo: Repository | None = None, with_history: bool = False) -> bool:
    """Export after checking the target (never the database, a device or a folder);
    ``repo``: the export is kept as a revision of each declaration (``with_history``:
    a JSON file carries each one's revisions)."""
    try:
        export(decls, path, list(protected), repo=repo, with_history=with_history)
    except ServiceError as exc:
        QMessageBox.warning(parent, "不能导出", str(exc))
        return False
    return True
