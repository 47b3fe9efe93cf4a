"""Layouts seen on real pages, one fixture each: garbled labels placed by similarity within the template's row
order, a table 三 row cut by a page break, blank and merged cells, odd spaces, signed changes, decimals, units."""
from __future__ import annotations

import copy

import pytest

from extractors.cells import read_cell
from extractors.model import Grid, GridCell, Paragraph
from extractors.report import classify_heading, place_by_similarity, report_from_layout
from extractors.template import T2_2021, T3_2021
from renderers.common import FIGURES_DIR, load_figures, printed_rows
from tests.test_mapping import figure, g, layout, t2_grid, t3_rows, t4_grid, values


@pytest.fixture(scope="module")
def fig() -> dict:
    return load_figures(FIGURES_DIR / "hulan-2023.json")


def read(fig, t3: list[Grid] | Grid, t2: Grid | None = None):
    grids = t3 if isinstance(t3, list) else [t3]
    return report_from_layout(layout(t2 or t2_grid(fig), *grids, t4_grid(fig)))


def cell(report, table, row, column):
    return next(c for c in report.cells if (c.table, c.row, c.column) == (table, row, column))


def relabel(fig, labels: dict) -> Grid:
    return g(t3_rows(fig, labels=labels))


# ------------------------------------------------------------------ labels placed by similarity

@pytest.mark.parametrize("row,printed", [
    ("denied_prohibited_by_law", "2.其他法律行政法禁止公开"),  # 规 dropped
    ("denied_enforcement_case_file", "7.属于行政执法安卷"),  # 案 garbled
    ("not_processed_confirmation", "5.要求行政机关确认或重新出已获取信息"),  # 具 lost
])
def test_a_label_with_a_character_dropped_or_garbled_is_placed_by_similarity(fig, row, printed):
    report = read(fig, relabel(fig, {row: printed}))
    assert report.missing == [] and values(report) == figure(fig)
    assert any(n.startswith(f"t3: row '") and f"placed as {row} by similarity" in n for n in report.notes)


def test_a_label_like_two_free_rows_is_left_missing_and_named(fig):
    # Both （六） rows unreadable by key: the first label is 83% like other_no_correction and 77% like
    # other_fee_unpaid (both free there), the second like nothing; neither is placed, nothing else moves.
    printed = "申请人逾期行政机关不再处理其政府信息公开申请"
    report = read(fig, relabel(fig, {"other_no_correction": printed, "other_fee_unpaid": "2.另见附表"}))
    assert [m for m in report.missing if m.startswith("t3.")] == \
        [f"t3.{r}.{c.name}" for r in ("other_no_correction", "other_fee_unpaid") for c in T3_2021.columns]
    assert any(printed in n and "could not be placed" in n and "as alike" in n for n in report.notes)
    got, want = values(report), figure(fig)
    assert all(got[k] == v for k, v in want.items() if k[1] not in ("other_no_correction", "other_fee_unpaid"))


def test_the_row_order_settles_what_similarity_alone_could_not(fig):
    # The same label with other_fee_unpaid readable after it: only other_no_correction is free there.
    report = read(fig, relabel(fig, {"other_no_correction": "申请人逾期行政机关不再处理其政府信息公开申请"}))
    assert report.missing == [] and values(report) == figure(fig)


def test_a_label_like_no_row_is_left_missing_and_named(fig):
    report = read(fig, relabel(fig, {"denied_enforcement_case_file": "7.另见附表"}))
    assert [m for m in report.missing if m.startswith("t3.")] == [f"t3.denied_enforcement_case_file.{c.name}"
                                                                   for c in T3_2021.columns]
    assert any("'7.另见附表' could not be placed (closest is" in n for n in report.notes)


