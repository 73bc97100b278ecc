"""The official table, as ReportLab flowables, for one declaration."""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from desktop.domain.amounts import display_amount, format_amount, parse_amount
from desktop.domain.cost_amount import requested_amount
from desktop.domain.model import Declaration, Indicator
from desktop.domain.targets import NOT_APPLICABLE
from desktop.domain.template import Template
from desktop.printing.canvas import FormStart
from desktop.printing.fonts import BODY, TITLE
from desktop.printing.indicator_table import IndicatorTable, LabelCell, LayoutLog, chunk_paragraph
from desktop.printing.text import to_markup

PAGE_MARGINS = dict(leftMargin=25 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=18 * mm)  # left: binding
CONTENT_WIDTH = (210 - 25 - 15) * mm
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

HEADER_ROWS = (
    ("header.project_code", "header.project_name"),
    ("header.applicant_unit", "header.budget_unit"),
    ("header.duration_years", "header.project_type"),
    ("header.is_new", "header.allocation_method"),
    ("header.total_amount", "header.annual_amount"),
)
WIDE_ROWS = ("texts.policy_basis", "cost_basis", "texts.annual_goals", "texts.long_term_goals")
HEADER_COLS = [28 * mm, 57 * mm, 28 * mm, 57 * mm]
TEXT_COLS = [28 * mm, 142 * mm]
INDICATOR_COLS = [20 * mm, 27 * mm, 39 * mm, 22 * mm, 62 * mm]


def p(text: str, style=BODY_STYLE) -> Paragraph:
    return Paragraph(to_markup(text), style)


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


def _grid_table(rows, widths) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), LINE, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               CELL_FONT]))
    return table


def _joined(row: int) -> list:
    """Pieces of one long cell follow each other without a gap."""
    return [("TOPPADDING", (0, row), (-1, row), 0), ("BOTTOMPADDING", (0, row - 1), (-1, row - 1), 0)]


def _chunks(text: str, width: float, style=BODY_STYLE) -> list[Paragraph]:
    return chunk_paragraph(p(text, style), width - 2 * CELL_PADDING, CHUNK_HEIGHT)


def header_table(decl: Declaration, t: Template) -> Table:
    """The label/value/label/value rows."""
    rows = []
    for left, right in HEADER_ROWS:
        row = []
        for path in (left, right):
            value = decl.get(path)
            if path.endswith("_amount"):
                value = display_amount(value)
            row += [p(t.label(path), LABEL_STYLE), p(value)]
        rows.append(row)
    return _grid_table(rows, HEADER_COLS)


def texts_table(decl: Declaration, t: Template) -> Table:
    """政策依据, 测算依据, 年度目标, 长期目标: label and one wide cell each.

    A table of its own (not spans in the header table), its long texts cut
    into row-sized pieces, so that a text longer than a page flows on.
    """
    rows, style = [], [("BOX", (0, 0), (-1, -1), LINE, colors.black),
                       ("LINEAFTER", (0, 0), (0, -1), LINE, colors.black),
                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), CELL_FONT]
    for path in WIDE_ROWS:
        value = cost_text(decl) if path == "cost_basis" else decl.get(path)
        pieces = _chunks(value, TEXT_COLS[1])
        first = len(rows)
        style.append(("LINEABOVE", (0, first), (-1, first), LINE, colors.black))
        for i, piece in enumerate(pieces):
            if i:
                style += _joined(len(rows))
            rows.append([p(t.label(path), LABEL_STYLE) if i == 0 else "", piece])
        if len(pieces) > 1:
            style.append(("VALIGN", (0, first), (0, first), "TOP"))
    table = Table(rows, colWidths=TEXT_COLS)
    table.setStyle(TableStyle(style))
    return table


def printed_indicators(decl: Declaration, t: Template) -> list[Indicator]:
    """Rows in template order; an empty non-core category prints one "不适用" row."""
    order = t.category_order
    real = [r for r in decl.indicators if not r.is_blank()]
    known = sorted((r for r in real if (r.level1, r.level2) in order), key=lambda r: order[(r.level1, r.level2)])
    out: list[Indicator] = []
    for cat in t.categories:
        for l2 in cat.level2:
            rows = [r for r in known if (r.level1, r.level2) == (cat.level1, l2.name)]
            if rows:
                out += rows
            elif not l2.core:
                out.append(Indicator(level1=cat.level1, level2=l2.name, name=NOT_APPLICABLE,
                                     target=NOT_APPLICABLE, explanation=NOT_APPLICABLE))
    out += [r for r in real if (r.level1, r.level2) not in order]  # unknown categories still print
    return out


def indicator_table(decl: Declaration, t: Template, log: LayoutLog | None) -> IndicatorTable:
    head = [p(h, HEAD_STYLE) for h in ("一级指标", "二级指标", "三级指标", "目标值", "指标解释")]
    rows, style = [head], []
    for r in printed_indicators(decl, t):
        level2 = ("*" if t.is_core(r.level1, r.level2) else "") + r.level2
        cells = [_chunks(r.name, INDICATOR_COLS[2]), _chunks(r.target, INDICATOR_COLS[3], CENTER_STYLE),
                 _chunks(r.explanation, INDICATOR_COLS[4])]
        for i in range(max(len(c) for c in cells)):
            if i:
                style += _joined(len(rows))
            rows.append([
                LabelCell(to_markup(r.level1), LABEL_STYLE, (r.level1,), continued=i > 0),
                LabelCell(to_markup(level2), LABEL_STYLE, (r.level1, r.level2), continued=i > 0),
                *[c[i] if i < len(c) else "" for c in cells],
            ])
    table = IndicatorTable(rows, colWidths=INDICATOR_COLS, repeatRows=1)
    table.line_width, table.line_color = LINE, colors.black
    table.log = log
    table.setStyle(TableStyle(style + [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), CELL_FONT,
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
    return table


def declaration_story(decl: Declaration, t: Template, index: int, draft: bool, log: LayoutLog | None) -> list:
    return [
        FormStart(index, draft, decl.header.project_name),
        Paragraph(to_markup(t.title), TITLE_STYLE),
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


__all__ = ["PAGE_MARGINS", "batch_story", "printed_indicators", "Spacer"]
