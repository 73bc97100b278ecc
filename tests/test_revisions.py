"""Revisions (issue 13): made at each trigger, read back exactly, restored without loss,
traced from a printed page, carried by JSON exports; the command line's history and find-print."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from cli_helpers import db_dump, run
from desktop.domain.model import Indicator
from desktop.domain.revision_code import revision_code
from desktop.domain.revisions import KEYFRAME_EVERY, change_summary
from desktop.services import revisions
from desktop.store.database import open_database
from desktop.store.repository import Repository

FIXTURES = Path(__file__).parent / "fixtures"


def reasons(repo: Repository, decl_id: int) -> list[str]:
    return [i.reason for i in revisions.history(repo, decl_id)]


def edited(repo: Repository, decl_id: int, goals: str):
    """Save an edit as the window's autosave does (no revision by itself)."""
    d = repo.load(decl_id)
    d.texts.annual_goals = goals
    return repo.save(d)


# -- the service -------------------------------------------------------------------------
def test_a_revision_is_made_only_when_the_content_changed(repo, samples):
    a, b = repo.save_all(samples[:2])
    assert revisions.record(repo, [a.id, b.id], "导入") == [1, 1]
    assert revisions.record(repo, [a.id, b.id], "打印") == [], "the same content is kept already"
    edited(repo, a.id, "新的年度目标")
    assert revisions.record(repo, [a.id, b.id], "编辑") == [2]
    history = revisions.history(repo, a.id)
    assert [(i.number, i.reason) for i in history] == [(2, "编辑"), (1, "导入")], "newest first"
    assert history[0].code == revision_code(repo.load(a.id))
    assert history[0].summary == "改了 年度目标"
    assert history[1].summary == "第一个版本"


def test_the_summary_names_what_changed(samples):
    old = samples[0]
    new = old.model_copy(deep=True)
    new.texts.annual_goals += "再培训 2 次。"
    new.indicators[0].target = "≥99%"
    new.indicators[1].target = "≥98%"
    new.indicators.append(Indicator(level1="产出指标", level2="数量指标", name="培训次数", target="≥2次"))
    del new.cost_items[0]
    new.header.total_amount = "1"
    label = {"texts.annual_goals": "年度目标", "header.total_amount": "项目总金额（中期规划，元）"}.get
    assert change_summary(old, new, lambda p: label(p) or p) == \
        "改了 项目总金额、年度目标、2 个指标；删 1 项测算；加 1 行指标"
    final = old.model_copy(deep=True)
    final.status = "定稿"
    assert change_summary(old, final) == "改为定稿"
    assert change_summary(old, old.model_copy(deep=True)) == "内容未变"


def test_every_revision_reads_back_exactly_across_full_copies_and_deltas(repo, samples):
    d = repo.save(samples[2])
    states = []
    for i in range(KEYFRAME_EVERY * 2 + 5):  # crosses two full copies
        d.texts.annual_goals = f"第 {i} 次修改的年度目标"
        if i % 7 == 3:
            d.indicators.append(Indicator(level1="产出指标", level2="数量指标", name=f"指标{i}", target=f"≥{i}次"))
        if i % 11 == 5 and d.cost_items:
            d.cost_items.pop()
        d = repo.save(d)
        revisions.record(repo, [d.id], "编辑")
        states.append(d.model_copy(deep=True))
    history = {i.number: i for i in revisions.history(repo, d.id)}
    assert sorted(history) == list(range(1, len(states) + 1))
    for number, state in enumerate(states, 1):
        back = revisions.load_revision(repo, d.id, number)
        assert back.content_equals(state), number
        assert revision_code(back) == history[number].code
    con = sqlite3.connect(repo.db.path)
    kinds = dict(con.execute("SELECT number, substr(content, 1, 1) FROM revisions WHERE declaration_id = ?", (d.id,)))
    con.close()
    assert kinds[1] == kinds[KEYFRAME_EVERY + 1] == b"F" and kinds[2] == b"D", "full copies and deltas"


