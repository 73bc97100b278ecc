"""Storage for the year-to-year work, the indicator library and review checks.

- declarations.source_id: the declaration this one was copied forward from
  (复制到下一年度); an index finds the copies of one. An index on
  (project_code, fiscal_year) finds last year's declaration of a project and
  duplicates of a 项目编码 in one year without scanning.
- cost_items.amount_guessed: the amount an importer chose when a cost text
  holds several and the reading was not certain (cost.amount_guessed).
- revisions: every saved state of a declaration, compact, never updated;
  looked up by the code printed in each page's footer.
- library_entries: the 指标库 (starter, imported and the user's own entries).
- option_values: values the user added to an option list (项目类型 …).
- settings: settings kept with the data (a unit's signature block …), JSON.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE declarations ADD COLUMN source_id INTEGER")
    op.execute("CREATE INDEX ix_declarations_source_id ON declarations (source_id) WHERE source_id IS NOT NULL")
    op.execute("CREATE INDEX ix_declarations_code_year ON declarations (project_code, fiscal_year)")
    op.execute("ALTER TABLE cost_items ADD COLUMN amount_guessed TEXT NOT NULL DEFAULT ''")
    op.execute("""
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            declaration_id INTEGER NOT NULL REFERENCES declarations (id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            saved_at DATETIME NOT NULL,
            reason TEXT NOT NULL,
            code VARCHAR(8) NOT NULL,
            summary TEXT NOT NULL DEFAULT '',
            content BLOB NOT NULL,
            UNIQUE (declaration_id, number)
        )""")
    op.execute("CREATE INDEX ix_revisions_code ON revisions (code)")
    op.execute("""
        CREATE TABLE library_entries (
            id INTEGER PRIMARY KEY,
            level1 TEXT NOT NULL,
            level2 TEXT NOT NULL,
            name TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            explanation TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            updated_at DATETIME NOT NULL,
            UNIQUE (level1, level2, name)
        )""")
    op.execute("""
        CREATE TABLE option_values (
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (field, value)
        )""")
    op.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def downgrade() -> None:
    for table in ("settings", "option_values", "library_entries", "revisions"):
        op.execute(f"DROP TABLE {table}")
    op.execute("ALTER TABLE cost_items DROP COLUMN amount_guessed")
    op.execute("DROP INDEX ix_declarations_code_year")
    op.execute("DROP INDEX ix_declarations_source_id")
    op.execute("ALTER TABLE declarations DROP COLUMN source_id")
