"""target.below_last_year and duplicate.code_year (issue 13): the rules, then the same
warnings where a user meets them: `validate --json`, the list's counts, the problems panel."""
from __future__ import annotations

import json

import pytest

from desktop.domain.check_context import CheckContext
from desktop.domain.year_rules import weaker
from desktop.services.checking import check
from tests.cli_helpers import run


def _codes(problems, code):
    return [p for p in problems if p.code == code]


def _pair(samples, last_target: str, this_target: str, name: str = "培训次数"):
    last = samples[0]
    last.id = 1
    this = last.model_copy(deep=True)
    this.id, this.fiscal_year = 2, last.fiscal_year + 1
    row = next(r for r in last.indicators if r.name == name)
    row.target = last_target
    next(r for r in this.indicators if r.name == name).target = this_target
    return last, this


@pytest.mark.parametrize(("last", "now"), [("≥10次", "≥8次"), ("≤2小时", "≤4小时"), ("95%", "90%"),
                                            ("≥95%", "≥90%"), ("≤60%", "≤70%"), ("≥2", "≥1次")])
def test_a_less_ambitious_target_is_warned_about(samples, last, now):
    prev, this = _pair(samples, last, now)
    found = _codes(check(this, CheckContext(previous_year=prev)), "target.below_last_year")
    assert len(found) == 1
    p = found[0]
    assert p.severity == "warning" and p.field == "indicators[0].target"
    assert now in p.message and last in p.message and "2024" in p.message  # names both values and last year


@pytest.mark.parametrize(("last", "now"), [
    ("≥10次", "≥12次"),  # more ambitious
    ("≥10次", "≥10次"),  # the same
    ("≤2小时", "≤1小时"),
    ("95%", "98%"),
    ("≥10次", "≤8次"),  # the sense changed: not comparable
    ("≤2小时", "≤200分钟"),  # another unit
    ("达到预期", "基本达到"),  # qualitative
    ("≤2024年9月1日", "≤2025年12月1日"),  # dates move with the year
    ("≥10次", "不适用"),
])
def test_silent_when_not_less_ambitious_or_not_comparable(samples, last, now):
    prev, this = _pair(samples, last, now)
    assert not _codes(check(this, CheckContext(previous_year=prev)), "target.below_last_year")


def test_silent_for_a_different_indicator_and_without_last_year(samples):
    prev, this = _pair(samples, "≥10次", "≥8次")
    assert _codes(check(this, CheckContext(previous_year=prev)), "target.below_last_year")
    this.indicators[0].name = "集中培训次数"  # another indicator: nothing to compare with
    assert not _codes(check(this, CheckContext(previous_year=prev)), "target.below_last_year")
    this.indicators[0].name = "培训次数"
    this.indicators[0].level2 = "质量指标"  # same name, another category
    assert not _codes(check(this, CheckContext(previous_year=prev)), "target.below_last_year")
    assert not _codes(check(this, CheckContext()), "target.below_last_year")  # no last year
    assert not _codes(check(this), "target.below_last_year")  # no context at all


def test_weaker_reads_the_target_grammar():
    assert weaker("＞=8次", ">=10次")  # full-width and ASCII operators normalised
    assert not weaker("≥8次", "")
    assert not weaker("", "≥8次")


def test_duplicate_code_year_names_the_other_declaration(samples):
    decl = samples[0]
    decl.id = 7
    found = _codes(check(decl, CheckContext(same_code_year=(3,))), "duplicate.code_year")
    assert len(found) == 1 and found[0].field == "header.project_code" and found[0].severity == "warning"
    assert "编号 3" in found[0].message and decl.header.project_code in found[0].message
    assert not _codes(check(decl, CheckContext()), "duplicate.code_year")
    decl.header.project_code = ""
    assert not _codes(check(decl, CheckContext(same_code_year=(3,))), "duplicate.code_year")


# -- where users meet them --------------------------------------------------------------------
def _validate(capsys, db, *ids):
    code, out, _err = run(capsys, "--db", db, "validate", *ids, "--json")
    return code, json.loads(out)


