"""Demo portals on Heilongjiang's provincial 集约化 platform (呼兰区, 道里区): zfxxgklby_nb.shtml lists, c01_ articles."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from demo_portals.figures import base_figures, derive
from demo_portals.model import DOCX, PDF, PNG, DemoPortal
from demo_portals.pictures import YANGLIN_2021, YANGLIN_VARIANT, shipped, yanglin_figures
from demo_portals.pages import (Builder, Chrome, Link, article_page, attachment_intro, cut_title, esc,
                                fit_report_page, lookalike_body, paragraphs, prefix_links, published,
                                report_docx, report_html, report_pdf, stable_id, tiny_png)
from renderers.html import render_html

LIST_PAGE = "zfxxgklby_nb"
PER_PAGE = 5
DEAD_HOST_LINK = "http://hlxxgk.harbin.gov.cn/col/col12946/index.html"


@dataclass
class Item:
    """One list entry: what it is, where it lives, what it was drawn from."""
    title: str
    date: str
    kind: str  # report | attachment | images | pre2019 | lookalike | private
    column: str
    fig: dict | None = None
    variant: str = "word"
    media: str = "html"
    publisher_kind: str = "government"
    extra_body: str = ""
    doc_id: int | None = None
    path: str = ""
    attachment: str = ""


def _chrome(site_name: str, domain: str, code: str) -> Chrome:
    return Chrome(site_name, domain, code, '<div class="article-content" id="zoomcon">', "</div>",
                  "日期:{date} 来源:{source} 访问量: 字号:")


def _list_page(b: Builder, site: str, column: str, column_name: str, site_name: str, items: list[Item],
               page: int, pages: int) -> bytes:
    lis = "\n".join(f'<li><a href="{esc(i.path)}" title="{esc(i.title)}" target="_blank">{esc(cut_title(i.title))}'
                    f"</a><span>{i.date}</span></li>" for i in items)

    def name(n: int) -> str:
        return f"{LIST_PAGE}.shtml" if n == 1 else f"{LIST_PAGE}_{n}.shtml"

    pager = []
    if page > 1:
        pager += [f'<a href="{name(1)}">首页</a>', f'<a href="{name(page - 1)}">上一页</a>']
    if page < pages:
        pager += [f'<a href="{name(page + 1)}">下一页</a>', f'<a href="{name(pages)}">尾页</a>']
    pager.append(f"<span>共{pages}页 当前第{page}页</span>")
    text = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{esc(site_name)}">
<meta name="SiteDomain" content="{b.domain}">
<meta name="ColumnName" content="{esc(column_name)}">
<meta name="ColumnType" content="政府信息公开年报">
<title>{esc(column_name)}_{esc(site_name)}</title>
<link rel="stylesheet" href="/{site}/css/list.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/{site}/sy.shtml"><img src="/images/logo.png" alt="{esc(site_name)}"></a></div></div>
<div class="nav"><ul><li><a href="/{site}/sy.shtml">首页</a></li><li><a href="/{site}/zwgk.shtml">政务公开</a></li></ul></div>
<div class="crumb">当前位置：<a href="/{site}/sy.shtml">首页</a> &gt; 政务公开 &gt; 政府信息公开年报专栏 &gt; {esc(column_name)}</div>
<div class="list-title">{esc(column_name)}</div>
<div class="list"><ul>
{lis}
</ul></div>
<div class="page">{" ".join(pager)}</div>
<div class="footer"><p>主办：{esc(site_name)}</p></div>
</body>
</html>
"""
    return prefix_links(text, b.prefix).encode("utf-8")


def _place(b: Builder, site: str, items: list[Item]) -> None:
    for i in items:
        if i.path:
            continue
        if i.doc_id is None:
            # The platform's document ids grow with time (about 185k in 2021, 963k in 2024 on hulan.gov.cn).
            days = (date.fromisoformat(i.date) - date(2019, 1, 1)).days
            i.doc_id = 60000 + days * 480 + stable_id(b.portal.key, i.title, digits=3)
        month = i.date[:7].replace("-", "")
        i.path = f"{b.prefix}/{site}/{i.column}/{month}/c01_{i.doc_id}.shtml"


