"""Reading files into the database: every file, or nothing.

An import streams: declarations are read (one at a time from exchange files),
checked, and written a batch at a time inside one transaction, so that a file
of 100,000 declarations needs the memory of one batch. A bad declaration
anywhere, a cancel or a failed write rolls the whole transaction back.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.importers import iter_files, keeps_timestamps
from desktop.services.checking import check, counts
from desktop.services.errors import Cancelled, ServiceError
from desktop.store.repository import Repository
from desktop.store.write_errors import is_write_error, write_error_message

# progress(done, total, what) -> False to cancel; done and total count files
Progress = Callable[[int, int, str], bool | None]
# Declarations checked and written together: enough to make writing cheap, few enough to keep memory flat.
BATCH = 500

Batch = list[tuple[Declaration, tuple[int, int]]]  # each declaration with its (errors, warnings)


class Saved(NamedTuple):
    """One imported declaration as the summary shows it (not the whole form: there may be 100,000)."""

    id: int
    name: str
    errors: int
    warnings: int


@dataclass
class Imported:
    saved: list[Saved]


def _report(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None and progress(done, total, what) is False:
        raise Cancelled()


def _checked_batches(files: list[Path], progress: Progress | None, summary: list[tuple[str, int, int]]) -> Iterator[Batch]:
    """Read and check every file, a batch at a time; ``summary`` gets (name, errors, warnings) of each."""
    reading, name = 0, ""  # the file being read, for the progress text

    def starting(i: int, path: Path) -> None:
        nonlocal reading, name
        reading, name = i, path.name
        _report(progress, i, len(files), f"正在读取 {name}（{i + 1}/{len(files)}）…")

    batch: Batch = []
    for decl in iter_files(files, starting):
        found = counts(check(decl))
        batch.append((decl, found))
        summary.append((decl.header.project_name, *found))
        if len(batch) == BATCH:
            yield batch
            batch = []
            _report(progress, reading, len(files), f"正在导入 {name}：已读取 {len(summary):,} 份申报表…")
    _report(progress, len(files), len(files), f"正在保存 {len(summary):,} 份申报表…")
    if batch:
        yield batch


def _save_batches(repo: Repository, batches: Iterable[Batch], keep_timestamps: bool) -> list[int]:
    """All batches in one transaction; the new ids, in order."""
    return repo.save_stream(batches, keep_timestamps=keep_timestamps)


def import_files(repo: Repository, files: Iterable[Path], progress: Progress | None = None) -> Imported:
    """Read, check and save in one transaction; cancel or failure saves nothing."""
    paths = [Path(f) for f in files]
    summary: list[tuple[str, int, int]] = []
    try:
        ids = _save_batches(repo, _checked_batches(paths, progress, summary), keeps_timestamps(paths))
    except ImportFailed as exc:
        raise ServiceError(str(exc)) from None
    except Exception as exc:  # Cancelled, and bugs, pass through
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, "导入")) from exc
    return Imported([Saved(i, *about) for i, about in zip(ids, summary, strict=True)])
