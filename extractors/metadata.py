"""A report's metadata from its title and text: year, publisher, region, and the narrative's stated numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.cells import nfkc
from extractors.model import NarrativeFact
from extractors.regions import (Region, RegionFinding, conventional_government_name, government_names, is_within,
                                lookup, resolve_region, zone_aliases)

_REPORT_WORDS = re.compile(
    r"(关于)?(政府信息公开|政务公开|信息公开)(工作)?(年度)?(报告|年报)|工作年度报告|年度报告|年报")
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"((?:19|20)\d{2}|二[〇零○ＯO一二三四五六七八九]{3})\s*年")
_YEAR_WORD = re.compile(_YEAR.pattern + "度?")  # 2024年度: the 度 belongs to the year, never to the subject
_TRAILING_SITE = re.compile(r"[_|－\-—]+[^_|]*$")
# How a body's name ends (a government, its office, a department, a zone's 管委会, a township's 办事处).
_BODY_END = re.compile(r"(人民政府|政府|管委会|管理委员会|委员会|办事处|办公室|办公厅|局|委|厅|办|中心|署|院|所|站|"
                       r"队|处|会|部|社|馆)$")
_DATE = r"(?:(?:19|20)\d{2}|二[〇零○ＯO一二三四五六七八九]{3})\s*年\s*\S{1,3}?\s*月\s*\S{1,3}?\s*日"
_SOURCE_LINE = re.compile(r"(?:信息来源|来源单位|发布机构|发布单位|来源)\s*[:：]\s*([^\s:：|｜]{2,40})")


@dataclass
class Metadata:
    title: str | None
    year: int | None
    subject: str | None
    publisher: str | None
    region: Region | None
    region_name: str | None = None
    notes: list[str] = field(default_factory=list)


def pick_title(candidates: list[str | None]) -> str | None:
    """The first candidate that reads like a report title, else the first non-empty one."""
    cleaned = [re.sub(r"\s+", "", nfkc(c)) for c in candidates if c and c.strip()]
    for c in cleaned:
        if ("报告" in c or "年报" in c) and len(c) <= 80:
            return c
    return cleaned[0] if cleaned else None


def _year_number(printed: str) -> int:
    return int(printed) if printed.isdigit() else int("".join(str(_CN_DIGITS[ch]) for ch in printed))


def report_year(title: str | None, text: str) -> int | None:
    if title:
        m = _YEAR.search(nfkc(title))
        if m:
            return _year_number(m.group(1))
    m = re.search(r"统计期限自\s*((?:19|20)\d{2})\s*年", nfkc(text)) or \
        re.search(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", nfkc(text))
    return int(m.group(1)) if m else None


def title_subject(title: str | None) -> str | None:
    """Who the report is about: the title without its year and the words 政府信息公开工作年度报告."""
    if not title:
        return None
    t = _TRAILING_SITE.sub("", title) if "_" in title else title
    t = _YEAR_WORD.sub("", nfkc(t))
    t = re.sub(r"年度", "", t)
    t = _REPORT_WORDS.sub("", t)
    t = t.strip(" 　:：()（）《》")
    t = re.sub(r"^(关于|本)|(关于|的)+$", "", t)
    t = t.strip(" 　:：()（）《》")
    return t or None


def is_body_name(text: str) -> bool:
    """Whether a line reads as the name of a body (a signature line), not a sentence."""
    t = re.sub(r"\s+", "", nfkc(text))
    return 2 <= len(t) <= 40 and not t.startswith("本") and not re.search(r"[。，,；;：:、！!？?（）()《》“”\d]", t) and bool(_BODY_END.search(t))


def signature(paragraphs: list[str]) -> str | None:
    """The body the report is signed by (落款): a body's name at the end of the text, beside its date."""
    tail = [re.sub(r"\s+", " ", nfkc(p)).strip() for p in paragraphs[-8:]]
    for i in range(len(tail) - 1, -1, -1):
        m = re.fullmatch(rf"(\S{{2,40}}?)\s*{_DATE}", tail[i])
        if m and is_body_name(m.group(1)):
            return m.group(1)
        if re.fullmatch(_DATE, tail[i].replace(" ", "")):
            for j in (i - 1, i + 1):
                if 0 <= j < len(tail) and is_body_name(tail[j]):
                    return tail[j].replace(" ", "")
    return None


def source_line(text: str) -> str | None:
    """The body a page's source line names (来源：平潭县人民政府, 发布机构：…)."""
    m = _SOURCE_LINE.search(nfkc(text or ""))
    return m.group(1) if m and is_body_name(m.group(1)) else None


