"""`gkreports report`: one self-contained HTML file whose charts render in a browser with no network."""
from __future__ import annotations

import re

import pytest

from gkreports.cli import main
from tests.analysis_warehouse import build
from tests.browser import CHROMIUM, visit


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    build(folder / "warehouse.duckdb").close()
    out = folder / "report.html"
    assert main(["report", "--db", str(folder / "warehouse.duckdb"), "--out", str(out)]) == 0
    return out


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") == 3 + 1  # one year-over-year chart per region's government, one ranking
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", page)  # nothing to fetch
    assert "@import" not in page and "url(" not in page
    assert "t3.granted.total" in page and "not_a_report" in page and "逾期 +15天" in page
    assert '<a href="http://127.0.0.1:8765/hulan/2023.html">' in page  # a failed check leads to its source


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing (Debian's chromium; .ci/run installs it)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    shot = tmp_path / "report.png"
    result = visit(report.as_uri(), tmp_path / "profile", {
        "svg": "document.querySelectorAll('svg.chart').length",
        "marks": "document.querySelectorAll('svg.chart circle, svg.chart rect').length",
        "ready": "document.body.getAttribute('data-ready')",
        "shown": "document.getElementById('shown').textContent",
        "width": "document.querySelector('svg.chart').getBoundingClientRect().width",
    }, shot)
    assert result.errors == []
    assert result.values["svg"] == 4 and result.values["marks"] > 20
    assert result.values["ready"] == "1"  # the inline script ran to its end
    assert result.values["shown"] == "4 / 4"  # the failed-checks filter counted its rows
    assert result.values["width"] > 100
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
