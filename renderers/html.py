"""Portal article pages (HTML) carrying an annual report, drawn in the markup styles real portals use.

Each variant is a whole page: site header, menus, breadcrumb, a meta line, the report body in the
CMS's container, related links and a footer. The body is our own prose around tables 二, 三 and 四,
whose structure (spans, split labels, captioned blocks) follows what portals actually publish:
Word pastes in TRS (`word`, `gbk`, `gbk_nometa`), clean Hanweb tables (`plain`) and UEditor pages
with printing quirks (`ueditor`).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from extractors.template import (T2_CONTENT, T3_APPLICANTS, T3_CORNER, T3_ORGANISATIONS, T3_RESULTS, T4,
                                 T4_LITIGATION, TEMPLATE_2019)
from renderers.common import t2_blocks, printed, printed_rows, section_title, table_def, title_of

VARIANTS: tuple[str, ...] = ("word", "plain", "gbk", "gbk_nometa", "ueditor")

_SECTION_PROBLEMS = "五、存在的主要问题及改进情况"
_SECTION_OTHER = "六、其他需要报告的事项"


@dataclass
class _Cell:
    text: str  # "\n" marks a printed line break
    rowspan: int = 1
    colspan: int = 1
    figure: tuple[str, str, str] | None = None  # (table, row, column) when the cell prints a number


_Table = list[list[_Cell]]  # HTML rows: only the cells that start in that row


# ------------------------------------------------------------------ page facts

def published_of(fig: dict) -> str:
    """The publication date the page states (figures may give one; else mid-January of the next year)."""
    return fig.get("published") or f"{fig['year'] + 1}-01-20"


def _site_code(fig: dict) -> str:
    # Portals' SiteIDCode: the 6-digit division code followed by a 4-digit serial.
    return f"{fig['region_code']}0001" if fig.get("region_code") else "bm00000001"


# ------------------------------------------------------------------ table structures

def _split_label(label: str, width: int = 2) -> str:
    """Header words broken into short lines, the way narrow header cells print them."""
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


_WRAP_AFTER = ("本年新", "上一年", "对外公开", "本年处理")  # where narrow header cells break long labels


def _wrap_long(label: str) -> str:
    """A long column label wrapped before its note in brackets, or after its leading word."""
    if "（" in label and not label.startswith("（"):
        i = label.index("（")
        return label[:i] + "\n" + label[i:]
    for head in _WRAP_AFTER:
        if label.startswith(head) and len(label) > len(head) + 2:
            return head + "\n" + label[len(head):]
    return label


def _t2_blocks(fig: dict) -> list[tuple[str, list, list]]:
    """Table 二 as its printed blocks: (item heading, columns, [(row, [(column, text)])])."""
    return [(caption, [c for c, _ in rows[0].cells], [(pr.row, pr.cells) for pr in rows])
            for caption, rows in t2_blocks(fig)]


def _value_cells(fig: dict, table: str, row_name: str, cells, width: int) -> list[_Cell]:
    """One row's figures spread over `width` columns; the last cell takes what is left."""
    out = []
    for i, (col, text) in enumerate(cells):
        span = width - len(cells) + 1 if i == len(cells) - 1 else 1
        out.append(_Cell(text, colspan=span, figure=(table, row_name, col.name)))
    return out


def _t2_tables(fig: dict, one_table: bool, wrap_heads: bool) -> list[_Table]:
    blocks = _t2_blocks(fig)
    widest = max(len(cols) for _, cols, _ in blocks)
    tables: list[_Table] = []
    for heading, cols, rows in blocks:
        width = widest if one_table else len(cols)
        t: _Table = [[_Cell(heading, colspan=width + 1)]]
        head = [_Cell(T2_CONTENT)]
        for i, col in enumerate(cols):
            span = width - len(cols) + 1 if i == len(cols) - 1 else 1
            head.append(_Cell(_wrap_long(col.label) if wrap_heads else col.label, colspan=span))
        t.append(head)
        for row, cells in rows:
            t.append([_Cell(row.label)] + _value_cells(fig, "t2", row.name, cells, width))
        tables.append(t)
    if one_table:
        return [[r for t in tables for r in t]]
    return tables


