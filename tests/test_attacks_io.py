"""Files crafted to lose or corrupt data on the way in or out (issue 9): each ends
with exact data or one clear Chinese message, and a refused file changes nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from cli_helpers import db_dump as db_content
from desktop.cli import main
from desktop.domain.model import CostItem, Declaration, Header, Indicator, Texts
from desktop.domain.template import registry
from desktop.io.errors import ImportFailed
from desktop.io.excel import EXCEL_MAX_CHARS, export_xlsx, import_xlsx
from desktop.io.json_io import dumps
from desktop.io.output import OutputRefused
from desktop.io.text_import import import_text_file, parse_text

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")


def refused_import(db: Path, capsys, *files: Path) -> str:
    """Import that must fail: exit 2, one line on stderr, database unchanged. Returns the line."""
    before = db_content(db)
    code = main(["--db", str(db), "import", *map(str, files)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert db_content(db) == before
    return err


# -- 6. Excel: text stays text, every value comes back exactly ------------------------
def tricky_declaration() -> Declaration:
    return Declaration(
        fiscal_year=2025,
        header=Header(project_code="  440313241071500300007", project_name="项目类型",  # reads like a label
                      applicant_unit="=HYPERLINK(\"http://example.com\",\"点我\")", budget_unit="@SUM(A1:A9)",
                      duration_years="-1", project_type="+15 履职类", is_new=" ", allocation_method="因素法\n",
                      total_amount="53.62万", annual_amount=" 536,200.00 "),
        texts=Texts(policy_basis="  第一段\r\n第二段  \n\n", annual_goals="1.培训 2.宣传 <p>不是标签</p>",
                    long_term_goals="\t缩进\u2028" + "长" * (EXCEL_MAX_CHARS - 4)),  # exactly at Excel's limit
        cost_items=[CostItem(text="=4次", amount="1,000.00"), CostItem(text="", amount=""),
                    CostItem(text=" 约五十万 ", amount="约 50 万"), CostItem(text="一级指标", amount="12345678901234567.00")],
        indicators=[Indicator(level1="产出指标", level2="数量指标", name="培训次数", target="=4次", explanation="=100%"),
                    Indicator(level1="产出指标", level2="质量指标"),  # a row added in the editor, not filled yet
                    Indicator(level1="满意度指标", level2="服务对象满意度指标", name="不适用", target="不适用",
                              explanation=" 😀 \x85 ")],
    )


def test_excel_writes_formula_like_text_as_text_and_never_as_a_formula(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "forms.xlsx"
    export_xlsx([tricky_declaration()], out)
    ws = load_workbook(out).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no live formula anywhere
    assert not [c.coordinate for c in cells if c.hyperlink]
    targets = {c.value: c for c in cells}
    for text in ("=4次", "=100%", "@SUM(A1:A9)", "-1", "+15 履职类"):
        assert targets[text].data_type == "s" and targets[text].quotePrefix, text  # stays text when edited


def test_excel_round_trip_gives_back_exactly_the_same_declaration(tmp_path, samples):
    decls = [tricky_declaration(), samples[2]]
    out = tmp_path / "forms.xlsx"
    export_xlsx(decls, out)
    back = import_xlsx(out)
    assert [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in back] == \
           [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in decls]


# Text an Excel cell can hold: no surrogates, no control characters but tab, LF and CR, no U+FFFE/U+FFFF.
excel_text = st.text(st.characters(blacklist_categories=("Cs",),
                                   blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)]
                                   + ["\ufffe", "\uffff"]), max_size=30)
tricky_text = st.one_of(excel_text, st.sampled_from(["=1+1", "=100%", "-5", "+5", "@x", " ", "\n", "\r\n", "'",
                                                     "536,200.00", "0.00", "53.62万", "1", "TRUE", "<p>x</p>",
                                                     "1.甲 2.乙", "不适用", "项目名称", "测算依据：", "一级指标",
                                                     "二级指标", "测算内容", "二级项目支出绩效目标申报表"]))


@st.composite
def declarations(draw):
    t = registry().get("shenshan-2024")
    categories = [(c.level1, l2.name) for c in t.categories for l2 in c.level2]
    return Declaration(
        fiscal_year=draw(st.integers(2000, 2100)), header=Header(**{f: draw(tricky_text) for f in Header.model_fields}),
        texts=Texts(**{f: draw(tricky_text) for f in Texts.model_fields}),
        cost_items=draw(st.lists(st.builds(CostItem, text=tricky_text, amount=tricky_text), max_size=3)),
        indicators=[Indicator(level1=l1, level2=l2, name=draw(tricky_text), target=draw(tricky_text),
                              explanation=draw(tricky_text))
                    for l1, l2 in draw(st.lists(st.sampled_from(categories), max_size=3))])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(decls=st.lists(declarations(), min_size=1, max_size=2))
def test_any_text_excel_can_hold_comes_back_exactly(tmp_path, decls):
    out = tmp_path / "fuzz.xlsx"
    export_xlsx(decls, out)
    back = import_xlsx(out)
    assert [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in back] == \
           [d.model_dump(exclude={"id", "created_at", "updated_at"}) for d in decls]


@pytest.mark.parametrize("change, message", [
    (lambda d: setattr(d.cost_items[2], "text", "第三条\x01"), "的“测算依据”第 3 条含有 Excel 无法保存的控制字符 U+0001"),
    (lambda d: setattr(d.indicators[1], "target", "≥2\x0b次"), "的指标表第 2 行的“目标值”含有 Excel 无法保存的控制字符 U+000B"),
    (lambda d: setattr(d.texts, "policy_basis", "长" * (EXCEL_MAX_CHARS + 1)), "的“政策依据”有 32,768 个字符，超过 Excel 单元格的上限 32,767 个"),
    (lambda d: setattr(d.header, "project_code", "😀" * 16384), "的“项目编码”有 32,768 个字符"),  # Excel counts UTF-16 units
], ids=["control character", "vertical tab", "too long", "too long in UTF-16"])
def test_excel_refuses_what_a_cell_cannot_hold_before_writing_anything(tmp_path, samples, change, message):
    decls = [samples[1], samples[0]]
    change(decls[1])
    out = tmp_path / "forms.xlsx"
    out.write_bytes(b"an earlier export")
    with pytest.raises(OutputRefused) as refused:
        export_xlsx(decls, out)
    assert str(refused.value).startswith("第 2 份申报表《民意速办工作经费》" + message)
    assert out.read_bytes() == b"an earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["forms.xlsx"]  # no half-written file beside it


def test_the_command_line_refuses_such_an_export_with_the_message(tmp_path, filled_db, capsys):
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    with open_database(filled_db) as db:
        repo = Repository(db)
        d = repo.load(3)
        d.cost_items[0].text += "\x1f"
        repo.save(d)
    out = tmp_path / "out.xlsx"
    assert main(["--db", str(filled_db), "export", "--all", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("第 3 份申报表《应急保障工作经费》的“测算依据”第 1 条含有 Excel 无法保存的控制字符 U+001F")
    assert not out.exists()


# -- 7. Text import: rows end at LF/CRLF only; duplicate labels are refused --------------
BREAKS = {"U+2028": "\u2028", "U+2029": "\u2029", "VT": "\x0b", "FF": "\x0c", "NEL": "\x85",
          "FS": "\x1c", "GS": "\x1d", "RS": "\x1e", "lone CR": "\r"}


@pytest.mark.parametrize("name", BREAKS)
def test_a_line_break_character_inside_a_cell_is_a_line_break_not_a_new_row(sample_declarations, name):
    ch = BREAKS[name]
    policy = "建立健全为群众办实事长效机制"
    text = SAMPLE_TEXT.replace("民意速办工作经费", "民意速办" + ch + "工作经费", 1)
    text = text.replace(policy, "建立健全" + ch + "为群众办实事长效机制", 1).replace("\n", "\r\n")  # and CRLF rows
    first, *rest = parse_text(text)
    assert first.header.project_name == "民意速办\n工作经费"
    assert first.texts.policy_basis == sample_declarations[0].texts.policy_basis.replace(policy, "建立健全\n" + policy[4:])
    assert first.header.applicant_unit == sample_declarations[0].header.applicant_unit  # the next row is intact
    assert first.indicators == sample_declarations[0].indicators
    assert [d.model_dump() for d in rest] == [d.model_dump() for d in sample_declarations[1:]]


def with_line_after(text: str, line_number: int, line: str) -> str:
    lines = text.split("\n")
    lines.insert(line_number, line)
    return "\n".join(lines)


def test_a_label_twice_in_one_form_is_refused_naming_both_lines(tmp_path, filled_db, capsys):
    assert "\t项目名称：\t车辆租赁费" in SAMPLE_TEXT.split("\n")[29]  # line 30: the second form's 项目名称
    bad = tmp_path / "twice.txt"
    bad.write_text(with_line_after(SAMPLE_TEXT, 31, "项目名称：\t车辆租赁费（改）\t"), encoding="utf-8")
    err = refused_import(filled_db, capsys, SAMPLE, bad)  # the good file before it is not saved either
    assert err == ("twice.txt：同一份申报表里“项目名称”出现了两次（第 30 行和第 32 行），"
                   "无法确定该用哪一个。请删去多余的一项后再导入。")


def test_the_mislabelled_project_type_still_imports(sample_declarations):
    third = sample_declarations[2]
    assert third.header.project_type == "15 履职类(运转)项目"
    assert third.header.budget_unit == "深圳市深汕特别合作区应急管理局"


def test_a_second_mislabelled_project_type_is_a_duplicate(tmp_path):
    # The third form already took its second 一级预算单位 as 项目类型; a third one cannot be placed.
    bad = tmp_path / "thrice.txt"
    bad.write_text(with_line_after(SAMPLE_TEXT, 55, "一级预算单位：\t16 其他项目\t"), encoding="utf-8")
    with pytest.raises(ImportFailed, match="“项目类型”出现了两次（第 55 行和第 56 行）"):
        import_text_file(bad)


def test_a_label_twice_in_an_excel_sheet_is_refused_naming_both_rows(tmp_path, filled_db, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "手工表"
    ws.append(["项目名称", "甲项目", "申请单位", "某单位"])
    ws.append(["实施期限", 1])
    ws.append(["申请单位：", "另一单位"])
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    err = refused_import(filled_db, capsys, path)
    assert err.startswith("hand.xlsx：同一份申报表里“申请单位”出现了两次（工作表“手工表”第 1 行和工作表“手工表”第 3 行）")


def test_word_a_label_twice_is_refused_but_a_vertically_merged_label_is_read_once(tmp_path):
    from docx import Document

    from desktop.io.word import import_docx

    def docx_with(rows: list[list[str]], merge_first_column: bool) -> Path:
        doc = Document()
        table = doc.add_table(rows=len(rows), cols=2)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        if merge_first_column:  # Word repeats a merged cell in every row it spans
            table.cell(0, 0).merge(table.cell(1, 0)).text = rows[0][0]
        path = tmp_path / f"{merge_first_column}.docx"
        doc.save(path)
        return path

    (d,) = import_docx(docx_with([["项目名称", "甲项目"], ["", ""], ["申请单位", "某单位"]], merge_first_column=True))
    assert (d.header.project_name, d.header.applicant_unit) == ("甲项目", "某单位")
    twice = docx_with([["项目名称", "甲项目"], ["申请单位", "某单位"], ["项目名称", "乙项目"]], merge_first_column=False)
    with pytest.raises(ImportFailed, match="“项目名称”出现了两次（第 1 个表格第 1 行和第 1 个表格第 3 行）"):
        import_docx(twice)


# -- 8. Malformed JSON: exit 2, the path of the bad value, nothing saved ------------------
def exchange_text(**changes) -> str:
    data = json.loads(dumps([Declaration(fiscal_year=2024, header=Header(project_name="好的"))]))
    data["declarations"][0].update(changes)
    return json.dumps(data)


JSON_ATTACKS = {
    "100,000 nested lists": ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": '
                             + "[" * 100_000 + "]" * 100_000 + "}", "declarations.0.0.0.0.0.0.0…：嵌套层数过多"),
    "nested in a field": (exchange_text(header={"project_name": 0}).replace(
        '"project_name": 0', '"project_name": ' + "[" * 100_000 + "]" * 100_000),
        "declarations.0.header.project_name.0.0.0.0…：嵌套层数过多"),
    "5000-digit integer": (exchange_text(fiscal_year=0).replace('"fiscal_year": 0', '"fiscal_year": ' + "9" * 5000),
                           "declarations.0.fiscal_year：数字有 5,000 位，超出范围"),
    "fiscal year 10**30": (exchange_text(fiscal_year=10**30),
                           "declarations.0.fiscal_year：申报年度 1000000000000000000000000000000 不在 2000–2100 之间"),
    "fiscal year 2101": (exchange_text(fiscal_year=2101), "declarations.0.fiscal_year：申报年度 2101 不在 2000–2100 之间"),
    "lone surrogate": (exchange_text(texts={"policy_basis": "依据\ud800"}),
                       "declarations.0.texts.policy_basis：含有无效字符 U+D800"),
    "lone surrogate in a key": (exchange_text(header={"project_name\udc00": "x"}),
                                "declarations.0.header：有一个名称含有无效字符"),
}


@pytest.mark.parametrize("case", JSON_ATTACKS)
def test_malformed_json_is_refused_naming_the_bad_value(tmp_path, filled_db, capsys, case):
    text, where = JSON_ATTACKS[case]
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")  # json.dumps escapes a lone surrogate as \ud800
    err = refused_import(filled_db, capsys, SAMPLE, bad)
    assert err.startswith("bad.json：内容有误（") and where in err, err


def test_json_at_the_edges_of_what_is_allowed_imports(tmp_path, filled_db, capsys):
    ok = tmp_path / "ok.json"
    ok.write_text(exchange_text(fiscal_year=2100, texts={"policy_basis": "\ud83d\ude00 成对的代理项是一个字符"}),
                  encoding="utf-8")
    assert main(["--db", str(filled_db), "import", str(ok)]) == 0
    assert capsys.readouterr().out == "6\t好的\n"
    assert main(["--db", str(filled_db), "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[-1]["fiscal_year"] == 2100


# -- 10. UTF-16 text, as Excel's "Unicode 文本" writes it --------------------------------
@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-16-le", b"")])
def test_utf16_text_imports_exactly_like_utf8(tmp_path, sample_declarations, encoding, bom):
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + SAMPLE_TEXT.replace("\n", "\r\n").encode(encoding))  # Excel ends rows with CRLF
    assert [d.model_dump() for d in import_text_file(path)] == [d.model_dump() for d in sample_declarations]


def test_binary_data_that_starts_like_utf16_is_still_not_text(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\xff\xfe" + bytes(range(1, 256)) * 8)
    with pytest.raises(ImportFailed, match="photo.txt：不是文本文件"):
        import_text_file(path)
