"""The command-line commands, Qt-free, on the same services as the window.

The general commands (list, import, validate, print, export, …) are here; the
groups added later have a module each (history, years, library, options,
signature), imported at the end so that cli.py finds every ``cmd_<name>`` here."""
from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

from desktop import paths
from desktop.domain import rules
from desktop.domain.amounts import display_amount
from desktop.services.check_context import iter_checked
from desktop.services.errors import ServiceError
from desktop.store.database import DatabaseError, DatabaseLocked, open_database
from desktop.store.repository import NotFound, Repository


class CommandError(Exception):
    """Exit 2 with this one message on stderr."""


def _open(db_path: Path, write: bool):
    try:
        return open_database(db_path, write=write)
    except DatabaseLocked as exc:
        raise CommandError(f"{exc}（导入等写入操作需要先关闭窗口）") from None
    except DatabaseError as exc:
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
    from desktop.services.importing import OnDuplicate, import_files

    on_duplicate: OnDuplicate = getattr(args, "on_duplicate", "refuse")
    with _open(db_path, write=True) as db:
        done = _run(lambda: import_files(Repository(db), args.files, on_duplicate=on_duplicate))
    _report([f"{saved.id}\t{saved.name}" for saved in done.saved])  # after the commit: all saved
    if done.replaced:
        print(f"已覆盖 {len(done.replaced)} 份项目编码和申报年度相同的申报表（原内容保存为修订记录）", file=sys.stderr)
    if done.skipped:
        print(f"已跳过 {len(done.skipped)} 份项目编码和申报年度重复的申报表：", file=sys.stderr)
        for d in done.skipped[:20]:
            print(f"  {d.describe()}", file=sys.stderr)
    for note in done.notes:  # on stderr: stdout stays one id<TAB>项目名称 line per declaration
        print(f"注：{note}", file=sys.stderr)
    return 0


def cmd_validate(db_path: Path, args) -> int:
    """Streams: declarations are loaded in batches and reported as they are checked,
    so memory stays flat for a bureau's 100,000."""
    any_error = False
    first = True
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        ids = _ids(repo, args)
        if args.json:
            sys.stdout.write("[")
        try:
            for d, problems in iter_checked(repo, repo.iter_declarations(ids)):  # with last year, duplicates
                any_error |= rules.has_errors(problems)
                if args.json:
                    for p in problems:  # the same text as json.dumps(list, indent=2), one item at a time
                        item = json.dumps(p.as_dict(d.id), ensure_ascii=False, indent=2)
                        sys.stdout.write(("\n" if first else ",\n") + textwrap.indent(item, "  "))
                        first = False
                    continue
                errors = sum(p.is_error for p in problems)
                print(f"{d.id}\t{d.header.project_name}\t错误 {errors}，警告 {len(problems) - errors}")
                for p in problems:
                    print(f"\t{'错误' if p.is_error else '警告'}\t{p.code}\t{p.field}\t{p.message}")
        except NotFound as exc:
            raise CommandError(f"没有编号为 {exc} 的申报表") from None
    if args.json:
        sys.stdout.write("]\n" if first else "\n]\n")
    return 1 if any_error else 0


def _chosen(db_path: Path, args, what: str) -> list:
    if not args.all and not args.ids:
        raise CommandError(f"请指定要{what}的申报表编号，或使用 --all")
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        decls = repo.load_many(_ids(repo, args))
    if not decls:
        raise CommandError("数据库中没有申报表")
    return decls


def cmd_print(db_path: Path, args) -> int:
    from desktop.services.outputs import checked_target, print_pdf

    protected = paths.database_files(db_path)
    out = _run(lambda: checked_target(args.output, "pdf", protected))  # refused before any work
    decls = _chosen(db_path, args, "打印")
    with _open(db_path, write=False) as db:  # the printed contents become revisions (find-print)
        result = _run(lambda: print_pdf(decls, out, protected, repo=Repository(db)))
    drafts = f"，其中 {len(result.drafts)} 份有错误，已加“草稿”标记" if result.drafts else ""
    print(f"已输出 {len(decls)} 份申报表，共 {result.pages} 页：{out}{drafts}")
    return 0


def cmd_export(db_path: Path, args) -> int:
    from desktop.services.outputs import EXPORT_KINDS, checked_target, export

    protected = paths.database_files(db_path)
    suffix = args.output.suffix.lower()
    if suffix not in EXPORT_KINDS:
        raise CommandError(f"不支持导出为 {suffix or '无扩展名'} 文件（可用 .json 或 .xlsx）")
    _run(lambda: checked_target(args.output, EXPORT_KINDS[suffix], protected))
    if not args.all and not args.ids:
        raise CommandError("请指定要导出的申报表编号，或使用 --all")
    with _open(db_path, write=False) as db:
        repo = Repository(db)
        ids = _ids(repo, args)
        if not ids:
            raise CommandError("数据库中没有申报表")
        try:  # read a batch at a time while the file is written: memory stays flat however many
            out = _run(lambda: export(repo.iter_declarations(ids), args.output, protected, repo=repo,
                                      with_history=getattr(args, "with_history", False)))
        except NotFound as exc:  # deleted from the window meanwhile; the half-written file is gone
            raise CommandError(f"没有编号为 {exc} 的申报表") from None
    print(f"已导出 {len(ids)} 份申报表：{out}")
    return 0


