"""The declaration list's queries: order, filters, search, pages and filter choices.

Qt-free and standard library only (the window shows its list before
SQLAlchemy has loaded). Everything reads tables of schema 0003 kept by
triggers, never the wide declarations rows: ``declaration_list`` (the list's
columns, an index per sort), ``declaration_search`` (FTS5, trigram) and
``declaration_keys`` (the short columns as one text). Declarations in the
回收站 are in none of them (schema 0004), so nothing here lists them.

A list is an order and a set: ``order(sort)`` is every id in the sort's order
(one index scan), ``matching(query)`` the ids passing the filters and the
search (None: all). Each is fetched as one JSON array, a third of the cost of
100,000 rows through the sqlite3 module, and the list is the order filtered by
the set, in Python (a few ms). So a keystroke in the search box costs the
search alone, and a change of sort keeps the search's result.

Search: every word must match (as the window's search always did). A word of
three or more characters is a substring search through the trigram index over
the names, units, 项目编码, amount, year and the texts; a shorter one (1–2
Chinese characters are shorter than a trigram) is a LIKE over the short
columns only: names, units, 项目编码, amount and year.
"""
from __future__ import annotations

import json
import sqlite3
import string
from collections.abc import Sequence, Set as AbstractSet
from dataclasses import dataclass, replace

from desktop.store import years
from desktop.store.database import Database
from desktop.store.summaries import COLUMNS, Summary, summary_of

# Sort keys and their columns; ties are broken by id in the same direction,
# the order every index of declaration_list already has.
SORTS = {
    "project_name": ("project_name",),
    "applicant_unit": ("applicant_unit",),
    "fiscal_year": ("fiscal_year",),
    "amount": ("annual_amount_value",),  # NULL (does not parse) first, like the old -1
    "status": ("status",),
    "problems": ("error_count", "warning_count"),
    "updated_at": ("updated_at",),
}
# Sorts added with schema 0004's index (kept apart: tests/test_listing.py checks SORTS against its own table).
MORE_SORTS = {"project_code": ("project_code",)}
ALL_SORTS = {**SORTS, **MORE_SORTS}
TRIGRAM = 3
# The list table and its indexes stay in this connection's cache while the user sorts and types.
_CACHE_KIB = 32 * 1024
# Typing a word one character longer finds a subset of what it found before:
# the LIKE then reads only the earlier result instead of every declaration
# (the scan is ~30 ms at 100,000), when that result is small enough.
_NARROW_BELOW = 10_000
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: one sort, optional filters, the search text as typed."""

    sort: str = "updated_at"
    descending: bool = True
    year: int | None = None
    unit: str | None = None  # 申请单位
    status: str | None = None
    text: str = ""


@dataclass(frozen=True)
class ListRow(Summary):
    """A list row: the summary and the 项目编码 (declaration_list holds it; Summary does not),
    and for a declaration copied forward (复制到下一年度) its source's id and 申报年度."""

    project_code: str = ""
    source_id: int | None = None
    source_year: int | None = None


_ROW_COLUMNS = COLUMNS + ", project_code"


@dataclass(frozen=True)
class Totals:
    """How many declarations a query shows, their 本年度项目金额 and how many have errors."""

    count: int
    amount_cents: int  # the sum of 本年度项目金额 that parse, in fen: exact (the column is a float, for sorting)
    unpriced: int  # how many have a 本年度项目金额 that does not parse (not in the sum)
    with_errors: int


@dataclass(frozen=True)
class Group(Totals):
    """The totals of one 申报年度 and 申请单位 among those a query shows."""

    fiscal_year: int = 0
    applicant_unit: str = ""


_TOTALS = ("SELECT count(*), coalesce(sum(CAST(round(annual_amount_value * 100) AS INTEGER)), 0), "
           "count(*) - count(annual_amount_value), coalesce(sum(error_count > 0), 0)")
# One row per (year, unit): a district's 8 years and few hundred units are a few
# thousand rows, summed by unit or by year in Python. Read in the order of an
# index holding every column used (schema 0004), so SQLite need not sort 100,000 rows.
_GROUPS = _TOTALS + ", fiscal_year, applicant_unit"
_BY_GROUP = " GROUP BY fiscal_year, applicant_unit"


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def order_by(sort: str, descending: bool) -> str:
    direction = " DESC" if descending else ""
    return " ORDER BY " + ", ".join(c + direction for c in (*ALL_SORTS[sort], "id"))


