"""Every saved state of a declaration kept as a revision: make, list, read, restore, trace a print.

Revisions are made at these moments, not on every keystroke: an editing burst
ends in the window, 定稿 / 退回草稿, import (and 覆盖 before a replace), print
and export, restore. A declaration whose latest revision already has the
same content (the same revision code) gets no new one: its state is kept and
findable as it is. Nothing here ever changes or deletes a revision; a restore
is a new revision, after the state it replaces has been kept.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from desktop.domain import revisions as domain
from desktop.domain.model import Declaration
from desktop.domain.revision_code import CODE_LENGTH, normalise_code, revision_code
from desktop.domain.template import registry
from desktop.services.checking import check, finalize_blockers
from desktop.services.errors import ServiceError
from desktop.store import revisions as store
from desktop.store.database import DatabaseError
from desktop.store.repository import NotFound, Repository
from desktop.store.write_errors import is_write_error, write_error_message

# Why a revision was made (shown in the history).
EDIT, FINAL, DRAFT = "编辑", "定稿", "退回草稿"
IMPORT, REPLACE = "导入", "覆盖"
PRINT, EXPORT = "打印", "导出"
BEFORE_RESTORE, RESTORE = "恢复前", "恢复"
BEFORE_EDIT = "编辑前"  # a stored state no revision held yet, kept at the first edit
COPY_FORWARD = "复制到下一年度"  # the first state of a copy forward
BATCH = 500  # declarations read and kept per transaction


@dataclass(frozen=True)
class RevisionInfo:
    """One revision as the history lists it."""

    number: int
    saved_at: datetime
    reason: str
    code: str
    summary: str

    def as_dict(self) -> dict:
        """As `jixiao history --json` prints it."""
        return {"revision": self.number, "saved_at": self.saved_at.isoformat(timespec="seconds"),
                "reason": self.reason, "code": self.code, "summary": self.summary}


@dataclass(frozen=True)
class PrintFound:
    """A declaration a revision code belongs to: its revisions with that code, and
    whether its current state still has it."""

    declaration_id: int
    project_name: str
    project_code: str
    fiscal_year: int
    revisions: tuple[int, ...]
    current: bool
    in_trash: bool

    def as_dict(self) -> dict:
        return {"declaration": self.declaration_id, "project_name": self.project_name,
                "project_code": self.project_code, "fiscal_year": self.fiscal_year,
                "revisions": list(self.revisions), "current": self.current, "in_trash": self.in_trash}


def _label(template_id: str):
    return registry().get(template_id).label


def _summarize(previous: str | None, text: str) -> str:
    if previous is None:
        return domain.change_summary(None, Declaration())  # the first: nothing to read
    new = domain.declaration_of(text)
    return domain.change_summary(domain.declaration_of(previous), new, _label(new.template_id))


def _state(decl: Declaration) -> store.State:
    assert decl.id is not None
    text = domain.canonical(decl)
    return store.State(decl.id, text, domain.code_of(text))


def _kept(repo: Repository, states: list[store.State], reason: str, summarize=_summarize) -> list[int]:
    try:
        made = store.append(repo.db, states, reason, summarize)
    except Exception as exc:
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, "保存修订记录")) from exc
    return [number for _decl_id, number in made]


def record(repo: Repository, decl_ids: Iterable[int], reason: str) -> list[int]:
    """Keep the stored state of each declaration as a revision (unless its latest revision
    has the same content); a batch per transaction. Returns the new revision numbers.
    Ids that do not exist are skipped."""
    ids = store.existing(repo.db, list(dict.fromkeys(decl_ids)))
    made: list[int] = []
    for start in range(0, len(ids), BATCH):
        states = [_state(d) for d in repo.iter_declarations(ids[start:start + BATCH])]
        made.extend(_kept(repo, states, reason))
    return made


def record_states(repo: Repository, decls: Iterable[Declaration], reason: str) -> list[int]:
    """Keep these contents (e.g. as printed) as revisions of their declarations."""
    states = [_state(d) for d in decls if d.id is not None]
    made: list[int] = []
    for start in range(0, len(states), BATCH):
        made.extend(_kept(repo, states[start:start + BATCH], reason))
    return made


def record_unless_kept(repo: Repository, seen: list[tuple[int, str]], reason: str) -> list[int]:
    """Keep the stored state of those (id, code) whose latest revision has another code:
    a declaration exported as it was last kept is not read again (an export of 100,000)."""
    return record(repo, store.not_latest(repo.db, seen), reason)


def record_quietly(repo: Repository, decl_ids: Iterable[int], reason: str,
                   decls: Iterable[Declaration] | None = None, seen: list[tuple[int, str]] | None = None) -> bool:
    """As record (record_states when ``decls`` are given, record_unless_kept with ``seen``),
    for an action that is done already (import, print, export): a revision that cannot be
    written (read-only folder, full disk) does not undo it; the state is kept at the next
    trigger. False then."""
    if repo.db.read_only:  # a read-only folder or file: printing and exporting still work
        return False
    try:
        if decls is not None:
            record_states(repo, decls, reason)
        elif seen is not None:
            record_unless_kept(repo, seen, reason)
        else:
            record(repo, decl_ids, reason)
    except (ServiceError, DatabaseError):  # DatabaseError: damaged, found by a deferred page check
        return False
    except Exception as exc:
        if is_write_error(exc) or "readonly" in str(exc).lower():
            return False
        raise
    return True


def keep_before_editing(repo: Repository, decl_id: int) -> bool:
    """At the first edit of a declaration opened in the window: keep its stored state if no
    revision holds it yet (a declaration from before revisions existed, or saved by a
    session that ended before its burst did), so the state before the edit is never lost.
    An empty new draft is not worth a revision. True when one was made."""
    try:
        stored = repo.load(decl_id)
    except NotFound:
        return False
    blank = not (stored.header.project_name or any(vars(stored.texts).values())
                 or stored.cost_items or stored.indicators)
    if blank:
        return False
    if store.not_latest(repo.db, [(decl_id, revision_code(stored))]) == []:
        return False
    return record_quietly(repo, [], BEFORE_EDIT, decls=[stored])


def history(repo: Repository, decl_id: int) -> list[RevisionInfo]:
    """The revisions of a declaration, newest first."""
    if not store.existing(repo.db, [decl_id]):
        raise ServiceError(f"没有编号为 {decl_id} 的申报表。")
    return [RevisionInfo(r.number, r.saved_at, r.reason, r.code, r.summary) for r in store.history(repo.db, decl_id)]


def load_revision(repo: Repository, decl_id: int, number: int) -> Declaration:
    """The declaration as it was in revision ``number`` (its id set; never saved by this)."""
    text = store.text_of(repo.db, decl_id, number)
    if text is None:
        if not store.existing(repo.db, [decl_id]):
            raise ServiceError(f"没有编号为 {decl_id} 的申报表。")
        raise ServiceError(f"编号为 {decl_id} 的申报表没有第 {number} 版修订（用 history 查看有哪些）。")
    decl = domain.declaration_of(text)
    decl.id = decl_id
    return decl


def iter_revisions(repo: Repository, decl_id: int) -> Iterator[tuple[RevisionInfo, Declaration]]:
    """Every revision of a declaration with its content, oldest first (JSON export of the history)."""
    infos = {i.number: i for i in history(repo, decl_id)}
    for number, text in store.texts_of(repo.db, decl_id):
        decl = domain.declaration_of(text)
        decl.id = decl_id
        yield infos[number], decl


def restore(repo: Repository, decl_id: int, number: int) -> Declaration:
    """Make revision ``number`` the current state again. The current state is kept as a
    revision first (恢复前) if it is not yet, and the restored one is a new revision (恢复):
    nothing is overwritten or lost. A revision that was 定稿 comes back 草稿 if it has
    errors under today's rules. Returns the declaration as saved."""
    from desktop.services.declarations import DRAFT as DRAFT_STATUS, FINAL as FINAL_STATUS, save_all

    old = load_revision(repo, decl_id, number)
    try:
        current = repo.load(decl_id)
    except NotFound:
        raise ServiceError(f"没有编号为 {decl_id} 的申报表。") from None
    record_states(repo, [current], BEFORE_RESTORE)
    old.created_at, old.source_id = current.created_at, current.source_id
    if old.status == FINAL_STATUS and finalize_blockers(check(old)):
        old.status = DRAFT_STATUS
    saved = save_all(repo, [old], what="恢复")[0]

    def summarize(previous: str | None, text: str) -> str:
        return f"恢复第 {number} 版；" + _summarize(previous, text)

    _kept(repo, [_state(saved)], RESTORE, summarize)
    return saved


