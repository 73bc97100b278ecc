"""The command-line commands, Qt-free, on the same store/domain/io code as the window."""
from __future__ import annotations

import json
from pathlib import Path

from desktop import paths
from desktop.domain import rules
from desktop.domain.amounts import display_amount
from desktop.domain.template import registry
from desktop.io.errors import ImportFailed
from desktop.io.output import OutputRefused, check_output, disk_message
from desktop.store.database import DatabaseError, DatabaseLocked, open_database
from desktop.store.repository import NotFound, Repository
from desktop.store.write_errors import is_write_error, write_error_message


class CommandError(Exception):
    """Exit 2 with this one message on stderr."""


def _open(db_path: Path, write: bool):
    try:
        return open_database(db_path, write=write)
    except DatabaseLocked as exc:
        raise CommandError(f"{exc}（导入等写入操作需要先关闭窗口）") from None
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None


def _output(path: Path, kind: str, db_path: Path) -> Path:
    """The -o target, refused before any work when writing it could destroy something."""
    try:
        return check_output(path, kind, paths.database_files(db_path))
    except OutputRefused as exc:
        raise CommandError(str(exc)) from None


def _ids(repo: Repository, args) -> list[int]:
    if getattr(args, "all", False) or not args.ids:
        return repo.ids()
    known = set(repo.ids())
    missing = [i for i in args.ids if i not in known]
    if missing:
        raise CommandError(f"没有编号为 {', '.join(map(str, missing))} 的申报表")
    return list(args.ids)


def cmd_list(db_path: Path, args) -> int:
    with _open(db_path, write=False) as db:
        items = Repository(db).list_summaries()
    items.sort(key=lambda s: s.id)
    if args.json:
        out = [
            {"id": s.id, "project_name": s.project_name, "applicant_unit": s.applicant_unit,
             "budget_unit": s.budget_unit, "fiscal_year": s.fiscal_year, "annual_amount": s.annual_amount,
             "status": s.status, "errors": s.error_count, "warnings": s.warning_count,
             "updated_at": s.updated_at.isoformat() if s.updated_at else None}
            for s in items
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for s in items:
        print(f"{s.id}\t{s.fiscal_year}\t{s.status}\t{display_amount(s.annual_amount)}\t{s.project_name}")
    return 0


def cmd_import(db_path: Path, args) -> int:
    from desktop.io.importers import import_files, keeps_timestamps

    try:
        decls = import_files(args.files)
    except ImportFailed as exc:
        raise CommandError(str(exc)) from None
    with _open(db_path, write=True) as db:
        # one transaction: all or nothing; a full disk rolls it back
        try:
            saved = Repository(db).save_all(decls, keep_timestamps=keeps_timestamps(args.files))
        except Exception as exc:
            if not is_write_error(exc):
                raise
            raise CommandError(write_error_message(exc, "导入")) from None
    for d in saved:
        print(f"{d.id}\t{d.header.project_name}")
    return 0


def cmd_validate(db_path: Path, args) -> int:
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        try:
            decls = repo.load_many(_ids(repo, args))
        except NotFound as exc:
            raise CommandError(f"没有编号为 {exc} 的申报表") from None
    glyphs = _glyph_check()
    any_error = False
    report = []
    for d in decls:
        problems = rules.check(d, registry().get(d.template_id), glyphs)
        any_error |= rules.has_errors(problems)
        report.append((d, problems))
    if args.json:
        print(json.dumps([p.as_dict(d.id) for d, ps in report for p in ps], ensure_ascii=False, indent=2))
    else:
        for d, problems in report:
            errors = sum(p.is_error for p in problems)
            print(f"{d.id}\t{d.header.project_name}\t错误 {errors}，警告 {len(problems) - errors}")
            for p in problems:
                print(f"\t{'错误' if p.is_error else '警告'}\t{p.code}\t{p.field}\t{p.message}")
    return 1 if any_error else 0


def cmd_print(db_path: Path, args) -> int:
    from desktop.printing.render import render_to_file

    if not args.all and not args.ids:
        raise CommandError("请指定要打印的申报表编号，或使用 --all")
    out = _output(args.output, "pdf", db_path)
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        decls = repo.load_many(_ids(repo, args))
    if not decls:
        raise CommandError("数据库中没有申报表")
    try:
        result = render_to_file(decls, out)
    except OSError as exc:
        raise CommandError(disk_message(exc, out)) from None
    drafts = f"，其中 {len(result.drafts)} 份有错误，已加“草稿”标记" if result.drafts else ""
    print(f"已输出 {len(decls)} 份申报表，共 {result.pages} 页：{args.output}{drafts}")
    return 0


def cmd_export(db_path: Path, args) -> int:
    from desktop.io.exporters import EXPORTERS

    suffix = args.output.suffix.lower()
    if suffix not in EXPORTERS:
        raise CommandError(f"不支持导出为 {suffix or '无扩展名'} 文件（可用 .json 或 .xlsx）")
    if not args.all and not args.ids:
        raise CommandError("请指定要导出的申报表编号，或使用 --all")
    out = _output(args.output, suffix.lstrip("."), db_path)
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        decls = repo.load_many(_ids(repo, args))
    try:
        EXPORTERS[suffix](decls, out)
    except OutputRefused as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(disk_message(exc, out)) from None
    print(f"已导出 {len(decls)} 份申报表：{args.output}")
    return 0


def _glyph_check():
    try:
        from desktop.printing.fonts import missing_glyphs
    except ImportError:  # printing not available
        return None
    return missing_glyphs


def cmd_restore(db_path: Path, args) -> int:
    """Put a backup in place of the database, also when the database is damaged."""
    from desktop.store.backup import restore_database

    try:
        done = restore_database(db_path, args.backup)
    except DatabaseLocked as exc:
        raise CommandError(f"{exc}（恢复备份需要先关闭窗口）") from None
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    print(f"已从备份 {args.backup} 恢复 {done.declarations} 份申报表：{db_path}")
    if done.kept_aside:
        print(f"损坏的数据库已改名保留为 {done.kept_aside}")
    if done.safety:
        print(f"恢复前的数据另存在 {done.safety}")
    return 0
