"""Tables of any number of rows, laid out a page at a time in linear time.

ReportLab's Table measures every remaining row again at each page break (and
sums their heights row by row), so a table of thousands of rows -- a
megabyte of text cut into row-sized pieces -- costs hours. A table longer
than ``BLOCK_ROWS`` rows is therefore given to ReportLab a page at a time: a
Table of the next few rows is built and split at the page end, and the rows
it did not take wait for the next page. Shorter tables are plain Tables, as
before.

A table is described as rows (cells and the commands of the row alone) and
a ``build(start, stop)`` function that makes the Table of rows[start:stop],
with its header row if it has one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.platypus import Flowable, Table

BLOCK_ROWS = 60  # more rows than fit on an A4 page: a row is at least one 15 pt line
FIRST_TRY = 8  # rows built for a page at first; doubled while they all fit

Build = Callable[[int, int], Table]


@dataclass
class Row:
    cells: list
    joined: bool = False  # carries on the row above (a long cell cut in pieces): no padding between them
    styles: list = field(default_factory=list)  # (op, first column, last column, *args) for this row


def row_commands(rows: list[Row], start: int, stop: int, offset: int = 0) -> list:
    """The commands of rows[start:stop] at their rows in a table that has ``offset`` header rows."""
    cmds = []
    for i in range(start, stop):
        r = i - start + offset
        for op, first, last, *args in rows[i].styles:
            cmds.append((op, (first, r), (last, r), *args))
        if rows[i].joined:
            cmds.append(("TOPPADDING", (0, r), (-1, r), 0))
        if i + 1 < len(rows) and rows[i + 1].joined:  # also when the next row waits for the next page
            cmds.append(("BOTTOMPADDING", (0, r), (-1, r), 0))
    return cmds


def paged_table(n_rows: int, build: Build) -> Flowable:
    """The table of n_rows rows: a plain Table when short, else one laid out a page at a time."""
    return build(0, n_rows) if n_rows <= BLOCK_ROWS else PagedTable(n_rows, build)


class PagedTable(Flowable):
    """Rows start..n_rows of a long table; never drawn itself, only split.

    ``rows_to_try``: how many rows to build for a page at first (about what
    fitted on the last page); ``first_height``: the height the first of them
    needs, when known, so a page end with less room left is passed by
    without building anything.
    """

    def __init__(self, n_rows: int, build: Build, start: int = 0, rows_to_try: int = FIRST_TRY,
                 first_height: float = 0):
        super().__init__()
        self.n_rows, self.build, self.start = n_rows, build, start
        self.rows_to_try, self.first_height = rows_to_try, first_height

    def wrap(self, aw, ah):
        return aw, ah + 1  # longer than any page: the frame asks for a split

    def split(self, aw, ah):
        if ah < self.first_height:
            return []
        count = self.rows_to_try
        while True:
            stop = min(self.n_rows, self.start + count)
            table = self.build(self.start, stop)
            parts = table.split(aw, ah)
            if not parts:
                return []  # not even one row fits here: the next page
            if len(parts) > 1:
                return [parts[0], self._rest(table, parts[0])]
            if stop == self.n_rows:
                return parts  # the rest of the table fits
            count *= 2  # short rows: all fitted, build more of them

    def _rest(self, table: Table, shown: Table) -> Flowable:
        """The rows after those shown on this page."""
        header = shown.repeatRows or 0
        taken = len(shown._cellvalues) - header
        start = self.start + taken
        if self.n_rows - start <= BLOCK_ROWS:
            return self.build(start, self.n_rows)
        heights = table._rowHeights  # measured by the split (None where it stopped measuring)
        following = heights[header + taken]
        first_height = sum(heights[:header]) + following if following is not None else 0
        return PagedTable(self.n_rows, self.build, start, taken + 1, first_height)
