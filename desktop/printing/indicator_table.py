"""The indicator table, with 一级/二级 cells merged down their rows on every page.

ReportLab cannot split a table inside a SPAN, and a category may run over
several pages. So the table is built without spans and split by ReportLab as
usual; each piece, when drawn, merges its own runs of equal 一级/二级 cells:
it draws the label once, centred over the run, and leaves out the lines
between the run's rows. Every page thus shows its categories merged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable, Table

from desktop.printing.text import Para


class LabelCell(Para):
    """A 一级/二级 cell; ``key`` identifies its run (二级 runs stay inside their 一级).

    ``continued`` marks a row that carries on the row above (a long cell cut
    into pieces): no line is drawn between the two. ``in_place``: a piece of a
    label too long to centre over its run, drawn in its own row (the run's
    lines are still merged). A plain Paragraph otherwise, so that ReportLab
    can split it; see ``as_label``.
    """

    key: tuple[str, ...] = ()
    continued = False
    in_place = False


def as_label(cell: LabelCell, key: tuple[str, ...], continued: bool = False, in_place: bool = False) -> LabelCell:
    cell.key, cell.continued, cell.in_place = key, continued, in_place
    return cell


@dataclass
class MergeRecord:
    """One merged run as drawn: page, column, first and last table row (0 = header)."""

    page: int
    column: int
    first: int
    last: int
    key: tuple[str, ...]


@dataclass
class LayoutLog:
    merges: list[MergeRecord] = field(default_factory=list)
    header_pages: list[int] = field(default_factory=list)  # pages whose indicator part starts with the header row


def _label(cell) -> LabelCell | None:
    """The LabelCell in a table cell (ReportLab keeps flowable cells as tuples)."""
    if isinstance(cell, LabelCell):
        return cell
    if isinstance(cell, (list, tuple)):
        return next((c for c in cell if isinstance(c, LabelCell)), None)
    return None


def _runs(keys: list[tuple]) -> list[tuple[int, int]]:
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i - 1))
            start = i
    return runs


class IndicatorTable(Table):
    MERGED_COLUMNS = (0, 1)
    log: LayoutLog | None = None  # set on the table as built; copied to the pieces it splits into
    caption_rows = 0  # header rows above the column titles that span the table (a caption): no column lines

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.log = self.log
            part.line_width, part.line_color = self.line_width, self.line_color
            part.caption_rows = self.caption_rows
        return parts

    def draw(self):
        header = self.repeatRows or 0
        body = range(header, len(self._cellvalues))
        runs = {}
        for col in self.MERGED_COLUMNS:
            keys = [getattr(_label(self._cellvalues[r][col]), "key", (r,)) for r in body]
            runs[col] = [(a + header, b + header) for a, b in _runs(keys)]
        lines = self._merged_lines(runs)
        saved = [row[:] for row in self._cellvalues]
        page = self.canv.getPageNumber()
        # Each run's label is drawn by its first cell (so the text comes in
        # reading order), centred over the whole run; the other cells stay empty.
        for col, col_runs in runs.items():
            for first, last in col_runs:
                label = _label(self._cellvalues[first][col])
                if label is None:
                    continue  # a piece of a row split across pages: drawn as an ordinary cell
                if self.log is not None:
                    self.log.merges.append(MergeRecord(page, col, first, last, label.key))
                if label.in_place:
                    continue  # the cells draw their own pieces of the label
                for r in range(first, last + 1):
                    self._cellvalues[r][col] = ""
                self._cellvalues[first][col] = [_RunLabel(label, self, col, first, last)]
        saved_lines = self._linecmds
        self._linecmds = []
        for cmd in lines:
            self._addCommand(cmd)  # normalises the command as TableStyle does
        try:
            super().draw()
        finally:
            self._cellvalues = saved
            self._linecmds = saved_lines
        if self.log is not None and header:
            self.log.header_pages.append(page)

    def _merged_lines(self, runs) -> list:
        w, c = self.line_width, self.line_color
        n_rows, n_cols = len(self._cellvalues), len(self._colWidths)
        top = self.caption_rows
        cmds = [("BOX", (0, 0), (-1, -1), w, c), ("INNERGRID", (0, top), (-1, (self.repeatRows or 1) - 1), w, c)]
        if top:
            cmds.append(("LINEBELOW", (0, top - 1), (-1, top - 1), w, c))
        for col in range(1, n_cols):
            cmds.append(("LINEBEFORE", (col, top), (col, -1), w, c))
        for r in range(self.repeatRows or 0, n_rows):
            label = _label(self._cellvalues[r][0])
            if r == (self.repeatRows or 0) or label is None or not label.continued:
                cmds.append(("LINEABOVE", (max(self.MERGED_COLUMNS) + 1, r), (-1, r), w, c))
        for col, col_runs in runs.items():
            for first, _last in col_runs:
                cmds.append(("LINEABOVE", (col, first), (col, first), w, c))
        return cmds



class _RunLabel(Flowable):
    """Stands in the first cell of a run and draws the label centred over the run."""

    PAD = 3

    def __init__(self, label: LabelCell, table: Table, col: int, first: int, last: int):
        super().__init__()
        self.label, self.table, self.col, self.first, self.last = label, table, col, first, last

    def wrap(self, aw, ah):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        # The table draws cells in its own coordinates, as the positions below.
        t = self.table
        x0 = t._colpositions[self.col]
        width = t._colpositions[self.col + 1] - x0
        top, bottom = t._rowpositions[self.first], t._rowpositions[self.last + 1]
        _w, h = self.label.wrap(width - 2 * self.PAD, top - bottom)
        self.label.drawOn(canvas, x0 + self.PAD, bottom + (top - bottom - h) / 2)
