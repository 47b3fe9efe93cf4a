"""The fallback for an unknown CMS: follow the entry's pager links and keep links titled like a report."""
from __future__ import annotations

import re

from crawler.families.pager import MAX_LIST_PAGES, pager_sibling, reports_on

NAME = "generic"
_NEXT_WORDS = re.compile(r"^(下一页|下页|尾页|末页|\d{1,3})$")


def detect(page) -> bool:
    return True


def list_reports(entry, get, base_url: str) -> list:
    """The entry page, its pager siblings, and pages its pager words lead to under the same folder."""
    folder = entry.url.rsplit("/", 1)[0] + "/"
    pages, queue, seen = [], [entry], {entry.url}
    while queue and len(pages) < MAX_LIST_PAGES:
        page = queue.pop(0)
        pages.append(page)
        for link in page.links():
            if link.url in seen:
                continue
            if pager_sibling(link.url, entry.url) or (link.url.startswith(folder) and _NEXT_WORDS.match(link.title)):
                seen.add(link.url)
                nxt = get(link.url)
                if nxt is not None:
                    queue.append(nxt)
    return reports_on(pages)
