"""Excel (.xlsx): export in the form's layout, import of that layout and of hand-made sheets.

Export: one sheet per declaration, printable on A4 in Excel and WPS, amounts
in the form's format as numbers, every text as a text cell exactly as typed.
Import: any sheet whose cells carry the form's labels; cell texts are kept
exactly, so export then import gives back the same declaration.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path

from desktop.domain.form import with_not_applicable_rows
from desktop.domain.amounts import format_amount, parse_amount
from desktop.domain.model import HEADER_FIELDS, TEXT_FIELDS, Declaration
from desktop.domain.template import registry
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed, unreadable
from desktop.io.form_rows import INDICATOR_HEADER, FormReader, cell_text, indicator_header_at, is_cost_heading
from desktop.io.output import OutputRefused, write_atomically
from desktop.io.safety import check_office_zip

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
# What an .xlsx cell cannot hold: XML 1.0 forbids these (openpyxl raises IllegalCharacterError).
_EXCEL_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_MAX_CHARS = 32767  # per cell, in UTF-16 units; Excel and openpyxl cut longer text silently
_FORMULA_START = ("=", "+", "-", "@")  # what Excel takes for a formula when the cell is typed in
AMOUNT_FORMAT = "#,##0.00"
WIDTHS = dict(zip("ABCDE", (14, 16, 24, 14, 44), strict=True))  # in Excel's character units
LINE_POINTS = 15
_WIDE = re.compile("[\u2e81-\U0010ffff]")  # Chinese and other wide characters: two units each


def _text_lines(text, width_units: float) -> int:
    """Lines a wrapped cell needs: Chinese characters take two units, others one."""
    if text is None:
        return 1
    lines = 0
    for part in str(text).split("\n"):
        units = len(part) + len(_WIDE.findall(part))  # counted in C: a character at a time was slow
        lines += max(1, -(-units // max(1, int(width_units) - 1)))
    return lines


def _row_height(cells: list[tuple[object, float]]) -> float:
    """The height for a row's wrapped cells: Excel and WPS keep a written file's
    heights, and LibreOffice does not grow rows by itself."""
    lines = max(_text_lines(text, width) for text, width in cells)
    return min(409, LINE_POINTS * lines + 4)


def _sheet_title(decl: Declaration, used: set[str]) -> str:
    # Excel refuses a sheet name that starts or ends with an apostrophe.
    base = _SHEET_BAD.sub("_", decl.header.project_name.strip() or "申报表")[:28].strip("'") or "申报表"
    title, n = base, 2
    while title.lower() in used:  # Excel, and openpyxl, tell sheet names apart ignoring case
        title = f"{base[:26]}({n})"
        n += 1
    used.add(title.lower())
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
        for head, value in zip(INDICATOR_HEADER, values, strict=True):
            yield f"指标表第 {i} 行的“{head}”", value


def check_excel_values(decls: Iterable[Declaration], first: int = 1) -> None:
    """Refuse, before anything is written, a value an Excel cell cannot hold exactly;
    ``first`` is the number of the first declaration in the export (for the message)."""
    for n, decl in enumerate(decls, first):
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


class _Styles:
    """The form's few cell styles, made once per workbook and copied onto each cell.

    Setting font, border and alignment on every cell makes openpyxl hash each
    style object again, which was most of an export's time. The edge styles are
    what openpyxl gives the covered cells of a merged range (the borders of the
    range's edges), so that the file is the one a normal workbook would write."""

    def __init__(self, ws):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        full = Border(left=thin, right=thin, top=thin, bottom=thin)
        wrap = Alignment(wrap_text=True, vertical="center")
        center = Alignment(wrap_text=True, vertical="center", horizontal="center")
        looks = {
            "wrap": dict(alignment=wrap, border=full),
            "center": dict(alignment=center, border=full),
            "amount": dict(alignment=Alignment(vertical="center", horizontal="right"), border=full,
                           number_format=AMOUNT_FORMAT),
            "head": dict(alignment=center, border=full, font=Font(bold=True),
                         fill=PatternFill("solid", fgColor="F0F0F0")),
            "title": dict(alignment=Alignment(horizontal="center", vertical="center"), font=Font(size=16, bold=True)),
            "row_middle": dict(border=Border(top=thin, bottom=thin)),
            "row_end": dict(border=Border(top=thin, bottom=thin, right=thin)),
            "column_middle": dict(border=Border(left=thin, right=thin)),
            "column_end": dict(border=Border(left=thin, right=thin, bottom=thin)),
        }
        self._cell = WriteOnlyCell
        self._styled = {}
        for name, attrs in looks.items():
            c = WriteOnlyCell(ws)
            for attr, value in attrs.items():
                setattr(c, attr, value)
            self._styled[name] = c._style

    def cell(self, ws, value, style: str):
        c = self._cell(ws)
        c._style = copy(self._styled[style])  # how openpyxl copies a style itself (WorksheetCopy)
        if value is not None:
            _put(c, value)
        return c


class _Sheet:
    """One form written row by row: openpyxl's write-only sheets need each row's
    height before the row, and keep no cell once it is written."""

    def __init__(self, ws, styles: _Styles):
        self.ws, self.styles, self.row = ws, styles, 0

    def cell(self, value, style: str = "wrap"):
        return self.styles.cell(self.ws, value, style)

    def merged(self, value, width: int, style: str = "wrap") -> list:
        """A value over ``width`` cells of a row (one merged cell)."""
        if width == 1:
            return [self.cell(value, style)]
        return ([self.cell(value, style)] + [self.cell(None, "row_middle") for _ in range(width - 2)]
                + [self.cell(None, "row_end")])

    def append(self, *spans: list, height: float | None = None) -> None:
        """The next row, as spans of cells from column A; a span of several cells is merged."""
        from openpyxl.worksheet.cell_range import CellRange

        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        col = 1
        for span in spans:
            if len(span) > 1:
                self.ws.merged_cells.add(CellRange(min_col=col, min_row=self.row,
                                                   max_col=col + len(span) - 1, max_row=self.row))
            col += len(span)
        self.ws.append([c for span in spans for c in span])

    def merge_down(self, col: int, first: int, last: int) -> None:
        from openpyxl.worksheet.cell_range import CellRange

        self.ws.merged_cells.add(CellRange(min_col=col, min_row=first, max_col=col, max_row=last))


_HEADER_PAIRS = (
    ("header.project_code", "header.project_name"), ("header.applicant_unit", "header.budget_unit"),
    ("header.duration_years", "header.project_type"), ("header.is_new", "header.allocation_method"),
    ("header.total_amount", "header.annual_amount"),
)


def _set_up_page(ws) -> None:
    """Widths, A4 and fit-to-width: written with the sheet's first row, so set before it."""
    for col, width in WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _value_cells(sheet: _Sheet, raw, width: int, is_amount: bool) -> list:
    """A header value over ``width`` cells; an amount in the form's format as a number."""
    value = _amount_number(raw) if is_amount else None
    if value is None:
        return sheet.merged(raw, width)
    return sheet.merged(value, width, "amount")  # a number, exact to the cent


def _write_form(sheet: _Sheet, decl: Declaration) -> None:
    t = registry().get(decl.template_id)
    sheet.append([sheet.cell(t.title, "title"), None, None, None, None], height=30)
    for left, right in _HEADER_PAIRS:
        sheet.append([sheet.cell(t.label(left), "center")],
                     _value_cells(sheet, decl.get(left), 1, left.endswith("_amount")),
                     [sheet.cell(t.label(right), "center")],
                     _value_cells(sheet, decl.get(right), 2, right.endswith("_amount")),
                     height=_row_height([(t.label(left), WIDTHS["A"]), (decl.get(left), WIDTHS["B"]),
                                         (t.label(right), WIDTHS["C"]),
                                         (decl.get(right), WIDTHS["D"] + WIDTHS["E"])]))
    sheet.append([sheet.cell("申报年度", "center")], sheet.merged(decl.fiscal_year, 4))
    for path in ("texts.policy_basis", "cost_basis", "texts.annual_goals", "texts.long_term_goals"):
        if path == "cost_basis":
            _write_cost_items(sheet, decl, t.label(path))
            continue
        sheet.append([sheet.cell(t.label(path), "center")], sheet.merged(decl.get(path), 4),
                     height=_row_height([(t.label(path), WIDTHS["A"]),
                                         (decl.get(path), sum(WIDTHS[c] for c in "BCDE"))]))
    sheet.append(*[[sheet.cell(head, "head")] for head in INDICATOR_HEADER])
    # As printed: an empty non-core category shows one 不适用 row (dropped again on import).
    for r in with_not_applicable_rows(decl, t):
        star = "*" if t.is_core(r.level1, r.level2) else ""
        values = (r.level1, star + r.level2, r.name, r.target, r.explanation)
        sheet.append(*[[sheet.cell(value, "center" if col in (1, 2, 4) else "wrap")]
                       for col, value in enumerate(values, 1)],
                     height=_row_height(list(zip(values, WIDTHS.values(), strict=True))))


def _write_cost_items(sheet: _Sheet, decl: Declaration, label: str) -> None:
    """测算内容 | 金额（元） under the label, one row per item; the label's cell runs down beside them."""
    first = sheet.row + 1
    sheet.append([sheet.cell(label, "center")], sheet.merged("测算内容", 3, "center"),
                 [sheet.cell("金额（元）", "center")])
    for i, item in enumerate(decl.cost_items, 1):
        value = _amount_number(item.amount)
        amount = sheet.cell(item.amount, "wrap") if value is None else sheet.cell(value, "amount")
        sheet.append([sheet.cell(None, "column_end" if i == len(decl.cost_items) else "column_middle")],
                     sheet.merged(item.text, 3), [amount],
                     height=_row_height([(item.text, WIDTHS["B"] + WIDTHS["C"] + WIDTHS["D"])]))
    if decl.cost_items:
        sheet.merge_down(1, first, sheet.row)


# What openpyxl (3.1.5) writes into a write-only sheet's part when the sheet is closed,
# yet keeps until the workbook is saved (and the names, empty in every sheet here):
# about 17 KB a sheet, 170 MB for 10,000.
_WRITTEN_AT_CLOSE = ("row_dimensions", "column_dimensions", "merged_cells", "page_setup", "print_options",
                     "page_margins", "views", "protection", "HeaderFooter", "sheet_properties", "sheet_format",
                     "row_breaks", "col_breaks", "data_validations", "conditional_formatting", "defined_names")


def _forget_written(ws, first) -> None:
    """After ws.close(): let it share the first sheet's copies of those parts (the save
    reads only the empty names), so that memory stays flat with the number of sheets."""
    if ws is not first:
        for name in _WRITTEN_AT_CLOSE:
            ws.__dict__[name] = first.__dict__[name]


def export_xlsx(decls: Iterable[Declaration], out: Path) -> None:
    """One sheet per declaration, in openpyxl's write-only mode: each sheet goes to a
    temporary file as it is finished, so memory stays flat for a generator over the
    database. A value a cell cannot hold is refused before anything is written for
    a list, and before its own sheet for a generator; either way no file is written."""
    checked = isinstance(decls, Sequence)
    if checked:
        check_excel_values(decls)
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        styles, first = None, None
        used: set[str] = set()
        for n, decl in enumerate(decls, 1):
            if not checked:
                check_excel_values([decl], first=n)
            ws = wb.create_sheet(_sheet_title(decl, used))
            if styles is None:
                styles, first = _Styles(ws), ws
            _set_up_page(ws)
            _write_form(_Sheet(ws, styles), decl)
            ws.close()  # its part is written and its file closed: one open file, however many sheets
            _forget_written(ws, first)
        wb.save(tmp)

    write_atomically(out, write)


def import_xlsx(path: Path, notes: list[str] | None = None) -> list[Declaration]:
    check_office_zip(path, "Excel")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise unreadable(path.name, "Excel", exc) from None
    reader = FormReader(path.name, exact=True)
    try:
        for ws in wb.worksheets:
            _read_sheet(ws.title, ws.iter_rows(values_only=True), reader)
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, "Excel", exc) from None
    finally:
        wb.close()
    return reader.declarations(notes)


