"""Which link titles are 政府信息公开工作年度报告, their year, and who publishes them (government, department, township)."""
from __future__ import annotations

import re
import unicodedata

_REPORT = re.compile(
    r"((?:19|20)\d{2})\s*年(?:度)?.{0,40}?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)")
# Look-alikes that share the words: readings, infographics, guides, work plans, budgets, other annual
# reports, and notices about compiling the reports.
_NOT_A_REPORT = re.compile(
    r"解读|图解|一图|读懂|图说|动漫|视频|H5|指南|要点|预算|决算|法治政府|通知|编制|征求意见|发布会|目录|统计表|情况说明|专栏|"
    r"政府工作报告|年度报表|述职|检查|考核|评估|第三方")
_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办事处|民族乡|苏木|农场|林场)(人民政府)?$")
_GOVERNMENT = re.compile(r"(省|市|区|县|旗|自治县|自治旗|特区|林区|人民政府|政府|管委会|管理委员会|新区|开发区|实验区|高新区)$")


def clean_title(text: str | None) -> str:
    """NFKC, no spaces, no trailing ellipsis: the form titles are compared in."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t)
    return t.rstrip("…").rstrip(".")


def is_report_title(title: str | None) -> bool:
    t = clean_title(title)
    return bool(t) and _REPORT.search(t) is not None and _NOT_A_REPORT.search(t) is None


def report_year(title: str | None) -> int | None:
    m = _REPORT.search(clean_title(title))
    return int(m.group(1)) if m else None


def title_subject(title: str | None) -> str:
    """Who the title names: the text before the year, else between the year and the report words."""
    t = clean_title(title)
    t = re.sub(r"^关于", "", t)
    m = _REPORT.search(t)
    if not m:
        return ""
    before = t[:m.start()].strip("《（(：:")
    if before:
        return re.sub(r"(关于|的)$", "", before)
    middle = t[m.end(1):m.end()]
    middle = re.sub(r"^年(度)?", "", middle)
    return re.sub(r"(政府|政务)?信息公开.*$", "", middle)


def publisher_kind(title: str | None) -> str:
    """government | department | township, from the body the title names."""
    subject = title_subject(title)
    if not subject:
        return "government"
    if _TOWNSHIP.search(subject):
        return "township"
    if _GOVERNMENT.search(subject):
        return "government"
    return "department"