def test_similarity_only_considers_rows_free_at_the_label_position(fig):
    # Looks like 2.其他法律行政法规禁止公开 but sits where 3.危及“三安全一稳定” belongs (its rows around it are
    # matched): the only free row there is denied_security_stability, which it does not resemble.
    report = read(fig, relabel(fig, {"denied_security_stability": "2.其他法律行政法禁止公开"}))
    assert "t3.denied_security_stability.total" in report.missing
    assert cell(report, "t3", "denied_prohibited_by_law", "total").value == \
        figure(fig)[("t3", "denied_prohibited_by_law", "total")]
    assert not any("placed as denied_prohibited_by_law" in n for n in report.notes)


def test_place_by_similarity_needs_a_clear_winner():
    rows = {r.name: r for r in T3_2021.rows}
    assert place_by_similarity("2.其他法律行政法禁止公开", [rows["denied_prohibited_by_law"]])[0] is \
        rows["denied_prohibited_by_law"]
    assert place_by_similarity("全然无关", [rows["denied_prohibited_by_law"]])[0] is None
    assert place_by_similarity("x", [])[0] is None


@pytest.mark.parametrize("heading,table", [
    ("二、主动公政府信息情况", "t2"),  # 开 dropped
    ("三、收到和处理政府信息公开申请情况况", "t3"),  # a character doubled
    ("四、政府信息公开行政法复议、行政诉讼情况", "t4"),  # the 2022 平潭 page's typo
    ("二、存在的主要问题及改进情况", None),
    ("三、本年度办理结果", None),
])
def test_section_headings_with_a_character_dropped_or_added(heading, table):
    assert classify_heading(heading) == table


# ------------------------------------------------------------------ a row cut by a page break

@pytest.mark.parametrize("row,cut", [
    ("not_processed_confirmation", 6),  # 5.要求行政机关确认或重新 | 出具已获取信息
    ("unavailable_needs_creation", 7),  # 2.没有现成信 | 息需要另行制作: the second half alone matches a key
])
def test_a_table_three_row_cut_by_a_page_break_keeps_its_values(fig, row, cut):
    rows = t3_rows(fig)
    at = next(i for i, r in enumerate(rows) if any(c and c.endswith(T3_2021.row(row).label[2:]) for c in r))
    label = rows[at][1]
    first, second = label[:cut], label[cut:]
    page_one = rows[:at] + [["", first] + rows[at][2:]]
    page_two = [["", second] + [""] * 7] + rows[at + 1:]
    report = read(fig, [g(page_one), g(page_two)])
    assert report.missing == [] and values(report) == figure(fig)
    assert cell(report, "t3", row, "total").raw == rows[at][-1]


def test_a_blank_row_opening_the_next_page_is_a_row_of_zeros_when_the_row_before_is_whole(fig):
    f = copy.deepcopy(fig)
    rows = t3_rows(f)
    at = next(i for i, r in enumerate(rows) if "5.要求行政机关确认或重新出具已获取信息" in r)
    rows[at] = ["", rows[at][1]] + [""] * 7  # printed blank: zeros
    report = read(f, [g(rows[:at]), g(rows[at:])])
    assert report.missing == []
    assert [(c.value, c.semantic) for c in report.cells if c.row == "not_processed_confirmation"] == [(0, "blank")] * 7


# ------------------------------------------------------------------ blank, merged and spaced cells

def test_a_row_printing_only_its_non_zero_columns(fig):
    f = copy.deepcopy(fig)
    rows = t3_rows(f)
    granted = next(r for r in rows if "（一）予以公开" in r)
    granted[2:] = ["5", "", "", "2", "", "", "7"]
    report = read(f, g(rows))
    got = [(c.column, c.value, c.semantic) for c in report.cells if c.row == "granted"]
    assert got == [("natural_person", 5, "number"), ("commercial_enterprise", 0, "blank"),
                   ("research_institution", 0, "blank"), ("social_welfare_org", 2, "number"),
                   ("legal_service_org", 0, "blank"), ("other_org", 0, "blank"), ("total", 7, "number")]