_CALAMINE_KINDS = {".xls": "Excel", ".et": "WPS 表格", ".ods": "OpenDocument 表格"}


def import_sheets(path: Path, notes: list[str] | None = None) -> list[Declaration]:
    """Legacy Excel (.xls), WPS 表格 (.et) and OpenDocument (.ods), read by python-calamine."""
    kind = _CALAMINE_KINDS.get(path.suffix.lower(), "表格")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from None
    if size > MAX_FILE_BYTES:
        raise ImportFailed(f"{path.name}：文件过大（{size // 1024 // 1024} MB），不是申报表。")
    try:
        from python_calamine import CalamineWorkbook

        with path.open("rb") as f:  # from the content, not the name: an .et is an .xls inside
            wb = CalamineWorkbook.from_filelike(f)
            sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
                      for name in wb.sheet_names]
    except Exception as exc:  # calamine raises its own kinds on malformed files
        raise unreadable(path.name, kind, exc) from None
    reader = FormReader(path.name, exact=True)
    try:
        for name, rows in sheets:
            _read_sheet(name, (tuple(None if v == "" else v for v in row) for row in rows), reader)
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, kind, exc) from None
    return reader.declarations(notes)


def _read_sheet(title: str, rows: Iterable[Sequence], reader: FormReader) -> None:
    reader.new_part()  # a sheet starts a new form (at its title or first label), or holds the indicators
    in_cost = False
    text_col, amount_col = 1, 4  # where the items' text and amount stand (as exported: B and E)
    for number, values in enumerate(rows, 1):
        texts = [cell_text(v) for v in values]
        keys = [c.strip() for c in texts]
        dense = [k for k in keys if k]
        at = f"工作表“{title}”第 {number} 行"
        # The exported layout lists cost items as rows under 测算内容 | 金额（元）.
        if is_cost_heading(dense):
            reader.cost_heading(at, dense[2])
            text_col, amount_col = keys.index(dense[1]), keys.index(dense[2])
            in_cost = True
            continue
        # Every row there is one item, an empty one too; column A is the merged 测算依据 label.
        if in_cost and not (keys and keys[0]) and len(dense) <= 2 and indicator_header_at(keys) is None:
            reader.cost_item(values[text_col] if len(values) > text_col else None,
                             values[amount_col] if len(values) > amount_col else None)
            continue
        in_cost = False
        reader.row(list(values), at)
