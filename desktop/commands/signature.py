"""`jixiao signature`: the signature block printed under a form, per 申请单位.

The same store as 设置 → 签字栏… in the window (desktop.services.settings).
Without values it prints the block a unit's forms print; with values it
changes them (writing, so the window must be closed, as for `import`).
"""
from __future__ import annotations

import json
from pathlib import Path

from desktop.domain.signature import LABELS, Signature

# Command-line option (argparse dest) -> Signature field, in printed order.
OPTIONS = {"filled_by": "--filled-by", "phone": "--phone", "head": "--head", "date": "--date"}
DEFAULT_NAME = "所有单位的默认值"


def add_parser(sub) -> None:
    """The `signature` subcommand, for desktop.cli."""
    s = sub.add_parser("signature", help="查看或设置打印在表下的签字栏（填报人、联系电话、单位负责人、填报日期），可按申请单位分别设置")
    s.add_argument("--unit", default="", metavar="申请单位", help="申请单位（不指定时为所有单位的默认值）")
    for (dest, option), label in zip(OPTIONS.items(), LABELS, strict=True):
        s.add_argument(option, dest=dest, metavar="文字", help=f"{label}（空字符串 \"\" 表示留空，打印后手写）")
    s.add_argument("--clear", action="store_true",
                   help="清除：不带其他值时删除该单位的签字栏（改用默认值）；带值时只保留给出的值")
    s.add_argument("--json", action="store_true", help="输出 JSON")


def cmd_signature(db_path: Path, args) -> int:
    from desktop.commands import _open, _run
    from desktop.services.settings import update_signature

    unit = args.unit.strip()
    values = {dest: getattr(args, dest) for dest in OPTIONS if getattr(args, dest) is not None}
    if values or args.clear:
        with _open(db_path, write=True) as db:
            _run(lambda: update_signature(db, unit, values, replace=args.clear))
            shown = _block(db, unit)
    else:
        with _open(db_path, write=False) as db:
            shown = _block(db, unit)
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    print(f"申请单位：{unit or DEFAULT_NAME}")
    source = shown["source"]
    if source is None:
        print("（尚未设置签字栏：打印时各项留空，由人手写）")
    elif source == "default" and unit:
        print(f"（本单位没有单独设置，使用{DEFAULT_NAME}）")
    for dest, label in zip(OPTIONS, LABELS, strict=True):
        print(f"{label}：{shown[dest]}")
    return 0


def _block(db, unit: str) -> dict:
    """What the unit's forms print, and where it comes from: "unit", "default" or None (nothing set)."""
    from desktop.services.settings import own_signature

    source: str | None = "unit" if unit else "default"
    signature = own_signature(db, unit)
    if signature is None and unit:
        signature, source = own_signature(db, ""), "default"
    if signature is None:
        signature, source = Signature(), None
    return {"unit": unit, "source": source, **{dest: getattr(signature, dest) for dest in OPTIONS}}