def searches(query: ListQuery) -> list[tuple[str, list]]:
    """One (SELECT of ids, arguments) per condition of the query; a list row must pass all."""
    out: list[tuple[str, list]] = []
    terms, args = [], []
    for column, value in (("fiscal_year", query.year), ("applicant_unit", query.unit), ("status", query.status)):
        if value is not None:
            terms.append(f"{column} = ?")
            args.append(value)
    if terms:
        out.append(("SELECT id FROM declaration_list WHERE " + " AND ".join(terms), args))
    words = query.text.split()
    long = [w for w in words if len(w) >= TRIGRAM]
    if long:
        out.append(("SELECT rowid AS id FROM declaration_search WHERE declaration_search MATCH ?",
                    [" ".join(_phrase(w) for w in long)]))
    return out


def short_words(query: ListQuery) -> list[str]:
    """The query's words shorter than a trigram, for a LIKE over declaration_keys."""
    return [w for w in query.text.split() if len(w) < TRIGRAM]


def _likes(words: list[str]) -> tuple[str, list]:
    return " AND ".join(["keys LIKE ? ESCAPE '\\'"] * len(words)), [_like(w) for w in words]


def revision_code_in(text: str) -> str | None:
    """The revision code a search text is, if it is one: 8 hex digits (spaces allowed), upper-cased."""
    joined = "".join(text.split())
    if len(joined) == 8 and all(ch in string.hexdigits for ch in joined):
        return joined.upper()
    return None


@dataclass(frozen=True)
class _Found:
    """The result of the last short-word search, to narrow the next one."""

    words: tuple[str, ...]  # ASCII-lowered, as LIKE compares
    ids: frozenset[int]
    data_version: int