def find_print(repo: Repository, code: str) -> list[PrintFound]:
    """The declarations and revisions a printed revision code belongs to (any spelling:
    "3fa2 c91b", "修订 3FA2C91B"); empty when none. ServiceError when it is no code."""
    wanted = normalise_code(code)
    if len(wanted) != CODE_LENGTH:
        raise ServiceError(f"“{code.strip()[:40]}”不是修订码：修订码是页脚上的 {CODE_LENGTH} 位字母数字（0–9、A–F），"
                           "如 3FA2C91B。")
    by_decl: dict[int, list[int]] = {}
    for r in store.with_code(repo.db, wanted):
        by_decl.setdefault(r.declaration_id, []).append(r.number)
    names = store.named(repo.db, list(by_decl))
    found = []
    for decl_id, numbers in by_decl.items():
        about = names[decl_id]
        current = revision_code(repo.load(decl_id)) == wanted
        found.append(PrintFound(decl_id, about.project_name, about.project_code, about.fiscal_year,
                                tuple(numbers), current, about.in_trash))
    return found


def looks_like_code(text: str) -> bool:
    """Whether a search text is a revision code as printed (8 hex digits, maybe spaced)."""
    stripped = "".join(text.split())
    return len(stripped) == CODE_LENGTH and all(ch in "0123456789abcdefABCDEF" for ch in stripped)


def passing(decls: Iterable[Declaration], seen: list[tuple[int, str]]) -> Iterator[Declaration]:
    """The declarations as they go by (to a writer), noting (id, revision code) of each."""
    for decl in decls:
        if decl.id is not None:
            seen.append((decl.id, revision_code(decl)))
        yield decl


def exported_history(repo: Repository):
    """The revisions of a declaration as desktop.io.json_io writes them (oldest first)."""
    def history(decl: Declaration):
        if decl.id is None:
            return []
        return [((i.number, i.saved_at, i.reason, i.code, i.summary), content)
                for i, content in iter_revisions(repo, decl.id)]

    return history
