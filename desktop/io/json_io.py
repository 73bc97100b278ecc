"""Lossless JSON exchange of declarations, with a schema version.

Export, import into an empty database and export again give the same bytes:
keys are written in a fixed order, and import keeps the timestamps.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from desktop.domain.model import FISCAL_YEARS, Declaration
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed
from desktop.io.output import write_bytes_atomically

FORMAT = "jixiao-declarations"
SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("schema") / "declarations-v1.schema.json"


class ExchangeFile(BaseModel):
    """The top level of an exchange file."""

    model_config = ConfigDict(extra="forbid", title="绩效目标申报表交换文件")
    format: Literal["jixiao-declarations"]
    schema_version: Literal[1]
    declarations: list[Declaration]


def dumps(decls: list[Declaration]) -> str:
    payload = ExchangeFile(format=FORMAT, schema_version=SCHEMA_VERSION,
                           declarations=[d.model_copy(update={"id": None}) for d in decls])
    data = payload.model_dump(mode="json", exclude={"declarations": {"__all__": {"id"}}})
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_json(decls: list[Declaration], out: Path) -> None:
    write_bytes_atomically(out, dumps(decls).encode("utf-8"))


def loads(text: str, source: str = "JSON") -> list[Declaration]:
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{source}：不是有效的 JSON（第 {exc.lineno} 行）。") from None
    except RecursionError:  # the parser gives up near 1,000 levels; an exchange file has 4
        raise ImportFailed(f"{source}：内容有误（{_too_deep_at(text)}：嵌套层数过多），不是申报表交换文件。") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed(f"{source}：不是申报表交换文件（缺少 \"format\": \"{FORMAT}\"）。")
    bad = _unstorable(data)
    if bad:
        raise ImportFailed(f"{source}：内容有误（{bad}）。")
    if data.get("schema_version") != SCHEMA_VERSION:
        version = str(data.get("schema_version"))[:20]
        raise ImportFailed(f"{source}：交换文件版本 {version} 不受支持（本程序支持 {SCHEMA_VERSION}）。")
    try:
        payload = ExchangeFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFailed(f"{source}：内容有误（{where}：{_reason(first)}）。") from None
    for i, d in enumerate(payload.declarations):
        if d.fiscal_year not in FISCAL_YEARS:
            raise ImportFailed(f"{source}：内容有误（declarations.{i}.fiscal_year：申报年度 {d.fiscal_year} 不在 "
                               f"{FISCAL_YEARS[0]}–{FISCAL_YEARS[-1]} 之间）。")
    return [d.model_copy(update={"id": None}) for d in payload.declarations]


class _HugeNumber:
    """An integer literal too long to be anything in a declaration (Python's int()
    refuses more than 4,300 digits with a ValueError, and SQLite holds 19)."""

    def __init__(self, digits: str):
        self.digits = len(digits.lstrip("-"))


def _parse_int(digits: str):
    return int(digits) if len(digits) <= 100 else _HugeNumber(digits)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unstorable(data) -> str | None:
    """"path：reason" for the first value that no database (nor UTF-8 file) can hold:
    a lone surrogate from a "\\ud800" escape, or an absurdly long number."""
    stack = [((), data)]
    while stack:  # not recursive: the data may nest hundreds of levels
        path, value = stack.pop()
        where = ".".join(map(str, path)) or "（最外层）"
        if isinstance(value, dict):
            if any(_SURROGATE.search(k) for k in value):
                return f"{where}：有一个名称含有无效字符（不成对的代理项）"
            stack.extend(reversed([(path + (k,), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(path + (i,), v) for i, v in enumerate(value)]))
        elif isinstance(value, str) and (m := _SURROGATE.search(value)):
            return f"{where}：含有无效字符 U+{ord(m.group()):04X}（不成对的代理项，不是任何文字）"
        elif isinstance(value, _HugeNumber):
            return f"{where}：数字有 {value.digits:,} 位，超出范围"
    return None


_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]')


def _too_deep_at(text: str, limit: int = 64) -> str:
    """The path where the nesting of a JSON text first goes deeper than ``limit``."""
    path: list = []  # per open container: the current key or index
    key = ""
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            if len(path) >= limit:
                break
            path.append(0 if token == "[" else "")
        elif token in "]}":
            if path:
                path.pop()
        elif token == ",":
            if path and isinstance(path[-1], int):
                path[-1] += 1
        elif token == ":":
            if path:
                path[-1] = key
        else:
            key = token[1:-1]
    shown = ".".join(map(str, path[:8]))
    return (shown + "…" if len(path) > 8 else shown) or "（最外层）"


# Pydantic's reasons in Chinese; any other is shown in pydantic's own words.
_REASONS = {
    "missing": "缺少此项", "extra_forbidden": "不认识的项目", "string_type": "应为文字",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "finite_number": "应为有限的数", "list_type": "应为列表", "model_type": "应为对象", "dict_type": "应为对象",
}


def _reason(error: dict) -> str:
    kind = error["type"]
    if kind == "literal_error":
        return "应为 " + str(error.get("ctx", {}).get("expected", "")).replace(" or ", " 或 ")
    if kind.startswith(("datetime", "date_")):
        return "应为日期时间，如 2024-01-01T08:00:00"
    return _REASONS.get(kind, error["msg"])


def import_json(path: Path) -> list[Declaration]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFailed(f"{path.name}：文件过大，不是申报表交换文件。")
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path.name}：无法读取文件（{exc.strerror}）。") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{path.name}：不是 UTF-8 编码的 JSON 文件。") from None
    return loads(text, path.name)


def json_schema() -> dict:
    schema = ExchangeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "jixiao/declarations-v1.schema.json"
    return schema


def write_schema() -> Path:
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return SCHEMA_FILE


if __name__ == "__main__":
    print(write_schema())
