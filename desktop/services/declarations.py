"""Making, saving and finalising declarations."""
from __future__ import annotations

from desktop.domain import form
from desktop.domain.model import Declaration, Status
from desktop.domain.problems import Problem
from desktop.domain.template import registry
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
    found = check(decl) if problems is None else problems
    return repo.save_all([decl], counts=[counts(found)])[0]


def save_all(repo: Repository, decls: list[Declaration], keep_timestamps: bool = False,
             progress=None, what: str = "保存") -> list[Declaration]:
    """All or nothing, each declaration checked once; a failed write says why."""
    try:
        return repo.save_all(decls, keep_timestamps=keep_timestamps,
                             counts=[counts(check(d)) for d in decls], progress=progress)
    except Exception as exc:
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, what)) from exc


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
    copy = _fresh_copy(decl)
    copy.fiscal_year = decl.fiscal_year + 1
    return save_all(repo, [copy], what="复制到下一年度")[0]


def set_status(repo: Repository, decl: Declaration, status: Status) -> Declaration:
    """定稿 (refused while there are errors) or back to 草稿."""
    if status == FINAL:
        errors = finalize_blockers(check(decl))
        if errors:
            listed = "；".join(p.message for p in errors[:5])
            raise ServiceError(f"《{decl.header.project_name or '未命名'}》还有 {len(errors)} 个错误，不能定稿：{listed}")
    changed = decl.model_copy(deep=True)
    changed.status = status
    return save_all(repo, [changed], what=status)[0]
