"""Real report pages (tests/real/, 平潭综合实验区 2019–2022): every cell exact, the checks flag what the
pages break, and each real layout feature the pages show is written down as its own test."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extractors import extract, read_layout
from extractors.model import Grid, Paragraph
from tests.conftest import cell_values

REAL = Path(__file__).resolve().parent / "real"
YEARS = (2019, 2020, 2021, 2022)
# sha256 prefixes from tests/real/README.md: the copies are the pages as the portal served them
SHA256 = {2019: "19b2317941a2aada", 2020: "af43103af816ea26", 2021: "d960ffc3591cff76", 2022: "0d47f46c3364cc9d"}
_cache: dict[int, tuple] = {}


def page(year: int) -> tuple[bytes, dict, object, object]:
    """(bytes, expected JSON, layout, report) of one real page, read once per session."""
    if year not in _cache:
        data = (REAL / f"pingtan-{year}.html").read_bytes()
        expected = json.loads((REAL / f"pingtan-{year}.expected.json").read_text(encoding="utf-8"))
        _cache[year] = (data, expected, read_layout(data), extract(data, f"pingtan-{year}.html"))
    return _cache[year]


def grids(year: int) -> list[Grid]:
    return [b for b in page(year)[2].blocks if isinstance(b, Grid)]


def cell(year: int, table: str, row: str, column: str):
    for c in page(year)[3].cells:
        if (c.table, c.row, c.column) == (table, row, column):
            return c
    raise KeyError((table, row, column))


def source_cells(year: int) -> list:
    """The <td> elements of the page's report tables, as BeautifulSoup parsed them."""
    soup = BeautifulSoup(page(year)[0].decode("utf-8"), "lxml")
    return [td for table in soup.select(".TRS_Editor table") for td in table.find_all("td")]


# ------------------------------------------------------------------ the corpus and its expected cells

@pytest.mark.parametrize("year", YEARS)
def test_the_copy_is_the_page_the_readme_describes(year):
    data, expected, _, _ = page(year)
    assert hashlib.sha256(data).hexdigest()[:16] == SHA256[year]
    assert f"pingtan-{year}.html" in (REAL / "README.md").read_text(encoding="utf-8")
    assert expected["year"] == year


@pytest.mark.parametrize("year", YEARS)
def test_every_cell_comes_out_exact(year):
    _, expected, _, report = page(year)
    want = {(c["table"], c["row"], c["column"]): c["value"] for c in expected["cells"]}
    got = cell_values(report)
    assert report.missing == []
    assert got.keys() == want.keys()
    wrong = {k: (want[k], got[k]) for k in want if not (got[k] == want[k] or abs(got[k] - want[k]) < 1e-9)}
    assert wrong == {}


@pytest.mark.parametrize("year", YEARS)
def test_metadata(year):
    _, expected, _, report = page(year)
    for key in ("region_code", "region_name", "publisher", "year", "template"):
        assert getattr(report, key) == expected[key], key
    assert report.title == f"平潭综合实验区{year}年度政府信息公开工作年度报告"


def test_cells_per_table_as_the_readme_counts_them():
    counts = {year: tuple(sum(c.table == t for c in page(year)[3].cells) for t in ("t2", "t3", "t4"))
              for year in YEARS}
    assert counts == {2019: (22, 161, 15), 2020: (22, 161, 15), 2021: (10, 175, 15), 2022: (10, 175, 15)}


def test_publication_dates():
    assert [page(y)[3].published for y in YEARS] == ["2020-01-20", "2021-03-05", "2022-02-08", "2023-02-20"]


# ------------------------------------------------------------------ the checks on the pages as printed

@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    from gkreports.checks import load_checks, offending_rows
    from gkreports.warehouse import connect, load_files
    con = connect(tmp_path_factory.mktemp("real") / "warehouse.duckdb")
    results = load_files(con, sorted(REAL.glob("*.html")))
    assert [r.status for r in results] == ["ok"] * 4
    rows = {c.id: offending_rows(con, c) for c in load_checks()}
    yield con, rows
    con.close()


def test_2020_breaks_t3_2_in_natural_person_and_total_and_the_check_says_so(real_db):
    _, rows = real_db
    flagged = {(r[4], r[7], r[0]) for r in rows["T3-2"]}  # year, column, outcome
    assert flagged == {(2020, "natural_person", "fail"), (2020, "total", "fail")}
    details = sorted(r[8] for r in rows["T3-2"])
    assert details == ["total_handled = 20 but the outcome rows sum to 26",
                       "total_handled = 21 but the outcome rows sum to 27"]


