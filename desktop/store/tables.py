"""SQLAlchemy tables. Column values are the user's raw text (see domain.model)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
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

    # The declaration this one was copied forward from (schema 0005); NULL when
    # none or when that one was purged.
    source_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

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
    amount_guessed: Mapped[str] = mapped_column(Text, default="")  # schema 0005, see domain.model.CostItem


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


class RevisionRow(Base):
    """One saved state of a declaration (schema 0005): never updated, never overwritten."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("declaration_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per declaration
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)  # 编辑 / 定稿 / 退回草稿 / 导入 / 覆盖 / 打印 / 导出 / 恢复 …
    code: Mapped[str] = mapped_column(String(8), index=True)  # desktop.domain.revision_code
    summary: Mapped[str] = mapped_column(Text, default="")  # one line: what changed
    content: Mapped[bytes] = mapped_column(LargeBinary)  # compact encoding of the state


class LibraryEntryRow(Base):
    """An indicator of the 指标库 (schema 0005); same category + same name = same entry."""

    __tablename__ = "library_entries"
    __table_args__ = (UniqueConstraint("level1", "level2", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level1: Mapped[str] = mapped_column(Text)
    level2: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text, default="")  # typical 目标值, e.g. "≥95%" or "≥__次"
    explanation: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")  # 样表 / 通用 / an imported library's name / 本人
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class OptionValueRow(Base):
    """A value the user added to an option list, e.g. a 项目类型 (schema 0005)."""

    __tablename__ = "option_values"

    field: Mapped[str] = mapped_column(Text, primary_key=True)  # field path, e.g. header.project_type
    value: Mapped[str] = mapped_column(Text, primary_key=True)


class SettingRow(Base):
    """Settings kept with the data, e.g. a unit's signature block (schema 0005); value is JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
