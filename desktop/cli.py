"""Command line: the same code paths as the window (PRODUCT.md §6)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop import paths


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jixiao", description="二级项目支出绩效目标申报表")
    p.add_argument("--db", type=Path, help=f"数据库文件（默认在用户数据目录；也可用环境变量 {paths.DB_ENV}）")
    sub = p.add_subparsers(dest="command")
    s = sub.add_parser("list", help="列出申报表")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = sub.add_parser("import", help="导入申报表文件（.txt .json .xlsx .xls .et .ods .docx）")
    s.add_argument("files", nargs="+", type=Path)
    s.add_argument("--on-duplicate", choices=("refuse", "skip", "replace", "keep"), default="refuse",
                   help="项目编码和申报年度与已有申报表相同时：refuse 不导入（默认）、skip 跳过、"
                        "replace 覆盖已有的（原内容保存为修订记录）、keep 保留两份")
    s = sub.add_parser("validate", help="检查申报表")
    s.add_argument("ids", nargs="*", type=int)
    s.add_argument("--all", action="store_true")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("print", help="打印为 PDF")
    s.add_argument("ids", nargs="*", type=int)
    s.add_argument("--all", action="store_true")
    s.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    s = sub.add_parser("export", help="导出为 JSON 或 Excel")
    s.add_argument("ids", nargs="*", type=int)
    s.add_argument("--all", action="store_true")
    s.add_argument("-o", "--output", type=Path, required=True, help="输出文件（.json 或 .xlsx）")
    s.add_argument("--with-history", action="store_true", help="JSON 文件中带上每份申报表的修订记录")
    for name, text in (("copy-forward", "复制到下一年度（新草稿，申报年度 + 1），输出 编号<TAB>项目名称"),
                       ("finalize", "定稿（有错误时拒绝）"), ("draft", "退回草稿")):
        s = sub.add_parser(name, help=text)
        s.add_argument("ids", nargs="+", type=int)
    s = sub.add_parser("backup", help="把数据库备份到一个文件（复制后检查；不会覆盖任何数据库）")
    s.add_argument("-o", "--output", type=Path, required=True, help="备份文件（.sqlite3）")
    s = sub.add_parser("restore", help="用备份替换数据库（数据库已损坏时也可用；损坏的文件改名保留）")
    s.add_argument("backup", type=Path, help="备份文件（如 backups/jixiao-20261110.sqlite3）")
    s = sub.add_parser("delete", help="把申报表移到回收站（可用 restore-deleted 恢复），输出 编号<TAB>项目名称")
    s.add_argument("ids", nargs="+", type=int)
    s = sub.add_parser("trash", help="列出回收站中的申报表")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = sub.add_parser("restore-deleted", help="把申报表从回收站恢复到列表，输出 编号<TAB>项目名称")
    s.add_argument("ids", nargs="+", type=int)
    s = sub.add_parser("history", help="修订记录，最新的在前")
    s.add_argument("id", type=int)
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = sub.add_parser("restore-revision", help="把申报表恢复为某一修订的内容（当前内容先保留为修订，不会丢失）")
    s.add_argument("id", type=int)
    s.add_argument("revision", type=int, help="修订号（见 history）")
    s = sub.add_parser("diff", help="比较申报表：与上年度（默认）、另一份申报表或某一修订")
    s.add_argument("id", type=int)
    s.add_argument("--rev", type=int, help="用这一修订（见 history）代替当前内容；单独使用时比较该修订与当前内容")
    s.add_argument("--against", type=int, metavar="ID2", help="与编号为 ID2 的申报表比较")
    s.add_argument("--previous-year", action="store_true", help="与上年度的申报表比较（默认）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = sub.add_parser("find-print", help="由打印页脚上的修订码找出申报表和修订")
    s.add_argument("code", help="修订码（8 位，如 3FA2C91B）")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s = sub.add_parser("empty-trash", help="彻底删除回收站中的申报表（不指定编号时清空回收站；不能恢复）")
    s.add_argument("ids", nargs="*", type=int)
    from desktop.commands.signature import add_parser as add_signature_parser  # issue 14

    add_signature_parser(sub)
    from desktop.commands.library import add_parser as add_library_parser  # issue 11

    add_library_parser(sub)  # library search|list|import|export
    from desktop.commands.options import add_parser as add_options_parser  # issue 12

    add_options_parser(sub)  # options FIELD [--add V] [--remove V]
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db_path = args.db or paths.default_db_path()
    if args.command is None:
        from desktop.qt.app import run_window

        return run_window(db_path)
    from desktop import commands

    try:
        code = getattr(commands, f"cmd_{args.command.replace('-', '_')}")(db_path, args)
        sys.stdout.flush()
        return code
    except commands.CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `jixiao list | head`: the reader stopped reading; that is no error of ours.
        # Point stdout at devnull so the interpreter's final flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # damage inside rows that quick_check cannot see
        reason = _unreadable(exc)
        if reason is None:
            raise
        try:
            sys.stdout.flush()  # what was printed before the damaged row
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"数据库中的内容无法读取（可能已损坏）：{reason}。文件未做任何改动；"
              "可以从备份恢复（jixiao restore 备份文件）。", file=sys.stderr)
        return 2


def _unreadable(exc: BaseException) -> str | None:
    """A short reason when ``exc`` is what a damaged database file raises while its rows
    are read (a value no model accepts, bytes that are not UTF-8, SQLite's own
    complaint); None for anything else, which stays a bug to be reported."""
    import sqlite3

    from pydantic import ValidationError

    from sqlalchemy.exc import DBAPIError

    orig = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else None
    if isinstance(orig, BaseException):
        exc = orig
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        first: dict = dict(errors[0]) if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        value = repr(first.get("input"))[:40] if "input" in first else ""
        reason = f"{where} 的值 {value} 不合要求" if where and value else f"{exc.title} 的内容不合要求"
    elif isinstance(exc, UnicodeDecodeError):
        reason = "有文字不是有效的 UTF-8 编码"
    elif isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        reason = "有文字不是有效的 UTF-8 编码" if "decode to UTF-8" in text else f"SQLite：{text}"
    else:
        return None
    return " ".join(reason.split())[:200]
