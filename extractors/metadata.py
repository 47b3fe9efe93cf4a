"""A report's metadata from its title and text: year, publisher, region, and the narrative's stated numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.cells import nfkc
from extractors.model import NarrativeFact
from extractors.regions import Region, conventional_government_name, find_region, government_names, lookup

_REPORT_WORDS = re.compile(
    r"(关于)?(政府信息公开|政务公开|信息公开)(工作)?(年度)?(报告|年报)|工作年度报告|年度报告|年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TRAILING_SITE = re.compile(r"[_|－\-—]+[^_|]*$")


@dataclass
class Metadata:
    title: str | None
    year: int | None
    subject: str | None
    publisher: str | None
    region: Region | None


def pick_title(candidates: list[str | None]) -> str | None:
    """The first candidate that reads like a report title, else the first non-empty one."""
    cleaned = [re.sub(r"\s+", "", nfkc(c)) for c in candidates if c and c.strip()]
    for c in cleaned:
        if ("报告" in c or "年报" in c) and len(c) <= 80:
            return c
    return cleaned[0] if cleaned else None


def report_year(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR.search(nfkc(title))
        if m:
            return int(m.group(1))
    m = re.search(r"统计期限自\s*((?:19|20)\d{2})\s*年", nfkc(text)) or \
        re.search(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", nfkc(text))
    return int(m.group(1)) if m else None


def title_subject(title: str | None) -> str | None:
    """Who the report is about: the title without its year and the words 政府信息公开工作年度报告."""
    if not title:
        return None
    t = _TRAILING_SITE.sub("", title) if "_" in title else title
    t = _YEAR.sub("", t)
    t = re.sub(r"年度", "", t)
    t = _REPORT_WORDS.sub("", t)
    t = re.sub(r"^(关于|本)|的$", "", t)
    t = t.strip(" 　:：()（）《》")
    return t or None


def publisher_of(subject: str | None, region: Region | None, text: str) -> str | None:
    """The publishing body: a government under the name the text uses for it, or the department named."""
    if not subject:
        return conventional_government_name(region) if region else None
    bare = subject.replace("人民政府", "")
    if region and bare.endswith(region.name) and not subject.endswith(("局", "委", "办", "委员会", "中心")):
        for name in government_names(region):  # longest first: 哈尔滨市呼兰区人民政府 before 呼兰区人民政府
            if name in text:
                return name
        return conventional_government_name(region)
    if subject.endswith(("乡", "镇")):
        return subject + "人民政府"
    if subject.endswith("街道"):
        return subject + "办事处"
    return subject


def read_metadata(title_candidates: list[str | None], text: str, site_code: str | None = None) -> Metadata:
    title = pick_title(title_candidates)
    year = report_year(title, text)
    subject = title_subject(title)
    region = find_region(subject or "", context=text)
    if region is None and site_code and site_code[:6].isdigit():
        region = lookup(site_code[:6])  # the portal's SiteIDCode starts with its division code
    return Metadata(title, year, subject, publisher_of(subject, region, text), region)


_PUBLISHED = re.compile(r"(?:发布|公开|印发)(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def published_date(texts) -> str | None:
    """The ISO date of the first labelled publication date (发布时间：2024-01-15, 发布日期 2024年1月15日)."""
    for text in texts:
        m = _PUBLISHED.search(text)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


# Sentences of 一、总体情况 that state how many applications came in (全年共收到依申请公开79件).
_RECEIVED = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^。；;，,\d]{0,16}?(?:申请|依申请公开)[^。；;\d]{0,12}?(\d[\d,]*)\s*(?:件|个|份|条)")


def narrative_facts(paragraphs: list[tuple[str, dict]]) -> list[NarrativeFact]:
    facts: list[NarrativeFact] = []
    for text, loc in paragraphs:
        for m in _RECEIVED.finditer(nfkc(text)):
            facts.append(NarrativeFact("applications_received", int(m.group(1).replace(",", "")),
                                       m.group(0), dict(loc)))
    return facts