def _t3_table(fig: dict, split_header: bool, corner: str, wrap_rows: bool) -> _Table:
    table = table_def(fig, "t3")
    cols = table.columns
    orgs = cols[1:-1]
    t: _Table = []
    head_rows = 4 if split_header else 3
    t.append([_Cell(corner, rowspan=head_rows, colspan=3), _Cell(T3_APPLICANTS, colspan=len(cols))])
    t.append([_Cell(cols[0].label, rowspan=head_rows - 1), _Cell(T3_ORGANISATIONS, colspan=len(orgs)),
              _Cell(cols[-1].label, rowspan=head_rows - 1)])
    if split_header:
        # 商业/企业 and 科研/机构 land in two header rows, as in Word tables with uneven row heights;
        # longer words stay in one cell broken into lines.
        top, bottom = [], []
        for col in orgs:
            if len(col.label) == 4:
                top.append(_Cell(col.label[:2]))
                bottom.append(_Cell(col.label[2:]))
            else:
                top.append(_Cell(_split_label(col.label), rowspan=2))
        t.append(top)
        t.append(bottom)
    else:
        t.append([_Cell(c.label) for c in orgs])

    outcome = [r for r in table.rows if r.role in ("outcome", "total_handled")]
    group_sizes: dict[str, int] = {}
    for r in outcome:
        if r.group:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    seen_groups: set[str] = set()
    for pr in printed_rows(fig, "t3"):
        r = pr.row
        label = r.label
        if wrap_rows and "（区分处理" in label:
            label = label.replace("（区分处理", "\n（区分处理")
        cells: list[_Cell] = []
        if r.role in ("outcome", "total_handled"):
            if r is outcome[0]:
                cells.append(_Cell(T3_RESULTS, rowspan=len(outcome)))
            if r.group:
                if r.group not in seen_groups:
                    seen_groups.add(r.group)
                    cells.append(_Cell(r.group, rowspan=group_sizes[r.group]))
                cells.append(_Cell(label))
            else:
                cells.append(_Cell(label, colspan=2))
        else:
            cells.append(_Cell(label, colspan=3))
        cells += [_Cell(text, figure=("t3", r.name, c.name)) for c, text in pr.cells]
        t.append(cells)
    return t


def _t4_labels(split: bool) -> list[_Cell]:
    return [_Cell(_split_label(c.label) if split else c.label) for c in T4.columns]


def _t4_figures(fig: dict, rows) -> list[_Cell]:
    return [_Cell(printed(fig, "t4", r.name, c.name), figure=("t4", r.name, c.name))
            for r in rows for c in T4.columns]


def _t4_tables(fig: dict, one_table: bool, split_labels: bool) -> list[_Table]:
    review, direct, after = T4.rows
    n = len(T4.columns)
    if one_table:
        return [[
            [_Cell(review.label, rowspan=2, colspan=n), _Cell(T4_LITIGATION, colspan=2 * n)],
            [_Cell(direct.label, colspan=n), _Cell(after.label, colspan=n)],
            _t4_labels(split_labels) * 3,
            _t4_figures(fig, T4.rows),
        ]]
    return [
        [[_Cell(review.label, colspan=n)], _t4_labels(False), _t4_figures(fig, (review,))],
        [[_Cell(T4_LITIGATION, colspan=2 * n)],
         [_Cell(direct.label, colspan=n), _Cell(after.label, colspan=n)],
         _t4_labels(False) * 2, _t4_figures(fig, (direct, after))],
    ]


# ------------------------------------------------------------------ prose (our own words)

def _prose(fig: dict) -> dict[str, list[str]]:
    year, region, publisher = fig["year"], fig["region_name"], fig["publisher"]
    notice = "国办公开办函〔2019〕60号" if fig["template"] == TEMPLATE_2019 else "国办公开办函〔2021〕30号"
    intro = (f"本报告依照《中华人民共和国政府信息公开条例》和{notice}规定的格式编写，由{publisher}"
             f"汇总形成。报告所列数据的统计期间为{year}年1月1日至{year}年12月31日。"
             f"对本报告有疑问的，可与{publisher}办公室联系。")
    overview = [f"{year}年，{region}把政务公开作为建设法治政府的日常功课，按照年度工作要点逐项推进，"
                "公开内容更全，解读回应更快，公众查找信息更方便。"]
    received = fig.get("narrative", {}).get("applications_received")
    if received is not None:
        overview.append(f"依申请公开方面，畅通网上、信函和当面三种渠道，全年共收到政府信息公开申请{received}件，"
                        "均在法定期限内作出答复。")
    overview.append("平台建设方面，门户网站专栏持续整合，政务新媒体实行统一备案和定期巡查。")
    problems = ["一是部分单位对公开内容的梳理还不够细，二是政策解读的形式还比较单一。",
                "下一步将加强业务培训，完善公开目录的动态更新，多用图表和问答方式解读政策。"]
    other = ["本年度未收取信息处理费。", "无其他需要报告的事项。"]
    return {"intro": [intro], "overview": overview, "problems": problems, "other": other}


