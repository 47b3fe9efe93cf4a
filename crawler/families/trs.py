"""TRS WCM static sites: `index.html`, `index_1.html` … whose page count exists only in a pager script.

`createPageHTML(count, current, "index", "html")` and `var countPage = N` are 0-based (page 2 is index_1);
`createPageHTML("div", count, current, "index", "shtml", total)` is the 1-based variant (page 2 is index_2).
Articles `./YYYYMM/tYYYYMMDD_<id>.html`; `_wap` twins are the same article.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from crawler.families.pager import MAX_LIST_PAGES, reports_on, walk_linked_pages

NAME = "trs"
_FOUR = re.compile(r"createPage(?:HTML)?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']\s*\)")
_SIX = re.compile(r"createPageHTML\(\s*[\"'][^\"']*[\"']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,"
                  r"\s*[\"'](\w+)[\"']\s*(?:,\s*\d+\s*)?\)")
_COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
_MARKERS = re.compile(r"createPage(HTML)?\(|var\s+countPage|TRS_Editor|TRS_UEDITOR|/t\d{8}_\d+")


def detect(page) -> bool:
    return bool(_MARKERS.search(page.text))


def page_urls(page) -> list[str]:
    """Every page of the list, from the pager script (the first page included)."""
    text = page.text
    m = _SIX.search(text)
    if m:
        count, stem, ext = int(m.group(1)), m.group(3), m.group(4)
        names = [f"{stem}.{ext}"] + [f"{stem}_{n}.{ext}" for n in range(2, count + 1)]
    else:
        m = _FOUR.search(text)
        if m:
            count, stem, ext = int(m.group(1)), m.group(3), m.group(4)
        else:
            m = _COUNT.search(text)
            if not m:
                return [page.url]
            count = int(m.group(1))
            name = page.url.rsplit("/", 1)[-1].split("?")[0] or "index.html"
            stem, _, ext = name.partition(".")
            stem = re.sub(r"_\d+$", "", stem)
            ext = ext or "html"
        names = [f"{stem}.{ext}"] + [f"{stem}_{n}.{ext}" for n in range(1, count)]
    return [urljoin(page.url, n) for n in names[:MAX_LIST_PAGES]]


def list_reports(entry, get, base_url: str) -> list:
    pages = [entry]
    for url in page_urls(entry):
        if url != entry.url:
            page = get(url)
            if page is not None:
                pages.append(page)
    if len(pages) == 1:  # no pager script: an older template with plain links
        pages = walk_linked_pages(entry, get)
    return reports_on(pages)


def canonical_article(url: str) -> str:
    """A `_wap` mobile twin names the same article as its desktop page."""
    return re.sub(r"_wap(\.s?html?)$", r"\1", url)
