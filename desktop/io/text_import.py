"""Import forms from text exports of the official table (the sample layout).

One table row per line, cells separated by tabs; several forms per file, each
starting with the title line.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed
from desktop.io.form_rows import FormReader

# Inside a cell these are line breaks of its text (a Word line break is VT, for one).
_IN_CELL_BREAK = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BINARY = re.compile("[\x00-\x08\x0e-\x1b\x1f\ufffe\uffff]")


def read_text_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(f"{path.name}：文件过大（{size // 1024 // 1024} MB），不是申报表文本。")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    _refuse_binary(path, raw)
    utf16 = raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if utf16 or b"\x00" in raw[:4096]:
        # Excel's "Unicode 文本" is UTF-16 LE with a BOM (the BOM tells the byte order);
        # without one, zero bytes mean UTF-16 (tabs and line ends are 09 00 / 0A 00 in LE,
        # 00 09 / 00 0A in BE: where the zeros stand tells the order) or binary data.
        text = _decode(raw, "utf-16" if utf16 else _utf16_order(raw))
        if text is None or not _looks_like_text(text):
            raise ImportFailed(f"{path.name}：不是文本文件。")
        return text
    text = _decode(raw, "utf-8-sig")
    if text is None:
        text = _decode(raw, "gb18030")
    if text is None:
        raise ImportFailed(f"{path.name}：无法识别文件编码（应为 UTF-8、GB18030 或 UTF-16）。")
    return text


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), WPS (.wps), Excel 97 (.xls)
_ZIP = b"PK\x03\x04"


def _refuse_binary(path: Path, raw: bytes) -> None:
    """An Office file renamed to .txt, or saved as "text" by a program that did not: say what it is."""
    if raw.startswith(_OLE2):
        raise ImportFailed(f"{path.name}：这是 Word/WPS 97-2003 格式（.doc/.wps）或旧版 Excel 的文件，不是文本。"
                           "请在 Word 或 WPS 中“另存为”.docx（或 .xlsx）后再导入。")
    if raw.startswith(_ZIP):
        raise ImportFailed(f"{path.name}：这是 .docx/.xlsx 等 Office 文件，不是文本。请把扩展名改回原样后再导入。")


def _utf16_order(raw: bytes) -> str:
    """UTF-16 without a BOM: LE when the zero bytes stand at odd offsets (Chinese text has few)."""
    sample = raw[:4096]
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    return "utf-16-be" if even > odd else "utf-16-le"


def _decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    """Binary data decodes to control characters; a table export has none but tabs and line ends."""
    return not _BINARY.search(text) and ("\n" in text or "\t" in text)


def parse_text(text: str, source: str = "文本", notes: list[str] | None = None) -> list[Declaration]:
    reader = FormReader(source)
    # Rows end only at LF or CRLF: str.splitlines() also cuts at a lone CR, VT, FF,
    # NEL, U+2028/U+2029 and 0x1C-0x1E, which would split a cell and lose half a field.
    for number, line in enumerate(text.split("\n"), 1):
        cells = line.removesuffix("\r").split("\t")
        reader.row([_IN_CELL_BREAK.sub("\n", c) for c in cells], f"第 {number} 行")
    return reader.declarations(notes)


def import_text_file(path: Path, notes: list[str] | None = None) -> list[Declaration]:
    return parse_text(read_text_file(path), path.name, notes)
