"""Reading files into the database: every file, or nothing."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.model import Declaration
from desktop.domain.problems import Problem
from desktop.io.errors import ImportFailed
from desktop.io.importers import import_file, keeps_timestamps
from desktop.services.checking import check
from desktop.services.declarations import save_all
from desktop.services.errors import Cancelled, ServiceError
from desktop.store.repository import Repository

# progress(done, total, what) -> False to cancel
Progress = Callable[[int, int, str], bool | None]


@dataclass
class Imported:
    declarations: list[Declaration]
    problems: list[list[Problem]]


def read_files(files: list[Path], progress: Progress | None = None) -> list[Declaration]:
    """Parse every file; the first unreadable one stops the whole import."""
    decls: list[Declaration] = []
    for i, f in enumerate(files):
        if progress is not None and progress(i, len(files), f"正在读取 {Path(f).name}（{i + 1}/{len(files)}）…") is False:
            raise Cancelled()
        try:
            decls.extend(import_file(Path(f)))
        except ImportFailed as exc:
            raise ServiceError(str(exc)) from None
    return decls


def import_files(repo: Repository, files: list[Path], progress: Progress | None = None) -> Imported:
    """Read, check and save in one transaction; cancel or failure saves nothing."""
    files = [Path(f) for f in files]
    decls = read_files(files, progress)
    if progress is not None and progress(len(files), len(files), f"正在保存 {len(decls)} 份申报表…") is False:
        raise Cancelled()
    saved = save_all(repo, decls, keep_timestamps=keeps_timestamps(files), what="导入")
    return Imported(saved, [check(d) for d in saved])
