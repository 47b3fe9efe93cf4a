"""Page-building helpers shared by the demo portal families: report pages fitted into a site, plain articles, files."""
from __future__ import annotations

import hashlib
import html
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from demo_portals.model import HTML, DemoPortal, ExpectedReport, Resource
from renderers.docx import render_docx
from renderers.html import published_of, render_html
from renderers.pdf import render_pdf

# The byte encoding each render_html variant is written in, to edit a page and write it back unchanged elsewhere.
VARIANT_ENCODING = {"word": "utf-8", "plain": "utf-8", "ueditor": "utf-8-sig", "gbk": "gbk", "gbk_nometa": "gbk"}

_SIDEBAR = re.compile(r'<div class="sidebar">.*?</div>', re.S)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="xmlcharrefreplace") if encoding == "gbk" else text.encode(encoding)


def prefix_links(page: str, prefix: str) -> str:
    """Root-relative links moved under the portal's prefix: all portals share one server, each in its own folder.
    Links already under the prefix (the ones we write ourselves) stay as they are."""
    root_link = re.compile(r"""\b(href|src|action|oldsrc)=(["'])/(?!/)(?!%s/)""" % re.escape(prefix.strip("/")), re.I)
    return root_link.sub(lambda m: f"{m[1]}={m[2]}{prefix}/", page)


def stable_id(*parts: object, digits: int = 6) -> int:
    """A fixed number from names (no randomness: build_demo must give the same bytes every time)."""
    h = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return int(h[:12], 16) % (9 * 10 ** (digits - 1)) + 10 ** (digits - 1)


