"""Comparing a declaration with last year's, another one or a revision (issue 13): the
domain's diff, `jixiao diff --json` and the comparison view, on the same known changes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.domain.diff import compare, pieces
from desktop.domain.model import CostItem, Indicator
from tests.cli_helpers import db_dump, run

SCREENSHOT = Path(__file__).resolve().parent.parent / "resources" / "screenshots" / "issue-13" / "compare.png"


def _changed(last):
    """Next year's declaration with known changes: a text, a weaker target, a removed and an added row,
    a cost item's amount and a new cost item."""
    new = last.model_copy(deep=True)
    new.id, new.fiscal_year, new.source_id = None, last.fiscal_year + 1, last.id
    new.header.annual_amount = "600,000.00"
    new.texts.annual_goals = new.texts.annual_goals.replace("业务培训", "业务集中培训", 1)
    new.indicators[0].target = "≥1次"  # 培训次数: last year ≥2
    removed = new.indicators.pop(1)  # 宣传次数
    new.indicators.append(Indicator(level1="产出指标", level2="数量指标", name="系统上线模块数",
                                    target="≥3个", explanation="反映年内上线的系统模块数"))
    new.cost_items[0].amount = "100,000.00"
    new.cost_items.append(CostItem(text="6.系统运维费", amount="50,000.00"))
    return new, removed


def test_pieces_cut_where_the_characters_differ():
    assert pieces("完成业务培训", "完成业务集中培训") == [("equal", "完成业务", "完成业务"), ("insert", "", "集中"),
                                                    ("equal", "培训", "培训")]
    assert pieces("≥2次", "≥1次") == [("equal", "≥", "≥"), ("replace", "2", "1"), ("equal", "次", "次")]
    assert pieces("", "") == []


def test_compare_finds_the_known_changes(samples):
    last = samples[0]
    last.id = 1
    new, removed = _changed(last)
    c = compare(last, new)
    assert {f.field for f in c.header if f.changed} == {"fiscal_year", "header.annual_amount"}
    goals = next(f for f in c.texts if f.field == "texts.annual_goals")
    assert goals.changed and [p for p in goals.pieces() if p[0] != "equal"] == [("insert", "", "集中")]
    rows = {(r.change, (r.new or r.old or {}).get("name")) for r in c.indicators if r.change != "same"}
    assert rows == {("changed", "培训次数"), ("removed", removed.name), ("added", "系统上线模块数")}
    target = next(r for r in c.indicators if r.change == "changed")
    assert target.fields == ("target",) and target.old["target"] == "≥2" and target.new["target"] == "≥1次"
    assert target.weaker  # ≥2 → ≥1次
    # The removed row stands where it stood: right after 培训次数.
    assert [r.change for r in c.indicators[:3]] == ["changed", "removed", "same"]
    costs = [(r.change, r.fields) for r in c.cost_items if r.change != "same"]
    assert costs == [("changed", ("amount",)), ("added", ())]
    assert c.summary() == "3 处字段改动，新增 2 行，删除 1 行，修改 2 行，1 个目标值低于对比版本"
    assert compare(last, last).same and compare(last, last).summary() == "内容相同"


def test_repeated_names_match_in_order(samples):
    last = samples[0]
    row = last.indicators[0]
    last.indicators = [row, row.model_copy(update={"target": "≥3次"})]
    new = last.model_copy(deep=True)
    new.indicators[1].target = "≥4次"
    c = compare(last, new)
    assert [(r.change, r.old_index, r.new_index) for r in c.indicators] == [("same", 0, 0), ("changed", 1, 1)]


# -- the command line ----------------------------------------------------------------------
def _copy_and_change(db_path, capsys):
    """copy-forward 1, then the known changes saved into the copy as the window saves them."""
    from desktop.services.declarations import save
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    code, out, err = run(capsys, "--db", db_path, "copy-forward", 1)
    assert code == 0, err
    copy_id = int(out.split("\t")[0])
    with open_database(db_path) as db:
        repo = Repository(db)
        copy = repo.load(copy_id)
        changed, _removed = _changed(repo.load(1))
        changed.id, changed.created_at = copy_id, copy.created_at
        save(repo, changed)
    return copy_id