def test_a_value_spanning_three_columns_of_table_two_is_one_value(fig):
    rows = []
    for caption, printed in [("第二十条第（一）项", ["规章", "规范性文件"])]:
        rows.append([GridCell(caption, colspan=4), None, None, None])
        rows.append([GridCell(t) for t in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")])
        rows.append([GridCell("规章")] + [GridCell(t) for t in ("0", "0", "3")])
        rows.append([GridCell("行政规范性文件")] + [GridCell(t) for t in ("5", "1", "40")])
    for caption, label, value in (("第二十条第（五）项", "行政许可", "2293"), ("第二十条第（六）项", "行政处罚", "12"),
                                  (None, "行政强制", "0"), ("第二十条第（八）项", "行政事业性收费", "24252.311082")):
        if caption:
            rows.append([GridCell(caption, colspan=4), None, None, None])
            rows.append([GridCell("信息内容"), GridCell("本年处理决定数量" if "收费" not in label else
                                                         "本年收费金额（单位：万元）", colspan=3), None, None])
        rows.append([GridCell(label), GridCell(value, colspan=3), None, None])
    report = read(fig, g(t3_rows(fig)), t2=Grid(rows))
    t2 = {(c.row, c.column): c.value for c in report.cells if c.table == "t2"}
    assert t2 == {("regulation", "issued"): 0, ("regulation", "repealed"): 0, ("regulation", "in_force"): 3,
                  ("normative_document", "issued"): 5, ("normative_document", "repealed"): 1,
                  ("normative_document", "in_force"): 40, ("administrative_license", "decisions"): 2293,
                  ("administrative_penalty", "decisions"): 12, ("administrative_coercion", "decisions"): 0,
                  ("administrative_fee", "amount_10k_yuan"): 24252.311082}
    assert len(t2) == sum(len(T2_2021.columns_of(r)) for r in T2_2021.rows)


@pytest.mark.parametrize("raw,value,semantic", [
    ("\u00a00", 0, "zero"), ("0\u00a0\u00a0\u00a0", 0, "zero"), ("\u300032", 32, "number"), ("32\u3000", 32, "number"),
    ("\u3000", 0, "blank"), ("\u00a0", 0, "blank"), ("３２", 32, "number"),
])
def test_nbsp_and_ideographic_spaces_around_numbers(raw, value, semantic):
    assert read_cell(raw) == (value, semantic)


def test_spaced_cells_in_a_grid(fig):
    f = copy.deepcopy(fig)
    rows = t3_rows(f)
    new = next(r for r in rows if any(c and "本年新收" in c for c in r))
    new[2:] = ["\u3000" + v if i % 2 else v + "\u00a0" for i, v in enumerate(new[2:])]
    report = read(f, g(rows))
    assert report.missing == [] and values(report) == figure(fig)


# ------------------------------------------------------------------ signs, decimals and units

@pytest.mark.parametrize("raw,value", [("+6", 6), ("-18", -18), ("－3", -3), ("＋２", 2), ("−2", -2), ("–15", -15),
                                       ("0", 0), ("+0", 0)])
def test_signed_changes(raw, value):
    assert read_cell(raw, "signed")[0] == value


def test_an_en_dash_alone_or_before_a_count_is_not_a_minus():
    assert read_cell("–", "count") == (None, "not_applicable")
    assert read_cell("–15", "count") == (None, "text")


@pytest.mark.parametrize("raw,value", [("0.1234", 0.1234), ("24252.311082", 24252.311082), ("1,234.5678", 1234.5678),
                                       ("3", 3.0), ("0.0000", 0.0)])
def test_fees_with_four_or_six_decimals(raw, value):
    assert read_cell(raw, "decimal")[0] == value


@pytest.mark.parametrize("raw,value", [("251000元", 25.1), ("75394432.52元", 7539.443252), ("0.001元", 1e-7),
                                       ("25.1万元", 25.1), ("25.1万", 25.1), ("1,200,000.00元", 120.0)])
def test_amounts_with_their_unit_in_the_cell_are_stored_in_10k_yuan(raw, value):
    number, semantic = read_cell(raw, "decimal")
    assert number == pytest.approx(value, abs=0, rel=1e-15) and semantic == "number"
