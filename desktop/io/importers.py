"""Pick the importer by file type; every file must succeed before anything is saved."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.excel import import_sheets, import_xlsx
from desktop.io.json_io import import_json, iter_json
from desktop.io.text_import import import_text_file
from desktop.io.word import import_docx

READERS = {".txt": import_text_file, ".json": import_json, ".xlsx": import_xlsx, ".docx": import_docx,
           ".xls": import_sheets, ".et": import_sheets, ".ods": import_sheets}
# Readers of the official table, which say what they changed on the way in (a unit converted).
NOTING_READERS = {".txt", ".xlsx", ".docx", ".xls", ".et", ".ods"}
# Formats no reader here understands, with what to do instead.
SAVE_AS = {".doc": "Word 97-2003 文档（.doc）", ".wps": "WPS 文字文档（.wps）"}
# Readers that yield one declaration at a time: exchange files may hold 100,000.
STREAMING_READERS = {".json": iter_json}
# Exchange files keep their own modification times; other sources are new drafts.
KEEPS_TIMESTAMPS = {".json"}


def _checked(path: Path) -> str:
    """The file's type, or ImportFailed before reading when it cannot be imported."""
    suffix = path.suffix.lower()
    if suffix in SAVE_AS:
        raise ImportFailed(f"{path.name}：不能直接读取{SAVE_AS[suffix]}。请在 Word 或 WPS 中打开它，"
                           "“另存为”Word 文档（.docx）后再导入。")
    if suffix not in READERS:
        known = "、".join(sorted(READERS))
        raise ImportFailed(f"{path.name}：不支持的文件类型（可导入 {known}）。")
    if not path.is_file():
        raise ImportFailed(f"{path.name}：文件不存在。")
    return suffix


def iter_file(path: Path, notes: list[str] | None = None) -> Iterator[Declaration]:
    """The declarations of one file, one at a time where the format allows (JSON);
    a refusal may come after some were yielded, so callers save all or nothing.
    ``notes`` gets what the reading changed (a unit converted), one line each."""
    suffix = _checked(path)
    read: Iterable[Declaration]
    if suffix in NOTING_READERS:
        read = READERS[suffix](path, notes)  # type: ignore[call-arg]
    else:
        read = STREAMING_READERS.get(suffix, READERS[suffix])(path)
    for decl in read:
        if suffix not in KEEPS_TIMESTAMPS:
            decl.created_at = decl.updated_at = None
        yield decl


def import_file(path: Path, notes: list[str] | None = None) -> list[Declaration]:
    return list(iter_file(path, notes))


def iter_files(files: Iterable[Path], starting: Callable[[int, Path], object] | None = None,
               notes: list[str] | None = None) -> Iterator[Declaration]:
    """File by file, in order; ``starting(i, path)`` is called before each file is read
    (for progress). The first unreadable file stops the whole import."""
    for i, f in enumerate(files):
        if starting is not None:
            starting(i, Path(f))
        yield from iter_file(Path(f), notes)


def keeps_timestamps(files: Iterable[Path]) -> bool:
    return all(Path(f).suffix.lower() in KEEPS_TIMESTAMPS for f in files)
