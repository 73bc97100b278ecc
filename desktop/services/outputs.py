"""Writing declarations to files the user names: JSON, Excel, PDF."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.output import OutputRefused, check_output, disk_message
from desktop.services.errors import Cancelled, ServiceError

EXPORT_KINDS = {".json": "json", ".xlsx": "xlsx"}


def checked_target(path: Path, kind: str, protected: list[Path]) -> Path:
    """The target, or ServiceError before any work when writing it could destroy something."""
    try:
        return check_output(path, kind, protected)
    except OutputRefused as exc:
        raise ServiceError(str(exc)) from None


def export(decls: Iterable[Declaration], path: Path, protected: list[Path]) -> Path:
    """JSON or Excel by the suffix. ``decls`` may be a generator reading the database a
    batch at a time: both writers hold one declaration at a time, and a refusal or a
    failed write midway leaves no file (nor a part of one)."""
    from desktop.io.exporters import EXPORTERS

    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_KINDS:
        raise ServiceError(f"不支持导出为 {suffix or '无扩展名'} 文件（可用 .json 或 .xlsx）。")
    out = checked_target(path, EXPORT_KINDS[suffix], protected)
    try:
        EXPORTERS[suffix](decls, out)
    except OutputRefused as exc:  # a value the format cannot hold
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(disk_message(exc, out)) from None
    return out


def print_pdf(decls: list[Declaration], path: Path, protected: list[Path],
              progress: Callable[[int, int], bool] | None = None):
    """Render into one PDF and write it; returns the RenderResult (pages, drafts)."""
    from desktop.io.output import write_bytes_atomically
    from desktop.printing.render import Cancelled as RenderCancelled, render

    out = checked_target(path, "pdf", protected)
    try:
        result = render(decls, progress=progress)
    except RenderCancelled:
        raise Cancelled() from None
    try:
        write_bytes_atomically(out, result.pdf)
    except OSError as exc:
        raise ServiceError(disk_message(exc, out)) from None
    return result
