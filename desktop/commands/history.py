"""`jixiao history`, `restore-revision` and `find-print`: the revisions of issue 13 on the
command line, through desktop.services.revisions as the window's history panel."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop.commands import _open, _run
from desktop.store.repository import Repository


def cmd_history(db_path: Path, args) -> int:
    """The revisions of one declaration, newest first."""
    from desktop.services.revisions import history

    with _open(db_path, write=False) as db:
        found = _run(lambda: history(Repository(db), args.id))
    if args.json:
        print(json.dumps([i.as_dict() for i in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(f"编号为 {args.id} 的申报表还没有修订记录")
    for i in found:
        print(f"{i.number}\t{i.saved_at:%Y-%m-%d %H:%M:%S}\t{i.reason}\t{i.code}\t{i.summary}")
    return 0


def cmd_restore_revision(db_path: Path, args) -> int:
    """Make an earlier revision the current state (a new revision; nothing is lost)."""
    from desktop.services.revisions import history, restore

    with _open(db_path, write=True) as db:
        repo = Repository(db)
        saved = _run(lambda: restore(repo, args.id, args.revision))
        latest = history(repo, args.id)[0]
    print(f"已把《{saved.header.project_name or '未命名'}》恢复为第 {args.revision} 版"
          f"（现为第 {latest.number} 版，修订码 {latest.code}；原来的内容保留在修订记录中）")
    return 0


def cmd_find_print(db_path: Path, args) -> int:
    """The declaration and revision a printed copy was made from; exit 1 when none."""
    from desktop.services.revisions import find_print

    with _open(db_path, write=False) as db:
        found = _run(lambda: find_print(Repository(db), args.code))
    if args.json:
        print(json.dumps([f.as_dict() for f in found], ensure_ascii=False, indent=2))
        return 0 if found else 1
    if not found:
        from desktop.domain.revision_code import normalise_code

        print(f"没有找到修订码为 {normalise_code(args.code)} 的申报表：这份打印件不是从本数据库打印的，"
              "或修订码抄错了（请核对页脚上的 8 位修订码）。", file=sys.stderr)
        return 1
    for f in found:
        numbers = "、".join(f"第 {n} 版" for n in f.revisions)
        notes = [n for n, on in (("即当前内容", f.current), ("在回收站中", f.in_trash)) if on]
        note = f"（{'，'.join(notes)}）" if notes else ""
        print(f"{f.declaration_id}\t{f.fiscal_year}\t{f.project_name or '（未命名）'}\t{numbers}{note}")
    return 0
