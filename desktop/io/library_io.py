"""指标库 files: Excel as finance bureaus distribute them, and JSON.

Excel: any sheet with a header row carrying the labels 一级指标 / 二级指标 /
三级指标 (and 指标值, 指标解释; 关键词 and 来源 when present); other columns
are ignored, the header may sit below a title, and merged category cells are
filled down. Export writes the same layout (categories merged down), so a
round trip gives back the same entries.

JSON: {"format": "jixiao-library", "version": 1, "entries": [{level1, level2,
name, target, explanation, keywords, source}, …]}; the starter library under
forms/library/ is such a file.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from desktop.domain.library import LibraryEntry, clean, clean_category, normalize_target
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed, unreadable
from desktop.io.form_rows import cell_text
from desktop.io.output import OutputRefused, write_atomically
from desktop.io.safety import check_office_zip

FORMAT = "jixiao-library"
VERSION = 1
SHEET_TITLE = "指标库"
HEADER = ("一级指标", "二级指标", "三级指标", "指标值", "指标解释", "关键词", "来源")
FIELDS = ("level1", "level2", "name", "target", "explanation", "keywords", "source")
# A header cell's label (spaces, "*" and a note in brackets dropped) -> field.
_LABELS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "三级指标名称": "name", "指标名称": "name",
    "指标值": "target", "目标值": "target", "指标值目标值": "target", "年度指标值": "target",
    "指标解释": "explanation", "指标说明": "explanation", "指标解释说明": "explanation",
    "关键词": "keywords", "来源": "source",
}
_HEADER_ROWS = 30  # the header is looked for in a sheet's first rows
_EXCEL_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")

# (where, entry): where in the user's words, e.g. 工作表“指标库”第 12 行
Located = list[tuple[str, LibraryEntry]]


def _label(text: str) -> str:
    s = re.sub(r"[\s*＊]", "", text)
    return re.sub(r"[（(][^）)]*[）)]", "", s)


def header_fields(cells: Sequence[str]) -> dict[str, int] | None:
    """field -> column of a header row, or None when the row is not one."""
    found: dict[str, int] = {}
    for col, text in enumerate(cells):
        field = _LABELS.get(_label(text))
        if field is not None and field not in found:
            found[field] = col
    return found if {"level1", "level2", "name"} <= found.keys() else None


def read_library(path: Path) -> tuple[str, Located]:
    """(the library's name, its entries with where each was read). ImportFailed for a
    file that cannot be read; checking categories is the caller's business."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return path.stem, _read_xlsx(path)
    if suffix == ".json":
        return _read_json(path)
    raise ImportFailed(f"{path.name}：不支持的指标库文件类型（可导入 .xlsx 或 .json）。")


# -- Excel ----------------------------------------------------------------------------
def _cell(c) -> str:
    value = c.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (c.number_format or ""):
        return f"{value * 100:.10g}%"  # 0.95 shown as 95% in Excel
    return cell_text(value)


def _read_xlsx(path: Path) -> Located:
    check_office_zip(path, "Excel")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)  # not read-only: merged ranges are needed
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise unreadable(path.name, "Excel", exc) from None
    out: Located = []
    try:
        headers = 0
        for ws in wb.worksheets:
            got = _read_sheet(ws, path.name)
            if got is not None:
                headers += 1
                out += got
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, "Excel", exc) from None
    finally:
        wb.close()
    if not headers:
        raise ImportFailed(f"{path.name}：找不到表头行（应有“一级指标”“二级指标”“三级指标”“指标值”“指标解释”等列名），"
                           "不是指标库文件。未导入任何内容。")
    return out


def _read_sheet(ws, name: str) -> Located | None:
    grid = [[_cell(c) for c in row] for row in ws.iter_rows()]
    head_at, fields = None, None
    for r, cells in enumerate(grid[:_HEADER_ROWS]):
        fields = header_fields(cells)
        if fields is not None:
            head_at = r
            break
    if head_at is None or fields is None:
        return None
    for rng in ws.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
        top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
        for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                grid[r][c] = top
    out: Located = []
    level1 = level2 = ""
    for r in range(head_at + 1, len(grid)):
        cells = grid[r]

        def get(field: str, cells=cells) -> str:
            col = fields.get(field)
            return cells[col] if col is not None and col < len(cells) else ""

        where = f"工作表“{ws.title}”第 {r + 1} 行"
        row = {f: get(f) for f in FIELDS}
        if not any(clean(v) for v in row.values()):
            continue
        l1, l2 = clean_category(row["level1"]), clean_category(row["level2"])
        if header_fields(cells) is not None:
            continue  # the header again (a table printed over pages)
        # Category cells left empty under a filled one (a merge, or a sheet typed that way) are filled down.
        if l1 and l1 != level1 and not l2:
            raise ImportFailed(f"{name}：{where}缺少二级指标。未导入任何内容。")
        level1 = l1 or level1
        level2 = l2 or level2
        title = clean(row["name"])
        if not title:
            if any(clean(row[f]) for f in ("target", "explanation")):
                raise ImportFailed(f"{name}：{where}缺少三级指标名称。未导入任何内容。")
            continue  # a category row without an indicator
        if not level1 or not level2:
            raise ImportFailed(f"{name}：{where}的“{title}”没有一级或二级指标。未导入任何内容。")
        out.append((where, LibraryEntry(level1, level2, title, normalize_target(row["target"]),
                                        clean(row["explanation"]), clean(row["keywords"]), clean(row["source"]))))
    return out


