"""Word (.docx): forms kept as Word tables with the form's labels."""
from __future__ import annotations

from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed, unreadable
from desktop.io.form_rows import TITLE, FormReader
from desktop.io.safety import check_office_zip


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _row_cells(row, above: list) -> tuple[list[str], list]:
    """Texts of a row, each merged cell once: python-docx repeats a horizontally merged cell
    per grid column and a vertically merged one per row (``above`` holds the previous row's
    cells); the text belongs to its first row only, or a label would seem to stand twice."""
    out: list[str] = []
    tcs: list = []
    for cell in row.cells:
        if tcs and cell._tc is tcs[-1]:
            continue
        tcs.append(cell._tc)
        out.append("" if any(cell._tc is tc for tc in above) else _cell_text(cell))
    return out, tcs


def import_docx(path: Path, notes: list[str] | None = None) -> list[Declaration]:
    check_office_zip(path, "Word")
    try:
        from docx import Document

        document = Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on malformed files
        raise unreadable(path.name, "Word", exc) from None
    reader = FormReader(path.name)
    try:
        _walk(document.iter_inner_content(), reader, [0])
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, "Word", exc) from None
    return reader.declarations(notes)


def _walk(blocks, reader: FormReader, tables: list[int]) -> None:
    """Paragraphs and tables in document order. A form may be split over several tables
    (the rows simply go on), or sit inside a layout table: a row whose cells hold tables
    is read as the content of those cells, in order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text.strip() == TITLE:
                reader.title()
        elif isinstance(block, Table):
            tables[0] += 1
            number = tables[0]
            above: list = []
            for n, row in enumerate(block.rows, 1):
                if any(cell.tables for cell in row.cells):
                    seen: list = []
                    for cell in row.cells:
                        if not any(cell._tc is tc for tc in seen):
                            seen.append(cell._tc)
                            _walk(cell.iter_inner_content(), reader, tables)
                    above = []
                    continue
                cells, above = _row_cells(row, above)
                reader.row(cells, f"第 {number} 个表格第 {n} 行")
