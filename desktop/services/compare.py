"""Comparing a declaration with last year's, another declaration or a revision (issue 13).

The one path behind `jixiao diff` and the window's comparison view: which two
states are compared, and desktop.domain.diff on them.
"""
from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.diff import Comparison, compare
from desktop.domain.model import Declaration
from desktop.services.errors import ServiceError
from desktop.store import context_queries as q, years
from desktop.store.repository import NotFound, Repository


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a declaration as stored, or one of its revisions."""

    decl: Declaration
    revision: int | None = None

    @property
    def title(self) -> str:
        d = self.decl
        rev = f" 第 {self.revision} 版" if self.revision is not None else ""
        return f"{d.fiscal_year} 年度《{d.header.project_name or '未命名'}》（编号 {d.id}{rev}）"

    def as_dict(self) -> dict:
        d = self.decl
        return {"declaration": d.id, "revision": self.revision, "fiscal_year": d.fiscal_year,
                "project_code": d.header.project_code, "project_name": d.header.project_name}


@dataclass(frozen=True)
class Compared:
    old: Side
    new: Side
    comparison: Comparison

    def as_dict(self) -> dict:
        return {"old": self.old.as_dict(), "new": self.new.as_dict(), **self.comparison.as_dict()}


def load(repo: Repository, decl_id: int) -> Declaration:
    try:
        return repo.load(decl_id)
    except NotFound:
        raise ServiceError(f"没有编号为 {decl_id} 的申报表。") from None


def previous_year(repo: Repository, decl: Declaration) -> Declaration | None:
    """Last year's declaration of the project: the one it was copied forward from, else
    the same 项目编码 one 申报年度 earlier (the most recently edited of several)."""
    prev_id = q.previous_year_id(repo.db, decl.id, decl.source_id, decl.header.project_code, decl.fiscal_year)
    if prev_id is None:
        return None
    try:
        return repo.load(prev_id)
    except NotFound:
        return None


def revision(repo: Repository, decl_id: int, number: int) -> Declaration:
    from desktop.services.revisions import load_revision

    return load_revision(repo, decl_id, number)


def no_previous_year(decl: Declaration) -> str:
    code = decl.header.project_code.strip()
    where = f"项目编码 {code} 在 {decl.fiscal_year - 1} 年度没有申报表" if code else "它没有填写项目编码"
    return (f"《{decl.header.project_name or '未命名'}》没有上年度的申报表可比较：它不是由上年度复制而来，"
            f"{where}。可以用 --against 编号 与任一份申报表比较。")


def compared(old: Side, new: Side) -> Compared:
    return Compared(old, new, compare(old.decl, new.decl))


def diff(repo: Repository, decl_id: int, rev: int | None = None, against: int | None = None,
         previous: bool = False) -> Compared:
    """`jixiao diff`: the new side is the declaration (or its revision ``rev``); the old side is
    ``against`` (another declaration), else last year's declaration of the project; with
    ``rev`` alone (neither ``against`` nor ``previous``) revision ``rev`` is the old side and
    the current state the new one."""
    current = load(repo, decl_id)
    if rev is not None and against is None and not previous:
        return compared(Side(revision(repo, decl_id, rev), rev), Side(current))
    new = Side(revision(repo, decl_id, rev), rev) if rev is not None else Side(current)
    if against is not None:
        return compared(Side(load(repo, against)), new)
    prev = previous_year(repo, current)
    if prev is None:
        raise ServiceError(no_previous_year(current))
    return compared(Side(prev), new)


@dataclass(frozen=True)
class Choice:
    """Something the comparison view offers to compare with."""

    text: str
    decl_id: int
    revision: int | None = None
    kind: str = "other"  # "previous" (last year's), "project" (another year), "revision" (this one's)


def choices(repo: Repository, decl: Declaration) -> list[Choice]:
    """Last year's declaration first, then the project's other years, then this one's revisions."""
    out: list[Choice] = []
    prev = previous_year(repo, decl)
    if prev is not None and prev.id is not None:
        out.append(Choice(f"上年度：{Side(prev).title}", prev.id, kind="previous"))
    for decl_id, year, name in years.same_project(repo.db, decl.header.project_code):
        if decl_id != decl.id and (prev is None or decl_id != prev.id):
            out.append(Choice(f"同一项目：{year} 年度《{name or '未命名'}》（编号 {decl_id}）", decl_id, kind="project"))
    if decl.id is not None:
        try:
            from desktop.services.revisions import history
        except ImportError:  # pragma: no cover - revisions ship with this version
            return out
        try:
            found = history(repo, decl.id)
        except ServiceError:
            found = []
        out += [Choice(f"本申报表第 {r.number} 版（{r.saved_at:%Y-%m-%d %H:%M}，{r.reason}）", decl.id, r.number,
                       "revision") for r in found]
    return out


def side(repo: Repository, choice: Choice) -> Side:
    if choice.revision is not None:
        return Side(revision(repo, choice.decl_id, choice.revision), choice.revision)
    return Side(load(repo, choice.decl_id))
