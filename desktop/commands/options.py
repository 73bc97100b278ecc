"""`jixiao options FIELD [--add V] [--remove V] [--json]`: the editable option lists (项目类型 …)."""
from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub) -> None:
    s = sub.add_parser("options", help="查看或编辑选项列表（如项目类型）：已添加或用过的值不再提示“不在列表中”")
    s.add_argument("field", help="字段，如 header.project_type（或 project_type、项目类型）")
    s.add_argument("--add", action="append", default=[], metavar="值", help="把值加入列表（可重复）")
    s.add_argument("--remove", action="append", default=[], metavar="值", help="把添加过的值移出列表（可重复）")
    s.add_argument("--json", action="store_true", help="输出 JSON：[{\"value\", \"source\"}]")


def cmd_options(db_path: Path, args) -> int:
    from desktop.commands import _open, _run
    from desktop.services.options import SOURCES, add_value, field_path, known_values, remove_value

    field = _run(lambda: field_path(args.field))
    writes = bool(args.add or args.remove)
    with _open(db_path, write=writes) as db:
        for value in args.add:
            _run(lambda value=value: add_value(db, field, value))
        for value in args.remove:
            _run(lambda value=value: remove_value(db, field, value))
        values = known_values(db, field)
    if args.json:
        print(json.dumps([{"value": v.value, "source": v.source} for v in values], ensure_ascii=False, indent=2))
        return 0
    for v in values:
        print(f"{v.value}\t{SOURCES[v.source]}")
    return 0
