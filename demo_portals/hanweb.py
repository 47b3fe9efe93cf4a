"""Demo portal on Hanweb (大汉) jcms (龙游县): datastore records in the column page, the rest from dataproxy.jsp."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from demo_portals.figures import derive
from demo_portals.model import DOCX, HTML, PNG, DemoPortal
from demo_portals.pages import (Builder, Chrome, Link, article_page, attachment_intro, esc, hex32, lookalike_body,
                                prefix_links, report_docx, report_html, stable_id, tiny_png)

COLUMN_ID = "1229114055"
UNIT_ID = "212860"
PER_PAGE = 5
XML = "text/xml;charset=UTF-8"


@dataclass
class Item:
    title: str
    date: str
    kind: str  # report | docx | lookalike
    fig: dict | None = None
    publisher_kind: str = "government"
    doc_id: int | None = None
    path: str = ""


def _record(i: Item) -> str:
    # Hanweb writes these with single quotes; the title attribute has the full title, the text may be cut.
    return (f"<record><![CDATA[<li><a href='{esc(i.path)}' title='{esc(i.title)}' target='_blank'>{esc(i.title)}"
            f"</a><span>{i.date}</span></li>]]></record>")


def dataproxy_query(start: int, end: int) -> str:
    return urlencode({"startrecord": start, "endrecord": end, "perpage": PER_PAGE, "columnid": COLUMN_ID,
                      "unitid": UNIT_ID, "appid": 1, "webid": 1})


def build_longyou(resources: dict, figures: dict) -> DemoPortal:
    domain, prefix = "www.longyou.gov.cn", "/www.longyou.gov.cn"
    site_name = "龙游县人民政府"
    portal = DemoPortal("hanweb", "hanweb", "330825", "龙游县", prefix, [], [], [], [])
    b = Builder(portal, resources, figures, domain)
    chrome = Chrome(site_name, domain, "3308250001", '<div id="zoom">', "</div>", "发布日期：{date}　来源：{source}")
    region = dict(region_code="330825", region_name="龙游县")
    pub = "衢州市龙游县人民政府"

    def report(title, date, base, slug, factor, kind="report", publisher=pub, publisher_kind="government",
               doc_id=None):
        year = int(title.split("年")[0][-4:])
        fig = derive(base, slug=slug, title=title, publisher=publisher, year=year, published=date, factor=factor,
                     **region)
        return Item(title, date, kind, fig, publisher_kind, doc_id)

    items = [
        report("龙游县2024年政府信息公开工作年度报告", "2025-01-22", "hulan-2023", "longyou-2024", 3),
        report("龙游县2023年政府信息公开工作年度报告", "2024-01-30", "fangzheng-2023", "longyou-2023", 2,
               kind="docx", doc_id=89890),
        report("龙游县卫生健康局2023年政府信息公开工作年度报告", "2024-01-26", "hulan-health-2023",
               "longyou-health-2023", 2, publisher="龙游县卫生健康局", publisher_kind="department"),
        report("龙游县2022年政府信息公开工作年度报告", "2023-01-28", "mulan-2022", "longyou-2022", 3),
        report("衢州市龙游县2021年政府信息公开工作年度报告", "2022-01-27", "hulan-2022", "longyou-2021", 1),
        report("龙游县2020年政府信息公开工作年度报告", "2021-01-29", "wuchang-2020", "longyou-2020", 3),
        report("龙游县2019年政府信息公开工作年度报告", "2020-01-20", "wuchang-2020", "longyou-2019", 2),
        Item("龙游县2023年政府信息公开工作年度报告解读", "2024-02-02", "lookalike"),
        Item("一图读懂龙游县2023年政府信息公开工作年度报告", "2024-02-02", "lookalike"),
        Item("龙游县政府信息公开指南", "2023-04-12", "lookalike"),
        Item("龙游县2024年政务公开工作要点", "2024-04-15", "lookalike"),
        Item("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "2023-12-18", "lookalike"),
    ]
    items.sort(key=lambda i: i.date, reverse=True)
    for i in items:
        y, m, d = (int(x) for x in i.date.split("-"))
        doc_id = i.doc_id or stable_id(portal.key, i.title, digits=5)
        i.path = f"{prefix}/art/{y}/{m}/{d}/art_{COLUMN_ID}_{doc_id}.html"
    total = len(items)

    # The column page: the first PER_PAGE records inline, the pager script naming the total.
    column = f"{prefix}/col/col{COLUMN_ID}/index.html"
    proxy = f"{prefix}/module/web/jpage/dataproxy.jsp"
    first = "\n".join(_record(i) for i in items[:PER_PAGE])
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{esc(site_name)}">
<meta name="SiteDomain" content="{domain}">
<meta name="SiteIDCode" content="3308250001">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ColumnType" content="政府信息公开年报">
<title>政府信息公开年报_{esc(site_name)}</title>
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>
</head>
<body>
<div class="top"><a href="/">首页</a> <a href="/col/col1229114000/index.html">政务公开</a></div>
<div class="bt-position">当前位置：<a href="/">首页</a> &gt; 信息公开 &gt; 政府信息公开年报</div>
<div class="list-box">
<div id="{UNIT_ID}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{proxy}?page=1&appid=1&webid=1&path=/&columnid={COLUMN_ID}&unitid={UNIT_ID}&webname={site_name}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{first}
</recordset></datastore></script></div>
<script type="text/javascript">
$(document).ready(function(){{
  $('#{UNIT_ID}').jpage({{totalRecord:{total},perPage:{PER_PAGE},barPosition:'bottom',groupSize:1,
    proxyUrl:'{proxy}',dataStore:null,objId:'{UNIT_ID}',
    ajaxParam:{{col:1,appid:1,webid:1,path:'/',columnid:{COLUMN_ID},sourceContentType:1,unitid:'{UNIT_ID}',webname:'{site_name}',permissiontype:0}}}});
}});
</script>
</div>
<div class="footer">主办：{esc(site_name)}</div>
</body>
</html>
"""
    b.add(column, prefix_links(page, prefix).encode("utf-8"))
    for start in range(PER_PAGE + 1, total + 1, PER_PAGE):
        end = start + PER_PAGE - 1
        records = "\n".join(_record(i) for i in items[start - 1:end])
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
               f"<recordset>\n{records}\n</recordset>\n</datastore>\n")
        b.add(f"{proxy}?{dataproxy_query(start, end)}", xml.encode("utf-8"), XML)
    portal.entries = [column]

    reports = [i for i in items if i.kind != "lookalike"]
    for i in items:
        related = [Link(r.path, r.title, r.date) for r in reports if r is not i][:3]
        if i.kind == "report":
            b.add(i.path, report_html(i.fig, "plain", prefix, domain, related))
            b.expect(i.path, i.path, i.publisher_kind, "html", "ok", i.date, i.fig)
        elif i.kind == "docx":
            # downfile.jsp answers with a redirect to the stored file; the report is what the redirect reaches.
            name = f"{hex32(portal.key, i.title)}.docx"
            download = f"{prefix}/module/download/downfile.jsp?classid=0&filename={name}"
            stored = f"{prefix}/attach/0/{name}"
            body = attachment_intro(i.title, i.fig["publisher"]) + (
                f'\n<p>附件：<a href="{esc(download)}" target="_blank">{esc(i.title)}.docx</a></p>')
            b.add(i.path, article_page(chrome, prefix, i.title, i.date, i.fig["publisher"], body, related)
                  .encode("utf-8"))
            b.add(download, b'<html><body>Redirecting</body></html>', HTML, status=302,
                  headers={"Location": stored})
            b.add(stored, report_docx(i.fig), DOCX)
            b.expect(stored, i.path, i.publisher_kind, "docx", "ok", i.date, i.fig)
        else:
            b.add(i.path, article_page(chrome, prefix, i.title, i.date, site_name,
                                       lookalike_body(i.title, prefix)).encode("utf-8"))
            b.lookalike(i.path)
    b.add(f"{prefix}/images/ytdd.png", tiny_png(48, 48, seed=5), PNG)
    return portal
