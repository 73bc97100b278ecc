"""The 指标库 for the window and the command line: one ranking, one import, one export.

The library lives in the database; the starter library (forms/library/starter.json)
is put in on first use, not at start-up, so that the window opens as fast as
before. ``load_index`` reads the library and the user's history once and keys
them for matching; ``suggest`` is what the popup, the picker and
``jixiao library search`` all call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desktop import paths
from desktop.domain.library import (
    OWN_SOURCE, LibraryEntry, SuggestIndex, Suggestion, clean, clean_category, known_category, normalize_target,
)
from desktop.domain.template import Template, registry
from desktop.io.errors import ImportFailed
from desktop.services.errors import ServiceError
from desktop.store import library as store, settings
from desktop.store.database import Database

SEEDED_KEY = "library_seeded"  # the version of the starter library put in, once
LIBRARY_KINDS = {".json": "json", ".xlsx": "xlsx"}
_TEXT_NAMES = {"target": "指标值", "explanation": "指标解释", "keywords": "关键词"}


def starter_path() -> Path:
    return paths.forms_dir() / "library" / "starter.json"


def starter_entries() -> tuple[int, list[LibraryEntry]]:
    """(version, entries) of the starter library shipped with the app."""
    import json

    from desktop.io.library_io import parse_library_json

    path = starter_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    _name, located = parse_library_json(data, path.name)
    return int(data.get("starter_version", 1)), [e for _where, e in located]


def ensure_seeded(db: Database) -> bool:
    """Put the starter library in, once per database (and the entries a newer starter
    adds, never over the user's). False when the database cannot be written."""
    if db.read_only:
        return False
    version, entries = starter_entries()
    done = settings.get(db, SEEDED_KEY)
    if isinstance(done, int) and done >= version:
        return True
    from desktop.store.write_errors import is_write_error

    try:
        store.write_entries(db, entries, only_new=True, setting=(SEEDED_KEY, version))
    except Exception as exc:  # a full disk: the starter is still shown from its file (entries())
        if not is_write_error(exc):
            raise
        return False
    return True


def entries(db: Database) -> list[LibraryEntry]:
    """The library as it stands; a database not seeded yet (read-only, or a reading
    command run before the first use) shows the starter entries as well."""
    stored = store.read_entries(db)
    if isinstance(settings.get(db, SEEDED_KEY), int):
        return stored
    have = {e.key for e in stored}
    _version, starter = starter_entries()
    return sorted(stored + [e for e in starter if e.key not in have], key=lambda e: e.key)


def load_index(db: Database, seed: bool = True) -> SuggestIndex:
    """The library and every indicator row ever saved (outside the 回收站), keyed for matching.
    ``seed`` (the window, on first use): put the starter library in the database first;
    reading commands do not write, they show it from the file."""
    if seed:
        ensure_seeded(db)
    return SuggestIndex(entries(db), store.read_history(db))


def suggest(index: SuggestIndex, text: str, *, template: Template | None = None, level1: str = "",
            level2: str = "", unit: str = "", limit: int = 10) -> list[Suggestion]:
    """The ranking of the popup, the picker and ``jixiao library search``."""
    return index.search(text, template=template or registry().default, level1=level1, level2=level2,
                        unit=unit, limit=limit)


# -- changing the library --------------------------------------------------------------------
@dataclass
class Merged:
    """What an import or an addition did: entries added, and each change to an existing one."""

    name: str = ""
    added: list[LibraryEntry] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # one sentence per changed text
    updated: int = 0
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = [f"新增：{'/'.join(e.key)}" for e in self.added]
        out += self.changes
        out.append(f"指标库“{self.name}”：新增 {len(self.added)} 条，更新 {self.updated} 条，"
                   f"未变 {self.unchanged} 条。" if self.name else
                   f"新增 {len(self.added)} 条，更新 {self.updated} 条，未变 {self.unchanged} 条。")
        return out


def _merge(current: dict[tuple[str, str, str], LibraryEntry], incoming: list[LibraryEntry],
           name: str) -> tuple[Merged, list[LibraryEntry]]:
    """Same category + same name = same entry; the newer text wins where it says something."""
    report = Merged(name)
    to_write: dict[tuple[str, str, str], LibraryEntry] = {}
    for e in incoming:
        old = to_write.get(e.key) or current.get(e.key)
        if old is None:
            to_write[e.key] = e
            report.added.append(e)
            continue
        texts = {f: (new if new else old_value) for f, old_value in old.texts().items()
                 for new in [e.texts()[f]]}
        changed = [f for f in texts if texts[f] != old.texts()[f]]
        if not changed:
            if e.key not in to_write:
                report.unchanged += 1
            continue
        for f in changed:
            report.changes.append(f"更新：{'/'.join(e.key)} 的{_TEXT_NAMES[f]}：“{old.texts()[f]}” → “{texts[f]}”")
        if e.key not in to_write:
            report.updated += 1
        to_write[e.key] = LibraryEntry(*e.key, source=e.source or old.source, **texts)
    return report, list(to_write.values())


def _checked(located: list[tuple[str, LibraryEntry]], file_name: str, source: str) -> list[LibraryEntry]:
    templates = registry().all()
    out = []
    for where, e in located:
        if not known_category(e.level1, e.level2, templates):
            raise ServiceError(f"{file_name}：{where}的类别“{e.level1}/{e.level2}”不在任何指标框架中"
                               "（一级指标、二级指标应与申报表一致）。未导入任何内容。")
        out.append(LibraryEntry(e.level1, e.level2, e.name, e.target, e.explanation, e.keywords, e.source or source))
    if not out:
        raise ServiceError(f"{file_name}：文件中没有指标。未导入任何内容。")
    return out


def import_library(db: Database, path: Path) -> Merged:
    """Merge a library file into the database: all of it, or (exit 2) nothing."""
    from desktop.io.library_io import read_library

    path = Path(path)
    try:
        name, located = read_library(path)
    except ImportFailed as exc:
        raise ServiceError(str(exc)) from None
    incoming = _checked(located, path.name, name or path.stem)
    ensure_seeded(db)
    report, to_write = _merge({e.key: e for e in store.read_entries(db)}, incoming, name or path.stem)
    _write(db, to_write, "导入指标库")
    return report


def _write(db: Database, to_write: list[LibraryEntry], what: str) -> None:
    """One transaction; a disk that refuses it (full, read-only) says so and changes nothing."""
    from desktop.store.write_errors import is_write_error, write_error_message

    try:
        store.write_entries(db, to_write, when=datetime.now())
    except Exception as exc:
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, what)) from exc