def test_diff_json_against_last_year(filled_db, capsys):
    copy_id = _copy_and_change(filled_db, capsys)
    code, out, err = run(capsys, "--db", filled_db, "diff", copy_id, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["old"] == {"declaration": 1, "revision": None, "fiscal_year": 2024,
                          "project_code": "440313241071500300007", "project_name": "民意速办工作经费"}
    assert got["new"]["declaration"] == copy_id and got["new"]["fiscal_year"] == 2025
    assert got["same"] is False
    assert [(h["field"], h["old"], h["new"]) for h in got["header"]] == [
        ("fiscal_year", "2024", "2025"), ("header.annual_amount", "536,200.00", "600,000.00")]
    assert got["texts"][0]["field"] == "texts.annual_goals"
    assert got["texts"][0]["changes"] == [{"op": "insert", "old": "", "new": "集中"}]
    rows = [(r["change"], (r["new"] or r["old"])["name"], r["weaker"]) for r in got["indicators"]]
    assert rows == [("changed", "培训次数", True), ("removed", "宣传次数", False), ("added", "系统上线模块数", False)]
    assert got["indicators"][0]["old"]["target"] == "≥2" and got["indicators"][0]["new"]["target"] == "≥1次"
    assert [r["change"] for r in got["cost_items"]] == ["changed", "added"]
    # --previous-year says the same; without --json a readable listing.
    assert json.loads(run(capsys, "--db", filled_db, "diff", copy_id, "--previous-year", "--json")[1]) == got
    code, text, _err = run(capsys, "--db", filled_db, "diff", copy_id)
    assert code == 0 and "{+集中+}" in text and "目标降低" in text and "绩效指标\t新增\t产出指标/数量指标/系统上线模块数" in text


def test_diff_against_another_and_a_revision(filled_db, capsys):
    copy_id = _copy_and_change(filled_db, capsys)
    code, out, _err = run(capsys, "--db", filled_db, "diff", copy_id, "--against", 2, "--json")
    assert code == 0 and json.loads(out)["old"]["declaration"] == 2
    # The copy's first revision is as copied (the copy-forward's content): diff --rev 1 shows what was changed since.
    from desktop.services.revisions import record
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    with open_database(filled_db) as db:
        history = [json.loads(run(capsys, "--db", filled_db, "history", copy_id, "--json")[1])]
        if not history[0]:
            record(Repository(db), [copy_id], "编辑")
    code, out, err = run(capsys, "--db", filled_db, "history", copy_id, "--json")
    numbers = [h["revision"] for h in json.loads(out)]
    assert numbers, err
    first = min(numbers)
    code, out, err = run(capsys, "--db", filled_db, "diff", copy_id, "--rev", first, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["old"]["revision"] == first and got["new"]["revision"] is None
    code, out, err = run(capsys, "--db", filled_db, "diff", copy_id, "--rev", first, "--previous-year", "--json")
    assert code == 0 and json.loads(out)["new"]["revision"] == first and json.loads(out)["old"]["declaration"] == 1


def test_diff_refusals_say_what_to_do_and_change_nothing(filled_db, capsys):
    before = db_dump(filled_db)
    code, out, err = run(capsys, "--db", filled_db, "diff", 3)
    assert code == 2 and out == ""
    assert "没有上年度的申报表" in err and "--against" in err
    code, _out, err = run(capsys, "--db", filled_db, "diff", 99, "--against", 1)
    assert code == 2 and "没有编号为 99 的申报表" in err
    code, _out, err = run(capsys, "--db", filled_db, "diff", 1, "--rev", 999)
    assert code == 2 and "第 999 版" in err
    code, _out, err = run(capsys, "--db", filled_db, "diff", 1, "--against", 2, "--previous-year")
    assert code == 2 and "只能选一个" in err
    assert db_dump(filled_db) == before


# -- the comparison view ------------------------------------------------------------------
@pytest.fixture
def compared_window(window_factory, filled_db, capsys):
    copy_id = _copy_and_change(filled_db, capsys)
    w = window_factory(filled_db)
    w.open_declaration(copy_id)
    return w, copy_id


def test_the_view_shows_last_year_beside_this_one(compared_window, qtbot):
    w, copy_id = compared_window
    w.compare_action.trigger()  # 申报 → 与上年度比较…
    view = w.compare_window
    qtbot.waitExposed(view)
    assert view.old.decl.id == 1 and view.new.decl.id == copy_id
    assert view.against.currentText().startswith("上年度：2024 年度《民意速办工作经费》")
    summary = view.summary.text()
    assert "新增 2 行，删除 1 行，修改 2 行" in summary and "1 个目标值" in summary
    html = view.html
    assert '<span class="ins" style="background-color:#a8e0b4;">集中</span>' in html  # changed characters
    assert "⚠ 目标降低" in html and "新增" in html and "<s>宣传次数</s>" in html  # rows marked
    plain = view.browser.toPlainText()
    assert "系统上线模块数" in plain and "≥1次" in plain
    view.resize(1280, 860)
    view.changes_only.setChecked(True)
    assert "宣传次数" in view.browser.toPlainText() and "项目验收通过率" not in view.browser.toPlainText()
    view.browser.verticalScrollBar().setValue(0)
    qtbot.wait(50)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert view.grab().save(str(SCREENSHOT))


def test_the_view_compares_with_another_declaration_or_a_revision(compared_window, qtbot):
    w, copy_id = compared_window
    view = w.compare_declaration()
    view.compare_with_id(2)
    assert view.old.decl.id == 2 and "车辆租赁费" in view.summary.text()
    view.compare_with_id(999)
    assert view.comparison is None and "没有编号为 999 的申报表" in view.summary.text()
    revisions = [c for c in view.choices if c is not None and c.revision is not None]
    if revisions:
        view.against.setCurrentIndex(view.choices.index(revisions[-1]))
        assert view.old.revision == revisions[-1].revision


def test_the_view_without_last_year_says_so(window_factory, filled_db):
    w = window_factory(filled_db)
    w.open_declaration(3)
    view = w.compare_declaration()
    assert view.comparison is None
    assert "没有上年度的申报表" in view.summary.text() and "在上方输入编号" in view.summary.text()
    view.compare_with_id(4)
    assert view.comparison is not None and not view.comparison.same