def test_every_other_hard_rule_holds(real_db):
    _, rows = real_db
    assert {check: found for check, found in rows.items()
            if check in ("T2-1", "T3-1", "T3-3", "T4-1") and found} == {}


def test_carried_over_follows_last_year_and_in_force_follows_exactly(real_db):
    _, rows = real_db
    assert rows["X-1"] == []  # 2019 → 2022, every column
    assert rows["X-2"] == []  # 665 + 88 − 55 = 698
    assert cell(2022, "t2", "normative_document", "in_force").value == \
        cell(2021, "t2", "normative_document", "in_force").value + 88 - 55


def test_the_reports_are_one_publisher_under_the_administering_county(real_db):
    con, _ = real_db
    assert con.execute("SELECT DISTINCT region_code, publisher FROM reports").fetchall() == \
        [("350128", "平潭综合实验区管委会")]
    assert con.execute("SELECT name, level FROM regions WHERE region_code = '350128'").fetchone() == ("平潭县", "county")


def test_narratives_state_what_they_received():
    stated = {y: [n.value for n in page(y)[3].narrative if n.fact == "applications_received"] for y in YEARS}
    # 2019 states no count; 2021 writes the number before 申请 (共收到70件申请); 2022's 75 is 74 new + 1 carried over
    assert stated == {2019: [], 2020: [21], 2021: [70], 2022: [75]}
    assert (cell(2022, "t3", "new_received", "total").value, cell(2022, "t3", "carried_over", "total").value) == (74, 1)


# ------------------------------------------------------------------ the layout features, one test each

def test_word_pasted_markup_is_read_through():
    """MsoNormalTable tables (2020, 2022), <o:p> tags (2021) and newlines inside style attributes."""
    texts = {year: page(year)[0].decode("utf-8") for year in YEARS}
    assert "MsoNormalTable" in texts[2020] and "MsoNormalTable" in texts[2022] and "<o:p>" in texts[2021]
    assert any(re.search(r'style="[^"]*\n[^"]*"', t) for t in texts.values())
    for year in YEARS:
        assert all("o:p" not in c.raw and "<" not in c.raw for c in page(year)[3].cells)


def test_a_number_split_over_two_spans_is_one_number():
    split = [td for td in source_cells(2020)
             if [s.get_text() for s in td.find_all("span") if s.get_text().strip("\xa0 ")] == ["2", "0"]]
    assert split, "the 2020 page prints a 20 as '2' + '0' in two spans"
    assert cell(2020, "t3", "total_handled", "natural_person").value == 20
    assert cell(2020, "t3", "total_handled", "natural_person").raw == "20"


def test_nbsp_glued_to_digits():
    glued = [td.get_text() for td in source_cells(2022) if re.search(r"\xa0\d|\d\xa0", td.get_text())]
    assert glued, "the 2022 page glues &nbsp; to its digits"
    assert all(c.raw.strip() == c.raw and "\xa0" not in c.raw for y in YEARS for c in page(y)[3].cells)


def test_labels_split_over_lines_and_spans():
    t4 = grids(2021)[2]
    assert t4.rows[1][0].text == "结\n果\n维\n持"  # one character per line, still 结果维持
    assert cell(2021, "t4", "admin_review", "upheld").value == 1
    labels = "".join(c.text for row in grids(2022)[1].rows for c in row if c is not None)
    assert "没有现成信" in labels and cell(2022, "t3", "unavailable_needs_creation", "total").value == \
        page(2022)[1]["cells"][[(c["row"], c["column"]) for c in page(2022)[1]["cells"]].index(
            ("unavailable_needs_creation", "total"))]["value"]


def test_table_two_is_one_grid_with_a_clause_row_per_block_and_single_values_spanning_three_columns():
    t2 = grids(2021)[0]
    assert t2.rows[0][0].text == "第二十条第（一）项" and t2.rows[0][0].colspan == 4
    assert sum(1 for row in t2.rows if row[0] is not None and row[0].text == "信息内容") >= 3  # header per block
    license_row = next(row for row in t2.rows if row[0] is not None and row[0].text == "行政许可")
    assert [c.colspan for c in license_row if c is not None] == [1, 3]  # one value over three columns
    assert cell(2021, "t2", "administrative_license", "decisions").value == 2293
    assert [c for c in page(2021)[3].cells if c.table == "t2" and c.row == "administrative_license"] == \
        [cell(2021, "t2", "administrative_license", "decisions")]


def test_signed_changes_on_the_2019_form():
    assert cell(2020, "t2", "administrative_penalty", "items_change").value == -18
    assert cell(2020, "t2", "administrative_fee", "items_change").value == -15
    assert cell(2020, "t2", "administrative_license", "items_change").value == 442