class Listing:
    """The list's reads on one database, over one connection kept open (its page
    cache keeps the list table in memory while the user sorts and types)."""

    def __init__(self, db: Database):
        self.db = db
        self._con: sqlite3.Connection | None = None
        self._last_short: _Found | None = None
        self._last: tuple[tuple, int, AbstractSet[int] | None] | None = None  # (conditions, data_version, found)

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            con = self.db.connect()
            con.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            con.execute("PRAGMA temp_store = MEMORY")  # sorts without an index stay off the disk
            con.execute("PRAGMA query_only = 1")
            self._con = con
        return self._con

    def close(self) -> None:
        """Drop the connection (after a restore replaced the file); the next read opens a new one."""
        if self._con is not None:
            self._con.close()
            self._con = None
        self._last_short = self._last = None

    def _rows(self, sql: str, args: Sequence = ()) -> list[tuple]:
        return self._connection().execute(sql, args).fetchall()

    def _ids(self, select: str, args: Sequence = ()) -> list[int]:
        # One JSON text instead of a row per id. For an ORDER BY inside the
        # subquery SQLite keeps the order for json_group_array (it drops a
        # subquery's ORDER BY only under count/min/max); tests hold it to that.
        text = self._rows(f"SELECT json_group_array(id) FROM ({select})", args)[0][0]
        return json.loads(text)

    def order(self, sort: str = "updated_at", descending: bool = True) -> list[int]:
        """Every id, in the sort's order (ties by id, in the same direction)."""
        return self._ids("SELECT id FROM declaration_list" + order_by(sort, descending))

    def matching(self, query: ListQuery) -> AbstractSet[int] | None:
        """The ids passing the query's filters and search; None when it has neither.
        The set is shared with later calls: not to be changed."""
        # The same conditions again (a space typed after a word) are answered from the last result.
        conditions = (query.year, query.unit, query.status, tuple(query.text.split()))
        version = self._rows("PRAGMA data_version")[0][0]  # changes when another connection commits
        if self._last is not None and self._last[:2] == (conditions, version):
            return self._last[2]
        found = self._matching(query)
        self._last = (conditions, version, found)
        return found

    def _matching(self, query: ListQuery, by_code: bool = True) -> set[int] | None:
        code = revision_code_in(query.text) if by_code else None
        if code is not None:  # a revision code from a printed page finds its declaration too (issue 13)
            plain = self._matching(query, by_code=False) or set()
            filtered = self._matching(ListQuery(year=query.year, unit=query.unit, status=query.status), False)
            coded = set(self._ids("SELECT DISTINCT r.declaration_id AS id FROM revisions r "
                                  "JOIN declaration_list l ON l.id = r.declaration_id WHERE r.code = ?", [code]))
            return plain | (coded if filtered is None else coded & filtered)
        found: set[int] | None = None
        for select, args in searches(query):
            ids = self._ids(select, args)
            found = set(ids) if found is None else found.intersection(ids)
            if not found:
                return found
        words = short_words(query)
        if words:
            short = self._short(words, found)
            found = short if found is None else found.intersection(short)
        return found

    def _short(self, words: list[str], within: set[int] | None) -> set[int]:
        """Ids whose short columns hold every word; only those among ``within`` are
        sure to be listed. Reads every declaration only when no small set of
        candidates is known: the last result of a shorter word, or ``within``."""
        likes, args = _likes(words)
        scan = f"SELECT id FROM declaration_keys WHERE {likes}"
        among = f"SELECT id FROM declaration_keys WHERE id IN (SELECT value FROM json_each(?)) AND {likes}"
        lowered = tuple(w.translate(_ASCII_LOWER) for w in words)
        version = self._rows("PRAGMA data_version")[0][0]  # changes when another connection commits
        last = self._last_short
        if (last is not None and last.data_version == version and len(last.ids) < _NARROW_BELOW
                and all(any(old in new for new in lowered) for old in last.words)):
            found = set(self._ids(among, [json.dumps(list(last.ids)), *args]))
        elif within is not None and len(within) < _NARROW_BELOW:
            return set(self._ids(among, [json.dumps(list(within)), *args]))  # not all matches: not kept
        else:
            found = set(self._ids(scan, args))
        self._last_short = _Found(lowered, frozenset(found), version)
        return found

    def ids(self, query: ListQuery) -> list[int]:
        """The ids the query shows, in its order."""
        order = self.order(query.sort, query.descending)
        found = self.matching(query)
        return order if found is None else list(filter(found.__contains__, order))

    def count(self, query: ListQuery | None = None) -> int:
        found = self.matching(query) if query is not None else None
        if found is not None:
            return len(found)
        return self._rows("SELECT count(*) FROM declaration_list")[0][0]

    def page(self, query: ListQuery, offset: int, limit: int) -> list[Summary]:
        """Rows offset .. offset+limit of the query (for readers that page instead of holding ids)."""
        ids = self.ids(query)[offset:offset + limit]
        found = self.summaries(ids)
        return [found[i] for i in ids if i in found]

    def summaries(self, ids: Sequence[int]) -> dict[int, ListRow]:
        """The list rows of ids (those that exist and are not in the 回收站), by id."""
        out: dict[int, ListRow] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            sql = f"SELECT {_ROW_COLUMNS} FROM declaration_list WHERE id IN ({','.join('?' * len(part))})"
            out.update((r[0], ListRow(**vars(summary_of(r[:-1])), project_code=r[-1])) for r in self._rows(sql, part))
        for decl_id, (source_id, year) in years.source_years(self._connection(), ids).items():  # by primary key
            if decl_id in out:
                out[decl_id] = replace(out[decl_id], source_id=source_id, source_year=year)
        return out

    def _where(self, query: ListQuery) -> tuple[str, list] | None:
        """The query as a WHERE clause on declaration_list; None when it shows nothing.

        Filters are conditions on columns; a search adds the ids it found (one JSON
        array, joined by primary key)."""
        terms, args = [], []
        for column, value in (("fiscal_year", query.year), ("applicant_unit", query.unit), ("status", query.status)):
            if value is not None:
                terms.append(f"{column} = ?")
                args.append(value)
        if query.text.split():
            found = self.matching(query)
            if not found:
                return None
            terms.append("id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(list(found)))
        return (" WHERE " + " AND ".join(terms) if terms else ""), args

    def totals(self, query: ListQuery) -> Totals:
        """What the query shows, counted and summed (the line under the list)."""
        where = self._where(query)
        if where is None:
            return Totals(0, 0, 0, 0)
        return Totals(*self._rows(_TOTALS + " FROM declaration_list" + where[0], where[1])[0])

    def groups(self, query: ListQuery) -> list[Group]:
        """What the query shows, counted and summed per 申报年度 and 申请单位 (分组汇总)."""
        where = self._where(query)
        if where is None:
            return []
        return [Group(*r) for r in self._rows(_GROUPS + " FROM declaration_list" + where[0] + _BY_GROUP, where[1])]

    def _distinct(self, column: str, first: object) -> list:
        # A loose index scan: one index seek per distinct value (8 years, a few
        # hundred units) instead of reading all 100,000 index entries.
        sql = (f"WITH RECURSIVE v(x) AS (SELECT min({column}) FROM declaration_list WHERE {column} > ? "
               f"UNION ALL SELECT (SELECT min({column}) FROM declaration_list WHERE {column} > x) "
               "FROM v WHERE x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL")
        return [r[0] for r in self._rows(sql, [first])]

    def years(self) -> list[int]:
        """The 申报年度 in use, newest first (the year filter's choices)."""
        return self._distinct("fiscal_year", -(2**63))[::-1]

    def units(self) -> list[str]:
        """The 申请单位 in use, sorted (the unit filter's choices)."""
        return self._distinct("applicant_unit", "")