def _listed(capsys, db):
    _code, out, _err = run(capsys, "--db", db, "list", "--json")
    return {d["id"]: d for d in json.loads(out)}


def test_validate_and_list_report_a_duplicate_and_a_weaker_target(filled_db, capsys, tmp_path):
    from desktop.io.json_io import export_json
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    with open_database(filled_db) as db:
        first = Repository(db).load(1)
    before = _listed(capsys, filled_db)[1]["warnings"]
    # Next year's declaration of project 1, with a lower 培训次数 target, and a second copy of project 1's 2024.
    nxt = first.model_copy(deep=True)
    nxt.id, nxt.fiscal_year = None, first.fiscal_year + 1
    nxt.indicators[0].target = "≥1"  # last year ≥2
    again = first.model_copy(deep=True)
    again.id = None
    path = tmp_path / "more.json"
    export_json([nxt, again], path)
    code, out, err = run(capsys, "--db", filled_db, "import", path, "--on-duplicate", "keep")
    assert code == 0, err
    new_ids = [int(line.split("\t")[0]) for line in out.splitlines()]

    _code, problems = _validate(capsys, filled_db, 1, *new_ids)
    dup = [p for p in problems if p["code"] == "duplicate.code_year"]
    assert {p["declaration"] for p in dup} == {1, new_ids[1]}  # both of the pair are flagged
    assert all(p["field"] == "header.project_code" for p in dup)
    weaker_found = [p for p in problems if p["code"] == "target.below_last_year"]
    assert [(p["declaration"], p["field"]) for p in weaker_found] == [(new_ids[0], "indicators[0].target")]

    listed = _listed(capsys, filled_db)  # the list's counts include them, also the one stored before
    assert listed[1]["warnings"] == before + 1
    assert listed[new_ids[1]]["warnings"] == before + 1


def test_problems_panel_shows_the_duplicate(window_factory, filled_db, capsys):
    code, out, _err = run(capsys, "--db", filled_db, "copy-forward", 2)
    assert code == 0
    copy_id = int(out.split("\t")[0])
    w = window_factory(filled_db)
    w.open_declaration(copy_id)
    assert not [p for p in w.doc.problems if p.code == "duplicate.code_year"]
    # The user sets the copy's year back to its source's: now two declarations of 2024.
    from desktop.qt.commands import SetFieldCommand

    w.doc.push(SetFieldCommand(w.doc, "fiscal_year", 2024, "申报年度"))
    w.session.refresh_context()  # as the pause after the edit does
    panel_texts = [w.problems.list.item(i).text() for i in range(w.problems.list.count())]
    dup = [p for p in w.doc.problems if p.code == "duplicate.code_year"]
    assert len(dup) == 1 and "编号 2" in dup[0].message
    assert any("编号 2" in t for t in panel_texts)
    # Saved: both rows of the list count the duplicate, the other one too.
    source_warnings = w.list_model.items[w.list_model.row_of(2)].warning_count
    assert w.save()
    assert w.list_model.items[w.list_model.row_of(copy_id)].warning_count == len(w.doc.problems)
    assert w.list_model.items[w.list_model.row_of(2)].warning_count == source_warnings + 1


def test_while_typing_a_lower_target_and_a_taken_code_are_flagged(window_factory, filled_db, capsys, qtbot):
    from desktop.qt.commands import SetFieldCommand
    from tests.qt_helpers import type_into

    code, out, _err = run(capsys, "--db", filled_db, "copy-forward", 1)
    copy_id = int(out.split("\t")[0])
    w = window_factory(filled_db)
    w.open_declaration(copy_id)
    assert w.doc.context is not None and w.doc.context.previous_year.id == 1
    # A target typed lower than last year's: flagged at once (the context is already there).
    w.doc.push(SetFieldCommand(w.doc, "indicators[0].target", "≥1次", "目标值"))
    weaker = [p for p in w.doc.problems if p.code == "target.below_last_year"]
    assert [p.field for p in weaker] == ["indicators[0].target"] and "≥2" in weaker[0].message
    # The 项目编码 of another 2025 project typed in: flagged after the pause.
    code_field = w.header_tab.widgets["header.project_code"]
    w.open_declaration(2)
    w.copy_forward_action.trigger()  # 2025 copy of 车辆租赁费
    second = w.doc.declaration.id
    w.open_declaration(copy_id)
    type_into(qtbot, code_field, "440313241071500400006")
    qtbot.waitUntil(lambda: any(p.code == "duplicate.code_year" for p in w.doc.problems), timeout=3000)
    dup = next(p for p in w.doc.problems if p.code == "duplicate.code_year")
    assert f"编号 {second}" in dup.message
    # Its 上年度 is still the one it was copied from (the link wins over the code).
    assert w.doc.context.previous_year.id == 1


