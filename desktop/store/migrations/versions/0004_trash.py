"""The 回收站: deleting moves a declaration to the trash instead of erasing it.

- declarations.deleted_at: when it was moved to the trash (NULL: not deleted).
  A partial index finds the trashed ones without reading the wide rows.
- A trashed declaration leaves the list, the search index and the short-word
  keys (declaration_list, declaration_search, declaration_keys), so every
  reader of the list (the window, counts, `jixiao list`, `--all`) skips it
  with no condition of its own; restoring puts it back. Its rows in
  declarations, cost_items and indicators stay until purged.
- The list sorts by 项目编码 too: an index like the other sorts'.
- The list's 汇总 (count, 本年度金额, forms with errors per year and unit) reads
  one index holding those columns, in order: no sort of 100,000 rows.

The search index reads its content from declarations (external content), so
its 'delete' must be given the values it indexed: the triggers below touch it
only while a declaration is not in the trash.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# As in 0003.
LIST_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "fiscal_year", "annual_amount",
                "annual_amount_value", "status", "updated_at", "error_count", "warning_count")
SEARCH_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "annual_amount", "fiscal_year",
                  "policy_basis", "annual_goals", "long_term_goals")
KEY_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "annual_amount", "fiscal_year")


def _values(prefix: str, columns) -> str:
    return ", ".join(f"{prefix}.{c}" for c in columns)


def _keys(prefix: str) -> str:
    return " || char(31) || ".join(f"{prefix}{c}" for c in KEY_COLUMNS)


LISTED, SEARCHED = ", ".join(LIST_COLUMNS), ", ".join(SEARCH_COLUMNS)


def upgrade() -> None:
    op.execute("ALTER TABLE declarations ADD COLUMN deleted_at DATETIME")
    op.execute("CREATE INDEX ix_declarations_deleted_at ON declarations (deleted_at) WHERE deleted_at IS NOT NULL")
    op.execute("CREATE INDEX ix_declaration_list_project_code ON declaration_list (project_code)")
    op.execute("CREATE INDEX ix_declaration_list_totals ON declaration_list "
               "(fiscal_year, applicant_unit, annual_amount_value, error_count)")

    for trigger in ("declarations_ad", "declarations_au_search"):
        op.execute(f"DROP TRIGGER {trigger}")
    # A purged declaration was already taken out of the search index when it was trashed.
    op.execute(f"""
        CREATE TRIGGER declarations_ad AFTER DELETE ON declarations BEGIN
            DELETE FROM declaration_list WHERE id = old.id;
            DELETE FROM declaration_keys WHERE id = old.id;
            INSERT INTO declaration_search (declaration_search, rowid, {SEARCHED})
                SELECT 'delete', old.id, {_values('old', SEARCH_COLUMNS)} WHERE old.deleted_at IS NULL;
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_au_search AFTER UPDATE OF id, {SEARCHED} ON declarations
        WHEN old.deleted_at IS NULL AND new.deleted_at IS NULL BEGIN
            INSERT INTO declaration_search (declaration_search, rowid, {SEARCHED})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
            INSERT INTO declaration_search (rowid, {SEARCHED}) VALUES (new.id, {_values('new', SEARCH_COLUMNS)});
            UPDATE declaration_keys SET id = new.id, keys = {_keys('new.')} WHERE id = old.id;
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_trashed AFTER UPDATE OF deleted_at ON declarations
        WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
            DELETE FROM declaration_list WHERE id = old.id;
            DELETE FROM declaration_keys WHERE id = old.id;
            INSERT INTO declaration_search (declaration_search, rowid, {SEARCHED})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_restored AFTER UPDATE OF deleted_at ON declarations
        WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL BEGIN
            INSERT OR REPLACE INTO declaration_list (id, {LISTED}) VALUES (new.id, {_values('new', LIST_COLUMNS)});
            INSERT OR REPLACE INTO declaration_keys (id, keys) VALUES (new.id, {_keys('new.')});
            INSERT INTO declaration_search (rowid, {SEARCHED}) VALUES (new.id, {_values('new', SEARCH_COLUMNS)});
        END""")


def downgrade() -> None:
    # Back to 0003, where nothing is in the trash: trashed declarations are erased.
    op.execute("DELETE FROM declarations WHERE deleted_at IS NOT NULL")
    for trigger in ("declarations_trashed", "declarations_restored", "declarations_ad", "declarations_au_search"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute(f"""
        CREATE TRIGGER declarations_ad AFTER DELETE ON declarations BEGIN
            DELETE FROM declaration_list WHERE id = old.id;
            DELETE FROM declaration_keys WHERE id = old.id;
            INSERT INTO declaration_search (declaration_search, rowid, {SEARCHED})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_au_search AFTER UPDATE OF id, {SEARCHED} ON declarations BEGIN
            INSERT INTO declaration_search (declaration_search, rowid, {SEARCHED})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
            INSERT INTO declaration_search (rowid, {SEARCHED}) VALUES (new.id, {_values('new', SEARCH_COLUMNS)});
            UPDATE declaration_keys SET id = new.id, keys = {_keys('new.')} WHERE id = old.id;
        END""")
    op.execute("DROP INDEX ix_declaration_list_totals")
    op.execute("DROP INDEX ix_declaration_list_project_code")
    op.execute("DROP INDEX ix_declarations_deleted_at")
    op.execute("ALTER TABLE declarations DROP COLUMN deleted_at")
