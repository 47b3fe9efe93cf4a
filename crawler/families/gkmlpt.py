"""Guangdong's 政府信息公开目录平台 (gkmlpt): a JS shell page whose lists come from a JSON API,
`/gkmlpt/api/all/<classify>?page=N&sid=<sid>` (the `sid` sits in the shell page); items may point off-site.
"""
from __future__ import annotations

import json
import math
import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from crawler.families.pager import MAX_LIST_PAGES
from crawler.page import Link

NAME = "gkmlpt"
_SID = re.compile(r"\bsid\b\s*[:=]\s*[\"']?(\d+)", re.I)
_CLASSIFY = re.compile(r"(?:api/all/|#)(\d+)\b")


def detect(page) -> bool:
    return "gkmlpt" in page.url or "gkmlpt" in page.text[:20000]


def api_url(base_url: str, classify: str, page: int, sid: str) -> str:
    return urljoin(base_url, f"gkmlpt/api/all/{classify}?page={page}&sid={sid}")


def classifies(entry, entry_url: str) -> list[str]:
    fragment = urlsplit(entry_url).fragment
    if fragment.isdigit():
        return [fragment]
    found = list(dict.fromkeys(_CLASSIFY.findall(entry.text)))
    return found or ["0"]


def list_reports(entry, get, base_url: str, entry_url: str | None = None) -> list:
    m = _SID.search(entry.text)
    if not m:
        return []
    sid = m.group(1)
    out, seen = [], set()
    for classify in classifies(entry, entry_url or entry.url):
        page_no, pages = 1, 1
        while page_no <= min(pages, MAX_LIST_PAGES):
            got = get(api_url(base_url, classify, page_no, sid))
            if got is None:
                break
            try:
                data = json.loads(got.text)
            except ValueError:
                break
            articles = data.get("articles") or []
            if page_no == 1 and articles:
                pages = math.ceil(int(data.get("total") or len(articles)) / len(articles))
            for item in articles:
                url = urljoin(entry.url, str(item.get("url") or ""))
                date = item.get("display_publish_time") or item.get("create_time")
                if isinstance(date, (int, float)):
                    date = datetime.fromtimestamp(date).strftime("%Y-%m-%d")
                link = Link(url, str(item.get("title") or ""), str(date)[:10] if date else None, entry.url)
                if link.is_report and url not in seen:
                    seen.add(url)
                    out.append(link)
            page_no += 1
    return out
