"""Demo portal on Guangdong's 政府信息公开目录平台 gkmlpt (徐闻县): a JS shell and a paged JSON API with absolute URLs."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from demo_portals.figures import derive
from demo_portals.model import BASE_PLACEHOLDER, DemoPortal
from demo_portals.pages import Builder, Chrome, Link, article_page, esc, lookalike_body, report_html, stable_id

SID = "755032"
CLASSIFY_ID = 2155
CLASSIFY_NAME = "政府信息公开年报"
PAGE_SIZE = 5
JSON_TYPE = "application/json;charset=UTF-8"
OFF_SITE = "http://www.gd.gov.cn/zwgk/zfxxgkzl/zfxxgknb/content/post_4350218.html"
_CST = timezone(timedelta(hours=8))


@dataclass
class Item:
    title: str
    date: str
    kind: str  # report | lookalike | url
    fig: dict | None = None
    post_id: int = 0
    path: str = ""


def _unix(date: str) -> int:
    y, m, d = (int(x) for x in date.split("-"))
    return int(datetime(y, m, d, 9, 30, tzinfo=_CST).timestamp())


def build_xuwen(resources: dict, figures: dict) -> DemoPortal:
    domain, prefix = "www.xuwen.gov.cn", "/www.xuwen.gov.cn"
    site_name = "徐闻县人民政府"
    portal = DemoPortal("gkmlpt", "gkmlpt", "440825", "徐闻县", prefix, [], [], [], [])
    b = Builder(portal, resources, figures, domain)
    chrome = Chrome(site_name, domain, "4408250001", '<div class="article-content">', "</div>",
                    "发布日期：{date}　来源：{source}")
    region = dict(region_code="440825", region_name="徐闻县", publisher="湛江市徐闻县人民政府")

    def report(title, date, base, slug, factor):
        year = int(title.split("年")[0][-4:])
        return Item(title, date, "report", derive(base, slug=slug, title=title, year=year, published=date,
                                                  factor=factor, **region))

    items = [
        report("徐闻县2024年政府信息公开工作年度报告", "2025-01-23", "daoli-2023", "xuwen-2024", 2),
        report("徐闻县2023年政府信息公开工作年度报告", "2024-01-29", "hulan-2023", "xuwen-2023", 1),
        Item("广东省2023年政府信息公开工作年度报告", "2024-01-26", "url"),
        Item("徐闻县2023年政府信息公开工作年度报告解读", "2024-01-31", "lookalike"),
        Item("一图读懂徐闻县2023年政府信息公开工作年度报告", "2024-01-31", "lookalike"),
        report("徐闻县2022年政府信息公开工作年度报告", "2023-01-31", "fangzheng-2023", "xuwen-2022", 1),
        Item("徐闻县政府信息公开指南", "2022-08-15", "lookalike"),
        report("湛江市徐闻县2021年政府信息公开工作年度报告", "2022-01-28", "hulan-2022", "xuwen-2021", 2),
    ]
    items.sort(key=lambda i: i.date, reverse=True)
    for i in items:
        i.post_id = stable_id(portal.key, i.title, digits=7)
        i.path = f"{prefix}/gkmlpt/content/2/{CLASSIFY_ID}/post_{i.post_id}.html"

    # The shell: everything is drawn by JS from the API; the site id sits in _CONFIG, the column in the menu.
    shell = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>{esc(site_name)}信息公开目录</title>
<script>window._CONFIG = {{SID: '{SID}'}};</script>
<script src="{prefix}/gkmlpt/static/js/app.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>请开启浏览器的JavaScript功能</noscript>
<ul class="classify-menu" style="display:none">
<li><a href="{prefix}/gkmlpt/index#{CLASSIFY_ID}" data-id="{CLASSIFY_ID}">{CLASSIFY_NAME}</a></li>
</ul>
</body>
</html>
"""
    shell_path = b.add(f"{prefix}/gkmlpt/index", shell.encode("utf-8"))
    portal.entries = [shell_path]

    pages = -(-len(items) // PAGE_SIZE)
    for n in range(1, pages + 1):
        chunk = items[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]
        articles = [{
            "id": i.post_id,
            "title": i.title,
            # Absolute URLs: written with the placeholder the server replaces by its own base URL.
            "url": OFF_SITE if i.kind == "url" else BASE_PLACEHOLDER + i.path,
            "create_time": _unix(i.date),
            "display_publish_time": _unix(i.date),
            "publisher": region["publisher"] if i.kind != "url" else "广东省人民政府办公厅",
            "classify_main": CLASSIFY_ID,
            "type": "url" if i.kind == "url" else "normal",
        } for i in chunk]
        data = {"classify": {"id": CLASSIFY_ID, "name": CLASSIFY_NAME, "post_count": len(items), "jump_url": ""},
                "total": len(items), "offset": (n - 1) * PAGE_SIZE, "articles": articles}
        b.add(f"{prefix}/gkmlpt/api/all/{CLASSIFY_ID}?page={n}&sid={SID}",
              json.dumps(data, ensure_ascii=False, sort_keys=False).encode("utf-8"), JSON_TYPE)

    reports = [i for i in items if i.kind == "report"]
    for i in items:
        related = [Link(r.path, r.title, r.date) for r in reports if r is not i][:3]
        if i.kind == "report":
            b.add(i.path, report_html(i.fig, "plain", prefix, domain, related))
            b.expect(i.path, i.path, "government", "html", "ok", i.date, i.fig)
        elif i.kind == "lookalike":
            b.add(i.path, article_page(chrome, prefix, i.title, i.date, site_name,
                                       lookalike_body(i.title, prefix)).encode("utf-8"))
            b.lookalike(i.path)
    return portal
