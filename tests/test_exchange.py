"""JSON, Excel and Word: round trips, hand-made files, and files that must be refused."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.io.errors import ImportFailed
from desktop.io.excel import export_xlsx, import_xlsx
from desktop.io.importers import import_file
from desktop.io.json_io import SCHEMA_FILE, dumps, json_schema, loads
from desktop.io.word import import_docx


# -- JSON ------------------------------------------------------------------------
def test_json_export_import_export_gives_the_same_bytes(tmp_path, samples, capsys):
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    source = tmp_path / "forms.txt"
    shutil.copy(Path(__file__).parent / "fixtures" / "shenshan-emergency-2024.txt", source)
    assert main(["--db", str(first), "import", str(source)]) == 0
    assert main(["--db", str(first), "export", "--all", "-o", str(tmp_path / "1.json")]) == 0
    assert main(["--db", str(second), "import", str(tmp_path / "1.json")]) == 0
    assert main(["--db", str(second), "export", "--all", "-o", str(tmp_path / "2.json")]) == 0
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_json_is_lossless_for_everything_typed(samples):
    d = samples[0]
    d.header.total_amount = "约 50 万"  # raw input that does not parse survives too
    d.status = "定稿"
    back = loads(dumps([d]))[0]
    assert back.content_equals(d)


def test_the_published_schema_is_current_and_exports_validate_against_it(samples):
    import jsonschema

    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema()
    jsonschema.validate(json.loads(dumps(samples)), json_schema())


@pytest.mark.parametrize("content, message", [
    ("{not json", "不是有效的 JSON"),
    ('{"format": "something-else"}', "不是申报表交换文件"),
    ('{"format": "jixiao-declarations", "schema_version": 99, "declarations": []}', "版本 99"),
    ('{"format": "jixiao-declarations", "schema_version": 1, "declarations": [{"header": {"oops": 1}}]}', "内容有误"),
])
def test_bad_json_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message):
        import_file(path)


# -- Excel -------------------------------------------------------------------------
def test_excel_round_trip_keeps_every_field(tmp_path, samples):
    out = tmp_path / "forms.xlsx"
    export_xlsx(samples, out)
    back = import_xlsx(out)
    assert len(back) == 5
    for a, b in zip(samples, back, strict=True):
        assert b.content_equals(a), a.header.project_name


def test_excel_export_is_one_printable_sheet_per_form_with_numeric_amounts(tmp_path, samples):
    from openpyxl import load_workbook

    out = tmp_path / "forms.xlsx"
    export_xlsx(samples, out)
    wb = load_workbook(out)
    assert wb.sheetnames == [d.header.project_name for d in samples]
    ws = wb["应急保障工作经费"]
    amounts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert 7695386.6 in [c.value for c in amounts] and all(c.number_format == "#,##0.00" for c in amounts)
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.sheet_properties.pageSetUpPr.fitToPage


def test_a_hand_made_sheet_with_the_same_labels_imports(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([None, "项目名称", "手工表格项目", "申请单位：", "某单位"])
    ws.append([None, "实施期限", 1, "本年度项目金额（元）", 120000])
    ws.append([None, "项目总金额（中期规划，元）", "12万"])
    ws.append([None, "测算依据", "1.设备费8万元。 2.服务费4万元。"])
    ws.append([])
    ws.append([None, "一级指标", "二级指标", "三级指标", "目标值", "指标解释"])
    ws.append([None, "产出指标", "*数量指标", "采购设备", "≥2台", "反映设备数量"])
    ws.append([None, None, None, "完成服务", "1次", "反映服务次数"])  # merged cells leave these empty
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    (d,) = import_file(path)
    assert d.header.project_name == "手工表格项目" and d.header.applicant_unit == "某单位"
    assert d.header.duration_years == "1" and d.header.annual_amount == "120,000.00"
    assert [c.amount for c in d.cost_items] == ["80,000.00", "40,000.00"]
    assert [(i.level1, i.level2, i.name) for i in d.indicators] == [
        ("产出指标", "数量指标", "采购设备"), ("产出指标", "数量指标", "完成服务")]


# -- Word ----------------------------------------------------------------------------
def write_docx(decl, path: Path) -> None:
    """A form as units keep it in Word: title paragraph, the table, merged category cells."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("二级项目支出绩效目标申报表")
    h = decl.header
    rows = [("项目编码", h.project_code, "项目名称", h.project_name),
            ("申请单位", h.applicant_unit, "一级预算单位", h.budget_unit),
            ("实施期限", h.duration_years, "项目类型", h.project_type),
            ("是否新增项目", h.is_new, "分配方式", h.allocation_method),
            ("项目总金额（中期规划，元）", h.total_amount, "本年度项目金额（元）", h.annual_amount)]
    wide = [("政策依据", decl.texts.policy_basis), ("测算依据", "\n".join(f"{i}. {c.text}" for i, c in enumerate(decl.cost_items, 1))),
            ("年度目标", decl.texts.annual_goals), ("长期目标（跨度多年的项目需填）", decl.texts.long_term_goals)]
    table = doc.add_table(rows=len(rows) + len(wide), cols=4)
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    for i, (label, value) in enumerate(wide, len(rows)):
        table.cell(i, 0).text = label
        merged = table.cell(i, 1).merge(table.cell(i, 3))
        first, *rest = value.split("\n")
        merged.text = first
        for line in rest:
            merged.add_paragraph(line)
    ind = doc.add_table(rows=1 + len(decl.indicators), cols=5)
    for c, head in enumerate(["一级指标", "二级指标", "三级指标", "目标值", "指标解释"]):
        ind.cell(0, c).text = head
    for r, row in enumerate(decl.indicators, 1):
        for c, v in enumerate([row.level1, "*" + row.level2, row.name, row.target, row.explanation]):
            ind.cell(r, c).text = v
    # merge runs of equal 一级 cells vertically, as real forms do
    start = 1
    for r in range(2, len(decl.indicators) + 2):
        if r == len(decl.indicators) + 1 or decl.indicators[r - 1].level1 != decl.indicators[start - 1].level1:
            if r - 1 > start:
                text = ind.cell(start, 0).text
                ind.cell(start, 0).merge(ind.cell(r - 1, 0)).text = text
            start = r
    doc.save(path)


