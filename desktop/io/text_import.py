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
    utf16 = raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if utf16 or b"\x00" in raw[:4096]:
        # Excel's "Unicode 文本" is UTF-16 LE with a BOM (the BOM tells the byte order);
        # without one, zero bytes mean UTF-16 LE (tabs and line ends are 09 00 / 0A 00) or binary data.
        text = _decode(raw, "utf-16" if utf16 else "utf-16-le")
        if text is None or not _looks_like_text(text):
            raise ImportFailed(f"{path.name}：不是文本文件。")
        return text
    text = _decode(raw, "utf-8-sig")
    if text is None:
        text = _decode(raw, "gb18030")
    if text is None:
        raise ImportFailed(f"{path.name}：无法识别文件编码（应为 UTF-8、GB18030 或 UTF-16）。")
    return text


def _decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    """Binary data decodes to control characters; a table export has none but tabs and line ends."""
    return not _BINARY.search(text) and ("\n" in text or "\t" in text)


def parse_text(text: str, source: str = "文本") -> list[Declaration]:
    reader = FormReader(source)
    # Rows end only at LF or CRLF: str.splitlines() also cuts at a lone CR, VT, FF,
    # NEL, U+2028/U+2029 and 0x1C-0x1E, which would split a cell and lose half a field.
    for number, line in enumerate(text.split("\n"), 1):
        cells = line.removesuffix("\r").split("\t")
        reader.row([_IN_CELL_BREAK.sub("\n", c) for c in cells], f"第 {number} 行")
    return reader.declarations()


def import_text_file(path: Path) -> list[Declaration]:
    return parse_text(read_text_file(path), path.name)
