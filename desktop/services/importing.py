"""Reading files into the database: every file, or nothing.

An import streams: declarations are read (one at a time from exchange files),
checked, and written a batch at a time inside one transaction, so that a file
of 100,000 declarations needs the memory of one batch. A bad declaration
anywhere, a cancel or a failed write rolls the whole transaction back.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, NamedTuple

from desktop.domain.check_context import CheckContext
from desktop.domain.form import FINAL
from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed
from desktop.io.importers import iter_files, keeps_timestamps
from desktop.services.check_context import contexts_for, forget_known_options, key_of, known_options_of, recount
from desktop.services.checking import check, counts
from desktop.store import years
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


# What an import does with a declaration whose 项目编码 and 申报年度 are those of a stored
# declaration or of another in the same import (duplicate.code_year):
#   refuse  (default) nothing is saved; the duplicates are listed
#   skip    the duplicate is not imported
#   replace it overwrites the stored one (whose state is kept as a revision, 覆盖); of several
#           in the import itself, the last one is imported
#   keep    both are kept (and flagged duplicate.code_year)
OnDuplicate = Literal["refuse", "skip", "replace", "keep"]
ON_DUPLICATE: tuple[OnDuplicate, ...] = ("refuse", "skip", "replace", "keep")


@dataclass(frozen=True)
class Duplicate:
    """An imported declaration whose 项目编码 and 申报年度 are taken."""

    name: str
    project_code: str
    fiscal_year: int
    existing: tuple[int, ...]  # the stored declarations with them (none: another one of this import)

    def describe(self) -> str:
        whom = (f"已有编号 {'、'.join(map(str, self.existing))} 的申报表" if self.existing
                else "本次导入的文件中有另一份")
        return f"《{self.name or '未命名'}》（项目编码 {self.project_code}，{self.fiscal_year} 年度）：{whom}"


class DuplicatesFound(ServiceError):
    """import refused: declarations with a 项目编码 and 申报年度 already taken (nothing saved)."""

    SHOWN = 20

    def __init__(self, duplicates: list[Duplicate]):
        self.duplicates = duplicates
        lines = [f"  {d.describe()}" for d in duplicates[:self.SHOWN]]
        if len(duplicates) > self.SHOWN:
            lines.append(f"  ……另有 {len(duplicates) - self.SHOWN} 份")
        super().__init__(
            f"没有导入任何申报表：以下 {len(duplicates)} 份申报表的项目编码和申报年度与已有的申报表相同：\n"
            + "\n".join(lines)
            + "\n可以选择跳过这些申报表（--on-duplicate skip）、覆盖已有的（replace，原内容保存为修订记录）"
              "或保留两份（keep）后重新导入。")


@dataclass
class Imported:
    saved: list[Saved]
    # Not imported because of --on-duplicate skip (or, with replace, a later one of the same
    # 项目编码 and 申报年度 in the files took their place).
    skipped: list[Duplicate] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)  # ids of stored declarations overwritten
    # What reading changed on the way in, one line each ("…项目总金额按万元换算为元：…").
    notes: list[str] = field(default_factory=list)


Key = tuple[str, int]


class _Duplicates:
    """Decides, a batch at a time, what happens to each declaration whose 项目编码 and
    申报年度 are taken (stored, or earlier in the import)."""

    def __init__(self, repo: Repository, mode: OnDuplicate):
        if mode not in ON_DUPLICATE:
            raise ValueError(mode)
        self.repo, self.mode = repo, mode
        self.seen: Counter[Key] = Counter()  # declarations of this import so far, by key
        self.keys: list[Key] = []  # the key of each declaration written, in order
        self.found: list[Duplicate] = []  # refused, or skipped
        self.stored_hit: set[int] = set()  # stored declarations sharing a key with one written (recount)
        self.last_of: dict[Key, int] = {}  # replace: key -> index of its last declaration in the import
        self.targets: dict[Key, int] = {}  # replace: key -> the stored declaration it replaces
        self.replaced: list[int] = []
        self.last_year_in_batch: set[int] = set()  # positions in keys checked against last year's of the batch
        self.unknown_option: list[int] = []  # positions of those checked with option.unknown (recount)
        self.index = 0

    def plan(self, files: list[Path]) -> None:
        """replace: read the files once to know, before writing, which stored declarations are
        replaced (kept as revisions now, 覆盖) and which declaration of the import is the last
        of its key."""
        from desktop.services.revisions import REPLACE, record

        for i, decl in enumerate(iter_files(files)):
            key = key_of(decl)
            if key[0]:
                self.last_of[key] = i
        con = self.repo.db.connect()
        try:
            self.targets = years.latest_by_key(con, self.last_of)
            stored = years.ids_by_key(con, list(self.last_of))
            final = {i: name for i, (name, status) in years.names_and_statuses(con, self.targets.values()).items()
                     if status == FINAL}
        finally:
            con.close()
        # Which form to overwrite must be certain, and a submitted (定稿) one is not overwritten quietly.
        several = [f"{code} {year} 年度（编号 {'、'.join(map(str, ids))}）"
                   for (code, year), ids in sorted(stored.items()) if len(ids) > 1]
        if several:
            raise ServiceError("以下项目编码和申报年度已有不止一份申报表，不知道覆盖哪一份，没有导入：" + "；".join(several)
                               + "。请先删除多余的一份，或改用 --on-duplicate keep（保留两份）。")
        if final:
            listed = "、".join(f"编号 {i}《{name or '未命名'}》" for i, name in sorted(final.items()))
            raise ServiceError(f"以下申报表已定稿，不能用导入覆盖，没有导入：{listed}。如确需覆盖，请先退回草稿"
                               "（jixiao draft 编号），或改用 --on-duplicate keep（保留两份）。")
        record(self.repo, sorted(self.targets.values()), REPLACE)

    def sort(self, decls: list[Declaration]) -> list[Declaration]:
        """Those of decls to write (a replacement carries the id of what it replaces)."""
        con = self.repo.db.connect()
        try:
            stored = years.ids_by_key(con, [key_of(d) for d in decls])
        finally:
            con.close()
        out: list[Declaration] = []
        for d in decls:
            i, key = self.index, key_of(d)
            self.index += 1
            if not key[0]:  # no 项目编码: nothing to compare
                out.append(d)
                self.keys.append(key)
                continue
            existing, earlier = tuple(stored.get(key, ())), self.seen[key]
            self.seen[key] += 1
            if self.mode == "replace":
                if self.last_of.get(key, i) != i:  # a later one of the import replaces it
                    self.found.append(Duplicate(d.header.project_name, *key, ()))
                    continue
                target = self.targets.get(key)
                if target is not None:
                    d.id = target
                    self.replaced.append(target)
                self.stored_hit.update(x for x in existing if x != target)
            elif existing or earlier:
                if self.mode != "keep":  # refuse, skip
                    self.found.append(Duplicate(d.header.project_name, *key, existing))
                    continue
                self.stored_hit.update(existing)
            if self.mode == "refuse" and self.found:
                continue  # nothing will be saved: only the duplicates are still looked for
            out.append(d)
            self.keys.append(key)
        return out

    def with_last_year_in_batch(self, decls: list[Declaration], contexts: list[CheckContext]) -> list[CheckContext]:
        """A declaration whose 上年度 is in the same batch of the import (not stored yet, so
        contexts_for could not see it) is checked against it: no recount needed afterwards."""
        first = len(self.keys) - len(decls)  # the batch's place among the declarations written
        here: dict[Key, Declaration | None] = {}
        for d in decls:
            key = key_of(d)
            if key[0]:
                here[key] = None if key in here else d  # twice in the batch: not guessed, recounted
        out = []
        for j, (d, context) in enumerate(zip(decls, contexts, strict=True)):
            code, year = key_of(d)
            last = here.get((code, year - 1)) if code and context.previous_year is None else None
            if last is not None:
                context = replace(context, previous_year=last)
                self.last_year_in_batch.add(first + j)
            out.append(context)
        return out

    def recount(self, ids: list[int]) -> None:
        """After the import: the problem counts of what the import made duplicates or gave a 上年度."""
        imported = set(ids)
        written = set(self.keys)
        again = {i for n, (i, (code, year)) in enumerate(zip(ids, self.keys, strict=True))
                 if code and (self.seen[(code, year)] > 1
                              or ((code, year - 1) in written
                                  and not (n in self.last_year_in_batch and self.seen[(code, year - 1)] == 1)))}
        con = self.repo.db.connect()
        try:
            following = years.ids_by_key(con, [(c, y + 1) for c, y in written if c])
        finally:
            con.close()
        again.update(i for group in following.values() for i in group if i not in imported)
        again.update(self.stored_hit - imported)
        recount_quietly(self.repo, sorted(again))  # the import is saved; on failure the counts stay


def recount_quietly(repo: Repository, ids: list[int]) -> None:
    """Recount after the import was saved: a failed write leaves those counts as they were."""
    try:
        recount(repo, ids)
    except Exception as exc:
        if not is_write_error(exc):
            raise


def _report(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None and progress(done, total, what) is False:
        raise Cancelled()


def _checked_batches(files: list[Path], progress: Progress | None, summary: list[tuple[str, int, int]],
                     dups: _Duplicates, notes: list[str] | None = None) -> Iterator[Batch]:
    """Read and check every file, a batch at a time; ``summary`` gets (name, errors, warnings) of each
    declaration written. Duplicates are dealt with as ``dups`` says; refused ones raise at the end."""
    known = known_options_of(dups.repo)
    reading, name = 0, ""  # the file being read, for the progress text

    def starting(i: int, path: Path) -> None:
        nonlocal reading, name
        reading, name = i, path.name
        _report(progress, i, len(files), f"正在读取 {name}（{i + 1}/{len(files)}）…")

    def checked(raw: list[Declaration]) -> Batch:
        decls = dups.sort(raw)
        contexts = dups.with_last_year_in_batch(decls, contexts_for(dups.repo, decls, known))
        batch: Batch = []
        for d, c in zip(decls, contexts, strict=True):
            problems = check(d, c)
            if any(p.code == "option.unknown" for p in problems):
                dups.unknown_option.append(len(summary) + len(batch))
            batch.append((d, counts(problems)))
        summary.extend((d.header.project_name, *found) for d, found in batch)
        return batch

    raw: list[Declaration] = []
    for decl in iter_files(files, starting, notes):
        raw.append(decl)
        if len(raw) == BATCH:
            yield checked(raw)
            raw = []
            _report(progress, reading, len(files), f"正在导入 {name}：已读取 {dups.index:,} 份申报表…")
    last = checked(raw) if raw else []
    if dups.mode == "refuse" and dups.found:
        raise DuplicatesFound(dups.found)
    _report(progress, len(files), len(files), f"正在保存 {len(summary):,} 份申报表…")
    if last:
        yield last


def _save_batches(repo: Repository, batches: Iterable[Batch], keep_timestamps: bool) -> list[int]:
    """All batches in one transaction; the new ids, in order."""
    return repo.save_stream(batches, keep_timestamps=keep_timestamps)


def import_files(repo: Repository, files: Iterable[Path], progress: Progress | None = None,
                 on_duplicate: OnDuplicate = "refuse") -> Imported:
    """Read, check and save in one transaction; cancel or failure saves nothing. Declarations
    whose 项目编码 and 申报年度 are taken are dealt with as ``on_duplicate`` says (ON_DUPLICATE);
    refused, they raise DuplicatesFound and nothing is saved."""
    paths = [Path(f) for f in files]
    summary: list[tuple[str, int, int]] = []
    notes: list[str] = []
    dups = _Duplicates(repo, on_duplicate)
    try:
        if on_duplicate == "replace":
            _report(progress, 0, len(paths), "正在查找要覆盖的申报表…")
            dups.plan(paths)
        ids = _save_batches(repo, _checked_batches(paths, progress, summary, dups, notes), keeps_timestamps(paths))
    except ImportFailed as exc:
        raise ServiceError(str(exc)) from None
    except Exception as exc:  # Cancelled, and bugs, pass through
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, "导入")) from exc
    from desktop.services.revisions import IMPORT, record_quietly

    record_quietly(repo, [*ids, *dups.replaced], IMPORT)  # each imported (or replaced) one: a revision
    forget_known_options(repo)  # the imported declarations' option values are known now
    dups.recount(ids)
    # An option value new to the database but used by several imported forms is known to each
    # of them now (they use it one another): count those again, as validate will see them.
    recount_quietly(repo, [ids[i] for i in dups.unknown_option])
    return Imported([Saved(i, *about) for i, about in zip(ids, summary, strict=True)],
                    skipped=dups.found, replaced=dups.replaced, notes=notes)
