"""The official table, as ReportLab flowables, for one declaration."""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from desktop.domain.amounts import display_amount, format_amount, parse_amount
from desktop.domain.cost_amount import requested_amount
from desktop.domain.model import Declaration, Indicator
from desktop.domain.form import HEADER_ROWS, INDICATOR_COLUMNS, TEXT_BLOCKS, not_applicable_rows
from desktop.domain.template import Template
from desktop.printing.canvas import FormStart
from desktop.printing.chunks import chunk_text
from desktop.printing.fonts import BODY, TITLE
from desktop.printing.indicator_table import IndicatorTable, LabelCell, LayoutLog, as_label
from desktop.printing.paged_table import Row, paged_table, row_commands
from desktop.printing.text import Para, to_markup

PAGE_MARGINS = dict(leftMargin=25 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=18 * mm)  # left: binding
CELL_PADDING = 6  # ReportLab's default left/right cell padding, in points
CHUNK_HEIGHT = 10 * 15  # a long cell is cut into rows of at most 10 lines, so pages fill well
LINE = 0.6

TITLE_STYLE = ParagraphStyle("title", fontName=TITLE, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm)
BODY_STYLE = ParagraphStyle("body", fontName=BODY, fontSize=10.5, leading=15, wordWrap="CJK")
LABEL_STYLE = ParagraphStyle("label", parent=BODY_STYLE, alignment=TA_CENTER)
HEAD_STYLE = ParagraphStyle("head", parent=BODY_STYLE, fontName=TITLE, alignment=TA_CENTER)
CENTER_STYLE = ParagraphStyle("center", parent=BODY_STYLE, alignment=TA_CENTER)

# Empty string cells are drawn in the cell font; ReportLab's default, Helvetica, is never embedded.
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), BODY)
RULE_ABOVE = ("LINEABOVE", 0, -1, LINE, colors.black)  # a row's own command (see paged_table.Row)

WIDE_ROWS = TEXT_BLOCKS  # 政策依据, 测算依据, 年度目标, 长期目标 (desktop.domain.form)
HEADER_COLS = [28 * mm, 57 * mm, 28 * mm, 57 * mm]
TEXT_COLS = [28 * mm, 142 * mm]
INDICATOR_COLS = [20 * mm, 27 * mm, 39 * mm, 22 * mm, 62 * mm]


def p(text: str, style=BODY_STYLE) -> Paragraph:
    return Para(to_markup(text), style)


def cost_text(decl: Declaration) -> str:
    """测算依据 as printed: numbered items; an amount the item text does not mention is added."""
    lines = []
    for i, item in enumerate(decl.cost_items, 1):
        line = f"{i}. {item.text.strip()}"
        value = parse_amount(item.amount).value
        if value is not None and requested_amount(item.text) != value:
            line += f"（金额：{format_amount(value)} 元）"
        elif value is None and item.amount.strip():
            line += f"（金额：{item.amount.strip()}）"
        lines.append(line)
    return "\n".join(lines)


def _lined_table(rows: list[Row], widths) -> Flowable:
    """Column lines, a line above each row whose styles ask for one, a bottom line at the end.

    Built of lines rather than BOX/GRID so that a piece of a long table
    (see paged_table) has the top line only where the table starts and the
    bottom line only where it ends, as ReportLab splits a BOX.
    """
    def build(start: int, stop: int) -> Table:
        cmds = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), CELL_FONT] + row_commands(rows, start, stop)
        if stop == len(rows):
            cmds.append(("LINEBELOW", (0, -1), (-1, -1), LINE, colors.black))
        cmds += [("LINEBEFORE", (0, 0), (-1, -1), LINE, colors.black), ("LINEAFTER", (-1, 0), (-1, -1), LINE, colors.black)]
        table = Table([list(r.cells) for r in rows[start:stop]], colWidths=widths)
        table.setStyle(TableStyle(cmds))
        return table

    return paged_table(len(rows), build)


def _chunks(text: str, width: float, style=BODY_STYLE, cls=Para) -> list[Paragraph]:
    return chunk_text(text, style, width - 2 * CELL_PADDING, CHUNK_HEIGHT, cls)


def header_table(decl: Declaration, t: Template) -> Flowable:
    """The label/value/label/value rows; a long value runs on in rows below its first."""
    rows = []
    for pair in HEADER_ROWS:
        labels, values = [], []
        for path, width in zip(pair, (HEADER_COLS[1], HEADER_COLS[3]), strict=True):
            value = decl.get(path)
            if path.endswith("_amount"):
                value = display_amount(value)
            labels.append(p(t.label(path), LABEL_STYLE))
            values.append(_chunks(value, width))
        n = max(len(v) for v in values)
        styles = [RULE_ABOVE] + ([("VALIGN", 0, -1, "TOP")] if n > 1 else [])
        for i in range(n):
            cells = []
            for label, pieces in zip(labels, values, strict=True):
                cells += [label if i == 0 else "", pieces[i] if i < len(pieces) else ""]
            rows.append(Row(cells, joined=i > 0, styles=styles if i == 0 else []))
    return _lined_table(rows, HEADER_COLS)


