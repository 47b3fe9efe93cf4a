"""Demo portals on TRS WCM static sites (黔江区 UTF-8 with both pager scripts, 朝阳区 GBK without charset)."""
from __future__ import annotations

from dataclasses import dataclass

from demo_portals.figures import derive
from demo_portals.model import HTML, PDF, PNG, DemoPortal
from demo_portals.pages import (Builder, Chrome, Link, article_page, attachment_intro, encode, esc,
                                lookalike_body, prefix_links, report_html, report_pdf, stable_id, tiny_png,
                                truncated)

HTML_NO_CHARSET = "text/html"


@dataclass
class Item:
    title: str
    date: str
    kind: str  # report | attachment | corrupt | html_error | lookalike
    fig: dict | None = None
    publisher_kind: str = "government"
    variant: str = "word"
    attachment_id: str = ""
    href: str = ""  # as the list writes it: ./YYYYMM/tYYYYMMDD_id.ext
    path: str = ""


@dataclass(frozen=True)
class Column:
    folder: str  # full path of the column folder, no trailing slash
    name: str
    ext: str  # html | shtml
    per_page: int
    pager: str  # 'zero' : createPageHTML(n, i, "index", "html") | 'one' : createPageHTML("page_div", n, i, ..., total)
    wap: bool = True  # each article has a mobile twin _wap.<ext>
    encoding: str = "utf-8"


def _page_name(col: Column, n: int) -> str:
    """List page n (0-based) of a column: index.html, index_1.html… (zero) or index.shtml, index_2.shtml… (one)."""
    if n == 0:
        return f"index.{col.ext}"
    return f"index_{n if col.pager == 'zero' else n + 1}.{col.ext}"


def _pager_script(col: Column, n: int, pages: int, total: int) -> str:
    # The page count lives only in this script; pages never link to each other with plain <a>.
    if col.pager == "zero":
        return (f'<div class="page"><script type="text/javascript">createPageHTML({pages}, {n}, "index", '
                f'"{col.ext}");</script></div>')
    return (f'<div id="page_div" class="page"></div>\n<script type="text/javascript">createPageHTML("page_div", '
            f'{pages}, {n + 1}, "index", "{col.ext}", {total});</script>')


