"""SQLAlchemy tables. Column values are the user's raw text (see domain.model)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DeclarationRow(Base):
    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    project_code: Mapped[str] = mapped_column(Text, default="")
    project_name: Mapped[str] = mapped_column(Text, default="")
    applicant_unit: Mapped[str] = mapped_column(Text, default="")
    budget_unit: Mapped[str] = mapped_column(Text, default="")
    duration_years: Mapped[str] = mapped_column(Text, default="")
    project_type: Mapped[str] = mapped_column(Text, default="")
    is_new: Mapped[str] = mapped_column(Text, default="")
    allocation_method: Mapped[str] = mapped_column(Text, default="")
    total_amount: Mapped[str] = mapped_column(Text, default="")
    annual_amount: Mapped[str] = mapped_column(Text, default="")

    policy_basis: Mapped[str] = mapped_column(Text, default="")
    annual_goals: Mapped[str] = mapped_column(Text, default="")
    long_term_goals: Mapped[str] = mapped_column(Text, default="")

    # 本年度项目金额 parsed (None when it does not parse), written with the row,
    # so that the list sorts by amount in SQL (schema 0003).
    annual_amount_value: Mapped[float | None] = mapped_column(Float, nullable=True)

    # Problem counts as of the last save, so the list needs no re-check at start.
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)

    # When it was moved to the 回收站 (None: not deleted); trashed declarations
    # leave the list and the search index (schema 0004).
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    cost_items: Mapped[list[CostItemRow]] = relationship(
        order_by="CostItemRow.position", cascade="all, delete-orphan", passive_deletes=True
    )
    indicators: Mapped[list[IndicatorRow]] = relationship(
        order_by="IndicatorRow.position", cascade="all, delete-orphan", passive_deletes=True
    )


class CostItemRow(Base):
    __tablename__ = "cost_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(Text, default="")


class IndicatorRow(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str] = mapped_column(Text, default="")
    level2: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