def test_restore_keeps_the_newer_state_as_a_revision(repo, samples):
    d = repo.save(samples[0])
    revisions.record(repo, [d.id], "导入")
    first = repo.load(d.id)
    newer = edited(repo, d.id, "没有保留成修订的最新内容")  # saved, not yet kept
    restored = revisions.restore(repo, d.id, 1)
    assert restored.content_equals(first)
    assert repo.load(d.id).content_equals(first), "the old content is the current state"
    history = revisions.history(repo, d.id)
    assert [i.reason for i in history] == ["恢复", "恢复前", "导入"]
    assert history[0].summary.startswith("恢复第 1 版")
    assert revisions.load_revision(repo, d.id, 2).content_equals(newer), "the newer state is not lost"
    # and it can be restored in turn
    revisions.restore(repo, d.id, 2)
    assert repo.load(d.id).texts.annual_goals == "没有保留成修订的最新内容"
    assert reasons(repo, d.id) == ["恢复", "恢复", "恢复前", "导入"]


def test_restoring_a_missing_revision_changes_nothing(repo, samples, db_path):
    d = repo.save(samples[0])
    revisions.record(repo, [d.id], "导入")
    before = db_dump(db_path)
    with pytest.raises(revisions.ServiceError, match="没有第 9 版"):
        revisions.restore(repo, d.id, 9)
    with pytest.raises(revisions.ServiceError, match="没有编号为 99"):
        revisions.history(repo, 99)
    assert db_dump(db_path) == before


def test_1000_revisions_of_a_45_row_form_stay_under_5_mb(repo, samples):
    """The storage itself, in one transaction (benchmarks/revisions.py keeps each one as the window does)."""
    from desktop.domain.revisions import canonical, code_of
    from desktop.store import revisions as store

    big = samples[0].model_copy(deep=True)
    rows = samples[0].indicators + samples[2].indicators + samples[3].indicators
    big.indicators = [r.model_copy() for r in (rows * 3)[:45]]
    d = repo.save(big)
    states = []
    for i in range(1000):
        d.indicators[(i * 7) % 45].target = f"≥{i}次"
        d.texts.annual_goals = samples[0].texts.annual_goals + f"（第 {i} 稿）"
        text = canonical(d)
        states.append(store.State(d.id, text, code_of(text)))
    made = store.append(repo.db, states, "编辑", lambda _previous, _text: "")
    assert len(made) == 1000
    con = sqlite3.connect(repo.db.path)
    count, size = con.execute("SELECT count(*), sum(length(content)) FROM revisions").fetchone()
    con.close()
    assert count == 1000
    assert size < 5 * 1024 * 1024, size
    assert size < 1024 * 1024, "deltas: far below the budget"
    for number in (1, 2, 500, 999, 1000):
        back = revisions.load_revision(repo, d.id, number)
        assert revision_code(back) == states[number - 1].code


def test_deleting_a_declaration_for_good_deletes_its_revisions(repo, samples):
    from desktop.services.trash import move_to_trash, purge

    d = repo.save(samples[0])
    revisions.record(repo, [d.id], "导入")
    move_to_trash(repo, [d.id])
    assert reasons(repo, d.id) == ["导入"], "the 回收站 keeps the history"
    purge(repo, [d.id])
    con = sqlite3.connect(repo.db.path)
    assert con.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0
    con.close()


