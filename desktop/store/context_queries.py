"""The store's side of desktop.domain.check_context: small indexed queries."""
from __future__ import annotations

from desktop.store.database import Database

# Header fields whose values, once used, count as known options.
OPTION_FIELDS = ("project_type", "allocation_method")


def option_lists(db: Database) -> dict[str, frozenset[str]]:
    """Per field path: the values the user added to the list (option_values)."""
    con = db.connect()
    try:
        out: dict[str, set[str]] = {}
        for field, value in con.execute("SELECT field, value FROM option_values"):
            out.setdefault(field, set()).add(value)
        return {k: frozenset(v) for k, v in out.items()}
    finally:
        con.close()


def option_uses(db: Database) -> dict[str, dict[str, int]]:
    """Per field path: how many declarations (not in the 回收站) use each value; one scan."""
    con = db.connect()
    try:
        out: dict[str, dict[str, int]] = {}
        for column in OPTION_FIELDS:
            used = con.execute(f"SELECT trim({column}), count(*) FROM declarations "  # noqa: S608 - fixed names
                               f"WHERE deleted_at IS NULL AND trim({column}) != '' GROUP BY 1")
            out[f"header.{column}"] = dict(used.fetchall())
        return out
    finally:
        con.close()


def stored_options(db: Database, ids: list[int]) -> dict[int, dict[str, str]]:
    """The option fields as stored for these declarations (not in the 回收站), by id."""
    out: dict[int, dict[str, str]] = {}
    if not ids:
        return out
    columns = ", ".join(f"trim({c})" for c in OPTION_FIELDS)
    con = db.connect()
    try:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            for row in con.execute(f"SELECT id, {columns} FROM declarations "  # noqa: S608 - fixed names
                                   f"WHERE deleted_at IS NULL AND id IN ({','.join('?' * len(part))})", part):
                out[row[0]] = {f"header.{c}": v for c, v in zip(OPTION_FIELDS, row[1:], strict=True)}
        return out
    finally:
        con.close()


def same_code_year(db: Database, decl_id: int | None, project_code: str, fiscal_year: int) -> tuple[int, ...]:
    """Other declarations (not in the 回收站) with this 项目编码 and 申报年度."""
    code = project_code.strip()
    if not code:
        return ()
    con = db.connect()
    try:
        rows = con.execute("SELECT id FROM declarations WHERE project_code = ? AND fiscal_year = ? "
                           "AND deleted_at IS NULL AND id IS NOT ? ORDER BY id", (code, fiscal_year, decl_id))
        return tuple(i for (i,) in rows)
    finally:
        con.close()


def previous_year_id(db: Database, decl_id: int | None, source_id: int | None, project_code: str,
                     fiscal_year: int) -> int | None:
    """Last year's declaration of the project: the linked source, else the same 项目编码
    one 申报年度 earlier (the latest edited when there are several)."""
    con = db.connect()
    try:
        if source_id is not None:
            row = con.execute("SELECT id FROM declarations WHERE id = ? AND deleted_at IS NULL",
                              (source_id,)).fetchone()
            if row:
                return row[0]
        code = project_code.strip()
        if not code:
            return None
        row = con.execute("SELECT id FROM declarations WHERE project_code = ? AND fiscal_year = ? "
                          "AND deleted_at IS NULL AND id IS NOT ? ORDER BY updated_at DESC, id DESC LIMIT 1",
                          (code, fiscal_year - 1, decl_id)).fetchone()
        return row[0] if row else None
    finally:
        con.close()
