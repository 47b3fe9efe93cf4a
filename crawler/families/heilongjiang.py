"""Heilongjiang province's intensive platform (hulan.gov.cn and the Harbin districts).

Lists `/<site>/<col>/zfxxgklby_*.shtml` (also common_list / xxgk_list) with plain pagers `_2.shtml` …;
items `li > a[title] + span` whose text is cut with …; articles `/<site>/<col>/YYYYMM/c01_<id>.shtml`.
"""
from __future__ import annotations

import re

from crawler.families.pager import reports_on, walk_linked_pages

NAME = "heilongjiang"
_LIST = re.compile(r"/(zfxxgklby|common_list|xxgk_list|zfxxgk_zclist|zfxxgk_search)[^/]*\.shtml$")
ARTICLE = re.compile(r"/\d{6}/c0\d_\d+\.shtml$")


def detect(page) -> bool:
    return bool(_LIST.search(page.url.split("?")[0])) or any(ARTICLE.search(l.url) for l in page.links())


def list_reports(entry, get, base_url: str) -> list:
    return reports_on(walk_linked_pages(entry, get))