# -- triggers and the command line ---------------------------------------------------------
def test_import_finalize_draft_print_and_export_each_make_a_revision(filled_db, capsys, tmp_path):
    db = str(filled_db)
    with open_database(filled_db, write=False) as database:
        assert reasons(Repository(database), 1) == ["导入"]
    assert run(capsys, "--db", db, "finalize", "1")[0] == 0
    assert run(capsys, "--db", db, "draft", "1")[0] == 0
    # print and export of an unchanged state make none: its code is already findable
    assert run(capsys, "--db", db, "print", "1", "-o", tmp_path / "a.pdf")[0] == 0
    assert run(capsys, "--db", db, "export", "1", "-o", tmp_path / "a.json")[0] == 0
    with open_database(filled_db) as database:
        repo = Repository(database)
        assert reasons(repo, 1) == ["退回草稿", "定稿", "导入"]
        edited(repo, 1, "打印前改过")
    assert run(capsys, "--db", db, "print", "1", "-o", tmp_path / "b.pdf")[0] == 0
    with open_database(filled_db) as database:
        repo = Repository(database)
        edited(repo, 1, "导出前改过")
    assert run(capsys, "--db", db, "export", "1", "-o", tmp_path / "b.xlsx")[0] == 0
    code, out, _err = run(capsys, "--db", db, "history", "1", "--json")
    assert code == 0
    history = json.loads(out)
    assert [h["reason"] for h in history] == ["导出", "打印", "退回草稿", "定稿", "导入"]
    assert [h["revision"] for h in history] == [5, 4, 3, 2, 1]
    assert set(history[0]) == {"revision", "saved_at", "reason", "code", "summary"}
    assert history[1]["summary"] == "改了 年度目标"


def test_history_in_plain_text_and_for_an_unknown_declaration(filled_db, capsys):
    code, out, _err = run(capsys, "--db", filled_db, "history", "2")
    assert code == 0
    number, _saved, reason, rev_code, summary = out.strip().split("\t")
    assert (number, reason, summary) == ("1", "导入", "第一个版本") and len(rev_code) == 8
    code, _out, err = run(capsys, "--db", filled_db, "history", "42")
    assert code == 2 and "没有编号为 42 的申报表" in err


def _codes_on_pages(pdf: Path) -> list[str]:
    """The revision codes printed in the footers, as pdftotext reads them."""
    import re

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.findall(r"修订码\s*([0-9A-F]{8})", text)


def test_find_print_names_the_declaration_and_revision_a_printed_copy_came_from(filled_db, capsys, tmp_path):
    with open_database(filled_db) as database:
        edited(Repository(database), 3, "打印这一稿")
    pdf = tmp_path / "printed.pdf"
    assert run(capsys, "--db", filled_db, "print", "3", "-o", pdf)[0] == 0
    with open_database(filled_db) as database:
        repo = Repository(database)
        printed = repo.load(3)
        edited(repo, 3, "打印以后又改了")  # the paper copy is now out of date
        revisions.record(repo, [3], "编辑")
    if shutil.which("pdftotext") is not None:  # the code as it is printed in each page's footer
        codes = _codes_on_pages(pdf)
        assert len(codes) >= 2 and set(codes) == {revision_code(printed)}, codes
        code = codes[0]
    else:  # no poppler here: the code the footer prints (desktop.domain.revision_code)
        code = revision_code(printed)
    rc, out, err = run(capsys, "--db", filled_db, "find-print", code.lower()[:4] + " " + code.lower()[4:])
    assert rc == 0, err
    decl_id, year, name, where = out.strip().split("\t")
    assert (decl_id, year, name) == ("3", "2024", "应急保障工作经费")
    assert where == "第 2 版", "the revision made at print time, not the current state"
    rc, out, _err = run(capsys, "--db", filled_db, "find-print", code, "--json")
    assert json.loads(out) == [{"declaration": 3, "project_name": "应急保障工作经费",
                                "project_code": printed.header.project_code, "fiscal_year": 2024,
                                "revisions": [2], "current": False, "in_trash": False}]


def test_find_print_of_an_unknown_or_malformed_code(filled_db, capsys):
    rc, out, err = run(capsys, "--db", filled_db, "find-print", "0000 0000")
    assert rc == 1 and out == "" and "没有找到修订码为 00000000 的申报表" in err
    rc, out, err = run(capsys, "--db", filled_db, "find-print", "xyz")
    assert rc == 2 and "不是修订码" in err


def test_restore_revision_on_the_command_line(filled_db, capsys):
    with open_database(filled_db) as database:
        edited(Repository(database), 2, "改坏了")
    rc, out, err = run(capsys, "--db", filled_db, "restore-revision", "2", "1")
    assert rc == 0, err
    assert "恢复为第 1 版" in out
    _rc, out, _err = run(capsys, "--db", filled_db, "history", "2", "--json")
    assert [h["reason"] for h in json.loads(out)] == ["恢复", "恢复前", "导入"]
    with open_database(filled_db, write=False) as database:
        assert Repository(database).load(2).texts.annual_goals != "改坏了"


