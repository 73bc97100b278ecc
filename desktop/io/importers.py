"""Pick the importer by file type; every file must succeed before anything is saved."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.excel import import_xlsx
from desktop.io.json_io import import_json, iter_json
from desktop.io.text_import import import_text_file
from desktop.io.word import import_docx

READERS = {".txt": import_text_file, ".json": import_json, ".xlsx": import_xlsx, ".docx": import_docx}
# Readers that yield one declaration at a time: exchange files may hold 100,000.
STREAMING_READERS = {".json": iter_json}
# Exchange files keep their own modification times; other sources are new drafts.
KEEPS_TIMESTAMPS = {".json"}


def _checked(path: Path) -> str:
    """The file's type, or ImportFailed before reading when it cannot be imported."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        known = "、".join(sorted(READERS))
        raise ImportFailed(f"{path.name}：不支持的文件类型（可导入 {known}）。")
    if not path.is_file():
        raise ImportFailed(f"{path.name}：文件不存在。")
    return suffix


def iter_file(path: Path) -> Iterator[Declaration]:
    """The declarations of one file, one at a time where the format allows (JSON);
    a refusal may come after some were yielded, so callers save all or nothing."""
    suffix = _checked(path)
    reader = STREAMING_READERS.get(suffix, READERS[suffix])
    for decl in reader(path):
        if suffix not in KEEPS_TIMESTAMPS:
            decl.created_at = decl.updated_at = None
        yield decl


def import_file(path: Path) -> list[Declaration]:
    return list(iter_file(path))


def iter_files(files: Iterable[Path], starting: Callable[[int, Path], object] | None = None) -> Iterator[Declaration]:
    """File by file, in order; ``starting(i, path)`` is called before each file is read
    (for progress). The first unreadable file stops the whole import."""
    for i, f in enumerate(files):
        if starting is not None:
            starting(i, Path(f))
        yield from iter_file(Path(f))


def keeps_timestamps(files: Iterable[Path]) -> bool:
    return all(Path(f).suffix.lower() in KEEPS_TIMESTAMPS for f in files)
