"""Checks before a zip-based office file (xlsx, docx) is opened."""
from __future__ import annotations

import zipfile
from pathlib import Path

from desktop.io.errors import MAX_FILE_BYTES, ImportFailed

MAX_UNPACKED = 200 * 1024 * 1024  # a form is a few hundred KB unpacked
MAX_RATIO = 200  # real office XML compresses 5-20x; bombs do thousands
MAX_ENTRIES = 2000


def check_office_zip(path: Path, kind: str) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    if size > MAX_FILE_BYTES:
        raise ImportFailed(f"{path.name}：文件过大（{size // 1024 // 1024} MB），不是申报表。")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ImportFailed(f"{path.name}：文件结构异常（条目过多），已拒绝。")
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
                raise ImportFailed(f"{path.name}：文件解压后异常庞大（可能是“压缩炸弹”），已拒绝。")
            bad = z.testzip()
            if bad is not None:
                raise ImportFailed(f"{path.name}：文件已损坏（{bad}）。")
    except zipfile.BadZipFile:
        raise ImportFailed(f"{path.name}：不是有效的 {kind} 文件（文件损坏或被截断）。") from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise ImportFailed(f"{path.name}：无法读取 {kind} 文件（{exc}）。") from None
