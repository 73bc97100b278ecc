"""Import forms from text exports of the official table (the sample layout).

One table row per line, cells separated by tabs; several forms per file, each
starting with the title line.
"""
from __future__ import annotations

from pathlib import Path

from desktop.domain.model import Declaration
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed
from desktop.io.form_rows import FormReader


def read_text_file(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFailed(f"{path.name}：文件过大（{size // 1024 // 1024} MB），不是申报表文本。")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    if b"\x00" in raw[:4096]:
        raise ImportFailed(f"{path.name}：不是文本文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{path.name}：无法识别文件编码（应为 UTF-8 或 GB18030）。")


def parse_text(text: str, source: str = "文本") -> list[Declaration]:
    reader = FormReader(source)
    for line in text.splitlines():
        reader.row(line.split("\t"))
    return reader.declarations()


def import_text_file(path: Path) -> list[Declaration]:
    return parse_text(read_text_file(path), path.name)