@pytest.mark.parametrize("batch", [2, 3, 500])  # last year's in the same batch of the import, or an earlier one
def test_the_stored_counts_of_an_import_are_what_validate_finds(db_path, samples, tmp_path, capsys, monkeypatch,
                                                                 batch):
    import desktop.services.importing as importing
    from desktop.io.json_io import export_json

    decls = []
    for form in samples[:3]:
        for year in (2023, 2024, 2025):
            d = form.model_copy(deep=True)
            d.fiscal_year = year
            if year == 2025:
                d.indicators[0].target = "≥1个"  # lower than the ≥2/≥3/≥1 of the earlier years
            decls.append(d)
    decls.append(decls[4].model_copy(deep=True))  # a duplicate inside the import
    path = tmp_path / "years.json"
    export_json(decls, path)
    monkeypatch.setattr(importing, "BATCH", batch)
    code, _out, err = run(capsys, "--db", db_path, "import", path, "--on-duplicate", "keep")
    assert code == 0, err
    _code, problems = _validate(capsys, db_path)
    found: dict[int, int] = {}
    for p in problems:
        found[p["declaration"]] = found.get(p["declaration"], 0) + (p["severity"] == "warning")
    listed = _listed(capsys, db_path)
    assert {i: d["warnings"] for i, d in listed.items()} == {i: found.get(i, 0) for i in listed}
    weaker = {p["declaration"] for p in problems if p["code"] == "target.below_last_year"}
    assert weaker == {3, 6}  # 应急保障 had ≥1 already: not lower
    assert {p["declaration"] for p in problems if p["code"] == "duplicate.code_year"} == {5, 10}


def test_trashing_one_of_a_duplicate_pair_clears_the_other_s_warning_and_restoring_brings_it_back(filled_db, capsys):
    """The list's counts follow the 回收站: the survivor of a pair is no longer a duplicate."""
    from desktop.services import trash
    from desktop.services.declarations import save_all
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    before = _listed(capsys, filled_db)[1]["warnings"]
    with open_database(filled_db) as db:
        repo = Repository(db)
        again = repo.load(1).model_copy(deep=True)
        again.id = None
        copy_id = save_all(repo, [again])[0].id
    assert _listed(capsys, filled_db)[1]["warnings"] == before + 1
    with open_database(filled_db) as db:
        trash.move_to_trash(Repository(db), [copy_id])
    assert _listed(capsys, filled_db)[1]["warnings"] == before
    with open_database(filled_db) as db:
        trash.restore(Repository(db), [copy_id])
    listed = _listed(capsys, filled_db)
    assert listed[1]["warnings"] == listed[copy_id]["warnings"] == before + 1
    found = _validate(capsys, filled_db, 1)[1]
    assert listed[1]["warnings"] == len([p for p in found if p["severity"] == "warning"])


def test_copies_saved_together_see_one_another_in_the_list_s_counts(db_path, samples, capsys):
    """save_all checks a batch before writing it: two copies of one project and year in the
    same batch are duplicates all the same, in the list as in validate."""
    from desktop.services.declarations import save_all
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    twin = samples[0].model_copy(deep=True)
    with open_database(db_path) as db:
        first, second = save_all(Repository(db), [samples[0], twin])
    listed = _listed(capsys, db_path)
    for decl_id in (first.id, second.id):
        found = _validate(capsys, db_path, decl_id)[1]
        assert any(p["code"] == "duplicate.code_year" for p in found)
        assert listed[decl_id]["warnings"] == len([p for p in found if p["severity"] == "warning"])
