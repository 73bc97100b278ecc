"""`jixiao diff`: what changed against last year, another declaration or a revision (issue 13),
through desktop.services.compare as the window's comparison view."""
from __future__ import annotations

import json
from pathlib import Path

from desktop.commands import CommandError, _open, _run
from desktop.domain.diff import Piece, RowChange
from desktop.store.repository import Repository

_CHANGE = {"added": "新增", "removed": "删除", "changed": "修改"}


def cmd_diff(db_path: Path, args) -> int:
    """diff ID [--rev N] [--against ID2|--previous-year] [--json]"""
    from desktop.services.compare import diff

    if args.against is not None and args.previous_year:
        raise CommandError("--against 与 --previous-year 只能选一个")
    with _open(db_path, write=False) as db:
        done = _run(lambda: diff(Repository(db), args.id, args.rev, args.against, args.previous_year))
    if args.json:
        print(json.dumps(done.as_dict(), ensure_ascii=False, indent=2))
        return 0
    c = done.comparison
    print(f"原：{done.old.title}")
    print(f"新：{done.new.title}")
    print(c.summary())
    for f in c.header:
        if f.changed:
            print(f"{f.label}\t{f.old}\t→\t{f.new}")
    for f in c.texts:
        if f.changed:
            print(f"{f.label}：{_marked(f.pieces())}")
    for kind, rows in (("测算依据", c.cost_items), ("绩效指标", c.indicators)):
        for r in rows:
            if r.change != "same":
                print(f"{kind}\t{_CHANGE[r.change]}\t{_row(r)}")
    return 0


def _marked(pieces: list[Piece]) -> str:
    """A text with its changes inline: [-删去的-]{+加上的+}."""
    out = []
    for tag, old, new in pieces:
        if tag == "equal":
            out.append(new if len(new) <= 40 else f"{new[:15]}…{new[-15:]}")
            continue
        if old:
            out.append(f"[-{old}-]")
        if new:
            out.append(f"{{+{new}+}}")
    return "".join(out).replace("\n", "⏎")


def _row(r: RowChange) -> str:
    side = r.new if r.new is not None else r.old
    assert side is not None
    if "name" in side:  # an indicator
        what = f"{side['level1']}/{side['level2']}/{side['name']}"
        if r.change == "changed" and r.old is not None and r.new is not None:
            parts = [f"{'目标值' if f == 'target' else '指标解释'}“{r.old[f]}”→“{r.new[f]}”" for f in r.fields]
            return what + "：" + "；".join(parts) + ("（目标降低）" if r.weaker else "")
        return f"{what}：{side['target']}"
    if r.change == "changed" and r.old is not None and r.new is not None:
        return f"第 {(r.new_index or 0) + 1} 项：" + "；".join(f"“{r.old[f]}”→“{r.new[f]}”" for f in r.fields)
    return f"{side['text'][:40]}（{side['amount'] or '无金额'}）"
