"""Pick the importer by file type; every file must succeed before anything is saved."""
from __future__ import annotations

from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.excel import import_xlsx
from desktop.io.json_io import import_json
from desktop.io.text_import import import_text_file
from desktop.io.word import import_docx

READERS = {".txt": import_text_file, ".json": import_json, ".xlsx": import_xlsx, ".docx": import_docx}
# Exchange files keep their own modification times; other sources are new drafts.
KEEPS_TIMESTAMPS = {".json"}


def import_file(path: Path) -> list[Declaration]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = "、".join(sorted(READERS))
        raise ImportFailed(f"{path.name}：不支持的文件类型（可导入 {known}）。")
    if not path.is_file():
        raise ImportFailed(f"{path.name}：文件不存在。")
    decls = reader(path)
    if path.suffix.lower() not in KEEPS_TIMESTAMPS:
        for d in decls:
            d.created_at = d.updated_at = None
    return decls


def import_files(files: list[Path]) -> list[Declaration]:
    """All files or nothing: the first unreadable file stops the whole import."""
    decls: list[Declaration] = []
    for f in files:
        decls.extend(import_file(Path(f)))
    return decls


def keeps_timestamps(files: list[Path]) -> bool:
    return all(Path(f).suffix.lower() in KEEPS_TIMESTAMPS for f in files)