def add_entry(db: Database, level1: str, level2: str, name: str, target: str = "", explanation: str = "",
              keywords: str = "") -> Merged:
    """加入指标库: a row of the user's put into the library (source 本人)."""
    entry = LibraryEntry(clean_category(level1), clean_category(level2), clean(name), normalize_target(target),
                         clean(explanation), clean(keywords), OWN_SOURCE)
    if not (entry.level1 and entry.level2 and entry.name):
        raise ServiceError("请先填写这一行的一级指标、二级指标和三级指标，再加入指标库。")
    if not known_category(entry.level1, entry.level2, registry().all()):
        raise ServiceError(f"类别“{entry.level1}/{entry.level2}”不在任何指标框架中，未加入指标库。")
    ensure_seeded(db)
    report, to_write = _merge({e.key: e for e in store.read_entries(db)}, [entry], "")
    _write(db, to_write, "加入指标库")
    return report


def export_library(db: Database, path: Path, protected: list[Path]) -> tuple[Path, int]:
    """The whole library as .xlsx (the layout import reads) or .json; (file, entries)."""
    from desktop.io.library_io import write_library_json, write_library_xlsx
    from desktop.io.output import OutputRefused, check_output, disk_message

    suffix = Path(path).suffix.lower()
    if suffix not in LIBRARY_KINDS:
        raise ServiceError(f"不支持导出为 {suffix or '无扩展名'} 文件（可用 .xlsx 或 .json）。")
    try:
        out = check_output(path, LIBRARY_KINDS[suffix], protected)
        items = entries(db)
        (write_library_xlsx if suffix == ".xlsx" else write_library_json)(items, out)
    except OutputRefused as exc:
        raise ServiceError(str(exc)) from None
    except OSError as exc:
        raise ServiceError(disk_message(exc, Path(path))) from None
    return out, len(items)
