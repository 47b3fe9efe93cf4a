"""Hanweb (大汉) jcms: `/col/colN/index.html` holds its first records in `<script type="text/xml"><datastore>`;
the rest come only from `/module/web/jpage/dataproxy.jsp` as XML with `totalrecord`.
Articles `/art/Y/M/D/art_C_ID.html`; attachments `/module/download/downfile.jsp?...` answer 302.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from crawler.families.pager import MAX_LIST_PAGES
from crawler.page import Page

NAME = "hanweb"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_TOTAL = re.compile(r"totalRecord\s*:\s*(\d+)|<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)", re.I)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S)
_UNIT = re.compile(r"<div[^>]+id=[\"'](\d+)[\"'][^>]*>\s*<script[^>]+text/xml", re.I)
_JPAGE_UNIT = re.compile(r"\$\(\s*[\"']#(\d+)[\"']\s*\)\s*\.jpage")


def detect(page) -> bool:
    return "<datastore>" in page.text or "/col/col" in page.url or "jpage(" in page.text


def _record_links(xml_text: str, referrer: str) -> list:
    out = []
    for fragment in _RECORD.findall(xml_text):
        page = Page(referrer, fragment.encode("utf-8"), "text/html; charset=utf-8")
        out += page.links()
    return out


def dataproxy_urls(entry, base_url: str) -> list[str]:
    text = entry.text
    total = next((int(a or b) for a, b in _TOTAL.findall(text)), None)
    if total is None:
        return []
    first = len(_RECORD.findall(text))
    per_page = int(_PER_PAGE.search(text).group(1)) if _PER_PAGE.search(text) else max(first, 1)
    params = {"appid": "1", "webid": "1"}
    m = _NEXTGROUP.search(text)
    if m:
        params.update({k: v for k, v in parse_qsl(urlsplit(m.group(1)).query)
                       if k in ("appid", "webid", "columnid", "unitid")})
    col = re.search(r"/col/col(\d+)/", entry.url)
    if "columnid" not in params and col:
        params["columnid"] = col.group(1)
    unit = _UNIT.search(text) or _JPAGE_UNIT.search(text)
    if "unitid" not in params and unit:
        params["unitid"] = unit.group(1)
    proxy = urljoin(base_url, "module/web/jpage/dataproxy.jsp")
    urls = []
    for start in range(first + 1, total + 1, per_page):
        query = {"startrecord": start, "endrecord": start + per_page - 1, "perpage": per_page,
                 "columnid": params.get("columnid", ""), "unitid": params.get("unitid", ""),
                 "appid": params["appid"], "webid": params["webid"]}
        urls.append(f"{proxy}?{urlencode(query)}")
    return urls[:MAX_LIST_PAGES]


def list_reports(entry, get, base_url: str) -> list:
    links = _record_links(entry.text, entry.url)
    for url in dataproxy_urls(entry, base_url):
        page = get(url)
        if page is not None:
            links += _record_links(page.text, entry.url)
    out, seen = [], set()
    for link in links:
        if link.is_report and link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out
