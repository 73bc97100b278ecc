"""`jixiao library search|list|import|export`: the popup's ranking, a finance bureau's Excel
library merged without duplicates, round trips, and bad files that change nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import db_dump, run

BUREAU_ROWS = [  # (一级指标, 二级指标, 三级指标, 指标值, 指标解释, 备注): categories merged down
    ("产出指标", "数量指标", "培训次数", "≥3", "反映全年组织业务培训的次数（局定口径）", "新口径"),
    (None, None, "救灾物资发放批次", "≥X批", "反映年度发放救灾物资的批次", ""),
    (None, "质量指标", "救灾物资发放准确率", 1, "反映救灾物资按名册准确发放的情况，发放准确率=准确发放数量/发放总数量×100%", ""),
    ("效益指标", "社会效益指标", "受灾群众基本生活保障率", 1, "反映受灾群众基本生活得到保障的程度", ""),
    ("满意度指标", "服务对象满意度指标", "受助群众满意度", 0.9, "反映受助群众对救助工作的满意程度", ""),
]


def bureau_xlsx(path: Path, rows=BUREAU_ROWS, header=("序号", "一级指标", "二级指标", "三级指标", "指标值", "指标解释", "备注"),
                merge=True) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标库"
    ws["A1"] = "某区财政局 项目支出绩效指标库（示例）"
    ws.merge_cells("A1:G1")
    ws.append([])
    ws.append(list(header))
    for n, (l1, l2, name, target, expl, note) in enumerate(rows, 1):
        ws.append([n, l1, l2, name, target, expl, note])
        if isinstance(target, (int, float)):
            ws.cell(ws.max_row, 5).number_format = "0%"
    if merge:  # the category cells as the bureau merged them
        ws.merge_cells("B4:B6")
        ws.merge_cells("C4:C5")
    wb.save(path)
    return path


def entries(capsys, db) -> dict:
    code, out, _err = run(capsys, "--db", db, "library", "list", "--json")
    assert code == 0
    return {(e["level1"], e["level2"], e["name"]): e for e in json.loads(out)}


def test_search_prints_the_ranking_of_the_popup(capsys, filled_db):
    from desktop.domain.template import registry
    from desktop.services.library import load_index, suggest
    from desktop.store.database import open_database

    for text in ("满意度", "manyidu", "myd"):
        code, out, _err = run(capsys, "--db", filled_db, "library", "search", text, "--json")
        assert code == 0
        found = json.loads(out)
        assert found and all("满意度" in s["name"] for s in found)
        with open_database(filled_db, write=False) as db:
            same = suggest(load_index(db), text, template=registry().default)
        assert [s["name"] for s in found] == [s.name for s in same]
    # The user's own rows (the five imported forms) rank above generic entries.
    assert found[0]["source"] == "本人历史"
    code, out, _err = run(capsys, "--db", filled_db, "library", "search", "myd", "--level2", "其他满意度指标")
    assert code == 0 and out
    assert all(line.split("\t")[2] == "满意度指标/其他满意度指标" for line in out.splitlines())


def test_search_in_the_2021_framework_files_cost_indicators_under_its_cost_categories(capsys, db_path):
    code, out, _err = run(capsys, "--db", db_path, "library", "search", "rygf", "--template", "caiyu-2021-101",
                          "--json")  # no such initials: nothing, exit 0
    assert code == 0 and json.loads(out) == []
    code, out, _err = run(capsys, "--db", db_path, "library", "search", "renyuanjingfei", "--template",
                          "caiyu-2021-101", "--level2", "经济成本指标", "--json")
    found = json.loads(out)
    assert "人员经费占项目总支出的比重" in [s["name"] for s in found]
    assert {(s["level1"], s["level2"]) for s in found} == {("成本指标", "经济成本指标")}
    code, _out, err = run(capsys, "--db", db_path, "library", "search", "x", "--level2", "不存在的类别")
    assert code == 2 and "没有二级指标“不存在的类别”" in err


def test_a_bureau_excel_library_is_merged_without_duplicates_and_each_change_reported(capsys, db_path, tmp_path):
    before = entries(capsys, db_path)
    assert len(before) >= 250
    old = before[("产出指标", "数量指标", "培训次数")]
    code, out, err = run(capsys, "--db", db_path, "library", "import", bureau_xlsx(tmp_path / "区财政局指标库.xlsx"))
    assert code == 0, err
    assert f"更新：产出指标/数量指标/培训次数 的指标值：“{old['target']}” → “≥3”" in out
    assert "更新：产出指标/数量指标/培训次数 的指标解释" in out
    assert "新增：产出指标/数量指标/救灾物资发放批次" in out
    assert "新增 4 条，更新 1 条，未变 0 条" in out
    after = entries(capsys, db_path)
    assert len(after) == len(before) + 4  # same category + same name = the same entry
    assert after[("产出指标", "数量指标", "培训次数")]["explanation"] == "反映全年组织业务培训的次数（局定口径）"
    # Merged category cells filled down; the 备注 and 序号 columns ignored; 0.9 shown as 90% read as 90%.
    assert after[("产出指标", "数量指标", "救灾物资发放批次")]["target"] == "≥__批"
    assert after[("产出指标", "质量指标", "救灾物资发放准确率")]["target"] == "100%"
    assert after[("满意度指标", "服务对象满意度指标", "受助群众满意度")] == {
        "level1": "满意度指标", "level2": "服务对象满意度指标", "name": "受助群众满意度", "target": "90%",
        "explanation": "反映受助群众对救助工作的满意程度", "keywords": "", "source": "区财政局指标库"}
    # Importing it again changes nothing.
    code, out, _err = run(capsys, "--db", db_path, "library", "import", tmp_path / "区财政局指标库.xlsx")
    assert code == 0 and "新增 0 条，更新 0 条，未变 5 条" in out
    assert entries(capsys, db_path) == after
    # The new entries are suggested.
    code, out, _err = run(capsys, "--db", db_path, "library", "search", "jzwz")
    assert out.splitlines()[0].startswith("救灾物资发放")


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_export_then_import_gives_back_the_same_library(capsys, tmp_path, suffix):
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    run(capsys, "--db", first, "library", "import", bureau_xlsx(tmp_path / "局.xlsx"))
    out1 = tmp_path / f"one{suffix}"
    code, out, err = run(capsys, "--db", first, "library", "export", "-o", out1)
    assert code == 0, err
    assert f"已导出 {len(entries(capsys, first))} 条指标" in out
    code, _out, err = run(capsys, "--db", second, "library", "import", out1)
    assert code == 0, err
    assert entries(capsys, second) == entries(capsys, first)  # every text, keyword and source
    out2 = tmp_path / f"two{suffix}"
    run(capsys, "--db", second, "library", "export", "-o", out2)
    if suffix == ".json":
        assert out2.read_bytes() == out1.read_bytes()


def test_the_exported_excel_has_the_bureau_layout(capsys, db_path, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "lib.xlsx"
    run(capsys, "--db", db_path, "library", "export", "-o", out)
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:5] == ["一级指标", "二级指标", "三级指标", "指标值", "指标解释"]
    assert ws.merged_cells.ranges  # categories merged down, as the bureaus' files are


BAD_FILES = {
    "no-header.xlsx": "找不到表头行",
    "unknown-category.xlsx": "不在任何指标框架中",
    "missing-level2.xlsx": "缺少二级指标",
    "broken.xlsx": "不是有效的 Excel 文件",
    "bad.json": "不是有效的 JSON",
    "not-a-library.json": "不是指标库文件",
    "library.csv": "不支持的指标库文件类型",
}


def make_bad(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    if name == "no-header.xlsx":
        bureau_xlsx(path, header=("序号", "类别", "小类", "名称", "值", "说明", "备注"))
    elif name == "unknown-category.xlsx":
        bureau_xlsx(path, rows=[*BUREAU_ROWS, ("产出指标", "速度指标", "审批提速", "≥20%", "", "")], merge=False)
    elif name == "missing-level2.xlsx":
        rows = list(BUREAU_ROWS)
        rows[3] = ("效益指标", None, "受灾群众基本生活保障率", 1, "", "")
        bureau_xlsx(path, rows=rows, merge=False)
    elif name == "broken.xlsx":
        bureau_xlsx(path)
        path.write_bytes(path.read_bytes()[:300])
    elif name == "bad.json":
        path.write_text('{"format": "jixiao-library", "entries": [', encoding="utf-8")
    elif name == "not-a-library.json":
        path.write_text(json.dumps({"declarations": []}), encoding="utf-8")
    else:
        path.write_text("一级指标,二级指标,三级指标\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_library_file_exits_2_with_one_message_and_changes_nothing(capsys, db_path, tmp_path, name):
    run(capsys, "--db", db_path, "library", "import", bureau_xlsx(tmp_path / "first.xlsx"))  # seeded, one import
    before = db_dump(db_path)
    code, out, err = run(capsys, "--db", db_path, "library", "import", make_bad(tmp_path, name))
    assert code == 2
    assert out == ""
    assert BAD_FILES[name] in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert db_dump(db_path) == before


def test_a_bad_row_after_good_ones_saves_none_of_them(capsys, db_path, tmp_path):
    run(capsys, "--db", db_path, "library", "list")
    before = db_dump(db_path)
    rows = [*BUREAU_ROWS, ("产出指标", "数量指标", None, "≥2", "只有解释没有名称", "")]
    code, _out, err = run(capsys, "--db", db_path, "library", "import", bureau_xlsx(tmp_path / "x.xlsx", rows=rows,
                                                                                     merge=False))
    assert code == 2 and "第 9 行缺少三级指标名称" in err
    assert db_dump(db_path) == before


def test_export_refuses_to_write_over_the_database(capsys, db_path):
    run(capsys, "--db", db_path, "library", "list")
    link = db_path.parent / "lib.json"
    link.symlink_to(db_path)  # the database under a library's name
    before = db_dump(db_path)
    code, _out, err = run(capsys, "--db", db_path, "library", "export", "-o", link)
    assert code == 2 and "这是本程序的数据库" in err
    assert db_dump(db_path) == before
    code, _out, err = run(capsys, "--db", db_path, "library", "export", "-o", db_path.with_suffix(".csv"))
    assert code == 2 and "可用 .xlsx 或 .json" in err


def test_reading_commands_do_not_write_and_import_is_refused_while_the_window_has_the_database(
        capsys, db_path, tmp_path):
    from desktop.store.database import open_database

    with open_database(db_path):  # created and migrated
        pass
    before = db_dump(db_path)
    code, out, _err = run(capsys, "--db", db_path, "library", "search", "满意度")
    assert code == 0 and out
    assert db_dump(db_path) == before  # the starter library is shown, not written, by a reading command
    with open_database(db_path, write=True):  # as the window holds it
        code, _out, err = run(capsys, "--db", db_path, "library", "import", bureau_xlsx(tmp_path / "b.xlsx"))
    assert code == 2 and "关闭窗口" in err
    assert db_dump(db_path) == before


def test_any_texts_survive_an_excel_and_a_json_round_trip(tmp_path):
    """What Excel would take for a formula, a number or a percentage stays the text it was."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from desktop.domain.library import LibraryEntry, clean
    from desktop.io.library_io import read_library, write_library_json, write_library_xlsx

    text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(clean)
    awkward = st.sampled_from(["=1+1", "+86", "-3", "@x", "0.9", "100%", "1e5", "≥95%", "TRUE", "007", "=A1/B1*100%"])
    entry = st.builds(lambda n, t, e, k: LibraryEntry("产出指标", "数量指标", n, t, e, k, "局"),
                      st.one_of(awkward, text).filter(bool), st.one_of(awkward, text),
                      st.one_of(awkward, text), st.one_of(awkward, text))

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(entry, min_size=1, max_size=6, unique_by=lambda e: e.name))
    def round_trip(entries):
        from desktop.domain.library import normalize_target

        entries = [LibraryEntry(e.level1, e.level2, e.name, normalize_target(e.target), e.explanation, e.keywords,
                                e.source) for e in entries]
        for suffix, write in ((".xlsx", write_library_xlsx), (".json", write_library_json)):
            path = tmp_path / f"round{suffix}"
            write(entries, path)
            _name, got = read_library(path)
            assert [e for _where, e in got] == entries

    round_trip()
