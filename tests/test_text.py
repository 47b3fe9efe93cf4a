"""The flattened-text layout: the seed itself, and every figures file rendered in the text variants."""
from __future__ import annotations

import pytest

from extractors import extract
from renderers.text import VARIANTS, render_text
from tests.conftest import ALL_FIGURES, FIGURE_IDS, assert_report_matches, cell_values


def test_seed_gives_exactly_the_expected_200_values(seed_text, seed_expected):
    report = extract(seed_text, "000_d601352be8b8720b.txt")
    expected = {(c["table"], c["row"], c["column"]): c["value"] for c in seed_expected["cells"]}
    assert len(expected) == 200
    assert cell_values(report) == expected
    assert [(c.table, c.row, c.column) for c in report.cells] == \
        [(c["table"], c["row"], c["column"]) for c in seed_expected["cells"]]


def test_seed_metadata(seed_text, seed_expected):
    report = extract(seed_text, "seed.txt")
    for key in ("region_code", "region_name", "publisher", "year", "template"):
        assert getattr(report, key) == seed_expected[key]
    assert report.title == "呼兰区2023年政府信息公开工作年度报告"
    assert report.status == "ok"


def test_seed_narrative_states_79_received(seed_text):
    report = extract(seed_text, "seed.txt")
    assert [(n.fact, n.value) for n in report.narrative] == [("applications_received", 79)]
    assert report.narrative[0].source == {"line": 7}


def test_seed_cells_keep_raw_text_semantic_and_line(seed_text):
    report = extract(seed_text, "seed.txt")
    fee = next(c for c in report.cells if c.row == "administrative_fee")
    assert (fee.value, fee.raw, fee.semantic) == (4591.36, "4591.36", "number")
    assert fee.source["line"] > 0
    license_ = next(c for c in report.cells if c.row == "administrative_license")
    assert (license_.value, license_.semantic) == (30047, "number")
    zero = next(c for c in report.cells if (c.table, c.row, c.column) == ("t3", "carried_over", "total"))
    assert (zero.value, zero.raw, zero.semantic) == (0, "0", "zero")


def test_seed_table_four_is_read_from_the_single_row_of_fifteen(seed_text):
    report = extract(seed_text, "seed.txt")
    t4 = [c.value for c in report.cells if c.table == "t4"]
    assert t4 == [4, 0, 0, 0, 4, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("fig", ALL_FIGURES, ids=FIGURE_IDS)
def test_rendered_text_reads_back_exactly(fig, variant):
    report = extract(render_text(fig, variant), f"{fig['slug']}.txt")
    assert_report_matches(report, fig)
    assert [n.value for n in report.narrative] == [fig["narrative"]["applications_received"]]


def test_blank_cells_read_as_zero_with_semantic_blank(hulan_2023):
    report = extract(render_text(hulan_2023, "flattened_blank_zeros"), "blank.txt")
    cell = next(c for c in report.cells if (c.table, c.row, c.column) == ("t3", "granted", "commercial_enterprise"))
    assert (cell.value, cell.raw, cell.semantic) == (0, "", "blank")


def test_2019_template_is_detected_and_stored_under_its_own_names():
    fig = next(f for f in ALL_FIGURES if f["template"] == "2019")
    report = extract(render_text(fig, "flattened"), "w.txt")
    assert report.template == "2019"
    names = {(c.table, c.row, c.column) for c in report.cells}
    assert ("t3", "other_handling", "total") in names
    assert ("t3", "other_other", "total") not in names
    assert ("t2", "government_procurement", "amount") in names
    assert ("t2", "administrative_license", "items_change") in names