def _check_values(entries: Sequence[LibraryEntry]) -> None:
    for n, e in enumerate(entries, 1):
        for head, value in zip(HEADER, (getattr(e, f) for f in FIELDS), strict=True):
            bad = _EXCEL_BAD.search(value)
            if bad is not None:
                raise OutputRefused(f"第 {n} 条指标“{e.name[:30]}”的“{head}”含有 Excel 无法保存的字符 "
                                    f"U+{ord(bad.group()):04X}。未写入任何文件。")


def write_library_xlsx(entries: Sequence[LibraryEntry], out: Path) -> None:
    """One sheet, the header row, category cells merged down as a bureau's file has them."""
    _check_values(entries)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    for letter, width in zip("ABCDEFG", (12, 16, 30, 12, 60, 20, 12), strict=True):
        ws.column_dimensions[letter].width = width
    for col, head in enumerate(HEADER, 1):
        c = ws.cell(1, col, head)
        c.font, c.border, c.alignment = Font(bold=True), border, Alignment(horizontal="center")
        c.fill = PatternFill("solid", fgColor="F0F0F0")
    for r, e in enumerate(entries, 2):
        for col, field in enumerate(FIELDS, 1):
            value = getattr(e, field)
            c = ws.cell(r, col)
            c.value, c.data_type = value, "s"  # text as text: never a formula, never a number
            c.quotePrefix = value.startswith(_FORMULA_START)
            c.border, c.alignment = border, wrap
    for col, field_count in ((1, 1), (2, 2)):  # 一级指标, then 二级指标 within it
        start = 2
        for r in range(3, len(entries) + 3):
            same = r - 2 < len(entries) and all(
                getattr(entries[r - 2], f) == getattr(entries[start - 2], f) for f in FIELDS[:field_count])
            if not same:
                if r - 1 > start:
                    ws.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
                start = r
    ws.freeze_panes = "A2"

    write_atomically(out, lambda tmp: wb.save(tmp))


# -- JSON ----------------------------------------------------------------------------
def library_json(entries: Sequence[LibraryEntry], name: str = "") -> str:
    data = {"format": FORMAT, "version": VERSION, "name": name,
            "entries": [{f: getattr(e, f) for f in FIELDS} for e in entries]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_library_json(entries: Sequence[LibraryEntry], out: Path) -> None:
    text = library_json(entries)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomically(out, write)


def _read_json(path: Path) -> tuple[str, Located]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFailed(f"{path.name}：文件过大，不是指标库文件。未导入任何内容。")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from None
    except UnicodeDecodeError:
        raise ImportFailed(f"{path.name}：不是 UTF-8 编码的 JSON 文件。未导入任何内容。") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path.name}：不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）。"
                           "未导入任何内容。") from None
    return parse_library_json(data, path.name, path.stem)


def parse_library_json(data, name: str, default_name: str = "") -> tuple[str, Located]:
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("entries"), list):
        raise ImportFailed(f"{name}：不是指标库文件（应为 {{\"format\": \"{FORMAT}\", \"entries\": […]}}）。未导入任何内容。")
    if data.get("version") != VERSION:
        raise ImportFailed(f"{name}：指标库文件的版本 {data.get('version')!r} 不受支持（本程序支持 {VERSION}）。"
                           "未导入任何内容。")
    out: Located = []
    for n, item in enumerate(data["entries"], 1):
        where = f"第 {n} 条"
        if not isinstance(item, dict) or any(not isinstance(item.get(f, ""), str) for f in FIELDS):
            raise ImportFailed(f"{name}：{where}指标的格式不对（每条应有文字的 level1、level2、name 等）。未导入任何内容。")
        l1, l2, title = clean_category(item.get("level1")), clean_category(item.get("level2")), clean(item.get("name"))
        if not (l1 and l2 and title):
            raise ImportFailed(f"{name}：{where}指标缺少一级指标、二级指标或三级指标名称。未导入任何内容。")
        out.append((where, LibraryEntry(l1, l2, title, normalize_target(item.get("target", "")),
                                        clean(item.get("explanation", "")), clean(item.get("keywords", "")),
                                        clean(item.get("source", "")))))
    library_name = data.get("name") if isinstance(data.get("name"), str) and data.get("name") else default_name
    return str(library_name), out