# -- JSON exchange files -----------------------------------------------------------------------
def test_export_with_history_carries_every_revision_and_still_imports(filled_db, capsys, tmp_path):
    with open_database(filled_db) as database:
        repo = Repository(database)
        edited(repo, 1, "第二稿")
        revisions.record(repo, [1], "编辑")
    out = tmp_path / "with-history.json"
    assert run(capsys, "--db", filled_db, "export", "1", "2", "--with-history", "-o", out)[0] == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    first = data["declarations"][0]
    assert "id" not in first and "source_id" not in first, "database ids mean nothing elsewhere"
    assert [(h["revision"], h["reason"]) for h in first["history"]] == [(1, "导入"), (2, "编辑")]
    assert first["history"][1]["content"]["texts"]["annual_goals"] == "第二稿"
    import jsonschema

    from desktop.io.json_io import json_schema

    jsonschema.validate(data, json_schema())
    other = tmp_path / "other.sqlite3"
    rc, printed, err = run(capsys, "--db", other, "import", out)
    assert rc == 0, err
    assert printed.splitlines() == ["1\t民意速办工作经费", "2\t车辆租赁费"]
    with open_database(other, write=False) as database:
        assert Repository(database).load(1).texts.annual_goals == "第二稿"


def test_a_version_1_exchange_file_still_imports(tmp_path, capsys):
    import jsonschema

    v1 = FIXTURES / "exchange-v1.json"
    schema = json.loads((Path(revisions.__file__).parents[1] / "io" / "schema" /
                         "declarations-v1.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(v1.read_text(encoding="utf-8")), schema)  # truly a version 1 file
    db = tmp_path / "v1.sqlite3"
    rc, out, err = run(capsys, "--db", db, "import", v1)
    assert rc == 0, err
    assert out.splitlines() == ["1\t民意速办工作经费", "2\t车辆租赁费"]
    _rc, out, _err = run(capsys, "--db", db, "history", "1", "--json")
    assert [h["reason"] for h in json.loads(out)] == ["导入"]


def test_an_imported_source_id_is_ignored(tmp_path, capsys, samples):
    from desktop.io.json_io import dumps

    data = json.loads(dumps(samples[:1]))
    data["declarations"][0]["source_id"] = 77  # another database's id
    path = tmp_path / "hand-made.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "x.sqlite3"
    assert run(capsys, "--db", db, "import", path)[0] == 0
    with open_database(db, write=False) as database:
        assert Repository(database).load(1).source_id is None


def test_with_history_only_for_json(filled_db, capsys, tmp_path):
    rc, _out, err = run(capsys, "--db", filled_db, "export", "1", "--with-history", "-o", tmp_path / "a.xlsx")
    assert rc == 2 and "只有 JSON" in err
    assert not (tmp_path / "a.xlsx").exists()


# -- the list's search ---------------------------------------------------------------------------
def test_the_search_finds_a_declaration_by_a_revision_code(filled_db):
    from desktop.store.listing import Listing, ListQuery

    with open_database(filled_db) as database:
        repo = Repository(database)
        old_code = revision_code(repo.load(4))
        edited(repo, 4, "之后改过")  # an older revision's code still finds it
        revisions.record(repo, [4], "编辑")
        listing = Listing(database)
        try:
            assert listing.ids(ListQuery(text=old_code.lower())) == [4]
            assert listing.ids(ListQuery(text=f"{old_code[:4]} {old_code[4:]}")) == [4]
            assert listing.ids(ListQuery(text=old_code, year=2023)) == [], "the filters still apply"
            assert listing.ids(ListQuery(text="00000000")) == []
        finally:
            listing.close()


def test_the_code_kept_is_the_revision_code_printed(samples):
    from desktop.domain.revisions import canonical, code_of

    for d in samples:
        assert code_of(canonical(d)) == revision_code(d)
