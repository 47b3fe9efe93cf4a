"""Discovery, one module per CMS family: how a portal lists its reports and pages through its columns.

Each module has `NAME`, `detect(page) -> bool` (markers on an entry page) and
`list_reports(entry, get, base_url) -> list[Link]`, where `get(url)` fetches a page politely (or None).
"""
from __future__ import annotations

from crawler.families import gkmlpt, generic, hanweb, heilongjiang, trs

# Detection order: the most specific markers first; the generic walker takes what nothing else claims.
FAMILIES = {m.NAME: m for m in (hanweb, gkmlpt, trs, heilongjiang, generic)}


def detect(page) -> str:
    for name, module in FAMILIES.items():
        if module.detect(page):
            return name
    return "generic"
