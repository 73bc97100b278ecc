"""Making, saving and finalising declarations."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from desktop.domain import form
from desktop.domain.model import Declaration, Status
from desktop.domain.problems import Problem
from desktop.domain.template import registry
from desktop.services.check_context import (
    checked, copies_of, dependents, iter_checked, key_of, known_options_of, recount, remember_saved,
    stored_before,
)
from desktop.services.checking import check, counts, finalize_blockers
from desktop.services.errors import ServiceError
from desktop.store.repository import Repository
from desktop.store.write_errors import is_write_error, write_error_message

FINAL, DRAFT = form.FINAL, form.DRAFT


def save(repo: Repository, decl: Declaration, problems: list[Problem] | None = None) -> Declaration:
    """Write one declaration with its problem counts; ``problems`` spares a re-check
    when the caller has just checked it (the window does on every edit).

    Write errors (full disk, read-only folder) propagate as they are: the window
    keeps the edit and retries, so it needs the original exception."""
    found = checked(repo, [decl])[0] if problems is None else problems
    before = stored_before(repo, [decl])
    saved = repo.save_all([decl], counts=[counts(found)])[0]
    remember_saved(repo, [saved], before)
    return saved


def save_all(repo: Repository, decls: list[Declaration], keep_timestamps: bool = False,
             progress=None, what: str = "保存", neighbours: bool = True) -> list[Declaration]:
    """All or nothing, each declaration checked once; a failed write says why. ``neighbours``:
    recount the declarations whose year rules these touch (refresh_neighbours); a change
    of status alone touches none."""
    before = stored_before(repo, decls)
    try:
        saved = repo.save_all(decls, keep_timestamps=keep_timestamps,
                              counts=[counts(p) for p in checked(repo, decls)], progress=progress)
    except Exception as exc:
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, what)) from exc
    remember_saved(repo, saved, before)
    if neighbours:
        keys = [key_of(d) for d in saved]
        refresh_neighbours(repo, keys, [d.id for d in saved if d.id is not None])
        # Checked before any of them was written, they could not see one another: a second
        # copy in the same batch, or last year's form saved alongside. Count those again.
        seen = Counter(k for k in keys if k[0])
        again = [d.id for d, (code, year) in zip(saved, keys, strict=True)
                 if d.id is not None and code and (seen[(code, year)] > 1 or seen[(code, year - 1)])]
        if again:
            try:
                recount(repo, again)
            except Exception as exc:  # saved; their counts stay as checked
                if not is_write_error(exc):
                    raise
    return saved


def refresh_neighbours(repo: Repository, keys: list[tuple[str, int]], ids: list[int]) -> list[int]:
    """After declarations with these (项目编码, 申报年度) keys and ids were saved: store the
    problem counts of the others whose year rules they touch (duplicates of a key, the
    next year's declaration, copies forward). The ids recounted; a failed write leaves
    those counts as they were (the saved content is not affected)."""
    mine = set(ids)
    others = [i for i in dependents(repo, keys, ids) if i not in mine]
    try:
        recount(repo, others)
    except Exception as exc:
        if not is_write_error(exc):
            raise
        return []
    return others


def new_draft(repo: Repository) -> Declaration:
    """An empty draft on the default template, with the units used most so far."""
    units = repo.previous_values("applicant_unit")
    budget = repo.previous_values("budget_unit")
    decl = Declaration(template_id=registry().default.id)
    decl.header.applicant_unit = units[0] if units else ""
    decl.header.budget_unit = budget[0] if budget else ""
    return save_all(repo, [decl], what="新建")[0]


def _fresh_copy(decl: Declaration) -> Declaration:
    copy = decl.model_copy(deep=True)
    copy.id = copy.created_at = copy.updated_at = None
    copy.status = DRAFT
    return copy


def duplicate(repo: Repository, decl: Declaration) -> Declaration:
    copy = _fresh_copy(decl)
    copy.header.project_name = f"{copy.header.project_name}（副本）"
    return save_all(repo, [copy], what="复制")[0]


def copy_forward(repo: Repository, decl: Declaration) -> Declaration:
    """Next year's draft of the same project: everything carried over, 申报年度 + 1."""
    from desktop.services import revisions

    year = decl.fiscal_year + 1
    if decl.id is not None:
        made = [d for d in repo.load_many(copies_of(repo, decl.id)) if d.fiscal_year == year]
        if made:  # a second copy would be a duplicate of the first, and edits would split between them
            raise ServiceError(f"《{decl.header.project_name or '未命名'}》已复制到 {year} 年度（编号 {made[0].id}），"
                               f"没有再复制一份。请打开编号 {made[0].id} 继续填写。")
    copy = _fresh_copy(decl)
    copy.fiscal_year = year
    copy.source_id = decl.id  # its 上年度, whatever its 项目编码 becomes
    saved = save_all(repo, [copy], what="复制到下一年度")[0]
    revisions.record_quietly(repo, [], revisions.COPY_FORWARD, decls=[saved])  # its history starts here
    return saved


def set_status(repo: Repository, decl: Declaration, status: Status) -> Declaration:
    """定稿 (refused while there are errors) or back to 草稿."""
    if status == FINAL:
        errors = finalize_blockers(check(decl))
        if errors:
            listed = "；".join(p.message for p in errors[:5])
            raise ServiceError(f"《{decl.header.project_name or '未命名'}》还有 {len(errors)} 个错误，不能定稿：{listed}")
    changed = decl.model_copy(deep=True)
    changed.status = status
    saved = save_all(repo, [changed], what=status, neighbours=False)[0]  # a status touches no one else's rules
    _record_status(repo, [saved], status)
    return saved


def _record_status(repo: Repository, saved: list[Declaration], status: Status) -> None:
    """定稿 / 退回草稿 is a revision (desktop.services.revisions)."""
    from desktop.services import revisions

    revisions.record_quietly(repo, [], revisions.FINAL if status == FINAL else revisions.DRAFT, decls=saved)


@dataclass
class StatusChanged:
    """What set_status_many did: (id, 项目名称) of each declaration changed, left as it
    was (already in that status), or refused (with the reason, for 定稿 with errors)."""

    changed: list[tuple[int, str]] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def set_status_many(repo: Repository, ids: list[int], status: Status, batch: int = 500) -> StatusChanged:
    """定稿 (or 退回草稿) several declarations; each with errors is refused and named, the rest
    are changed. Read, checked once and written a batch at a time (one transaction each)."""
    done = StatusChanged()
    known = known_options_of(repo)  # one scan for all the batches
    for start in range(0, len(ids), batch):
        ready: list[Declaration] = []
        found: list[tuple[int, int]] = []
        for decl, problems in iter_checked(repo, repo.iter_declarations(ids[start:start + batch]), batch, known):
            name = decl.header.project_name or "（未命名）"
            if decl.status == status:
                done.unchanged.append((decl.id or 0, name))
                continue
            errors = finalize_blockers(problems) if status == FINAL else []
            if errors:
                done.refused.append((decl.id or 0, name, f"{len(errors)} 个错误，如：{errors[0].message}"))
                continue
            changed = decl.model_copy(deep=True)
            changed.status = status
            ready.append(changed)
            found.append(counts(problems))
        if not ready:
            continue
        try:
            saved = repo.save_all(ready, counts=found)
        except Exception as exc:
            if not is_write_error(exc):
                raise
            raise ServiceError(write_error_message(exc, status)) from exc
        done.changed.extend((d.id or 0, d.header.project_name or "（未命名）") for d in saved)
        _record_status(repo, saved, status)
    return done
