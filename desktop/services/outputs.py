"""Writing declarations to files the user names: JSON, Excel, PDF."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.model import Declaration
from desktop.io.output import OutputRefused, check_output, disk_message
from desktop.services.errors import Cancelled, ServiceError

if TYPE_CHECKING:
    from desktop.store.repository import Repository

EXPORT_KINDS = {".json": "json", ".xlsx": "xlsx"}


def checked_target(path: Path, kind: str, protected: list[Path]) -> Path:
    """The target, or ServiceError before any work when writing it could destroy something."""
    try:
        return check_output(path, kind, protected)
    except OutputRefused as exc:
        raise ServiceError(str(exc)) from None


def export(decls: Iterable[Declaration], path: Path, protected: list[Path], repo: Repository | None = None,
           with_history: bool = False) -> Path:
    """JSON or Excel by the suffix. ``decls`` may be a generator reading the database a
    batch at a time: both writers hold one declaration at a time, and a refusal or a
    failed write midway leaves no file (nor a part of one).

    ``repo`` (a Repository): the export is a revision of each declaration exported
    (desktop.services.revisions), and ``with_history`` puts each one's revisions in a
    JSON file."""
    from desktop.io.exporters import EXPORTERS
    from desktop.services import revisions

    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_KINDS:
        raise ServiceError(f"不支持导出为 {suffix or '无扩展名'} 文件（可用 .json 或 .xlsx）。")
    if with_history and (suffix != ".json" or repo is None):
        raise ServiceError("只有 JSON 交换文件能带修订记录（请导出为 .json）。")
    out = checked_target(path, EXPORT_KINDS[suffix], protected)
    exported: list[tuple[int, str]] = []  # (id, revision code) of each declaration written
    try:
        if with_history and repo is not None:
            from desktop.io.json_io import export_json

            export_json(revisions.passing(decls, exported), out, revisions.exported_history(repo))
        else:
            EXPORTERS[suffix](revisions.passing(decls, exported), out)
    except OutputRefused as exc:  # a value the format cannot hold
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(disk_message(exc, out)) from None
    if repo is not None:
        revisions.record_quietly(repo, [], revisions.EXPORT, seen=exported)
    return out


def signatures_for(db, decls: Iterable[Declaration]) -> dict:
    """The signature block of each 申请单位 among decls (desktop.services.settings), by unit."""
    from desktop.services.settings import load_signature

    out = {}
    for unit in dict.fromkeys(d.header.applicant_unit.strip() for d in decls):
        signature = load_signature(db, unit)
        if signature is not None:
            out[unit] = signature
    return out


def print_pdf(decls: list[Declaration], path: Path, protected: list[Path],
              progress: Callable[[int, int], bool] | None = None, repo: Repository | None = None):
    """Render into one PDF and write it; returns the RenderResult (pages, drafts).
    ``repo``: the printed contents are kept as revisions, so that the revision code in
    each page's footer leads back to them (`jixiao find-print`); the signature blocks of
    the forms' units are read from its settings. Forms print in the order given."""
    from desktop.io.output import write_bytes_atomically
    from desktop.printing.render import Cancelled as RenderCancelled, render

    out = checked_target(path, "pdf", protected)
    try:
        result = render(decls, progress=progress, signatures=signatures_for(repo.db, decls) if repo else None)
    except RenderCancelled:
        raise Cancelled() from None
    try:
        write_bytes_atomically(out, result.pdf)
    except OSError as exc:
        raise ServiceError(disk_message(exc, out)) from None
    if repo is not None:
        from desktop.services import revisions

        revisions.record_quietly(repo, [], revisions.PRINT, decls=decls)
    return result
