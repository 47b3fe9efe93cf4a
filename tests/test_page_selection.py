"""The PDF reader runs pdfplumber's table finder only on pages whose ruling lines could make a table it keeps
(two cells or more). Every page it passes over would have given nothing: the finder, run there, finds no such
table, and reading with the finder on every page gives the very same layout; every cell still comes back.
The reader's own removal of duplicate characters keeps exactly what pdfplumber's dedupe_chars keeps, and the
characters it reads straight from pdfminer's layout of a page that draws nothing but text are pdfplumber's own."""
from __future__ import annotations

import io
import random

import pdfplumber
import pytest
from pdfplumber.utils import dedupe_chars
from reportlab.pdfgen import canvas

import extractors.pdf as pdf_reader
from extractors import extract
from extractors.model import Grid
from extractors.pdf import _TABLE_SETTINGS, read_pdf, table_pages, unique_chars
from renderers.common import section_title, title_of
from renderers.corpus import expected_json
from renderers.hostile import ruled_maze_pdf
from renderers.pdf import (MARGIN_X, PAGE_W, SECTION_HEADING, TEXT_W, TITLE_SIZE, VARIANTS, Pages, _font,
                           draw_table, render_encrypted_pdf, render_pdf, table_designs, wrap)
from renderers.prose import closing_sections, intro_paragraphs
from tests.conftest import ALL_FIGURES

HULAN = next(fig for fig in ALL_FIGURES if fig["slug"] == "hulan-2023")
WUCHANG = next(fig for fig in ALL_FIGURES if fig["template"] == "2019")


def long_report(fig: dict) -> bytes:
    """The ruled report as many are printed, six pages: the narrative on a page of its own (a rule under the
    title), each table from a new page (table 三 running onto a second), the closing sections on a last page."""
    out = io.BytesIO()
    pages = Pages(out, title_of(fig), fig["publisher"])
    for line in wrap(title_of(fig), TEXT_W, TITLE_SIZE):
        pages.text_line(line, PAGE_W / 2, TITLE_SIZE, centred=True)
    pages.canvas.line(MARGIN_X, pages.y - 4, PAGE_W - MARGIN_X, pages.y - 4)
    pages.y -= TITLE_SIZE

    def narrative(texts: list[str]):
        for text in texts:
            if SECTION_HEADING.match(text):
                pages.heading(text)
            else:
                pages.paragraph(text)

    narrative(intro_paragraphs(fig))
    for name, design in table_designs(fig).items():
        pages.new_page()
        pages.heading(section_title(name))
        draw_table(pages, design, ruled=True)
    pages.new_page()
    narrative(closing_sections(fig))
    pages.finish()
    return out.getvalue()


@pytest.fixture(scope="module")
def reports() -> dict[str, tuple[dict, bytes]]:
    """A representative set of the corpus's PDF layouts and the tests' PDF fixtures: (figures, bytes)."""
    docs = {f"hulan-2023.pdf-{variant}": (HULAN, render_pdf(HULAN, variant)) for variant in VARIANTS}
    docs["wuchang-2020.pdf-ruled_repeat"] = (WUCHANG, render_pdf(WUCHANG, "ruled_repeat"))
    docs["hulan-2023.locked"] = (HULAN, render_encrypted_pdf(HULAN, user_password=""))
    docs["hulan-2023.long"] = (HULAN, long_report(HULAN))
    return docs


def kept_tables(page) -> list:
    """What the table finder, run on the page, gives the reader: its tables of two cells or more."""
    return [t for t in page.find_tables(_TABLE_SETTINGS) if len(t.cells) >= 2]


