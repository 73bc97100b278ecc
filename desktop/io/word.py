"""Word (.docx): forms kept as Word tables with the form's labels."""
from __future__ import annotations

from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import ImportFailed, unreadable
from desktop.io.form_rows import TITLE, FormReader
from desktop.io.safety import check_office_zip


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _row_cells(row) -> list[str]:
    """Texts of a row, a horizontally merged cell once (python-docx repeats it per grid column)."""
    out, last = [], None
    for cell in row.cells:
        if cell._tc is last:
            continue
        last = cell._tc
        out.append(_cell_text(cell))
    return out


def import_docx(path: Path) -> list[Declaration]:
    check_office_zip(path, "Word")
    try:
        from docx import Document
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = Document(str(path))
    except Exception as exc:  # python-docx raises many kinds on malformed files
        raise unreadable(path.name, "Word", exc) from None
    reader = FormReader(path.name)
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                if block.text.strip() == TITLE:
                    reader.title()
            elif isinstance(block, Table):
                for row in block.rows:
                    reader.row(_row_cells(row))
    except ImportFailed:
        raise
    except Exception as exc:
        raise unreadable(path.name, "Word", exc) from None
    return reader.declarations()
