"""The crawler reads pages with lxml's tree (crawler.page), no longer through BeautifulSoup: 5–6× less CPU per
page, which is most of a crawl's CPU. BeautifulSoup's "lxml" builder drives the same libxml2 parser, so its
reading is the oracle here: on every page we have, the links (URL, title, date), the meta tags, the published
date, the report-tables verdict and the page's text must come out the same."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from crawler.page import _DATE, Page, text_of
from crawler.titles import clean_title
from extractors.html import published_date

ROOT = Path(__file__).resolve().parent.parent
_WORDS = ("申请人情况", "本年新收政府信息公开申请数量", "行政复议", "主动公开")


def soup_reading(page: Page):
    """What the BeautifulSoup-based Page read (its code before the change, kept here as the oracle)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(page.text, "lxml")
    links = []
    for a in soup.find_all("a", href=True):
        url = page.resolve(a["href"])
        if not url:
            continue
        text = clean_title(a.get_text(" ", strip=True))
        full = clean_title(a.get("title") or "")
        title = full if full and (len(full) >= len(text) or text.endswith("…") or "…" in a.get_text()) else text
        date = None
        holder = a.find_parent("li") or a.parent
        if holder is not None:
            m = _DATE.search(holder.get_text(" ", strip=True))
            if m:
                date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        links.append((url, title, date))
    meta = {}
    for m in soup.find_all("meta"):
        name = m.get("name") or m.get("property")
        if name and m.get("content") is not None and name not in meta:
            meta[name] = m["content"].strip()
    tables = bool(soup.find("table")) and any(word in soup.get_text("") for word in _WORDS)
    return {"links": links, "meta": meta, "published": published_date(meta, soup.get_text(" ")),
            "tables": tables, "text": soup.get_text(" ", strip=True)}


def lxml_reading(page: Page):
    return {"links": [(link.url, link.title, link.date) for link in page.links()], "meta": page.meta,
            "published": page.published, "tables": page.has_report_tables(),
            "text": text_of(page.tree, " ", strip=True) if page.tree is not None else ""}


def _html_like(body: bytes) -> bool:
    return b"<" in body[:4096] and not body.startswith((b"%PDF", b"PK", b"\xd0\xcf", b"\x89PNG", b"\xff\xd8"))


def saved_pages() -> list[tuple[str, bytes, str | None]]:
    """Every page the project holds: the demo portals (all families, the hostile portal, XML and JSON lists), the
    real published reports and the bundled samples."""
    from demo_portals.site import build_demo
    pages = [("http://127.0.0.1:8000" + path, r.body, r.content_type)
             for path, r in build_demo().resources.items() if r.body and _html_like(r.body)]
    for path in sorted([*ROOT.glob("tests/real/*.html"), *ROOT.glob("data/samples/*.html")]):
        pages.append((f"http://www.example.gov.cn/col/{path.name}", path.read_bytes(), None))
    return pages


def test_every_saved_page_reads_as_beautifulsoup_read_it():
    pages = saved_pages()
    assert len(pages) > 100
    differences = []
    for url, body, content_type in pages:
        want, got = soup_reading(Page(url, body, content_type)), lxml_reading(Page(url, body, content_type))
        differences += [(url, key, want[key], got[key]) for key in want if want[key] != got[key]]
    assert differences == []
    # Not vacuous: the pages hold links, dates beside them, meta tags, published dates and printed reports.
    readings = [lxml_reading(Page(url, body, ct)) for url, body, ct in pages]
    assert sum(len(r["links"]) for r in readings) > 500
    assert sum(1 for r in readings for link in r["links"] if link[2]) > 100
    assert sum(1 for r in readings if r["published"]) > 20
    assert sum(1 for r in readings if r["tables"]) > 10


HARD = {
    # a comment and a script inside the holder of a dated link: their text is not the page's
    "comment_script": "<ul><li><a href='/a.html' title='2023年度报告全文'>2023年度…</a><!-- 2020-01-01 -->"
                      "<script>var d='2019-09-09';</script><span>2024-01-15</span></li></ul>",
    # a template and ruby annotations hide their text; the tail after them does not
    "template_ruby": "<p><template><a href='/t.html'>隐藏 2021-02-02</a></template>after"
                     "<ruby>漢<rt>han</rt><rp>(</rp></ruby></p><a href='b.pdf'>附件</a>",
    "bom_and_declaration": "\ufeff<?xml version='1.0' encoding='utf-8'?><html><head><meta name='PubDate' "
                           "content=' 2024-01-20 10:00 '><meta name='SiteIDCode' content='2301110001'></head>"
                           "<body><a href='x.docx'>报告.docx</a></body></html>",
    "no_element": "",
    "text_only": "just text 2023年1月5日",
    "unclosed_and_nested": "<table><tr><td><a href='/1.html'>一<b>二<i>三</a></i> 2022.3.4</td></tr></table>"
                           "<div><li>2023/1/2<a href=' /2.html '>  标题  </a></div>主动公开",
    "empty_and_scripted_hrefs": "<a href=''>empty</a><a href='javascript:void(0)'>js</a><a href='#top'>top</a>"
                                "<a>no href</a><a href='mailto:x@y.cn'>mail</a><a href='c.pdf#page=2'>pdf</a>",
    # deeper than libxml2's default limit (256) and Python's recursion (1000); its HUGE limit is 2048 elements
    "deep": "<div>" * 1500 + "<a href='/deep.html'>深</a> 2024-02-02" + "</div>" * 1500,
}


@pytest.mark.parametrize("name", sorted(HARD))
def test_hard_markup_reads_as_beautifulsoup_read_it(name):
    page = Page("http://www.example.gov.cn/col/list.html", HARD[name].encode("utf-8"), "text/html; charset=utf-8")
    assert lxml_reading(page) == soup_reading(Page(page.url, page.body, page.content_type))


def test_hard_markup_values():
    """The values themselves, not only their agreement with the oracle."""
    page = Page("http://www.example.gov.cn/col/list.html", HARD["comment_script"].encode(), "text/html")
    [link] = page.links()
    assert (link.url, link.title, link.date) == ("http://www.example.gov.cn/a.html", "2023年度报告全文", "2024-01-15")
    page = Page("http://www.example.gov.cn/col/list.html", HARD["bom_and_declaration"].encode(), "text/html")
    assert (page.published, page.site_id_code) == ("2024-01-20", "2301110001")
    assert [a.url for a in page.attachments()] == ["http://www.example.gov.cn/col/x.docx"]
    page = Page("http://www.example.gov.cn/col/list.html", HARD["empty_and_scripted_hrefs"].encode(), "text/html")
    assert [link.url for link in page.links()] == ["http://www.example.gov.cn/col/c.pdf"]
    assert Page("http://x.cn/", b"", "text/html").links() == []
    assert Page("http://x.cn/", b"", "text/html").has_report_tables() is False