def _publish_column(b: Builder, site: str, column: str, column_name: str, site_name: str, chrome: Chrome,
                    items: list[Item]) -> str:
    """Serve one column: its list pages (PER_PAGE items each) and every item's article and files."""
    items.sort(key=lambda i: i.date, reverse=True)
    _place(b, site, items)
    reports = [i for i in items if i.kind in ("report", "attachment")]
    pages = max(1, -(-len(items) // PER_PAGE))
    for n in range(1, pages + 1):
        name = f"{LIST_PAGE}.shtml" if n == 1 else f"{LIST_PAGE}_{n}.shtml"
        b.add(f"{b.prefix}/{site}/{column}/{name}",
              _list_page(b, site, column, column_name, site_name, items[(n - 1) * PER_PAGE:n * PER_PAGE], n, pages))
    for i in items:
        related = [Link(r.path, r.title, r.date) for r in reports if r is not i][:3]
        _serve_item(b, chrome, i, related)
    return f"{b.prefix}/{site}/{column}/{LIST_PAGE}.shtml"


def _serve_item(b: Builder, chrome: Chrome, i: Item, related: list[Link]) -> None:
    source = i.fig["publisher"] if i.fig else chrome.site_name
    folder = i.path.rsplit("/", 1)[0]
    if i.kind == "report":
        b.add(i.path, report_html(i.fig, i.variant, b.prefix, b.domain, related, i.extra_body))
        b.expect(i.path, i.path, i.publisher_kind, "html", "ok", published(i.fig), i.fig)
    elif i.kind == "private":
        # A report-looking page under a robots-disallowed folder: served, so a crawler that ignores robots.txt
        # would find something there (and the request log shows it).
        b.add(i.path, report_html(i.fig, i.variant, b.prefix, b.domain, related))
    elif i.kind == "attachment":
        stamp = i.date.replace("-", "")
        file = f"{folder}/P0{stamp}{stable_id(i.title, digits=6)}.{i.media}"
        i.attachment = file
        body = attachment_intro(i.title, source) + (
            f'\n<p>附件：<a href="{file}" target="_blank">{esc(i.title)}.{i.media}</a></p>')
        b.add(i.path, article_page(chrome, b.prefix, i.title, i.date, source, body, related).encode("utf-8"))
        data, ctype = (report_pdf(i.fig), PDF) if i.media == "pdf" else (report_docx(i.fig), DOCX)
        b.add(file, data, ctype)
        b.expect(file, i.path, i.publisher_kind, i.media, "ok", i.date, i.fig)
    elif i.kind == "images":
        # The township's tables went up as pictures (drawn from its figures, demo_portals/pictures/): the page is
        # the report, and its numbers are read by OCR from the pictures the crawler archives with it.
        rendered = render_html(i.fig, i.variant)
        drawn = shipped(i.fig["slug"])
        pictures = [f"{folder}/W0{i.date.replace('-', '')}{n}.png" for n in range(1, rendered.count(b"<table") + 1)]
        if len(drawn) != len(pictures):
            raise ValueError(f"{i.fig['slug']}: {len(drawn)} pictures shipped for {len(pictures)} tables; "
                             "run python -m demo_portals.pictures")
        page = fit_report_page(rendered, i.variant, b.prefix, b.domain, related, tables_as_images=pictures)
        b.add(i.path, page)
        for pic, data in zip(pictures, drawn):
            b.add(pic, data, PNG)
        b.expect(i.path, i.path, i.publisher_kind, "html", "ok", i.date, i.fig)
    elif i.kind == "pre2019":
        b.add(i.path, article_page(chrome, b.prefix, i.title, i.date, "", _report_2015(), related).encode("utf-8"))
        b.expect(i.path, i.path, i.publisher_kind, "html", "pre2019", i.date, None,
                 year=2015, publisher="哈尔滨市呼兰区人民政府")
    elif i.kind == "lookalike":
        b.add(i.path, article_page(chrome, b.prefix, i.title, i.date, chrome.site_name,
                                   lookalike_body(i.title, b.prefix)).encode("utf-8"))
        b.lookalike(i.path)
    else:
        raise ValueError(i.kind)


def _report_2015() -> str:
    """A short made-up report on the pre-2019 form: numbers in prose, no 2019/2021 tables."""
    return paragraphs(
        "本报告根据《中华人民共和国政府信息公开条例》要求，由哈尔滨市呼兰区人民政府办公室编制。全文包括概述，"
        "主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请提起行政复议、"
        "行政诉讼的情况，存在的主要问题及改进措施。本报告中所列数据的统计期限自2015年1月1日起至2015年12月31日止。",
        "一、概述",
        "2015年，呼兰区继续深化政府信息公开工作，完善工作机制，拓宽公开渠道。",
        "二、主动公开政府信息情况",
        "全年主动公开政府信息1265条，其中通过门户网站公开1012条，通过政务微博公开253条。",
        "三、依申请公开政府信息情况",
        "全年共受理政府信息公开申请17件，均已按期答复。",
        "四、政府信息公开的收费及减免情况",
        "本年度未收取任何费用。",
        "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
        "本年度未发生因政府信息公开申请提起行政复议和行政诉讼的情况。",
        "六、存在的主要问题及改进措施",
        "公开内容还不够全面，下一步将进一步规范公开流程。")


def _home(b: Builder, site_name: str, entries: list[tuple[str, str]]) -> None:
    links = "\n".join(f'<li><a href="{esc(p)}">{esc(t)}</a></li>' for p, t in entries)
    text = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(site_name)}</title></head>
<body><div class="header">{esc(site_name)}</div>
<div class="zfxxgknb"><h3>政府信息公开年报专栏</h3><ul>
{links}
</ul></div></body></html>
"""
    b.add(f"{b.prefix}/", text.encode("utf-8"))


# ------------------------------------------------------------------ 呼兰区

def build_hulan(resources: dict, figures: dict) -> DemoPortal:
    site, domain, prefix = "hebhlq", "www.hulan.gov.cn", "/www.hulan.gov.cn"
    site_name = "哈尔滨市呼兰区人民政府"
    portal = DemoPortal("hulan", "heilongjiang", "230111", "呼兰区", prefix, [], [], [], [f"{prefix}/{site}/private/"])
    b = Builder(portal, resources, figures, domain)
    chrome = _chrome(site_name, domain, "2301110001")
    gov, dept, town = "c110920", "c110901e", "c110906"
    pub, region = "哈尔滨市呼兰区人民政府", dict(region_code="230111", region_name="呼兰区")

    def fig(base, slug, title, year, date, factor, publisher=pub):
        return derive(base, slug=slug, title=title, publisher=publisher, year=year, published=date,
                      factor=factor, **region)

    h2023, h2022, health2023 = base_figures("hulan-2023"), base_figures("hulan-2022"), base_figures("hulan-health-2023")
    dead = (f'<p>　　往年报告请查阅原政府信息公开专栏：<a href="{DEAD_HOST_LINK}" target="_blank">'
            f"{DEAD_HOST_LINK}</a></p>")
    government = [
        Item("呼兰区2024年政府信息公开工作年度报告", "2025-01-16", "report", gov,
             fig("hulan-2023", "hulan-2024", "呼兰区2024年政府信息公开工作年度报告", 2024, "2025-01-16", 2),
             variant="ueditor"),
        Item(h2023["title"], published(h2023), "report", gov, h2023, variant="word", extra_body=dead),
        Item(h2022["title"], published(h2022), "report", gov, h2022, variant="plain"),
        Item("哈尔滨市呼兰区2021年政府信息公开工作年度报告", "2022-01-14", "report", gov,
             fig("hulan-2022", "hulan-2021", "哈尔滨市呼兰区2021年政府信息公开工作年度报告", 2021, "2022-01-14", 2),
             variant="word"),
        Item("呼兰区2020年政府信息公开工作年度报告", "2021-01-19", "report", gov,
             fig("wuchang-2020", "hulan-2020", "呼兰区2020年政府信息公开工作年度报告", 2020, "2021-01-19", 2),
             variant="ueditor"),
        Item("哈尔滨市呼兰区2019年政府信息公开工作年度报告", "2020-01-17", "report", gov,
             fig("wuchang-2020", "hulan-2019", "哈尔滨市呼兰区2019年政府信息公开工作年度报告", 2019, "2020-01-17", 3),
             variant="plain"),
        # The 2015 report re-posted after the site migration, with the migration's date (as hulan.gov.cn did).
        Item("呼兰区2015年政府信息公开工作年度报告", "2021-01-15", "pre2019", gov, doc_id=185925),
        Item("呼兰区2023年政府信息公开工作年度报告（送审稿）", "2024-01-10", "private", gov, h2023, variant="plain"),
        Item("呼兰区2023年政府信息公开工作年度报告解读", "2024-01-22", "lookalike", gov),
        Item("一图读懂呼兰区2023年政府信息公开工作年度报告", "2024-01-23", "lookalike", gov),
        Item("呼兰区政府信息公开指南", "2023-06-01", "lookalike", gov),
        Item("呼兰区2024年政务公开工作要点", "2024-04-10", "lookalike", gov),
        Item("2024年呼兰区政府工作报告", "2024-02-05", "lookalike", gov),
        Item("呼兰区2023年法治政府建设年度报告", "2024-03-20", "lookalike", gov),
        Item("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "2023-12-20", "lookalike", gov),
    ]
    # The draft sits in a folder robots.txt closes; its link on the list page looks like any report's.
    _place(b, site, government)
    draft = next(i for i in government if i.kind == "private")
    draft.path = f"{prefix}/{site}/private/c01_{draft.doc_id}.shtml"
    departments = [
        Item(health2023["title"], published(health2023), "attachment", dept, health2023, media="pdf",
             publisher_kind="department"),
        Item("呼兰区卫生健康局2022年政府信息公开工作年度报告", "2023-01-18", "report", dept,
             fig("hulan-health-2023", "hulan-health-2022", "呼兰区卫生健康局2022年政府信息公开工作年度报告", 2022,
                 "2023-01-18", 2, publisher="呼兰区卫生健康局"),
             variant="plain", publisher_kind="department"),
        Item("呼兰区2023年部门决算公开", "2024-08-30", "lookalike", dept),
    ]
    townships = [
        Item(YANGLIN_2021["title"], YANGLIN_2021["published"], "images", town, yanglin_figures(),
             variant=YANGLIN_VARIANT, publisher_kind="township"),
        Item("呼兰区杨林乡2022年政府信息公开工作年度报告", "2023-01-12", "report", town,
             fig("mulan-2022", "hulan-yanglin-2022", "呼兰区杨林乡2022年政府信息公开工作年度报告", 2022, "2023-01-12",
                 1, publisher="呼兰区杨林乡人民政府"),
             variant="plain", publisher_kind="township"),
    ]
    portal.entries = [
        _publish_column(b, site, gov, "区政府信息公开年度报告", site_name, chrome, government),
        _publish_column(b, site, dept, "政府部门政府信息公开年度报告", site_name, chrome, departments),
        _publish_column(b, site, town, "乡镇街道政府信息公开年度报告", site_name, chrome, townships),
    ]
    b.add(f"{prefix}/images/ytdd.png", tiny_png(48, 48, seed=7), PNG)
    _home(b, site_name, list(zip(portal.entries, ["区政府年报", "部门年报", "乡镇街道年报"])))
    return portal


# ------------------------------------------------------------------ 道里区

def build_daoli(resources: dict, figures: dict) -> DemoPortal:
    site, domain, prefix = "hebdlq", "www.hrbdl.gov.cn", "/www.hrbdl.gov.cn"
    site_name = "哈尔滨市道里区人民政府"
    portal = DemoPortal("daoli", "heilongjiang", "230102", "道里区", prefix, [], [], [], [])
    b = Builder(portal, resources, figures, domain)
    chrome = _chrome(site_name, domain, "2301020001")
    col = "c111239"
    region = dict(region_code="230102", region_name="道里区", publisher="哈尔滨市道里区人民政府")
    d2023 = base_figures("daoli-2023")
    items = [
        Item(d2023["title"], published(d2023), "report", col, d2023, variant="word"),
        Item("哈尔滨市道里区2022年政府信息公开工作年度报告", "2023-01-16", "attachment", col,
             derive("daoli-2023", slug="daoli-2022", title="哈尔滨市道里区2022年政府信息公开工作年度报告", year=2022,
                    published="2023-01-16", factor=2, **region), media="docx"),
        Item("道里区2021年政府信息公开工作年度报告", "2022-01-21", "report", col,
             derive("daoli-2023", slug="daoli-2021", title="道里区2021年政府信息公开工作年度报告", year=2021,
                    published="2022-01-21", factor=3, **region), variant="plain"),
        Item("道里区2023年政府信息公开工作年度报告解读", "2024-01-25", "lookalike", col),
    ]
    portal.entries = [_publish_column(b, site, col, "政务信息公开年报", site_name, chrome, items)]
    _home(b, site_name, [(portal.entries[0], "政务信息公开年报")])
    return portal
