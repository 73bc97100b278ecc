"""Excel (.xlsx): export in the form's layout, import of that layout and of hand-made sheets.

Export: one sheet per declaration, printable on A4 in Excel and WPS, amounts
as numbers. Import: any sheet whose cells carry the form's labels.
"""
from __future__ import annotations

import re
from pathlib import Path

from desktop.domain.amounts import parse_amount
from desktop.domain.model import Declaration
from desktop.domain.template import registry
from desktop.io.errors import ImportFailed, unreadable
from desktop.io.form_rows import INDICATOR_HEADER, FormReader, cell_text, label_path
from desktop.io.safety import check_office_zip

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
AMOUNT_FORMAT = "#,##0.00"
WIDTHS = dict(zip("ABCDE", (14, 16, 24, 14, 44)))  # in Excel's character units
LINE_POINTS = 15


def _text_lines(text, width_units: float) -> int:
    """Lines a wrapped cell needs: Chinese characters take two units, others one."""
    if text is None:
        return 1
    lines = 0
    for part in str(text).split("\n"):
        units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in part)
        lines += max(1, -(-units // max(1, int(width_units) - 1)))
    return lines


def _fit_row(ws, row: int, cells: list[tuple[object, float]]) -> None:
    """Set the row height for its wrapped cells: Excel and WPS keep a written
    file's heights, and LibreOffice does not grow rows by itself."""
    lines = max(_text_lines(text, width) for text, width in cells)
    ws.row_dimensions[row].height = min(409, LINE_POINTS * lines + 4)


def _sheet_title(decl: Declaration, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", decl.header.project_name.strip() or "申报表")[:28] or "申报表"
    title, n = base, 2
    while title in used:
        title = f"{base[:26]}({n})"
        n += 1
    used.add(title)
    return title


def export_xlsx(decls: list[Declaration], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    used: set[str] = set()
    for decl in decls:
        t = registry().get(decl.template_id)
        ws = wb.create_sheet(_sheet_title(decl, used))
        for col, width in WIDTHS.items():
            ws.column_dimensions[col].width = width
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True

        def cell(row, col, value, align=wrap, amount=False):
            c = ws.cell(row=row, column=col, value=value)
            c.alignment = align
            c.border = border
            if amount:
                c.number_format = AMOUNT_FORMAT
                c.alignment = Alignment(vertical="center", horizontal="right")
            return c

        def merged(row, first, last, value, align=wrap):
            cell(row, first, value, align)
            for col in range(first + 1, last + 1):
                cell(row, col, None)
            if last > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

        ws.merge_cells("A1:E1")
        ws["A1"] = t.title
        ws["A1"].font = Font(size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        row = 2
        header_pairs = (
            ("header.project_code", "header.project_name"), ("header.applicant_unit", "header.budget_unit"),
            ("header.duration_years", "header.project_type"), ("header.is_new", "header.allocation_method"),
            ("header.total_amount", "header.annual_amount"),
        )
        for left, right in header_pairs:
            for path, col, last in ((left, 1, 2), (right, 3, 5)):
                cell(row, col, t.label(path), center)
                raw = decl.get(path)
                value = parse_amount(raw).value if path.endswith("_amount") else None
                if value is not None:
                    cell(row, col + 1, float(value), amount=True)  # a number, exact to the cent
                    for c in range(col + 2, last + 1):
                        cell(row, c, None)
                    if last > col + 1:
                        ws.merge_cells(start_row=row, start_column=col + 1, end_row=row, end_column=last)
                else:
                    merged(row, col + 1, last, raw)
            _fit_row(ws, row, [(t.label(left), WIDTHS["A"]), (decl.get(left), WIDTHS["B"]),
                               (t.label(right), WIDTHS["C"]), (decl.get(right), WIDTHS["D"] + WIDTHS["E"])])
            row += 1
        cell(row, 1, "申报年度", center)
        merged(row, 2, 5, decl.fiscal_year)
        row += 1
        for path in ("texts.policy_basis", "cost_basis", "texts.annual_goals", "texts.long_term_goals"):
            if path == "cost_basis":
                first = row
                cell(row, 1, t.label(path), center)
                merged(row, 2, 4, "测算内容", center)
                cell(row, 5, "金额（元）", center)
                row += 1
                for item in decl.cost_items:
                    cell(row, 1, None)
                    merged(row, 2, 4, item.text)
                    value = parse_amount(item.amount).value
                    cell(row, 5, float(value) if value is not None else item.amount, amount=value is not None)
                    _fit_row(ws, row, [(item.text, WIDTHS["B"] + WIDTHS["C"] + WIDTHS["D"])])
                    row += 1
                ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
                continue
            cell(row, 1, t.label(path), center)
            merged(row, 2, 5, decl.get(path))
            _fit_row(ws, row, [(t.label(path), WIDTHS["A"]),
                               (decl.get(path), sum(WIDTHS[c] for c in "BCDE"))])
            row += 1
        for col, head in enumerate(INDICATOR_HEADER, 1):
            cell(row, col, head, center).font = Font(bold=True)
            ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor="F0F0F0")
        row += 1
        for r in decl.indicators:
            star = "*" if t.is_core(r.level1, r.level2) else ""
            values = (r.level1, star + r.level2, r.name, r.target, r.explanation)
            for col, value in enumerate(values, 1):
                cell(row, col, value, center if col in (1, 2, 4) else wrap)
            _fit_row(ws, row, list(zip(values, WIDTHS.values())))
            row += 1
    tmp = out.with_name(out.name + ".part")
    wb.save(tmp)
    tmp.replace(out)


def import_xlsx(path: Path) -> list[Declaration]:
    check_office_zip(path, "Excel")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise unreadable(path.name, "Excel", exc) from None
    reader = FormReader(path.name)
    try:
        for ws in wb.worksheets:
            _read_sheet(ws, reader)
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, "Excel", exc) from None
    finally:
        wb.close()
    return reader.declarations()


def _read_sheet(ws, reader: FormReader) -> None:
    reader.current = None  # a sheet starts a new form (at its title or first label)
    in_cost = False
    for values in ws.iter_rows(values_only=True):
        texts = [cell_text(v) for v in values]
        dense = [c.strip() for c in texts if c and c.strip()]
        if not dense:
            continue
        # The exported layout lists cost items as rows under 测算内容 | 金额（元）.
        if label_path(dense[0]) == "cost_basis" and dense[1:] == ["测算内容", "金额（元）"]:
            in_cost = True
            continue
        if in_cost and not texts[0].strip() and len(dense) <= 2 and "一级指标" not in dense:
            reader.cost_item(texts[1] if len(texts) > 1 else "", texts[4] if len(texts) > 4 else "")
            continue
        in_cost = False
        reader.row(texts)
