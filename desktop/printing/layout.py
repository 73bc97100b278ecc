"""The official table, as ReportLab flowables, for one declaration.

What the template's ``print`` section asks for (desktop.domain.template.PrintLayout)
is laid out here too: the printed title, the indicator columns (a 备注 column
to fill in by hand), several captioned indicator tables, review-opinion boxes
and the unit's signature block. A template without it prints the standard form.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from desktop.domain.amounts import display_amount, format_amount, parse_amount
from desktop.domain.cost_amount import requested_amount
from desktop.domain.model import Declaration, Indicator
from desktop.domain.form import HEADER_ROWS, INDICATOR_COLUMNS, TEXT_BLOCKS, not_applicable_rows
from desktop.domain.revision_code import revision_code
from desktop.domain.signature import SEAL_LABEL, Signature
from desktop.domain.template import IndicatorTableLayout, PrintColumn, Template
from desktop.printing.canvas import FormInfo, FormStart
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
RIGHT_STYLE = ParagraphStyle("right", parent=BODY_STYLE, alignment=TA_RIGHT)
CAPTION_STYLE = ParagraphStyle("caption", parent=BODY_STYLE, fontName=TITLE, alignment=TA_CENTER)

# Empty string cells are drawn in the cell font; ReportLab's default, Helvetica, is never embedded.
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), BODY)
RULE_ABOVE = ("LINEABOVE", 0, -1, LINE, colors.black)  # a row's own command (see paged_table.Row)

WIDE_ROWS = TEXT_BLOCKS  # 政策依据, 测算依据, 年度目标, 长期目标 (desktop.domain.form)
HEADER_COLS = [28 * mm, 57 * mm, 28 * mm, 57 * mm]
TEXT_COLS = [28 * mm, 142 * mm]
INDICATOR_COLS = [20 * mm, 27 * mm, 39 * mm, 22 * mm, 62 * mm]
# The standard indicator columns, as a template's print section would name them.
STANDARD_COLUMNS = tuple(PrintColumn(title=title, field=field, width=w)  # type: ignore[arg-type]
                         for (field, title), w in zip(INDICATOR_COLUMNS, INDICATOR_COLS, strict=True))
REVIEW_HEIGHT = 30 * mm  # the room for an opinion, a seal and a date in a review box
SEAL_HEIGHT = 26 * mm  # the room left for the unit's seal under the signature lines


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


def indicator_columns(t: Template) -> tuple[tuple[PrintColumn, ...], list[float]]:
    """The printed indicator columns and their widths (scaled to the standard table's width)."""
    columns = t.print_layout.indicator_columns
    if not columns:
        return STANDARD_COLUMNS, INDICATOR_COLS
    total = sum(c.width for c in columns)
    return columns, [c.width * sum(INDICATOR_COLS) / total for c in columns]


def indicator_table(decl: Declaration, t: Template, log: LayoutLog | None,
                    layout: IndicatorTableLayout | None = None) -> Flowable:
    layout = layout or IndicatorTableLayout()
    columns, widths = indicator_columns(t)
    head = [p(c.title, HEAD_STYLE) for c in columns]
    rows: list[Row] = []
    labels = _Labels(widths)
    for r in ([] if layout.blank_rows else printed_indicators(decl, t)):
        level2 = ("*" if t.is_core(r.level1, r.level2) else "") + r.level2
        label_cols = [labels.column(0, r.level1, (r.level1,)), labels.column(1, level2, (r.level1, r.level2))]
        cells = [_chunks(getattr(r, c.field), w, CENTER_STYLE if c.field == "target" else BODY_STYLE)
                 if c.field else [""] for c, w in zip(columns[2:], widths[2:], strict=True)]
        n = max(len(c) for c in cells + [col.pieces or [] for col in label_cols])
        for i in range(n):
            rows.append(Row([*(col.cell(i) for col in label_cols), *(c[i] if i < len(c) else "" for c in cells)],
                            joined=i > 0))
    rows += [Row([""] * len(columns), styles=[("TOPPADDING", 0, -1, 8), ("BOTTOMPADDING", 0, -1, 8)])
             for _ in range(layout.blank_rows)]  # to be filled in by hand
    if layout.caption:  # a row across the table above its header, repeated with it on every page
        head_rows = [[p(layout.caption, CAPTION_STYLE)] + [""] * (len(columns) - 1), head]
    else:
        head_rows = [head]

    def build(start: int, stop: int) -> IndicatorTable:
        table = IndicatorTable(head_rows + [list(r.cells) for r in rows[start:stop]], colWidths=widths,
                               repeatRows=len(head_rows))
        table.caption_rows = len(head_rows) - 1
        table.line_width, table.line_color = LINE, colors.black
        table.log = log
        caption = [("SPAN", (0, 0), (-1, 0))] if len(head_rows) > 1 else []
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), CELL_FONT,
                                   ("BACKGROUND", (0, 0), (-1, len(head_rows) - 1), colors.HexColor("#f0f0f0"))]
                                  + caption + row_commands(rows, start, stop, offset=len(head_rows))))
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

    def __init__(self, widths: list[float]):
        self.widths = widths
        self.previous: dict[int, tuple[str, ...]] = {}
        self.long: dict[tuple[int, str], bool] = {}

    def column(self, col: int, text: str, key: tuple[str, ...]) -> _LabelColumn:
        starts_run = self.previous.get(col) != key
        self.previous[col] = key
        if not self._is_long(col, text):
            return _LabelColumn(text, key)
        pieces = _chunks(text, self.widths[col], LABEL_STYLE, LabelCell) if starts_run else []
        return _LabelColumn(text, key, pieces)

    def _is_long(self, col: int, text: str) -> bool:
        if (col, text) not in self.long:
            self.long[(col, text)] = len(_chunks(text, self.widths[col], LABEL_STYLE)) > 1
        return self.long[(col, text)]