def test_procurement_amount_printed_in_yuan_is_stored_in_10k_yuan():
    amount = cell(2019, "t2", "government_procurement", "amount")
    assert (amount.value, amount.raw, amount.semantic) == (7539.443252, "75394432.52元", "number")
    assert cell(2020, "t2", "government_procurement", "amount").value == 7380.28959


def test_other_handling_is_one_row_on_the_2019_form():
    for year in (2019, 2020):
        rows = {c.row for c in page(year)[3].cells if c.table == "t3"}
        assert "other_handling" in rows and not rows & {"other_no_correction", "other_fee_unpaid", "other_other"}
    for year in (2021, 2022):
        rows = {c.row for c in page(year)[3].cells if c.table == "t3"}
        assert "other_handling" not in rows and {"other_no_correction", "other_fee_unpaid", "other_other"} <= rows


def test_the_results_side_label_printed_twice_adds_nothing():
    side = [c for row in grids(2019)[1].rows for c in row if c is not None and "本年度办理结果" in c.text]
    assert len(side) == 2
    assert not [n for n in page(2019)[3].notes if "printed twice" in n]


def test_a_borderless_row_of_nbsp_cells_after_table_four_is_not_data():
    t4 = grids(2020)[2]
    assert [c.text for c in t4.rows[-1]] == [""] * 15
    assert [cell(2020, "t4", r, "total").value for r in ("admin_review", "litigation_direct",
                                                          "litigation_after_review")] == [0, 0, 0]
    assert not [n for n in page(2020)[3].notes if n.startswith("t4")]


def test_an_irregular_header_grid_maps_data_cells_by_their_first_column():
    t3 = grids(2021)[1]
    header = t3.rows[1]
    assert (header[3].text, header[3].colspan) == ("自然人", 2)  # over an empty cell and half of 商业企业
    assert (t3.rows[2][4].text, t3.rows[2][4].colspan) == ("商业\n企业", 2)
    assert [cell(2021, "t3", "new_received", c).value for c in
            ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
             "legal_service_org", "other_org", "total")] == [64, 0, 0, 2, 0, 4, 70]


def test_a_section_heading_with_a_typo_still_opens_table_four():
    headings = [b.text for b in page(2022)[2].blocks if isinstance(b, Paragraph) and b.text.startswith("四、")]
    assert headings == ["四、政府信息公开行政法复议、行政诉讼情况"]
    assert len([c for c in page(2022)[3].cells if c.table == "t4"]) == 15


def test_fee_with_six_decimals():
    fee = cell(2021, "t2", "administrative_fee", "amount_10k_yuan")
    assert (fee.value, fee.raw) == (24252.311082, "24252.311082")


def test_the_page_says_who_published_it_and_the_disagreement_is_reported():
    report = page(2022)[3]
    assert page(2022)[2].meta["source_line"] == "平潭县人民政府"
    assert page(2022)[2].meta["SiteIDCode"] == "3590000001"
    assert "publisher: the source line names 平潭县人民政府; kept 平潭综合实验区管委会" in report.notes
    assert not [n for n in report.notes if "SiteIDCode" in n]  # 359000 is the zone's portal prefix: agreement


# ------------------------------------------------------------------ the accuracy bench

def test_the_bench_reports_real_documents_on_their_own_line():
    from bench.accuracy import format_measurement, measure
    m = measure(REAL)
    assert list(m.by_format) == ["real/html"]
    t = m.by_format["real/html"]
    assert (t.documents, t.expected, t.exact, t.wrong, t.missing, t.failed, t.metadata_wrong) == \
        (4, 796, 796, 0, 0, 0, 0)
    lines = format_measurement(m).splitlines()
    assert lines[1].split()[:4] == ["real/html", "4", "796", "796"]


def test_the_bench_keeps_generated_and_real_documents_apart(tmp_path):
    from bench.accuracy import measure
    from renderers.corpus import expected_json
    from renderers.common import FIGURES_DIR, load_figures
    from renderers.text import render_text
    fig = load_figures(FIGURES_DIR / "hulan-2023.json")
    (tmp_path / "hulan.txt").write_bytes(render_text(fig, "flattened"))
    (tmp_path / "hulan.expected.json").write_text(json.dumps(expected_json(fig), ensure_ascii=False))
    m = measure([tmp_path, REAL])
    assert sorted(m.by_format) == ["real/html", "text"]
    assert m.overall.documents == 5 and m.overall.exact == m.overall.expected
    assert list(measure(tmp_path, real=True).by_format) == ["real/text"]
