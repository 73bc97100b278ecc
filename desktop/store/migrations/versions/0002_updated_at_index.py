"""Index declarations by modification time (the list is ordered by it).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_declarations_updated_at", "declarations", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_declarations_updated_at", "declarations")