def review_boxes(t: Template) -> Flowable | None:
    """One box per review (主管部门审核意见, 财政部门审核意见): the label, and room for the
    opinion with （盖章） and the date at its foot, to be filled in by hand."""
    if not t.print_layout.review_boxes:
        return None
    gap = "\u00a0" * 6  # spaces a paragraph keeps (it collapses ordinary ones)
    foot = f"（盖章）{gap * 2}年{gap}月{gap}日"
    rows = [Row([p(label, LABEL_STYLE), [Spacer(1, REVIEW_HEIGHT - 15), p(foot, RIGHT_STYLE)]], styles=[RULE_ABOVE])
            for label in t.print_layout.review_boxes]
    return _lined_table(rows, TEXT_COLS)


def signature_block(signature: Signature | None) -> Flowable:
    """填报人 / 联系电话 / 单位负责人 / 填报日期 on lines (blank when not set), and room for the seal."""
    lines = (signature or Signature()).lines()
    label_w, value_w = 28 * mm, 57 * mm
    cells = []
    for i in range(0, len(lines), 2):
        row = []
        for label, value in lines[i:i + 2]:
            row += [p(f"{label}：", BODY_STYLE), p(value)]
        cells.append(row)
    cells.append(["", "", p(f"{SEAL_LABEL}：", BODY_STYLE), ""])
    table = Table(cells, colWidths=[label_w, value_w, label_w, value_w],
                  rowHeights=[None] * (len(cells) - 1) + [SEAL_HEIGHT])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("VALIGN", (0, -1), (-1, -1), "TOP"), CELL_FONT,
        ("TOPPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, -1), (-1, -1), 12),
        ("LINEBELOW", (1, 0), (1, -2), 0.4, colors.black), ("LINEBELOW", (3, 0), (3, -2), 0.4, colors.black),
    ]))
    return KeepTogether([Spacer(1, 4 * mm), table])


def form_info(decl: Declaration) -> FormInfo:
    h = decl.header
    return FormInfo(project_name=h.project_name, project_code=h.project_code,
                    fiscal_year=decl.fiscal_year, revision=revision_code(decl))


def declaration_story(decl: Declaration, t: Template, index: int, draft: bool, log: LayoutLog | None,
                      signature: Signature | None = None) -> list:
    pl = t.print_layout
    story = [
        FormStart(index, draft, decl.header.project_name, form_info(decl)),
        Para(to_markup(pl.title or t.title), TITLE_STYLE),
        header_table(decl, t),
        texts_table(decl, t),
    ]
    for layout in pl.indicator_tables:
        if layout.caption and len(pl.indicator_tables) > 1 and layout is not pl.indicator_tables[0]:
            story.append(Spacer(1, 3 * mm))
        story.append(indicator_table(decl, t, log, layout))
    boxes = review_boxes(t)
    if boxes is not None:
        story.append(boxes)
    if pl.signature or (pl.signature is None and signature is not None):
        story.append(signature_block(signature))
    return story


def batch_story(decls_with_flags, templates, log: LayoutLog | None = None,
                signatures: dict[str, Signature] | None = None) -> list:
    """The forms in the order given, each from a new page; ``signatures``: by 申请单位."""
    story: list = []
    for i, (decl, draft) in enumerate(decls_with_flags):
        if i:
            story.append(PageBreak())
        signature = (signatures or {}).get(decl.header.applicant_unit.strip())
        story += declaration_story(decl, templates.get(decl.template_id), i, draft, log, signature)
    return story


__all__ = ["PAGE_MARGINS", "batch_story", "printed_indicators"]
