"""The layout → template mapping on hand-made grids: the shapes real portals print, whatever the format."""
from __future__ import annotations

import copy

import pytest

from extractors import ExtractionError, extract, ocr
from extractors.model import Grid, GridCell, Layout, Paragraph
from extractors.report import report_from_layout
from extractors.template import T3_COLUMNS
from renderers.common import printed_rows
from renderers.common import t2_blocks

TITLE = "呼兰区2023年政府信息公开工作年度报告"


def g(rows: list[list[str | None]]) -> Grid:
    return Grid([[None if t is None else GridCell(t) for t in row] for row in rows])


def t2_grid(fig) -> Grid:
    rows = []
    for caption, printed in t2_blocks(fig):
        rows.append([caption])
        rows.append(["信息内容"] + [c.label for c, _ in printed[0].cells])
        rows += [[p.row.label] + [t for _, t in p.cells] for p in printed]
    return g(rows)


def t3_rows(fig, subtotal_column=False, subtotal_rows=False, labels=None) -> list[list[str | None]]:
    header = [["", "申请人情况"], ["", "自然人", "法人或其他组织", "总计"],
              ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    if subtotal_column:
        header[2] = ["", "", "法人或其他组织小计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    rows = list(header)
    group = None
    for p in printed_rows(fig, "t3"):
        values = [t for _, t in p.cells]
        if subtotal_column:
            values = values[:1] + [str(sum(int(v) for v in values[1:6]))] + values[1:]
        label = (labels or {}).get(p.row.name, p.row.label)
        if subtotal_rows and p.row.group and p.row.group != group:
            members = [q for q in printed_rows(fig, "t3") if q.row.group == p.row.group]
            sums = [str(sum(int(q.cells[i][1]) for q in members)) for i in range(7)]
            if subtotal_column:
                sums = sums[:1] + [str(sum(int(v) for v in sums[1:6]))] + sums[1:]
            rows.append(["", p.row.group, "小计"] + sums)
        group = p.row.group
        rows.append(["", label] + values)
    return rows


def t4_grid(fig) -> Grid:
    values = [t for p in printed_rows(fig, "t4") for _, t in p.cells]
    return g([["行政复议", "行政诉讼"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
              values])


def layout(*blocks) -> Layout:
    return Layout([Paragraph(TITLE)] + list(blocks), media_type="test")


def values(report) -> dict:
    return {(c.table, c.row, c.column): c.value for c in report.cells}


def figure(fig) -> dict:
    return {(c["table"], c["row"], c["column"]): c["value"] for c in fig["cells"]}


def test_one_grid_per_table(hulan_2023):
    r = report_from_layout(layout(t2_grid(hulan_2023), g(t3_rows(hulan_2023)), t4_grid(hulan_2023)))
    assert r.missing == [] and values(r) == figure(hulan_2023)


def test_table_three_continued_on_a_second_grid_with_and_without_repeated_header(hulan_2023):
    rows = t3_rows(hulan_2023)
    for second in (rows[15:], rows[:3] + rows[15:]):
        r = report_from_layout(layout(t2_grid(hulan_2023), g(rows[:15]), Paragraph("- 3 -"), g(second),
                                      t4_grid(hulan_2023)))
        assert r.missing == [] and values(r) == figure(hulan_2023)


def test_portal_added_subtotal_column_and_rows_are_left_out(hulan_2023):
    rows = t3_rows(hulan_2023, subtotal_column=True, subtotal_rows=True)
    r = report_from_layout(layout(t2_grid(hulan_2023), g(rows), t4_grid(hulan_2023)))
    assert r.missing == [] and values(r) == figure(hulan_2023)
    assert any("subtotal" in n for n in r.notes)


def test_known_label_typos_are_recognised(hulan_2023):
    labels = {"denied_internal_affairs": "5.属于三类内容事务信息",
              "partially_granted": "（二）部分公开（区分处理的，只计这一情况，不计其他情况）",
              "denied_security_stability": '3.危及"三安全一稳定"',
              "other_other": "3、其他"}
    r = report_from_layout(layout(t2_grid(hulan_2023), g(t3_rows(hulan_2023, labels=labels)), t4_grid(hulan_2023)))
    assert r.missing == [] and values(r) == figure(hulan_2023)


def test_a_2021_report_printing_other_handling_as_one_row(hulan_2023):
    fig = copy.deepcopy(hulan_2023)
    rows = [r for r in t3_rows(fig) if not any(k in "".join(x or "" for x in r) for k in ("逾期不补正", "缴纳费用", "3.其他"))]
    at = next(i for i, r in enumerate(rows) if "（七）总计" in r)
    rows.insert(at, ["", "（六）其他处理"] + ["0"] * 7)
    r = report_from_layout(layout(t2_grid(fig), g(rows), t4_grid(fig)))
    assert r.template == "2021" and r.missing == []
    got = values(r)
    assert got[("t3", "other_handling", "total")] == 0
    assert ("t3", "other_other", "total") not in got


def test_table_four_as_three_labelled_rows(hulan_2023):
    rows = [["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]
    for p in printed_rows(hulan_2023, "t4"):
        rows.append([p.row.label] + [t for _, t in p.cells])
    r = report_from_layout(layout(t2_grid(hulan_2023), g(t3_rows(hulan_2023)), Paragraph("四、行政复议、行政诉讼情况"),
                                  g(rows)))
    assert r.missing == [] and values(r) == figure(hulan_2023)


def test_table_four_split_in_two_grids(hulan_2023):
    values15 = [t for p in printed_rows(hulan_2023, "t4") for _, t in p.cells]
    review = g([["行政复议"], ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], values15[:5]])
    litigation = g([["行政诉讼"], ["未经复议直接起诉", "复议后起诉"], values15[5:]])
    r = report_from_layout(layout(t2_grid(hulan_2023), g(t3_rows(hulan_2023)), review, litigation))
    assert r.missing == [] and values(r) == figure(hulan_2023)


def test_a_text_value_is_kept_as_text_not_guessed(hulan_2023):
    rows = t3_rows(hulan_2023)
    granted = next(r for r in rows if "予以公开" in "".join(x or "" for x in r))
    granted[-1] = "见附件"
    r = report_from_layout(layout(t2_grid(hulan_2023), g(rows), t4_grid(hulan_2023)))
    cell = next(c for c in r.cells if (c.table, c.row, c.column) == ("t3", "granted", "total"))
    assert (cell.value, cell.raw, cell.semantic) == (None, "见附件", "text")


def test_a_pre_2019_report_is_flagged_not_parsed():
    r = report_from_layout(Layout([Paragraph("呼兰区2015年政府信息公开工作年度报告"), Paragraph("一、概述")], "test"))
    assert (r.template, r.year, r.cells, r.region_code) == ("pre2019", 2015, [], "230111")


@pytest.mark.parametrize("data,name,reason,words", [
    (b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
     "P020240115.pdf", "not_a_report", "named like a PDF but the bytes are an HTML page"),
    # an image is read by OCR when the extra is installed (these bytes are no picture: corrupt), else refused
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "report.pdf", "corrupt" if ocr.available() else "unsupported_format",
     "image"),
    (b"PK\x03\x04" + b"\x00" * 64, "report.docx", "unsupported_format", "zip"),
    (b"\x00\x01\x02binary" * 20, "x.bin", "unsupported_format", "binary"),
])
def test_the_format_comes_from_the_bytes_not_the_name(data, name, reason, words):
    with pytest.raises(ExtractionError) as err:
        extract(data, name)
    assert err.value.reason == reason
    assert words in str(err.value)


def test_subtotal_column_found_by_its_header_in_a_rectangular_grid_even_when_it_does_not_add_up(hulan_2023):
    head = [GridCell("")] * 2
    rows = [head + [GridCell("申请人情况", colspan=8)] + [None] * 7,
            head + [GridCell("自然人"), GridCell("法人或其他组织", colspan=6)] + [None] * 5 + [GridCell("总计")],
            head + [GridCell(""), GridCell("小计")] + [GridCell(c.label) for c in T3_COLUMNS[1:6]] + [GridCell("")]]
    for p in printed_rows(hulan_2023, "t3"):
        v = [t for _, t in p.cells]
        rows.append([GridCell(""), GridCell(p.row.label)] + [GridCell(t) for t in v[:1] + ["99"] + v[1:]])
    r = report_from_layout(layout(t2_grid(hulan_2023), Grid(rows), t4_grid(hulan_2023)))
    assert r.missing == [] and values(r) == figure(hulan_2023)
