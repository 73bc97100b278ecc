"""Lossless JSON exchange of declarations, with a schema version.

Export, import into an empty database and export again give the same bytes:
keys are written in a fixed order, and import keeps the timestamps.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from desktop.domain.model import Declaration
from desktop.io.errors import MAX_FILE_BYTES, ImportFailed

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
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(dumps(decls), encoding="utf-8")
    tmp.replace(out)


def loads(text: str, source: str = "JSON") -> list[Declaration]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{source}：不是有效的 JSON（第 {exc.lineno} 行）。") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed(f"{source}：不是申报表交换文件（缺少 \"format\": \"{FORMAT}\"）。")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ImportFailed(f"{source}：交换文件版本 {data.get('schema_version')} 不受支持（本程序支持 {SCHEMA_VERSION}）。")
    try:
        payload = ExchangeFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFailed(f"{source}：内容有误（{where}：{first['msg']}）。") from None
    return [d.model_copy(update={"id": None}) for d in payload.declarations]


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
