"""The declaration list and its search for 10,000–100,000 declarations.

- declarations.annual_amount_value: 本年度项目金额 parsed (NULL when it does
  not parse), written by the repository, so the list sorts by amount in SQL.
- declaration_list: a narrow copy of the list's columns with an index per
  sortable column. Sorting, filtering and short searches scan it instead of
  declarations, whose rows carry the long texts (about 10x the bytes).
- declaration_search: an FTS5 index with the trigram tokenizer (substring
  search, SQLite >= 3.34) over the names, units, code, amount, year and the
  texts, reading its content from declarations.
- declaration_keys: the short columns joined in one text per declaration, for
  words of 1–2 characters (shorter than a trigram): one LIKE over one narrow
  table is the fastest scan SQLite offers for them.

Triggers on declarations keep all three in step with every write, in the
same transaction, whoever writes.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIST_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "fiscal_year", "annual_amount",
                "annual_amount_value", "status", "updated_at", "error_count", "warning_count")
SEARCH_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "annual_amount", "fiscal_year",
                  "policy_basis", "annual_goals", "long_term_goals")
# The short columns, joined by U+001F (whitespace: never inside a search word,
# so a word cannot match across two columns).
KEY_COLUMNS = ("project_name", "applicant_unit", "budget_unit", "project_code", "annual_amount", "fiscal_year")
# Sorting by a column reads its index in order (ties by id, which every index ends with).
LIST_INDEXES = {
    "project_name": "project_name", "applicant_unit": "applicant_unit", "fiscal_year": "fiscal_year",
    "amount": "annual_amount_value", "status": "status", "problems": "error_count, warning_count",
    "updated_at": "updated_at",
}


def _values(prefix: str, columns) -> str:
    return ", ".join(f"{prefix}.{c}" for c in columns)


def _keys(prefix: str) -> str:
    return " || char(31) || ".join(f"{prefix}{c}" for c in KEY_COLUMNS)


def upgrade() -> None:
    from desktop.store.bulk import amount_value

    op.execute("ALTER TABLE declarations ADD COLUMN annual_amount_value FLOAT")
    bind = op.get_bind()
    rows = bind.exec_driver_sql("SELECT id, annual_amount FROM declarations").all()
    values = [(amount_value(text), decl_id) for decl_id, text in rows]
    if values:
        bind.exec_driver_sql("UPDATE declarations SET annual_amount_value = ? WHERE id = ?", values)

    op.execute("""
        CREATE TABLE declaration_list (
            id INTEGER PRIMARY KEY,
            project_name TEXT NOT NULL, applicant_unit TEXT NOT NULL, budget_unit TEXT NOT NULL,
            project_code TEXT NOT NULL, fiscal_year INTEGER NOT NULL, annual_amount TEXT NOT NULL,
            annual_amount_value FLOAT, status VARCHAR(8) NOT NULL, updated_at DATETIME NOT NULL,
            error_count INTEGER NOT NULL, warning_count INTEGER NOT NULL)""")
    op.execute(f"INSERT INTO declaration_list (id, {', '.join(LIST_COLUMNS)}) "
               f"SELECT id, {', '.join(LIST_COLUMNS)} FROM declarations")
    for name, columns in LIST_INDEXES.items():
        op.execute(f"CREATE INDEX ix_declaration_list_{name} ON declaration_list ({columns})")

    op.execute("CREATE TABLE declaration_keys (id INTEGER PRIMARY KEY, keys TEXT NOT NULL)")
    op.execute(f"INSERT INTO declaration_keys (id, keys) SELECT id, {_keys('')} FROM declarations")

    op.execute(f"""
        CREATE VIRTUAL TABLE declaration_search USING fts5(
            {', '.join(SEARCH_COLUMNS)}, content='declarations', content_rowid='id', tokenize='trigram')""")
    op.execute("INSERT INTO declaration_search (declaration_search) VALUES ('rebuild')")

    listed, searched = ", ".join(LIST_COLUMNS), ", ".join(SEARCH_COLUMNS)
    op.execute(f"""
        CREATE TRIGGER declarations_ai AFTER INSERT ON declarations BEGIN
            INSERT INTO declaration_list (id, {listed}) VALUES (new.id, {_values('new', LIST_COLUMNS)});
            INSERT INTO declaration_keys (id, keys) VALUES (new.id, {_keys('new.')});
            INSERT INTO declaration_search (rowid, {searched}) VALUES (new.id, {_values('new', SEARCH_COLUMNS)});
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_ad AFTER DELETE ON declarations BEGIN
            DELETE FROM declaration_list WHERE id = old.id;
            DELETE FROM declaration_keys WHERE id = old.id;
            INSERT INTO declaration_search (declaration_search, rowid, {searched})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
        END""")
    op.execute(f"""
        CREATE TRIGGER declarations_au_list AFTER UPDATE ON declarations BEGIN
            UPDATE declaration_list SET id = new.id, {', '.join(f'{c} = new.{c}' for c in LIST_COLUMNS)}
                WHERE id = old.id;
        END""")
    # Only when a searched column changes: saving problem counts or a status leaves the index alone.
    op.execute(f"""
        CREATE TRIGGER declarations_au_search AFTER UPDATE OF id, {searched} ON declarations BEGIN
            INSERT INTO declaration_search (declaration_search, rowid, {searched})
                VALUES ('delete', old.id, {_values('old', SEARCH_COLUMNS)});
            INSERT INTO declaration_search (rowid, {searched}) VALUES (new.id, {_values('new', SEARCH_COLUMNS)});
            UPDATE declaration_keys SET id = new.id, keys = {_keys('new.')} WHERE id = old.id;
        END""")


def downgrade() -> None:
    for trigger in ("declarations_ai", "declarations_ad", "declarations_au_list", "declarations_au_search"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE declaration_search")
    op.execute("DROP TABLE declaration_keys")
    op.execute("DROP TABLE declaration_list")
    op.execute("ALTER TABLE declarations DROP COLUMN annual_amount_value")