def texts_table(decl: Declaration, t: Template) -> Flowable:
    """政策依据, 测算依据, 年度目标, 长期目标: label and one wide cell each.

    A table of its own (not spans in the header table), its long texts cut
    into row-sized pieces, so that a text longer than a page flows on.
    """
    rows = []
    for path in WIDE_ROWS:
        value = cost_text(decl) if path == "cost_basis" else decl.get(path)
        pieces = _chunks(value, TEXT_COLS[1])
        styles = [RULE_ABOVE] + ([("VALIGN", 0, 0, "TOP")] if len(pieces) > 1 else [])
        rows.append(Row([p(t.label(path), LABEL_STYLE), pieces[0]], styles=styles))
        rows += [Row(["", piece], joined=True) for piece in pieces[1:]]
    return _lined_table(rows, TEXT_COLS)


def printed_indicators(decl: Declaration, t: Template) -> list[Indicator]:
    """Rows in template order; an empty non-core category prints one "不适用" row."""
    order = t.category_order
    real = [r for r in decl.indicators if not r.is_blank()]
    # Sorted by category (stable, so rows keep their order within one), the 不适用 rows among them.
    fillers = not_applicable_rows(decl, t)
    known = sorted([*(r for r in real if (r.level1, r.level2) in order), *fillers],
                   key=lambda r: order[(r.level1, r.level2)])
    return known + [r for r in real if (r.level1, r.level2) not in order]  # unknown categories still print


def indicator_table(decl: Declaration, t: Template, log: LayoutLog | None) -> Flowable:
    head = [p(title, HEAD_STYLE) for _field, title in INDICATOR_COLUMNS]
    rows: list[Row] = []
    labels = _Labels()
    for r in printed_indicators(decl, t):
        level2 = ("*" if t.is_core(r.level1, r.level2) else "") + r.level2
        label_cols = [labels.column(0, r.level1, (r.level1,)), labels.column(1, level2, (r.level1, r.level2))]
        cells = [_chunks(r.name, INDICATOR_COLS[2]), _chunks(r.target, INDICATOR_COLS[3], CENTER_STYLE),
                 _chunks(r.explanation, INDICATOR_COLS[4])]
        n = max(len(c) for c in cells + [col.pieces or [] for col in label_cols])
        for i in range(n):
            rows.append(Row([*(col.cell(i) for col in label_cols), *(c[i] if i < len(c) else "" for c in cells)],
                            joined=i > 0))

    def build(start: int, stop: int) -> IndicatorTable:
        table = IndicatorTable([head] + [list(r.cells) for r in rows[start:stop]], colWidths=INDICATOR_COLS,
                               repeatRows=1)
        table.line_width, table.line_color = LINE, colors.black
        table.log = log
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), CELL_FONT,
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]
                                  + row_commands(rows, start, stop, offset=1)))
        return table

    return paged_table(len(rows), build)


@dataclass
class _LabelColumn:
    """The 一级 or 二级 cells of one indicator's rows.

    A label is drawn once, centred over its run of equal labels (see
    indicator_table.py); every row's cell holds it, so each row is as tall as
    the label (the rows after the first share one cell: a megabyte cut into
    thousands of rows must not parse the label thousands of times). A label
    taller than a row piece instead has ``pieces``: cut up, printed in place in
    the first rows of its run, the run's other cells left empty.
    """

    text: str
    key: tuple[str, ...]
    pieces: list[LabelCell] | None = None
    _shared: LabelCell | None = None

    def cell(self, i: int) -> LabelCell:
        if self.pieces is not None:
            piece = self.pieces[i] if i < len(self.pieces) else LabelCell("", LABEL_STYLE)
            return as_label(piece, self.key, continued=i > 0, in_place=True)
        if i == 0:
            return as_label(LabelCell(to_markup(self.text), LABEL_STYLE), self.key)
        if self._shared is None:
            self._shared = as_label(LabelCell(to_markup(self.text), LABEL_STYLE), self.key, continued=True)
        return self._shared


class _Labels:
    """The label columns of each indicator in turn; a long label is cut once, where its run starts."""

    def __init__(self):
        self.previous: dict[int, tuple[str, ...]] = {}
        self.long: dict[tuple[int, str], bool] = {}

    def column(self, col: int, text: str, key: tuple[str, ...]) -> _LabelColumn:
        starts_run = self.previous.get(col) != key
        self.previous[col] = key
        if not self._is_long(col, text):
            return _LabelColumn(text, key)
        pieces = _chunks(text, INDICATOR_COLS[col], LABEL_STYLE, LabelCell) if starts_run else []
        return _LabelColumn(text, key, pieces)

    def _is_long(self, col: int, text: str) -> bool:
        if (col, text) not in self.long:
            self.long[(col, text)] = len(_chunks(text, INDICATOR_COLS[col], LABEL_STYLE)) > 1
        return self.long[(col, text)]


def declaration_story(decl: Declaration, t: Template, index: int, draft: bool, log: LayoutLog | None) -> list:
    return [
        FormStart(index, draft, decl.header.project_name),
        Para(to_markup(t.title), TITLE_STYLE),
        header_table(decl, t),
        texts_table(decl, t),
        indicator_table(decl, t, log),
    ]


def batch_story(decls_with_flags, templates, log: LayoutLog | None = None) -> list:
    story: list = []
    for i, (decl, draft) in enumerate(decls_with_flags):
        if i:
            story.append(PageBreak())
        story += declaration_story(decl, templates.get(decl.template_id), i, draft, log)
    return story


__all__ = ["PAGE_MARGINS", "batch_story", "printed_indicators"]
