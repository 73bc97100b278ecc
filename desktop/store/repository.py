"""Declarations in and out of the database; every write is one transaction."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.model import (
    COST_FIELDS,
    HEADER_FIELDS,
    INDICATOR_FIELDS,
    TEXT_FIELDS,
    CostItem,
    Declaration,
    Header,
    Indicator,
    Texts,
)
from desktop.domain import rules
from desktop.domain.template import registry
from desktop.store.database import Database
from desktop.store.summaries import Summary, read_summaries
from desktop.store.tables import CostItemRow, DeclarationRow, IndicatorRow


class NotFound(KeyError):
    pass


class Repository:
    def __init__(self, db: Database):
        self.db = db

    def _session(self) -> Session:
        return Session(self.db.engine, expire_on_commit=False)

    # -- reading -----------------------------------------------------------
    def list_summaries(self, decl_id: int | None = None) -> list[Summary]:
        return read_summaries(self.db, decl_id)

    def ids(self) -> list[int]:
        with self.db.engine.connect() as conn:
            return list(conn.execute(select(DeclarationRow.id).order_by(DeclarationRow.id)).scalars())

    def count(self) -> int:
        with self.db.engine.connect() as conn:
            return conn.execute(select(func.count(DeclarationRow.id))).scalar_one()

    def load(self, decl_id: int) -> Declaration:
        with self._session() as s:
            row = s.get(
                DeclarationRow, decl_id,
                options=[selectinload(DeclarationRow.cost_items), selectinload(DeclarationRow.indicators)],
            )
            if row is None:
                raise NotFound(decl_id)
            return _to_domain(row)

    def summary(self, decl_id: int) -> Summary:
        found = self.list_summaries(decl_id)
        if not found:
            raise NotFound(decl_id)
        return found[0]

    def load_many(self, ids: list[int]) -> list[Declaration]:
        return [self.load(i) for i in ids]

    def previous_values(self, column: str) -> list[str]:
        """Distinct earlier entries of a header column (申请单位, 一级预算单位), most used first."""
        col = getattr(DeclarationRow, column)
        stmt = select(col).where(col != "").group_by(col).order_by(func.count().desc(), col)
        with self.db.engine.connect() as conn:
            return list(conn.execute(stmt).scalars())

    # -- writing -----------------------------------------------------------
    def save(self, decl: Declaration, counts: tuple[int, int] | None = None) -> Declaration:
        """Insert or update; returns the declaration with id and timestamps set.

        ``counts`` (errors, warnings) spares re-checking when the caller has
        just checked the declaration (the window does on every edit).
        """
        return self.save_all([decl], counts=[counts] if counts else None)[0]

    def save_all(self, decls: list[Declaration], keep_timestamps: bool = False,
                 counts: list[tuple[int, int]] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Declaration]:
        """All or nothing: either every declaration is saved or none is.

        ``keep_timestamps`` keeps the declarations' own modification times
        (imports of exchange files, so that a round trip changes nothing).
        ``progress(done, total)`` is called inside the transaction after each
        declaration is written (not yet committed).
        """
        now = datetime.now().replace(microsecond=0)
        saved: list[Declaration] = []
        with self._session() as s, s.begin():
            for i, decl in enumerate(decls):
                row = None
                if decl.id is not None:
                    row = s.get(DeclarationRow, decl.id)
                if row is None:
                    row = DeclarationRow(created_at=decl.created_at or now)
                    s.add(row)
                _fill_row(row, decl, (decl.updated_at if keep_timestamps and decl.updated_at else now),
                          counts[i] if counts else None)
                s.flush()
                out = decl.model_copy(deep=True)
                out.id, out.created_at, out.updated_at = row.id, row.created_at, row.updated_at
                saved.append(out)
                if progress is not None:
                    progress(i + 1, len(decls))
        return saved

    def delete(self, decl_id: int) -> None:
        with self._session() as s, s.begin():
            s.execute(delete(DeclarationRow).where(DeclarationRow.id == decl_id))


def _fill_row(row: DeclarationRow, decl: Declaration, now: datetime, counts: tuple[int, int] | None) -> None:
    if counts is None:
        problems = rules.check(decl, registry().get(decl.template_id))
        counts = (sum(p.is_error for p in problems), sum(not p.is_error for p in problems))
    row.error_count, row.warning_count = counts
    row.template_id = decl.template_id
    row.fiscal_year = decl.fiscal_year
    row.status = decl.status
    row.updated_at = now
    for name in HEADER_FIELDS:
        setattr(row, name, getattr(decl.header, name))
    for name in TEXT_FIELDS:
        setattr(row, name, getattr(decl.texts, name))
    row.cost_items = [
        CostItemRow(position=i, **{f: getattr(c, f) for f in COST_FIELDS})
        for i, c in enumerate(decl.cost_items)
    ]
    row.indicators = [
        IndicatorRow(position=i, **{f: getattr(r, f) for f in INDICATOR_FIELDS})
        for i, r in enumerate(decl.indicators)
    ]


def _to_domain(row: DeclarationRow) -> Declaration:
    return Declaration(
        id=row.id,
        template_id=row.template_id,
        fiscal_year=row.fiscal_year,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        header=Header(**{f: getattr(row, f) for f in HEADER_FIELDS}),
        texts=Texts(**{f: getattr(row, f) for f in TEXT_FIELDS}),
        cost_items=[CostItem(**{f: getattr(c, f) for f in COST_FIELDS}) for c in row.cost_items],
        indicators=[Indicator(**{f: getattr(r, f) for f in INDICATOR_FIELDS}) for r in row.indicators],
    )
