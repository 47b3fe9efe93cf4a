"""Damaged documents (cut short, bytes flipped, a stretch deleted) never escape as anything but ExtractionError."""
from __future__ import annotations

import random

import pytest

from extractors import ExtractionError, extract
from extractors.model import Report
from renderers.docx import render_docx
from renderers.html import render_html
from renderers.pdf import render_pdf
from renderers.text import render_text

DOCUMENTS = {
    "text": lambda fig: render_text(fig, "flattened"),
    "html": lambda fig: render_html(fig, "gbk"),
    "docx": lambda fig: render_docx(fig, "merged"),
    "pdf": lambda fig: render_pdf(fig, "ruled"),
}


def damaged(data: bytes, rng: random.Random, how: int) -> bytes:
    d = bytearray(data)
    if how == 0:
        return bytes(d[: rng.randint(1, len(d) - 1)])
    if how == 1:
        for _ in range(rng.randint(1, 20)):
            d[rng.randrange(len(d))] = rng.randrange(256)
        return bytes(d)
    start = rng.randrange(len(d))
    del d[start: start + rng.randint(10, 2000)]
    return bytes(d)


@pytest.mark.parametrize("fmt", DOCUMENTS)
def test_damage_gives_a_report_or_a_clear_error(fmt, hulan_2023):
    data = DOCUMENTS[fmt](hulan_2023)
    rng = random.Random(2260)
    outcomes = {"report": 0, "error": 0}
    for trial in range(24):
        try:
            result = extract(damaged(data, rng, trial % 3), f"damaged.{fmt}")
        except ExtractionError as err:
            assert err.reason and err.message and "damaged." in str(err)
            outcomes["error"] += 1
        else:
            assert isinstance(result, Report)
            outcomes["report"] += 1
    assert sum(outcomes.values()) == 24