def test_word_round_trip_through_a_file_the_test_writes(tmp_path, samples):
    for d in samples:
        path = tmp_path / f"{d.header.project_code}.docx"
        write_docx(d, path)
        (back,) = import_docx(path)
        assert back.header == d.header
        assert back.texts == d.texts
        assert back.indicators == d.indicators
        assert [c.amount for c in back.cost_items] == [c.amount for c in d.cost_items]


# -- bad files: exit 2, one message, database untouched ----------------------------
def _zip_with(path: Path, name: str, data: bytes, *, compress=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compress) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, data)
    return path


def make_bad_files(tmp_path: Path, samples) -> dict[str, Path]:
    good = tmp_path / "good.xlsx"
    export_xlsx(samples[:1], good)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    bomb = _zip_with(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}' * 10 + '">' for i in range(1, 10))
              + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              '<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    entities = tmp_path / "entities.docx"
    shutil.copy(_minimal_docx(tmp_path), entities)
    with zipfile.ZipFile(entities, "a") as z:
        z.writestr("word/document2.xml", laughs)
    xxe = _xxe_docx(tmp_path, laughs)
    xlsx_laughs = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(xlsx_laughs, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = laughs.replace("w:document", "worksheet").replace("w:body", "sheetData").encode()
            zout.writestr(item, data)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(100 * 1024 * 1024)
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 50)
    notform = tmp_path / "letter.txt"
    notform.write_text("尊敬的领导：\n这是一封信，不是申报表。\n", encoding="utf-8")
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip at all", encoding="utf-8")
    return {"truncated zip": truncated, "zip bomb": bomb, "entity expansion": xxe, "100 MB of text": huge,
            "binary garbage": garbage, "not the format": notform, "not a zip": fake, "extra entities": entities,
            "entity expansion in Excel": xlsx_laughs}


def _minimal_docx(tmp_path: Path) -> Path:
    from docx import Document

    path = tmp_path / "minimal.docx"
    Document().save(path)
    return path


def _xxe_docx(tmp_path: Path, document_xml: str) -> Path:
    src = _minimal_docx(tmp_path)
    out = tmp_path / "laughs.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = document_xml.encode() if item.filename == "word/document.xml" else zin.read(item.filename)
            zout.writestr(item, data)
    return out


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, sample_declarations) -> dict[str, Path]:
    """Built once: the 300 MB zip bomb alone took seconds per case."""
    return make_bad_files(tmp_path_factory.mktemp("bad"), [d.model_copy(deep=True) for d in sample_declarations])


@pytest.mark.parametrize("case", ["truncated zip", "zip bomb", "entity expansion", "100 MB of text",
                                  "binary garbage", "not the format", "not a zip", "extra entities",
                                  "entity expansion in Excel"])
def test_bad_files_are_refused_cleanly_and_nothing_is_saved(tmp_path, samples, capsys, case, bad_files):
    db = tmp_path / "db.sqlite3"
    files = bad_files
    good = tmp_path / "good.json"
    good.write_text(dumps(samples[:2]), encoding="utf-8")
    code = main(["--db", str(db), "import", str(good), str(files[case])])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and files[case].name in err
    assert main(["--db", str(db), "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # the good file before it was not saved either


def test_excel_shows_the_not_applicable_rows_the_pdf_prints_and_reads_back_without_them(tmp_path, samples):
    """Issue 15.8: the Excel export left out the 不适用 rows that the printed form has."""
    from openpyxl import load_workbook

    from desktop.domain.template import registry
    from desktop.printing.layout import printed_indicators

    out = tmp_path / "表.xlsx"
    export_xlsx(samples, out)
    wb = load_workbook(out, read_only=True)
    for decl, ws in zip(samples, wb.worksheets, strict=True):
        rows = [r for r in ws.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(rows) if r[:2] == ("一级指标", "二级指标"))
        in_sheet = [(r[0], (r[1] or "").lstrip("*"), r[2], r[3]) for r in rows[start + 1:]]
        printed = [(r.level1, r.level2, r.name, r.target)
                   for r in printed_indicators(decl, registry().get(decl.template_id))]
        assert in_sheet == printed
        assert any(name == "不适用" for _l1, _l2, name, _t in in_sheet)
    wb.close()
    back = import_xlsx(out)
    assert [d.indicators for d in back] == [d.indicators for d in samples]