# ------------------------------------------------------------------ markup styles

def _esc(text: str) -> str:
    return html.escape(text, quote=False)


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _ueditor_number(text: str, fig_key: tuple[str, str, str]) -> str:
    """UEditor pages retyped by hand: thousands separators and some full-width digits."""
    if not re.fullmatch(r"\d+", text):
        return text
    if int(text) >= 1000:
        return f"{int(text):,}"
    table, _, column = fig_key
    if (table, column) in (("t3", "natural_person"), ("t4", "total")):
        return text.translate(_FULLWIDTH)
    return text


def _word_runs(line: str) -> str:
    """A line as Word writes it: runs split where the script changes and inside long stretches."""
    parts = re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", line)
    runs = []
    for part in parts:
        if part.isascii():
            runs.append(f'<span lang="EN-US" style="font-family:仿宋_GB2312;\nmso-bidi-font-family:Times New Roman">'
                        f"{_esc(part)}</span>")
            continue
        pieces = [part] if len(part) <= 12 else [part[:len(part) // 2], part[len(part) // 2:]]
        for piece in pieces:
            runs.append(f'<span style="font-family:仿宋_GB2312;mso-hansi-font-family:\n宋体">{_esc(piece)}</span>')
    return "".join(runs)


def _spans(c: _Cell) -> str:
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def _word_cell(cell: _Cell, width: int, as_paragraphs: bool) -> str:
    spans = _spans(cell)
    style = ('style="width:%dpt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;\n'
             'padding:0cm 5.4pt 0cm 5.4pt"' % width)
    align = ' align="center" style="text-align:center"'
    if not cell.text:
        inner = f'<p class="MsoNormal"{align}><span lang="EN-US">&nbsp;<o:p></o:p></span></p>'
    elif as_paragraphs and "\n" in cell.text:
        inner = "\n".join(f'<p class="MsoNormal"{align}>{_word_runs(line)}<o:p></o:p></p>'
                          for line in cell.text.split("\n"))
    else:
        inner = (f'<p class="MsoNormal"{align}>' + "<br>\n".join(_word_runs(line) for line in cell.text.split("\n"))
                 + "<o:p></o:p></p>")
    return f'<td width="{width}" valign="center"{spans} {style}>\n{inner}\n</td>'


def _word_table(t: _Table, multi_line_as_paragraphs: bool = False) -> str:
    rows = []
    ncols = max(sum(c.colspan for c in row) for row in t)
    for i, row in enumerate(t):
        tds = "\n".join(_word_cell(c, 48 * c.colspan, multi_line_as_paragraphs) for c in row)
        rows.append(f'<tr style="mso-yfti-irow:{i};height:20.0pt">\n{tds}\n</tr>')
    # Word closes a pasted table with an invisible row of zero-height cells to pin column widths.
    pin = "".join('<td width="48" style="border:none"></td>' for _ in range(ncols))
    rows.append(f'<![if !supportMisalignedColumns]>\n<tr height="0">{pin}</tr>\n<![endif]>')
    return ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" width="600" '
            'style="border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;'
            'mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt">\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table>")


def _plain_table(t: _Table) -> str:
    rows = []
    for row in t:
        tds = []
        for c in row:
            spans = _spans(c)
            tds.append(f"<td{spans}>" + "<br/>".join(_esc(x) for x in c.text.split("\n")) + "</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0" cellpadding="4" width="100%">\n' + "\n".join(rows) + "\n</table>"


def _ueditor_table(t: _Table) -> str:
    rows = []
    for row in t:
        tds = []
        for c in row:
            spans = _spans(c)
            text = _ueditor_number(c.text, c.figure) if c.figure else c.text
            body = "<br/>".join(_esc(x) for x in text.split("\n")) if text else "<br/>"
            tds.append(f'<td valign="middle" align="center" style="word-break: break-all;"{spans}>'
                       f'<p style="text-align:center">{body}</p></td>')
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return ('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%" '
            'data-sort="sortDisabled">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def _para(style: str, text: str, heading: bool = False) -> str:
    if style == "word":
        font = "黑体" if heading else "仿宋_GB2312"
        return (f'<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt">'
                f'<span style="font-size:16.0pt;font-family:{font}">{_esc(text)}</span><o:p></o:p></p>')
    if style == "ueditor":
        inner = f"<strong>{_esc(text)}</strong>" if heading else _esc(text)
        return f'<p style="text-indent: 2em; text-align: justify;">{inner}</p>'
    return f"<p><strong>{_esc(text)}</strong></p>" if heading else f"<p>　　{_esc(text)}</p>"


# ------------------------------------------------------------------ the body and the page

def _body(fig: dict, variant: str) -> str:
    style = {"word": "word", "gbk": "word", "gbk_nometa": "word"}.get(variant, variant)
    prose = _prose(fig)
    if style == "word":
        t2 = _t2_tables(fig, one_table=True, wrap_heads=True)
        t3 = _t3_table(fig, split_header=True, corner="", wrap_rows=True)
        t4 = _t4_tables(fig, one_table=True, split_labels=True)
    elif style == "plain":
        t2 = _t2_tables(fig, one_table=False, wrap_heads=False)
        t3 = _t3_table(fig, split_header=False, corner="", wrap_rows=False)
        t4 = _t4_tables(fig, one_table=False, split_labels=False)
    else:
        t2 = _t2_tables(fig, one_table=True, wrap_heads=False)
        t3 = _t3_table(fig, split_header=False, corner=T3_CORNER, wrap_rows=False)
        t4 = _t4_tables(fig, one_table=True, split_labels=False)

    def tables(ts: list[_Table], paragraphs_in_cells: bool = False) -> str:
        if style == "word":
            return "\n".join(_word_table(t, paragraphs_in_cells) for t in ts)
        if style == "plain":
            return "\n<p>&nbsp;</p>\n".join(_plain_table(t) for t in ts)
        return "\n".join(_ueditor_table(t) for t in ts)

    parts = []
    if style == "word":
        parts.append(f'<p class="MsoNormal" align="center" style="text-align:center"><b><span '
                     f'style="font-size:22.0pt;font-family:方正小标宋简体">{_esc(title_of(fig))}</span></b></p>')
    parts += [_para(style, p) for p in prose["intro"]]
    parts.append(_para(style, "一、总体情况", heading=True))
    parts += [_para(style, p) for p in prose["overview"]]
    parts.append(_para(style, section_title("t2"), heading=True))
    parts.append(tables(t2))
    parts.append(_para(style, section_title("t3"), heading=True))
    parts.append(tables([t3]))
    parts.append(_para(style, section_title("t4"), heading=True))
    parts.append(tables(t4, paragraphs_in_cells=True))
    parts.append(_para(style, _SECTION_PROBLEMS, heading=True))
    parts += [_para(style, p) for p in prose["problems"]]
    parts.append(_para(style, _SECTION_OTHER, heading=True))
    parts += [_para(style, p) for p in prose["other"]]
    y, m, d = (int(x) for x in published_of(fig).split("-"))
    parts.append(f'<p style="text-align:right">{_esc(fig["publisher"])}</p>')
    parts.append(f'<p style="text-align:right">{y}年{m}月{d}日</p>')
    content = "\n".join(parts)

    if style == "word":
        content = ('<style type="text/css">.TRS_Editor P{margin-top:0;margin-bottom:12px;line-height:2;'
                   'font-family:宋体;font-size:12pt;}.TRS_Editor TD{font-size:12pt;}</style>\n'
                   f'<div class="WordSection1" style="layout-grid:15.6pt">\n{content}\n</div>')
    if variant == "gbk_nometa":
        return f'<div class="bt_content" id="zoomcon">\n{content}\n</div>'
    if style == "word":
        return f'<div class="TRS_Editor">\n{content}\n</div>'
    if style == "plain":
        return (f'<div id="zoom">\n<!--ZJEG_RSS.content.begin--><meta name="ContentStart">\n{content}\n'
                '<script>var zoomSize = 16;</script>\n<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->\n</div>')
    attachment = (f'<p class="insertfileTag"><a appendix="true" href="./P0{published_of(fig).replace("-", "")}'
                  f'38229508.pdf" OLDSRC="/protect/P0/P0.pdf">{_esc(title_of(fig))}.pdf</a></p>')
    return (f'<div class="view TRS_UEDITOR trs_paper_default trs_word">\n{content}\n{attachment}\n</div>')


def _page(fig: dict, variant: str) -> str:
    title, publisher, region = title_of(fig), fig["publisher"], fig["region_name"]
    date = published_of(fig)
    charset = {"word": '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
               "plain": '<meta charset="utf-8">',
               "gbk": "<meta charset=gb2312>",
               "gbk_nometa": "",
               "ueditor": '<meta charset="UTF-8">'}[variant]
    article_meta = "" if variant == "gbk_nometa" else (
        f'<meta name="ArticleTitle" content="{html.escape(title)}">\n'
        f'<meta name="PubDate" content="{date} 10:19">\n'
        f'<meta name="ContentSource" content="{html.escape(publisher)}">\n')
    meta_line = (f"发布时间:{date}" if variant in ("plain", "gbk_nometa")
                 else f"日期:{date} 来源:{publisher} 访问量: 字号:")
    heading = (f'<div class="bt_title">{_esc(title)}</div>' if variant == "gbk_nometa"
               else f'<h1 class="article-title">{_esc(title)}</h1>')
    older = fig["year"] - 1
    metadata_table = ""
    if variant == "plain":
        # Hanweb shows the disclosure catalogue's metadata above the body.
        metadata_table = ('<table class="xxgk_table"><tr><td>索引号：</td><td>00'
                          f'{fig.get("region_code") or "0"}/{date[:4]}-00001</td>'
                          f'<td>发布机构：</td><td>{_esc(publisher)}</td></tr>'
                          f'<tr><td>成文日期：</td><td>{date[:4]}-01-10</td><td>发布日期：</td><td>{date}</td></tr></table>')
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{charset}
<meta name="viewport" content="width=device-width, initial-scale=1">
<!--站点类-->
<meta name="SiteName" content="{html.escape(publisher)}">
<meta name="SiteDomain" content="www.example.gov.cn">
<meta name="SiteIDCode" content="{_site_code(fig)}">
<!--栏目类-->
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ColumnType" content="政府信息公开年报">
{article_meta}<title>{_esc(title)}_{_esc(publisher)}</title>
<link rel="stylesheet" href="/images/common.css">
<script type="text/javascript">var _hmt = _hmt || []; function doZoom(s){{document.getElementById("zoom").style.fontSize = s + "px";}}</script>
<style>body{{font-family:"Microsoft YaHei";}} .nav li{{float:left;}}</style>
</head>
<body>
<div class="top-bar"><span>欢迎访问{_esc(publisher)}门户网站</span> <a href="/wza">无障碍</a> <a href="/en">English</a></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{html.escape(publisher)}"></div>
<form class="search" action="/search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zjhl">走进{_esc(region)}</a></li>
<li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zwgk/nb">政府信息公开年报</a></div>
<div class="article">
{metadata_table}
{heading}
<div class="article-info">{meta_line}</div>
{_body(fig, variant)}
<div class="share">分享到：<a>微信</a> <a>微博</a> 【<a href="javascript:window.print()">打印本页</a>】 【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
<div class="sidebar"><h3>相关文章</h3><ul>
<li><a href="/zwgk/nb/{older}.html">{_esc(region)}{older}年政府信息公开工作年度报告</a><span>{older + 1}-01-18</span></li>
<li><a href="/zwgk/nb/{older - 1}.html">{_esc(region)}{older - 1}年政府信息公开工作年度报告</a><span>{older}-01-25</span></li>
</ul></div>
<div class="footer"><p>主办：{_esc(publisher)}办公室　网站标识码：{_site_code(fig)}</p>
<p>联系电话：0451-00000000　<a href="/sitemap">网站地图</a>　<a href="/contact">联系我们</a></p></div>
<script>document.write('<script src="/js/count.js"><\\/script>');</script>
</body>
</html>
"""


def render_html(fig: dict, variant: str) -> bytes:
    """The report drawn as a portal article page in one of `VARIANTS`, as the bytes the portal serves."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown HTML variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    page = _page(fig, variant)
    if variant in ("gbk", "gbk_nometa"):
        return page.encode("gbk", errors="xmlcharrefreplace")
    if variant == "ueditor":
        return page.encode("utf-8-sig")
    return page.encode("utf-8")
