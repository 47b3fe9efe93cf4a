"""Plain pagers shared by the static-site families: `list.shtml` → `list_2.shtml` …, followed as links."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_LIST_PAGES = 200  # a column longer than this is a crawler trap, not a report column


def pager_sibling(url: str, entry: str) -> bool:
    """Whether `url` is another page of the list `entry` (same folder, stem + _N, same extension)."""
    a, b = urlsplit(url), urlsplit(entry)
    if a.netloc != b.netloc:
        return False
    folder_a, _, name_a = a.path.rpartition("/")
    folder_b, _, name_b = b.path.rpartition("/")
    if folder_a != folder_b:
        return False
    stem, dot, ext = name_b.rpartition(".")
    if not dot:
        return False
    return re.fullmatch(re.escape(stem) + r"_\d+\." + re.escape(ext), name_a) is not None


def walk_linked_pages(entry, get, extra_links=lambda page: []) -> list:
    """The entry list page and every pager sibling reachable by links from it, each fetched once."""
    pages, queue, seen = [], [entry], {entry.url}
    while queue and len(pages) < MAX_LIST_PAGES:
        page = queue.pop(0)
        pages.append(page)
        for link in page.links() + list(extra_links(page)):
            if link.url not in seen and pager_sibling(link.url, entry.url):
                seen.add(link.url)
                nxt = get(link.url)
                if nxt is not None:
                    queue.append(nxt)
    return pages


def reports_on(pages) -> list:
    out, seen = [], set()
    for page in pages:
        for link in page.report_links():
            if link.url not in seen:
                seen.add(link.url)
                out.append(link)
    return out
