"""Reading one printed cell, and label normalisation."""
import pytest

from extractors.cells import normalize_label, read_cell


@pytest.mark.parametrize("raw,kind,expected", [
    ("", "count", (0, "blank")),
    ("  ", "count", (0, "blank")),
    ("0", "count", (0, "zero")),
    ("37", "count", (37, "number")),
    ("３７", "count", (37, "number")),            # full-width digits
    ("30,047", "count", (30047, "number")),       # thousands separator
    ("4591.36", "decimal", (4591.36, "number")),
    ("22（其中修订16件）", "count", (22, "number")),  # annotation kept in raw only
    ("55(含自然失效29件)", "count", (55, "number")),
    ("251000元", "decimal", (25.1, "number")),     # yuan printed in a 万元 column
    ("+2", "signed", (2, "number")),
    ("-1", "signed", (-1, "number")),
    ("/", "count", (None, "not_applicable")),
    ("／", "count", (None, "not_applicable")),
    ("—", "count", (None, "not_applicable")),
    ("-", "count", (None, "not_applicable")),
    ("无", "count", (None, "not_applicable")),
    ("零", "count", (0, "zero")),
    ("十二", "count", (12, "number")),
    ("3.其他", "count", (None, "text")),
    ("约30", "count", (None, "text")),
])
def test_read_cell(raw, kind, expected):
    assert read_cell(raw, kind) == expected


def test_labels_normalise_width_space_quotes_and_numbering():
    assert normalize_label("3、 其他") == "3.其他"
    assert normalize_label("（七）总计") == "(七)总计"
    assert normalize_label("危及“三安全一稳定”") == normalize_label('危及"三安全一稳定"') == "危及三安全一稳定"
    assert normalize_label("社会\n公益\n组织") == "社会公益组织"
