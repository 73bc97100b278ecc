"""Suggestion latency: a key in a 三级指标 cell -> the popup filled and shown.

A temporary database holds 5,000 library entries and the indicator rows of
10,000 declarations (about 90,000 rows from 200 units). The real window is
opened on it; the 三级指标 editor of a row is opened and words are typed into
it, Chinese as input-method commits and pinyin / initials key by key. Each
sample is one key (or one commit) sent to the editor, up to the popup filled
and painted. Also prints the one-time cost of the first use (reading and
keying the library and the history), which start-up no longer pays.

    python benchmarks/suggest.py [--entries 5000] [--declarations 10000]

Goal: p95 < 30 ms (the issue asks the popup within 50 ms of a keystroke).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402

WORDS = ["满意度", "manyidu", "myd", "培训", "peixuncishu", "应急", "yjyl", "系统稳定", "xtwdl", "成本",
         "renyuanjingfei", "验收通过率", "ysytgl", "及时性", "jishixing", "宣传", "xcyl", "网格", "wanggeyuan"]
KINDS = ["信息化", "培训", "会议", "设备", "工程", "购买服务", "宣传", "补助", "应急", "网格", "值班", "车辆",
         "档案", "物业", "绿化", "执法", "安全", "民意", "热线", "数据", "课题", "规划", "志愿", "环卫"]


def make_database(path: Path, n_entries: int, n_decls: int) -> None:
    import desktop.services.checking  # noqa: F401  (the store's problem counter)
    from desktop.domain.library import LibraryEntry
    from desktop.domain.model import Declaration, Header, Indicator
    from desktop.services.library import starter_entries
    from desktop.store.database import open_database
    from desktop.store.library import write_entries
    from desktop.store.repository import Repository

    rnd = random.Random(11)
    starter = starter_entries()[1]
    entries = {e.key: e for e in starter}
    while len(entries) < n_entries:  # more entries in the same categories: "信息化系统稳定率", …
        e = rnd.choice(starter)
        name = f"{rnd.choice(KINDS)}{e.name}" if rnd.random() < 0.7 else f"{e.name}（{rnd.choice(KINDS)}）"
        entries[(e.level1, e.level2, name)] = LibraryEntry(e.level1, e.level2, name, e.target, e.explanation,
                                                           e.keywords, "某区财政局指标库")
    pool = list(entries.values())
    units = [f"某区第{i}街道办事处" for i in range(200)]
    with open_database(path) as db:
        write_entries(db, pool, setting=("library_seeded", 1))
        repo = Repository(db)
        batch = []
        for i in range(n_decls):
            rows = []
            for _ in range(9):
                e = rnd.choice(pool)
                name = e.name if rnd.random() < 0.8 else f"{e.name}{rnd.randint(1, 999)}"  # some of the users' own
                rows.append(Indicator(level1=e.level1, level2=e.level2, name=name, target="≥95%",
                                      explanation=e.explanation))
            batch.append(Declaration(header=Header(project_name=f"项目 {i + 1}", applicant_unit=rnd.choice(units)),
                                     indicators=rows))
            if len(batch) == 1000:
                repo.save_all(batch, counts=[(0, 0)] * len(batch))
                batch = []
        if batch:
            repo.save_all(batch, counts=[(0, 0)] * len(batch))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=5000)
    ap.add_argument("--declarations", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    db_path = tmp / "suggest.sqlite3"
    started = time.perf_counter()
    make_database(db_path, args.entries, args.declarations)
    print(f"database made in {time.perf_counter() - started:.1f} s: {args.entries:,} library entries, "
          f"{args.declarations:,} declarations")

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from desktop.domain.model import Declaration, Header, Indicator
    from desktop.qt.app import make_app
    from desktop.qt.main_window import MainWindow
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    app = make_app()
    with open_database(db_path) as db:
        mine = Repository(db).save(Declaration(header=Header(project_name="基准", applicant_unit="某区第7街道办事处"),
                                               indicators=[Indicator(level1="产出指标", level2=l2)
                                                           for l2 in ("数量指标", "质量指标", "时效指标", "成本指标")]
                                               + [Indicator(level1="满意度指标", level2="服务对象满意度指标")]))
    db = open_database(db_path)
    window = MainWindow(db)
    window.resize(1400, 900)
    window.show()
    window.finish_start()
    window.open_declaration(mine.id)
    access = window.indicator_tab.library_ui.library
    assert access._index is None and access._warming is None  # nothing read at start-up
    shown_at = time.perf_counter()
    window.tabs.setCurrentWidget(window.indicator_tab)  # reading starts on a thread
    app.processEvents()
    tab_ms = (time.perf_counter() - shown_at) * 1000
    view = window.indicator_tab.view
    delegate = window.indicator_tab.library_ui.delegate

    def open_editor(row: int) -> QLineEdit:
        index = view.model().index(row, 2)
        view.setCurrentIndex(index)
        view.edit(index)
        return next(w for w in view.findChildren(QLineEdit) if w.isVisible())

    started = time.perf_counter()
    editor = open_editor(4)  # at once: waits for the reading thread
    first_use = (time.perf_counter() - started) * 1000
    index = access.index()
    print(f"indicator tab shown in {tab_ms:.0f} ms; library + history read and keyed on a thread, "
          f"ready {(time.perf_counter() - shown_at) * 1000:.0f} ms after the tab was shown "
          f"(a 三级指标 editor opened at once waited {first_use:.0f} ms)")
    print(f"candidates: {len(index):,}, {index.history_count:,} of them from the history")
    started = time.perf_counter()
    access.stale()
    access.index()
    print(f"reading again without a thread (after opening another declaration, if typed at once): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")

    samples: list[float] = []
    shown = 0
    for round_no in range(args.rounds):
        for n, word in enumerate(WORDS):
            editor = open_editor((n + round_no) % 5)
            for ch in word:
                t0 = time.perf_counter()
                if ch.isascii():
                    QTest.keyClick(editor, ch)
                else:
                    event = QInputMethodEvent("", [])
                    event.setCommitString(ch)
                    QApplication.sendEvent(editor, event)
                popup = delegate.popup
                if popup is not None and popup.isVisible():
                    popup.repaint()
                    shown += 1
                samples.append((time.perf_counter() - t0) * 1000)
            QTest.keyClick(editor, Qt.Key.Key_Escape)  # the popup
            QTest.keyClick(editor, Qt.Key.Key_Escape)  # the editor
            app.processEvents()
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"keystroke -> popup filled: {len(samples)} keys ({shown} with the popup shown): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms   goal: p95 < 30 ms")
    window.close()
    db.close()


if __name__ == "__main__":
    main()
