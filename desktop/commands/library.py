"""`jixiao library search|list|import|export`: the 指标库 from the command line.

The same service functions as the window: ``library search`` prints the ranking
the popup shows (desktop.services.library.suggest).
"""
from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub) -> None:
    """The `library` subcommand and its own subcommands (called by desktop.cli)."""
    p = sub.add_parser("library", help="指标库：查找、导入、导出、列出")
    lib = p.add_subparsers(dest="library_command", required=True, metavar="{search,list,import,export}")
    s = lib.add_parser("search", help="查找指标（汉字、全拼或首字母：满意度 / manyidu / myd），与填表时的建议排序相同")
    s.add_argument("text")
    s.add_argument("--level2", default="", help="只列出这个二级指标下的（如 数量指标）")
    s.add_argument("--level1", default="", help="只列出这个一级指标下的")
    s.add_argument("--unit", default="", help="申请单位：本单位填过的指标排在前面")
    s.add_argument("--template", default="", help="指标框架（模板 id，默认 shenshan-2024）")
    s.add_argument("--limit", type=int, default=10, help="最多列出几条（默认 10）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = lib.add_parser("list", help="列出指标库中的全部指标")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = lib.add_parser("import", help="导入指标库（.xlsx 或 .json），与已有指标合并，不产生重复")
    s.add_argument("file", type=Path)
    s = lib.add_parser("export", help="导出指标库（.xlsx 或 .json）")
    s.add_argument("-o", "--output", type=Path, required=True, help="输出文件（.xlsx 或 .json）")


def cmd_library(db_path: Path, args) -> int:
    from desktop import commands

    action = {"search": _search, "list": _list, "import": _import, "export": _export}[args.library_command]
    return action(commands, db_path, args)


def _search(commands, db_path: Path, args) -> int:
    from desktop.domain.template import registry
    from desktop.services.library import load_index, suggest

    if args.template and args.template not in registry():
        known = "、".join(t.id for t in registry().all())
        raise commands.CommandError(f"没有指标框架“{args.template}”（可用：{known}）")
    template = registry().get(args.template) if args.template else registry().default
    if args.level2 and not any(args.level2 in template.level2_names(l1) for l1 in template.level1_names):
        names = "、".join(dict.fromkeys(n for l1 in template.level1_names for n in template.level2_names(l1)))
        raise commands.CommandError(f"指标框架“{template.id}”中没有二级指标“{args.level2}”（可用：{names}）")
    with commands._open(db_path, write=False) as db:
        index = commands._run(lambda: load_index(db, seed=False))
    found = suggest(index, args.text, template=template, level1=args.level1, level2=args.level2,
                    unit=args.unit, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=2))
        return 0
    for s in found:
        print(f"{s.name}\t{s.target}\t{s.level1}/{s.level2}\t{s.source}\t{s.explanation}")
    return 0


def _list(commands, db_path: Path, args) -> int:
    from desktop.services.library import entries

    with commands._open(db_path, write=False) as db:
        items = entries(db)
    if args.json:
        fields = ("level1", "level2", "name", "target", "explanation", "keywords", "source")
        print(json.dumps([{f: getattr(e, f) for f in fields} for e in items], ensure_ascii=False, indent=2))
        return 0
    for e in items:
        print(f"{e.level1}\t{e.level2}\t{e.name}\t{e.target}\t{e.source}")
    return 0


def _import(commands, db_path: Path, args) -> int:
    from desktop.services.library import import_library

    with commands._open(db_path, write=True) as db:
        report = commands._run(lambda: import_library(db, args.file))
    commands._report(report.lines())
    return 0


def _export(commands, db_path: Path, args) -> int:
    from desktop import paths
    from desktop.services.library import export_library

    with commands._open(db_path, write=False) as db:
        out, count = commands._run(lambda: export_library(db, args.output, paths.database_files(db_path)))
    print(f"已导出 {count} 条指标：{out}")
    return 0