def hex32(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def cut_title(title: str, width: int = 18) -> str:
    """How list pages print a long title: cut with an ellipsis (the full one is in the link's title attribute)."""
    return title if len(title) <= width else title[:width] + "…"


@dataclass
class Link:
    href: str
    title: str
    date: str


def related_html(links: list[Link]) -> str:
    items = "\n".join(f'<li><a href="{esc(l.href)}" title="{esc(l.title)}">{esc(cut_title(l.title, 24))}</a>'
                      f"<span>{l.date}</span></li>" for l in links)
    return f'<div class="sidebar"><h3>相关文章</h3><ul>\n{items}\n</ul></div>'


def fit_report_page(data: bytes, variant: str, prefix: str, domain: str, related: list[Link],
                    extra_body: str = "", tables_as_images: list[str] | None = None, share_extra: str = "") -> bytes:
    """A render_html page made part of a portal: links under its prefix, its real domain, our related links,
    `extra_body` (links, notes) at the end of the report body, `share_extra` in the share bar (page chrome),
    and optionally every table replaced by a picture."""
    encoding = VARIANT_ENCODING[variant]
    page = data.decode(encoding)
    page = page.replace('content="www.example.gov.cn"', f'content="{domain}"')
    page = _SIDEBAR.sub(lambda _: related_html(related), page, count=1)
    if share_extra:
        page = page.replace('<div class="share">', f'<div class="share">{share_extra} ', 1)
    if tables_as_images is not None:
        pictures = iter(tables_as_images)
        page = re.sub(r"<table\b.*?</table>",
                      lambda _: f'<p style="text-align:center"><img src="{next(pictures)}" width="600" alt=""></p>',
                      page, flags=re.S)
    if extra_body:
        # The signature line closes every variant's body; what a portal adds to an article goes just above it.
        anchor = '<p style="text-align:right">'
        i = page.index(anchor)
        page = page[:i] + extra_body + "\n" + page[i:]
    return encode(prefix_links(page, prefix), encoding)


def report_html(fig: dict, variant: str, prefix: str, domain: str, related: list[Link], extra_body: str = "",
                share_extra: str = "") -> bytes:
    return fit_report_page(render_html(fig, variant), variant, prefix, domain, related, extra_body,
                           share_extra=share_extra)


def report_pdf(fig: dict, variant: str = "ruled") -> bytes:
    return render_pdf(fig, variant)


FIXED_ZIP_TIME = (2024, 1, 20, 9, 0, 0)


def report_docx(fig: dict, variant: str = "merged") -> bytes:
    """render_docx with the zip members' timestamps fixed, so the same figures give the same bytes every time."""
    src = zipfile.ZipFile(io.BytesIO(render_docx(fig, variant)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def truncated(data: bytes, keep: float = 0.4) -> bytes:
    """A download cut short: the first part of the file only (no end-of-file marker)."""
    return data[:int(len(data) * keep)]


def tiny_png(width: int = 64, height: int = 24, seed: int = 0) -> bytes:
    """A small real PNG (grey, with a ruled grid) standing in for a scanned table; made with zlib, no imaging library."""
    rows = []
    for y in range(height):
        line = bytearray([0])  # filter type 0 (None) for each scanline
        for x in range(width):
            ruled = y % 8 == 0 or x % 16 == 0 or y == height - 1 or x == width - 1
            line.append(40 if ruled else (235 + (x * 7 + y * 3 + seed) % 15))
        rows.append(bytes(line))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def not_found_page(path: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><div class="error"><h1>404</h1><p>您访问的页面不存在或已被删除：{esc(path)}</p>
<p><a href="javascript:history.back()">返回上一页</a></p></div></body></html>
""".encode("utf-8")


@dataclass
class Builder:
    """Collects one portal's resources and expectations; refuses paths outside its prefix or served twice."""
    portal: DemoPortal
    resources: dict[str, Resource]
    figures: dict[str, dict]
    domain: str

    @property
    def prefix(self) -> str:
        return self.portal.prefix

    def add(self, path: str, body: bytes, content_type: str | None = HTML, **kw) -> str:
        if not path.startswith(self.prefix + "/"):
            raise ValueError(f"{path} is outside {self.prefix}")
        if path in self.resources:
            raise ValueError(f"{path} is served twice")
        self.resources[path] = Resource(body, content_type, **kw)
        return path

    def expect(self, path: str, article_path: str, kind: str, media: str, outcome: str, published: str,
               fig: dict | None = None, *, year: int | None = None, publisher: str | None = None) -> None:
        if fig is not None and outcome == "ok":
            self.figures.setdefault(fig["slug"], fig)
        self.portal.expected.append(ExpectedReport(
            path=path, article_path=article_path, year=fig["year"] if year is None else year,
            publisher=fig["publisher"] if publisher is None else publisher, publisher_kind=kind, media=media,
            outcome=outcome, figures=fig["slug"] if fig is not None and outcome == "ok" else None,
            published=published))

    def lookalike(self, path: str) -> None:
        self.portal.lookalikes.append(path)


def published(fig: dict) -> str:
    return published_of(fig)


# ------------------------------------------------------------------ our own article pages (not reports)

@dataclass(frozen=True)
class Chrome:
    """How one CMS family dresses an article page."""
    site_name: str
    domain: str
    site_code: str  # SiteIDCode
    container_open: str  # the body container the family's pages use
    container_close: str
    meta_line: str  # with {date} and {source}
    charset_meta: str = '<meta charset="utf-8">'


def article_page(chrome: Chrome, prefix: str, title: str, date: str, source: str, body: str,
                 related: list[Link] = ()) -> str:
    """A plain article (notice, guide, report's intro with attachments) in the family's chrome, as text."""
    meta_line = chrome.meta_line.format(date=date, source=source)
    side = related_html(list(related)) if related else ""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{chrome.charset_meta}
<meta name="SiteName" content="{esc(chrome.site_name)}">
<meta name="SiteDomain" content="{chrome.domain}">
<meta name="SiteIDCode" content="{chrome.site_code}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{esc(title)}">
<meta name="PubDate" content="{date} 09:30">
<meta name="ContentSource" content="{esc(source)}">
<title>{esc(title)}_{esc(chrome.site_name)}</title>
<link rel="stylesheet" href="/css/style.css">
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{esc(chrome.site_name)}"></a></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="article">
<h1 class="article-title">{esc(title)}</h1>
<div class="article-info">{esc(meta_line)}</div>
{chrome.container_open}
{body}
{chrome.container_close}
</div>
{side}
<div class="footer"><p>主办：{esc(chrome.site_name)}　网站标识码：{chrome.site_code}</p></div>
</body>
</html>
"""
    return prefix_links(page, prefix)


def paragraphs(*texts: str) -> str:
    return "\n".join(f"<p>　　{esc(t)}</p>" for t in texts)


def attachment_intro(title: str, publisher: str) -> str:
    return paragraphs(f"根据《中华人民共和国政府信息公开条例》规定，现将《{title}》全文予以公布，请点击附件查阅。",
                      f"如对报告内容有疑问，请与{publisher}办公室联系。")


# Look-alike pages: titles that share the report's words but are no report. Their bodies are short notes.
LOOKALIKE_BODIES = {
    "解读": "本文以问答形式介绍年度报告的主要内容，帮助公众了解一年来政务公开工作的进展。完整数据请查阅报告原文。",
    "一图读懂": "（图解）",
    "指南": "本指南说明主动公开的范围、依申请公开的受理机构、申请方式和办理流程，供公众申请政府信息时参考。",
    "要点": "为深入推进政务公开，结合本地实际，现就本年度政务公开工作提出要点如下：一是加强政策解读；二是优化平台建设。",
    "政府工作报告": "过去一年，全区经济社会保持平稳发展。新的一年，我们将坚持稳中求进，扎实做好各项工作。",
    "决算": "按照预决算公开的有关规定，现将部门决算公开如下：收入支出决算总表、财政拨款收入支出决算总表。",
    "法治政府": "一年来，我们认真落实法治政府建设实施纲要，依法全面履行政府职能，规范行政执法行为。",
    "通知": "各单位：请按照条例规定，于1月31日前完成本单位年度报告的编制和发布工作，并报送备案。",
    "预算": "按照预算公开的有关规定，现将部门预算公开如下。",
}


def lookalike_body(title: str, prefix: str) -> str:
    for word, body in LOOKALIKE_BODIES.items():
        if word in title:
            if word == "一图读懂":
                return f'<p style="text-align:center"><img src="{prefix}/images/ytdd.png" alt="{esc(title)}"></p>'
            return paragraphs(body)
    return paragraphs("本栏目信息。")