def _list_page(b: Builder, col: Column, site_name: str, items: list[Item], n: int, pages: int, total: int) -> bytes:
    lis = "\n".join(f'<li><a href="{esc(i.href)}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
                    f"<span>{i.date}</span></li>" for i in items)
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n' if col.encoding == "utf-8" else ""
    text = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
{charset}<meta name="SiteName" content="{esc(site_name)}">
<meta name="SiteDomain" content="{b.domain}">
<meta name="ColumnName" content="{esc(col.name)}">
<title>{esc(col.name)}_{esc(site_name)}</title>
<script type="text/javascript" src="/js/createPageHTML.js"></script>
</head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk_159/">政务公开</a></div>
<div class="position">您当前的位置：<a href="/">首页</a> &gt; 政务公开 &gt; 政府信息公开年报 &gt; {esc(col.name)}</div>
<div class="lmtit">{esc(col.name)}</div>
<ul class="list">
{lis}
</ul>
<!--wcm分页，总记录：{total}-->
{_pager_script(col, n, pages, total)}
<div class="footer">主办：{esc(site_name)}</div>
</body>
</html>
"""
    return encode(prefix_links(text, b.prefix), col.encoding)


def _chrome(site_name: str, domain: str, code: str) -> Chrome:
    return Chrome(site_name, domain, code, '<div class="view TRS_UEDITOR trs_paper_default trs_web">', "</div>",
                  "发布时间：{date}　来源：{source}")


def _publish(b: Builder, col: Column, site_name: str, chrome: Chrome, items: list[Item]) -> str:
    items.sort(key=lambda i: i.date, reverse=True)
    for i in items:
        stamp = i.date.replace("-", "")
        name = f"t{stamp}_{stable_id(b.portal.key, i.title, digits=8)}"
        i.href = f"./{stamp[:6]}/{name}.{col.ext}"
        i.path = f"{col.folder}/{stamp[:6]}/{name}.{col.ext}"
    reports = [i for i in items if i.kind != "lookalike"]
    pages = -(-len(items) // col.per_page)
    for n in range(pages):
        b.add(f"{col.folder}/{_page_name(col, n)}",
              _list_page(b, col, site_name, items[n * col.per_page:(n + 1) * col.per_page], n, pages, len(items)),
              HTML if col.encoding == "utf-8" else HTML_NO_CHARSET)
    for i in items:
        related = [Link(r.path, r.title, r.date) for r in reports if r is not i][:3]
        _serve(b, col, chrome, i, related)
    return f"{col.folder}/index.{col.ext}"


def _serve(b: Builder, col: Column, chrome: Chrome, i: Item, related: list[Link]) -> None:
    folder, file = i.path.rsplit("/", 1)
    stem = file.rsplit(".", 1)[0]
    source = i.fig["publisher"] if i.fig else chrome.site_name
    ctype = HTML if col.encoding == "utf-8" else HTML_NO_CHARSET
    if i.kind == "report":
        if col.wap:
            wap = f"{folder}/{stem}_wap.{col.ext}"
            b.add(i.path, report_html(i.fig, i.variant, b.prefix, b.domain, related,
                                      share_extra=f'<a href="./{stem}_wap.{col.ext}">手机版</a>'), ctype)
            # The mobile twin: the same report, its page differing only in the link back.
            b.add(wap, report_html(i.fig, i.variant, b.prefix, b.domain, related,
                                   share_extra=f'<a href="./{file}">电脑版</a>'), ctype)
        else:
            b.add(i.path, report_html(i.fig, i.variant, b.prefix, b.domain, related), ctype)
        b.expect(i.path, i.path, i.publisher_kind, "html", "ok", i.date, i.fig)
        return
    if i.kind == "lookalike":
        body = lookalike_body(i.title, b.prefix)
        b.add(i.path, encode(article_page(chrome, b.prefix, i.title, i.date, source, body), col.encoding), ctype)
        b.lookalike(i.path)
        return
    # An article whose body is an introduction and the report as an attachment (TRS UEditor markup).
    stamp = i.date.replace("-", "")
    pdf_name = f"P0{stamp}{i.attachment_id}.pdf"
    oldsrc = f"{b.prefix}/protect/P0{stamp[:6]}/P0{stamp}/{pdf_name}"  # the editor's original path: dead
    body = attachment_intro(i.title, source) + (
        f'\n<p class="insertfileTag"><a appendix="true" data-appendix="true" needdownload="true" '
        f'href="./{pdf_name}" title="{esc(i.title)}.pdf" download="{esc(i.title)}.pdf" OLDSRC="{oldsrc}">'
        f"{esc(i.title)}.pdf</a></p>")
    b.add(i.path, encode(article_page(chrome, b.prefix, i.title, i.date, source, body, related), col.encoding),
          ctype)
    pdf_path = f"{folder}/{pdf_name}"
    if i.kind == "attachment":
        b.add(pdf_path, report_pdf(i.fig), PDF)
        b.expect(pdf_path, i.path, i.publisher_kind, "pdf", "ok", i.date, i.fig)
    elif i.kind == "corrupt":
        b.add(pdf_path, truncated(report_pdf(i.fig)), PDF)
        b.expect(pdf_path, i.path, i.publisher_kind, "pdf", "corrupt", i.date, None,
                 year=i.fig["year"], publisher=i.fig["publisher"])
    elif i.kind == "html_error":
        # A .pdf URL that answers 200 with the CMS's HTML error page: recorded as an error, never a report.
        error = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>提示信息</title></head><body>'
                 '<div class="error"><p>系统繁忙，您访问的文件暂时无法下载，请稍后再试。</p>'
                 f'<p><a href="{b.prefix}/">返回首页</a></p></div></body></html>')
        b.add(pdf_path, error.encode("utf-8"), HTML)
    else:
        raise ValueError(i.kind)


# ------------------------------------------------------------------ 黔江区 (重庆)

def build_qianjiang(resources: dict, figures: dict) -> DemoPortal:
    domain, prefix = "www.cqqj.gov.cn", "/www.cqqj.gov.cn"
    site_name = "重庆市黔江区人民政府"
    portal = DemoPortal("trs", "trs", "500114", "黔江区", prefix, [], [], [], [])
    b = Builder(portal, resources, figures, domain)
    chrome = _chrome(site_name, domain, "5001140001")
    gov = dict(region_code="500114", region_name="黔江区", publisher=site_name)

    def fig(base, slug, title, year, date, factor, publisher=None):
        kw = dict(gov, publisher=publisher) if publisher else gov
        return derive(base, slug=slug, title=title, year=year, published=date, factor=factor, **kw)

    def report(title, date, base, slug, factor, kind="report", **kw):
        year = int(title.split("年")[0][-4:])
        publisher = kw.pop("publisher", None)
        return Item(title, date, kind, fig(base, slug, title, year, date, factor, publisher), **kw)

    government = [
        report("重庆市黔江区2024年政府信息公开工作年度报告", "2025-01-17", "fangzheng-2023", "qianjiang-2024", 2),
        report("重庆市黔江区2023年政府信息公开工作年度报告", "2024-01-15", "fangzheng-2023", "qianjiang-2023", 1,
               kind="attachment", attachment_id="382295081505"),
        report("重庆市黔江区2022年政府信息公开工作年度报告", "2023-01-13", "hulan-2022", "qianjiang-2022", 3),
        report("重庆市黔江区2021年政府信息公开工作年度报告", "2022-01-19", "daoli-2023", "qianjiang-2021", 1,
               kind="corrupt", attachment_id="516203877140"),
        report("黔江区2020年政府信息公开工作年度报告", "2021-01-20", "wuchang-2020", "qianjiang-2020", 1),
        report("黔江区2019年政府信息公开工作年度报告", "2020-01-16", "wuchang-2020", "qianjiang-2019", 2,
               kind="html_error", attachment_id="300418862215"),
        Item("黔江区2023年政府信息公开工作年度报告解读", "2024-01-19", "lookalike"),
        Item("一图读懂黔江区2023年政府信息公开工作年度报告", "2024-01-19", "lookalike"),
        Item("黔江区政府信息公开指南", "2023-09-01", "lookalike"),
        Item("黔江区2024年政务公开工作要点", "2024-03-28", "lookalike"),
        Item("黔江区2022年法治政府建设年度报告", "2023-03-30", "lookalike"),
        Item("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "2023-12-22", "lookalike"),
    ]
    edu, health, finance = "黔江区教育委员会", "黔江区卫生健康委员会", "黔江区财政局"
    dept = dict(publisher_kind="department")
    departments = [
        report(f"{edu}2019年政府信息公开工作年度报告", "2020-01-21", "wuchang-2020", "qianjiang-edu-2019", 1,
               publisher=edu, **dept),
        report(f"{edu}2020年政府信息公开工作年度报告", "2021-01-22", "wuchang-2020", "qianjiang-edu-2020", 2,
               publisher=edu, **dept),
        report(f"{edu}2021年政府信息公开工作年度报告", "2022-01-20", "hulan-health-2023", "qianjiang-edu-2021", 3,
               publisher=edu, **dept),
        report(f"{health}2022年政府信息公开工作年度报告", "2023-01-17", "hulan-health-2023", "qianjiang-health-2022",
               2, publisher=health, **dept),
        report(f"{health}2023年政府信息公开工作年度报告", "2024-01-18", "hulan-health-2023", "qianjiang-health-2023",
               1, publisher=health, **dept),
        report(f"{health}2024年政府信息公开工作年度报告", "2025-01-20", "mulan-2022", "qianjiang-health-2024", 2,
               publisher=health, **dept),
        report(f"{finance}2023年政府信息公开工作年度报告", "2024-01-24", "mulan-2022", "qianjiang-finance-2023", 3,
               publisher=finance, **dept),
        Item(f"{finance}2024年部门预算公开", "2024-02-20", "lookalike"),
        Item(f"{edu}2023年政府信息公开工作年度报告解读", "2024-01-26", "lookalike"),
        Item(f"{health}政府信息公开指南", "2023-05-10", "lookalike"),
        Item(f"{edu}2022年法治政府建设年度报告", "2023-02-28", "lookalike"),
        Item(f"一图读懂{finance}2023年政府信息公开工作年度报告", "2024-01-26", "lookalike"),
    ]
    base = f"{prefix}/zwgk_159/zfxxgknb"
    portal.entries = [
        _publish(b, Column(f"{base}/qzfxxgknb", "区政府信息公开年报", "html", 5, "zero"), site_name, chrome, government),
        _publish(b, Column(f"{base}/bmxxgknb", "部门信息公开年报", "shtml", 6, "one"), site_name, chrome, departments),
    ]
    b.add(f"{prefix}/images/ytdd.png", tiny_png(48, 48, seed=3), PNG)
    return portal


# ------------------------------------------------------------------ 朝阳区 (北京), GBK

def build_chaoyang(resources: dict, figures: dict) -> DemoPortal:
    domain, prefix = "www.bjchy.gov.cn", "/www.bjchy.gov.cn"
    site_name = "北京市朝阳区人民政府"
    portal = DemoPortal("gbk", "trs", "110105", "朝阳区", prefix, [], [], [], [], encoding="gbk")
    b = Builder(portal, resources, figures, domain)
    chrome = _chrome(site_name, domain, "1101050001")
    gov = dict(region_code="110105", region_name="朝阳区", publisher=site_name)
    items = [
        Item("北京市朝阳区2023年政府信息公开工作年度报告", "2024-01-26", "report",
             derive("fangzheng-2023", slug="chaoyang-2023", title="北京市朝阳区2023年政府信息公开工作年度报告",
                    year=2023, published="2024-01-26", factor=3, **gov), variant="gbk_nometa"),
        Item("北京市朝阳区2022年政府信息公开工作年度报告", "2023-01-30", "report",
             derive("mulan-2022", slug="chaoyang-2022", title="北京市朝阳区2022年政府信息公开工作年度报告",
                    year=2022, published="2023-01-30", factor=2, **gov), variant="gbk_nometa"),
    ]
    col = Column(f"{prefix}/zwgk/zfxxgknb", "政府信息公开年报", "html", 20, "zero", wap=False, encoding="gbk")
    portal.entries = [_publish(b, col, site_name, chrome, items)]
    return portal