def _report(lines: list[str]) -> None:
    """Print what a writing command did, only once all of it is done: a reader that
    stops early (`… | head -1`) can cut the report short, never the work."""
    for line in lines:
        print(line)


def _each_saved(db_path: Path, args, action) -> int:
    """Run a service on each named declaration; one transaction each. The names are
    printed after the last one (or after a refusal, before its message)."""
    done: list[str] = []
    try:
        with _open(db_path, write=True) as db:
            repo = Repository(db)
            try:
                decls = repo.load_many(_ids(repo, args))
            except NotFound as exc:
                raise CommandError(f"没有编号为 {exc} 的申报表") from None
            for d in decls:
                made = _run(lambda d=d: action(repo, d))
                done.append(f"{made.id}\t{made.header.project_name}")
    except CommandError:
        try:  # those saved before the refusal are saved: say which, then the refusal
            _report(done)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader is gone; keep the final flush quiet, still exit 2
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise
    _report(done)
    return 0


def cmd_copy_forward(db_path: Path, args) -> int:
    from desktop.services.declarations import copy_forward

    return _each_saved(db_path, args, copy_forward)


def cmd_finalize(db_path: Path, args) -> int:
    from desktop.services.declarations import FINAL, set_status

    return _each_saved(db_path, args, lambda repo, d: set_status(repo, d, FINAL))


def cmd_draft(db_path: Path, args) -> int:
    from desktop.services.declarations import DRAFT, set_status

    return _each_saved(db_path, args, lambda repo, d: set_status(repo, d, DRAFT))


def _run(action):
    """Call a service; its refusal becomes exit 2 with the message."""
    try:
        return action()
    except ServiceError as exc:
        raise CommandError(str(exc)) from None


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


def cmd_backup(db_path: Path, args) -> int:
    """The same checked copy as 文件 → 备份数据库; reading only, so it works beside the window."""
    from desktop.services.backups import backup

    with _open(db_path, write=False) as db:
        out = _run(lambda: backup(db, args.output))
    print(f"已备份到 {out}")
    return 0


# -- the 回收站 (desktop.services.trash) ---------------------------------------------------
def cmd_delete(db_path: Path, args) -> int:
    """Move declarations to the 回收站; prints id<TAB>项目名称 of each."""
    from desktop.services.trash import move_to_trash

    with _open(db_path, write=True) as db:
        repo = Repository(db)
        _run(lambda: move_to_trash(repo, args.ids))
        names = {t.id: t.project_name for t in repo.trashed()}
    _report([f"{decl_id}\t{names.get(decl_id, '')}" for decl_id in dict.fromkeys(args.ids)])
    return 0


def cmd_trash(db_path: Path, args) -> int:
    """What is in the 回收站, most recently deleted first."""
    from desktop.services.trash import list_trash

    with _open(db_path, write=False) as db:
        items = list_trash(Repository(db))
    if args.json:
        out = [{"id": t.id, "project_name": t.project_name, "project_code": t.project_code,
                "applicant_unit": t.applicant_unit, "fiscal_year": t.fiscal_year, "annual_amount": t.annual_amount,
                "status": t.status, "deleted_at": t.deleted_at.isoformat(timespec="seconds")} for t in items]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for t in items:
        print(f"{t.id}\t{t.deleted_at:%Y-%m-%d %H:%M}\t{t.fiscal_year}\t{t.project_name}")
    return 0


def cmd_restore_deleted(db_path: Path, args) -> int:
    """Put declarations back from the 回收站; prints id<TAB>项目名称 of each."""
    from desktop.services.trash import restore

    with _open(db_path, write=True) as db:
        repo = Repository(db)
        _run(lambda: restore(repo, args.ids))
        lines = [f"{decl_id}\t{repo.summary(decl_id).project_name}" for decl_id in dict.fromkeys(args.ids)]
    _report(lines)
    return 0


def cmd_empty_trash(db_path: Path, args) -> int:
    """Erase for good what is in the 回收站 (or only the ids given)."""
    from desktop.services.trash import purge

    with _open(db_path, write=True) as db:
        done = _run(lambda: purge(Repository(db), args.ids or None))
    print(f"已彻底删除回收站中的 {done} 份申报表" if done else "回收站是空的")
    return 0


from desktop.commands.history import cmd_find_print, cmd_history, cmd_restore_revision  # noqa: E402,F401  (issue 13)
from desktop.commands.years import cmd_diff  # noqa: E402,F401  (issue 13: years)
from desktop.commands.signature import cmd_signature  # noqa: E402,F401  (issue 14: the signature block)
from desktop.commands.library import cmd_library  # noqa: E402,F401  (issue 11: the 指标库)
from desktop.commands.options import cmd_options  # noqa: E402,F401  (issue 12: option lists)
