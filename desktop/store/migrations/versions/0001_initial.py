"""Initial schema: declarations with their cost items and indicators.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        *[
            sa.Column(name, sa.Text, nullable=False, server_default="")
            for name in (
                "project_code", "project_name", "applicant_unit", "budget_unit",
                "duration_years", "project_type", "is_new", "allocation_method",
                "total_amount", "annual_amount", "policy_basis", "annual_goals",
                "long_term_goals",
            )
        ],
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("warning_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_declarations_fiscal_year", "declarations", ["fiscal_year"])
    op.create_table(
        "cost_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("declaration_id", sa.Integer,
                  sa.ForeignKey("declarations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("amount", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_cost_items_declaration_id", "cost_items", ["declaration_id"])
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("declaration_id", sa.Integer,
                  sa.ForeignKey("declarations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        *[
            sa.Column(name, sa.Text, nullable=False, server_default="")
            for name in ("level1", "level2", "name", "target", "explanation")
        ],
    )
    op.create_index("ix_indicators_declaration_id", "indicators", ["declaration_id"])


def downgrade() -> None:
    op.drop_table("indicators")
    op.drop_table("cost_items")
    op.drop_table("declarations")