def read_with_the_finder_everywhere(data: bytes, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(pdf_reader, "may_hold_table", lambda page: True)
        return read_pdf(data)


# ------------------------------------------------------------------ the corpus and the tests' fixtures
# Ruled reports: tables on every page but the long report's first and last (narrative only); unruled: no rules.
SELECTED = {"hulan-2023.pdf-ruled": {1, 2, 3}, "hulan-2023.pdf-ruled_repeat": {1, 2, 3},
            "hulan-2023.pdf-unruled": set(), "wuchang-2020.pdf-ruled_repeat": {1, 2, 3},
            "hulan-2023.locked": {1, 2, 3}, "hulan-2023.long": {2, 3, 4, 5}}
REPORTS = list(SELECTED)


@pytest.mark.parametrize("name", REPORTS)
def test_every_cell_comes_back_exactly(name, reports):
    fig, data = reports[name]
    report = extract(data, f"{name}.pdf")
    want = {(c["table"], c["row"], c["column"]): c["value"] for c in expected_json(fig)["cells"]}
    assert report.missing == []
    assert {(c.table, c.row, c.column): c.value for c in report.cells} == want


@pytest.mark.parametrize("name", REPORTS)
def test_skipped_pages_hold_no_table_and_skipping_them_changes_nothing(name, reports, monkeypatch):
    _, data = reports[name]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        selected = table_pages(pdf)
        assert selected == SELECTED[name]
        skipped = [page for number, page in enumerate(pdf.pages, 1) if number not in selected]
        assert [kept_tables(page) for page in skipped] == [[] for _ in skipped]
    if skipped:  # with none skipped, the two reads are one
        assert read_pdf(data) == read_with_the_finder_everywhere(data, monkeypatch)


def test_a_maze_of_rules_without_text_is_still_searched():
    """The rules decide, not the text: a page ruled all over goes to the finder (as a damaged or hostile file
    does, whose cost the extraction's time limit then bounds)."""
    with pdfplumber.open(io.BytesIO(ruled_maze_pdf(6))) as pdf:
        assert table_pages(pdf) == {1}
        assert [len(t.cells) for t in kept_tables(pdf.pages[0])] == [36]


# ------------------------------------------------------------------ how few rules a kept table needs
def _page_with_rules(rules: list[tuple[float, float, float, float]], boxes=()) -> bytes:
    """One page: a title, the rules (x0, y0, x1, y1) and boxes (x, y, width, height) in PDF points, and a word
    and a number where two cells would stand."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(600, 800))
    c.setFont(_font(), 12)
    c.drawString(100, 760, "某区2023年政府信息公开工作年度报告")
    for x0, y0, x1, y1 in rules:
        c.line(x0, y0, x1, y1)
    for x, y, w, h in boxes:
        c.rect(x, y, w, h)
    c.drawString(110, 686, "收到申请")
    c.drawString(210, 686, "12")
    c.showPage()
    c.save()
    return out.getvalue()


H_TOP, H_BOTTOM, H_MIDDLE = (100, 700, 300, 700), (100, 680, 300, 680), (100, 690, 300, 690)
V_LEFT, V_MIDDLE, V_RIGHT = (100, 680, 100, 700), (200, 680, 200, 700), (300, 680, 300, 700)


@pytest.mark.parametrize("rules, boxes, selected, cells", [
    ([(100, 740, 500, 740)], (), False, []),  # a rule under the title
    ([], [(100, 680, 200, 20)], False, []),  # a boxed note: one cell, not kept
    ([H_TOP, H_MIDDLE, H_BOTTOM, V_LEFT], (), False, []),  # a ladder with one side
    ([H_TOP, H_BOTTOM, V_LEFT, V_MIDDLE, V_RIGHT], (), True, [2]),  # two cells side by side: five rules
    ([H_TOP, H_MIDDLE, H_BOTTOM, V_LEFT, V_RIGHT], (), True, [2]),  # two cells stacked
    ([], [(100, 680, 100, 20), (200, 680, 100, 20)], True, [2]),  # two boxes drawn as rectangles
], ids=["rule", "box", "ladder", "side-by-side", "stacked", "two-boxes"])
def test_pages_with_too_few_rules_for_two_cells_are_passed_over(rules, boxes, selected, cells, monkeypatch):
    data = _page_with_rules(rules, boxes)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert table_pages(pdf) == ({1} if selected else set())
        assert [len(t.cells) for t in kept_tables(pdf.pages[0])] == cells
    layout = read_pdf(data)
    assert [len([c for row in b.rows for c in row if c is not None]) for b in layout.blocks
            if isinstance(b, Grid) and b.loc.get("ruled") is not False] == cells
    assert layout == read_with_the_finder_everywhere(data, monkeypatch)


# ------------------------------------------------------------------ duplicate characters
def _overprinted() -> bytes:
    """A report's line set in bold the way some exports do it: every glyph drawn twice, a fraction apart."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(600, 800))
    c.setFont(_font(), 14)
    for dx in (0.0, 0.3):
        c.drawString(100 + dx, 700, "二、主动公开政府信息情况 2023年 12")
    c.showPage()
    c.save()
    return out.getvalue()


def test_glyphs_drawn_twice_are_read_once():
    layout = read_pdf(_overprinted())
    assert [b.text for b in layout.blocks] == ["二、主动公开政府信息情况 2023年 12"]


def test_duplicates_removed_as_pdfplumber_removes_them(reports):
    """The same characters kept, in the same order, on a report's pages, on the overprinted page, and on those
    pages planted with copies (exact, and moved by up to 1.2 pt either way: inside and outside the tolerance)."""
    pages = 0
    for data in (reports["hulan-2023.pdf-ruled"][1], _overprinted()):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                rng = random.Random(pages)
                planted = list(page.chars)
                for c in page.chars:
                    if rng.random() < 0.3:
                        copy = {**c, "doctop": c["doctop"] + rng.uniform(-1.2, 1.2),
                                "x0": c["x0"] + rng.uniform(-1.2, 1.2)} if rng.random() < 0.7 else dict(c)
                        planted.insert(rng.randrange(len(planted) + 1), copy)
                for chars in (page.chars, planted):
                    ours, theirs = unique_chars(chars), dedupe_chars(chars)
                    assert [id(c) for c in ours] == [id(c) for c in theirs]
                assert len(unique_chars(planted)) < len(planted)
                pages += 1
    assert pages == 4


# ------------------------------------------------------------------ characters of pages of text alone
CHAR_KEYS = ("text", "fontname", "size", "upright", "x0", "x1", "top", "bottom", "doctop")


def _pages_of_text() -> bytes:
    """Pages drawing text alone, placed in every way the reader's own reading of them must follow: a media box
    whose corner is off the origin, pages after the first (doctop runs on), a page turned by /Rotate (with
    its own box off the origin), a standard font beside the CID one, text drawn inside a form XObject (a
    figure in pdfminer's layout) and text set sideways (not upright)."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(600, 800))
    c.setFont(_font(), 14)
    c.drawString(100, 740, "某区2023年政府信息公开工作年度报告")
    c.setFont(_font(), 12)
    c.drawString(100, 700, "收到申请 12 件，办结 11 件。")
    c.showPage()
    c.setPageRotation(90)
    c.setFont("Helvetica", 12)
    c.drawString(100, 500, "Received 12, answered 11")
    c.setFont(_font(), 12)
    c.drawString(100, 480, "本年新收 12")
    c.showPage()
    c.setPageRotation(0)
    c.beginForm("note")
    c.setFont(_font(), 10)
    c.drawString(60, 60, "表单里的字 3")
    c.endForm()
    c.doForm("note")
    c.saveState()
    c.translate(300, 400)
    c.rotate(90)
    c.setFont(_font(), 12)
    c.drawString(0, 0, "竖排的字 7")
    c.restoreState()
    c.setFont(_font(), 12)
    c.drawString(100, 300, "一、总体情况 2023")
    c.showPage()
    c.save()
    data = out.getvalue()
    # boxes moved off the origin in place (the same length: the cross-reference table stays right)
    data = data.replace(b"/MediaBox [ 0 0 600 800 ]", b"/MediaBox [ 9 7 600 800 ]", 1)
    return data.replace(b"/MediaBox [ 0 0 800 600 ]", b"/MediaBox [ 5 3 800 600 ]", 1)


def test_pages_of_text_are_placed_off_the_origin_turned_and_in_figures():
    """The fixture is what it claims: every way of placing text is there to be read."""
    with pdfplumber.open(io.BytesIO(_pages_of_text())) as pdf:
        assert [page.mediabox[:2] != (0, 0) for page in pdf.pages] == [True, True, False]
        assert [page.rotation for page in pdf.pages] == [0, 90, 0]
        assert {c["fontname"] for c in pdf.pages[1].chars} >= {"Helvetica"}
        assert not all(c["upright"] for c in pdf.pages[2].chars)
        assert any(type(obj).__name__ == "LTFigure" for obj in pdf.pages[2].layout)


def test_characters_of_pages_of_text_are_pdfplumbers(reports):
    """On a page that draws text alone the reader takes the characters from pdfminer's layout: the same
    characters, in the same order, with the same values as pdfplumber's page.chars. Pages that draw rules (or
    anything else) are left to page.chars."""
    read, left = 0, 0
    for data in [data for _, data in reports.values()] + [_pages_of_text()]:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                ours = pdf_reader._text_only_chars(page)
                if ours is None:
                    assert page.rects or page.lines or page.curves or page.images
                    left += 1
                    continue
                assert not (page.rects or page.lines or page.curves or page.images)
                assert ours == [{key: c[key] for key in CHAR_KEYS} for c in page.chars]
                read += 1
    # read: the unruled report's 3 pages, the long report's last (its closing sections), _pages_of_text's 3
    assert (read, left) == (7, 17)


def test_reading_pages_of_text_from_the_layout_changes_nothing(reports, monkeypatch):
    """The whole layout read_pdf gives is the same when every page is read from pdfplumber's page.chars."""
    docs = {name: data for name, (_, data) in reports.items()} | {"pages-of-text": _pages_of_text()}
    for name, data in docs.items():
        fast = read_pdf(data)
        with monkeypatch.context() as patch:
            patch.setattr(pdf_reader, "_text_only_chars", lambda page: None)
            assert read_pdf(data) == fast, name
