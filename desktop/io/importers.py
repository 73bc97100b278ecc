"""Pick the importer by file type; every file must succeed before anything is saved."""
from __future__ import annotations

from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.text_import import import_text_file

SUFFIXES = {".txt": import_text_file}


def import_file(path: Path) -> list[Declaration]:
    reader = SUFFIXES.get(path.suffix.lower())
    if reader is None:
        known = "、".join(sorted(SUFFIXES))
        raise ImportFailed(f"{path.name}：不支持的文件类型（可导入 {known}）。")
    if not path.is_file():
        raise ImportFailed(f"{path.name}：文件不存在。")
    return reader(path)


def import_files(files: list[Path]) -> list[Declaration]:
    decls: list[Declaration] = []
    for f in files:
        decls.extend(import_file(Path(f)))
    return decls