def publisher_of(subject: str | None, region: Region | None, text: str, finding: RegionFinding | None = None) -> str | None:
    """The publishing body: a government under the name the text uses for it, a zone's 管委会, or the body named."""
    if not subject:
        return conventional_government_name(region) if region else None
    bare = subject.replace("人民政府", "")
    if finding and finding.alias and bare.endswith(finding.alias.name):
        return finding.alias.government
    if finding and finding.region is None and finding.name and bare.endswith(finding.name):
        return finding.name + "管委会"  # a zone is governed by its 管理委员会
    if region and bare.endswith(region.name) and not _BODY_END.search(bare):
        for name in government_names(region):  # longest first: 哈尔滨市呼兰区人民政府 before 呼兰区人民政府
            if name in text:
                return name
        return conventional_government_name(region)
    if subject.endswith(("乡", "镇")):
        return subject + "人民政府"
    if subject.endswith("街道"):
        return subject + "办事处"
    return subject


def _more_explicit(publisher: str, signed: str | None) -> str:
    """The signature's name when it spells out the same body more fully (石人镇人民政府 → 哈尔滨市呼兰区石人镇人民政府)."""
    if signed and signed != publisher and signed.endswith(publisher) and len(signed) > len(publisher):
        return signed
    return publisher


def _site_region(site_code: str | None) -> tuple[Region | None, str | None]:
    """The division a SiteIDCode's first six digits name (or a zone's portal prefix from the alias file)."""
    if not site_code or not site_code[:6].isdigit():
        return None, None
    prefix = site_code[:6]
    for alias in zone_aliases():
        if alias.site_code == prefix:
            return lookup(alias.code), alias.name
    region = lookup(prefix)
    return region, (region.name if region else None)


def read_metadata(title_candidates: list[str | None], text: str, site_code: str | None = None,
                  signed: str | None = None, source: str | None = None) -> Metadata:
    """Year, publisher and region from the title, the signature (落款) and the page's source line.

    The title says whose report it is; a signature that spells out the same body more fully wins over it.
    Without a subject in the title, the signature names the publisher, else the source line. The page's
    SiteIDCode is evidence for the region: used when the names give none, reported when it disagrees."""
    title = pick_title(title_candidates)
    year = report_year(title, text)
    subject = title_subject(title)
    notes: list[str] = []
    finding = resolve_region(subject or "", context=text)
    if subject:
        publisher = _more_explicit(publisher_of(subject, finding.region, text, finding), signed)
    else:
        publisher = signed or source
    if publisher and (finding.region is None and finding.name is None):
        finding = resolve_region(publisher, context=text)
    if finding.note:
        notes.append(finding.note)
    for label, other in (("signature", signed), ("source line", source)):
        if other and publisher and other not in publisher and publisher not in other:
            notes.append(f"publisher: the {label} names {other}; kept {publisher}")
    region, region_name = finding.region, finding.name
    site_region, site_name = _site_region(site_code)
    if site_code and site_region is None:
        notes.append(f"region: the page's SiteIDCode {site_code} does not start with a known division code")
    elif site_region is not None and region is None and finding.name is None:
        region, region_name = site_region, site_name
        notes.append(f"region: taken from the page's SiteIDCode {site_code} ({site_region.code} {site_region.name})")
    elif site_region is not None and region is not None and not is_within(region.code, site_region.code):
        notes.append(f"region: the title names {region_name} ({region.code}) but the page's SiteIDCode {site_code} "
                     f"points to {site_region.code} {site_region.name}; kept the title's, check which is right")
    if region is None and publisher is None:
        region_name = None
    return Metadata(title, year, subject, publisher, region, region_name, notes)


_PUBLISHED = re.compile(r"(?:发布|公开|印发)(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def published_date(texts) -> str | None:
    """The ISO date of the first labelled publication date (发布时间：2024-01-15, 发布日期 2024年1月15日)."""
    for text in texts:
        m = _PUBLISHED.search(text)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


# Sentences of 一、总体情况 that state how many applications came in (全年共收到依申请公开79件), or
# with the number before the word (本年度全区共收到70件申请).
_RECEIVED = re.compile(
    r"(?:收到|受理|接收|新收|接到)[^。；;，,\d]{0,16}?(?:申请|依申请公开)[^。；;\d]{0,12}?(\d[\d,]*)\s*(?:件|个|份|条)"
    r"|(?:收到|受理|接收|新收|接到)(\d[\d,]*)\s*(?:件|个|份|条)(?:政府信息公开|依申请公开)?申请")


def narrative_facts(paragraphs: list[tuple[str, dict]]) -> list[NarrativeFact]:
    facts: list[NarrativeFact] = []
    for text, loc in paragraphs:
        for m in _RECEIVED.finditer(nfkc(text)):
            facts.append(NarrativeFact("applications_received", int((m.group(1) or m.group(2)).replace(",", "")),
                                       m.group(0), dict(loc)))
    return facts
