"""Excel (.xlsx): export in the form's layout, import of that layout and of hand-made sheets.

Export: one sheet per declaration, printable on A4 in Excel and WPS, amounts
in the form's format as numbers, every text as a text cell exactly as typed.
Import: any sheet whose cells carry the form's labels; cell texts are kept
exactly, so export then import gives back the same declaration.
"""
from __future__ import annotations

import re
from pathlib import Path

from desktop.domain.amounts import format_amount, parse_amount
from desktop.domain.model import HEADER_FIELDS, TEXT_FIELDS, Declaration
from desktop.domain.template import registry
from desktop.io.errors import ImportFailed, unreadable
from desktop.io.form_rows import INDICATOR_HEADER, FormReader, cell_text, indicator_header_at, label_path
from desktop.io.output import OutputRefused, write_atomically
from desktop.io.safety import check_office_zip

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# What an .xlsx cell cannot hold: XML 1.0 forbids these (openpyxl raises IllegalCharacterError).
_EXCEL_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_MAX_CHARS = 32767  # per cell, in UTF-16 units; Excel and openpyxl cut longer text silently
_FORMULA_START = ("=", "+", "-", "@")  # what Excel takes for a formula when the cell is typed in
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
    # Excel refuses a sheet name that starts or ends with an apostrophe.
    base = _SHEET_BAD.sub("_", decl.header.project_name.strip() or "申报表")[:28].strip("'") or "申报表"
    title, n = base, 2
    while title in used:
        title = f"{base[:26]}({n})"
        n += 1
    used.add(title)
    return title


def _cell_texts(decl: Declaration, t):
    """(where, text) for every text the export writes into a cell, "where" in the user's words."""
    for path in [f"header.{f}" for f in HEADER_FIELDS] + [f"texts.{f}" for f in TEXT_FIELDS]:
        yield f"“{t.label(path)}”", decl.get(path)
    for i, item in enumerate(decl.cost_items, 1):
        yield f"“测算依据”第 {i} 条", item.text
        yield f"“测算依据”第 {i} 条的金额", item.amount
    for i, r in enumerate(decl.indicators, 1):
        values = (r.level1, "*" + r.level2, r.name, r.target, r.explanation)  # "*": a core mark may be added
        for head, value in zip(INDICATOR_HEADER, values):
            yield f"指标表第 {i} 行的“{head}”", value


def check_excel_values(decls: list[Declaration]) -> None:
    """Refuse, before anything is written, a value an Excel cell cannot hold exactly."""
    for n, decl in enumerate(decls, 1):
        t = registry().get(decl.template_id)
        for where, text in _cell_texts(decl, t):
            bad = _EXCEL_BAD.search(text)
            size = len(text.encode("utf-16-le", "surrogatepass")) // 2
            if bad is None and size <= EXCEL_MAX_CHARS:
                continue
            name = _EXCEL_BAD.sub("", decl.header.project_name).strip()[:40] or "未命名"
            if bad is not None:
                code = ord(bad.group())
                reason = f"含有 Excel 无法保存的{'控制字符' if code < 0x20 else '字符'} U+{code:04X}"
            else:
                reason = f"有 {size:,} 个字符，超过 Excel 单元格的上限 {EXCEL_MAX_CHARS:,} 个"
            raise OutputRefused(f"第 {n} 份申报表《{name}》的{where}{reason}。请修改后再导出；未写入任何文件。")


def _put(c, value) -> None:
    """Write a value as itself: text always as a text cell, never as a formula (openpyxl
    turns "=100%" into one), marked so that Excel keeps "=…", "+…", "-…", "@…" as text
    when the cell is edited."""
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
        c.quotePrefix = value.startswith(_FORMULA_START)


def _amount_number(raw: str) -> float | None:
    """The number to write for an amount, or None to write it as text. Only the form's own
    format ("7,695,386.60") becomes a number, so that reading it back gives the same text;
    "53.62万" or "约 50 万" stay as typed."""
    value = parse_amount(raw).value
    if value is None or format_amount(value) != raw or len(value.as_tuple().digits) > 15:
        return None  # beyond 15 significant digits Excel's number would change the cents
    return float(value)


def export_xlsx(decls: list[Declaration], out: Path) -> None:
    check_excel_values(decls)
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
            c = ws.cell(row=row, column=col)
            _put(c, value)
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
                value = _amount_number(raw) if path.endswith("_amount") else None
                if value is not None:
                    cell(row, col + 1, value, amount=True)  # a number, exact to the cent
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
                    value = _amount_number(item.amount)
                    cell(row, 5, item.amount if value is None else value, amount=value is not None)
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
    write_atomically(out, wb.save)


def import_xlsx(path: Path) -> list[Declaration]:
    check_office_zip(path, "Excel")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise unreadable(path.name, "Excel", exc) from None
    reader = FormReader(path.name, exact=True)
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
    for number, values in enumerate(ws.iter_rows(values_only=True), 1):
        texts = [cell_text(v) for v in values]
        keys = [c.strip() for c in texts]
        dense = [k for k in keys if k]
        at = f"工作表“{ws.title}”第 {number} 行"
        # The exported layout lists cost items as rows under 测算内容 | 金额（元）.
        if dense and label_path(dense[0]) == "cost_basis" and dense[1:] == ["测算内容", "金额（元）"]:
            reader.cost_heading(at)
            in_cost = True
            continue
        # Every row there is one item, an empty one too; column A is the merged 测算依据 label.
        if in_cost and not (keys and keys[0]) and len(dense) <= 2 and indicator_header_at(keys) is None:
            reader.cost_item(values[1] if len(values) > 1 else None, values[4] if len(values) > 4 else None)
            continue
        in_cost = False
        reader.row(list(values), at)
