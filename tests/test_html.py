"""HTML article pages: every figures file in every portal variant comes back exact, and the reader's parts hold."""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.html import read_html, strip_site_suffix
from extractors.model import ExtractionError, Grid, Paragraph
from extractors.template import T4
from renderers.common import all_figures, printed, table_def
from renderers.html import VARIANTS, published_of, render_html

FIGURES = all_figures()
CASES = [(fig, variant) for fig in FIGURES for variant in VARIANTS]
IDS = [f"{fig['slug']}-{variant}" for fig, variant in CASES]
_cache: dict[tuple[str, str], tuple] = {}


def rendered(fig: dict, variant: str):
    """(page bytes, layout, report) for one figures file and variant, built once per test session."""
    key = (fig["slug"], variant)
    if key not in _cache:
        data = render_html(fig, variant)
        _cache[key] = (data, read_html(data), extract(data, f"{fig['slug']}-{variant}.html"))
    return _cache[key]


def grids(layout) -> list[Grid]:
    return [b for b in layout.blocks if isinstance(b, Grid)]


def paragraphs(layout) -> list[str]:
    return [b.text for b in layout.blocks if isinstance(b, Paragraph)]


def grid_holding(layout, text: str) -> Grid:
    for g in grids(layout):
        if any(c is not None and text in c.text for row in g.rows for c in row):
            return g
    raise AssertionError(f"no grid holds {text!r}")


def page(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode("utf-8")


# ------------------------------------------------------------------ every figures file × variant

@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_every_cell_comes_back_exact(fig, variant):
    _, _, report = rendered(fig, variant)
    expected = {(c["table"], c["row"], c["column"]): c["value"] for c in fig["cells"]}
    got = {(c.table, c.row, c.column): c.value for c in report.cells}
    assert got == expected
    assert report.missing == []


@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_report_metadata(fig, variant):
    _, _, report = rendered(fig, variant)
    assert (report.year, report.publisher, report.region_code, report.template) == \
        (fig["year"], fig["publisher"], fig["region_code"], fig["template"])
    assert report.title == fig["title"]
    assert report.published == published_of(fig)
    assert report.media_type == "text/html"


@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_narrative_states_applications_received(fig, variant):
    _, _, report = rendered(fig, variant)
    received = fig.get("narrative", {}).get("applications_received")
    stated = [n.value for n in report.narrative if n.fact == "applications_received"]
    assert stated == ([received] if received is not None else [])


@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_layout_title_date_and_no_chrome(fig, variant):
    _, layout, _ = rendered(fig, variant)
    assert layout.title == fig["title"]
    assert layout.published == published_of(fig)
    text = "\n".join(paragraphs(layout))
    for chrome in ("首页", "政务服务", "网站地图", "相关文章", "分享到", "当前位置", "索引号"):
        assert chrome not in text
    signature = [fig["publisher"], "{}年{}月{}日".format(*map(int, published_of(fig).split("-")))]
    ends = paragraphs(layout)[-3:]
    assert signature in (ends[:2], ends[1:])


@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_table_three_merged_cells_appear_once(fig, variant):
    _, layout, _ = rendered(fig, variant)
    t3 = grid_holding(layout, "本年新收")
    assert {len(row) for row in t3.rows} == {10}
    table = table_def(fig, "t3")
    outcomes = [r for r in table.rows if r.role in ("outcome", "total_handled")]
    holders = [(i, j, c) for i, row in enumerate(t3.rows) for j, c in enumerate(row)
               if c is not None and c.text == "三、本年度办理结果"]
    assert len(holders) == 1
    i, j, cell = holders[0]
    assert (cell.rowspan, cell.colspan, cell.loc["row"], cell.loc["col"]) == (len(outcomes), 1, i, j)
    assert all(t3.rows[i + k][j] is None for k in range(1, len(outcomes)))
    denied = [c for row in t3.rows for c in row if c is not None and c.text == "（三）不予公开"]
    assert [c.rowspan for c in denied] == [8]


@pytest.mark.parametrize("fig,variant", CASES, ids=IDS)
def test_grid_count_per_variant(fig, variant):
    _, layout, _ = rendered(fig, variant)
    t2_blocks = 5 if fig["template"] == "2019" else 4
    expected = {"plain": t2_blocks + 1 + 2}.get(variant, 3)
    assert len(grids(layout)) == expected


@pytest.mark.parametrize("fig", FIGURES, ids=[f["slug"] for f in FIGURES])
def test_word_table_four_is_one_row_of_fifteen(fig):
    _, layout, _ = rendered(fig, "word")
    t4 = grid_holding(layout, "复议后起诉")
    assert len(t4.rows) == 4 and {len(r) for r in t4.rows} == {15}  # Word's width-pinning row is dropped
    assert t4.rows[0][0].text == "行政复议" and (t4.rows[0][0].rowspan, t4.rows[0][0].colspan) == (2, 5)
    assert t4.rows[2][0].text == "结果\n维持"  # two <p>s in one cell
    assert [c.text for c in t4.rows[3]] == [printed(fig, "t4", r.name, c.name) for r in T4.rows for c in T4.columns]


@pytest.mark.parametrize("fig", FIGURES, ids=[f["slug"] for f in FIGURES])
def test_word_header_words_split_over_rows_and_lines(fig):
    _, layout, _ = rendered(fig, "word")
    t3 = grid_holding(layout, "本年新收")
    header = [[c.text if c else None for c in row] for row in t3.rows[:4]]
    assert header[2][4:6] == ["商业", "科研"] and header[3][4:6] == ["企业", "机构"]
    assert header[2][6] == "社会\n公益\n组织" and header[3][6] is None


# ------------------------------------------------------------------ the renderer's markup

def test_variant_markup_signatures():
    fig = FIGURES[0]
    word = render_html(fig, "word").decode("utf-8")
    assert 'class="MsoNormalTable"' in word and "<o:p></o:p>" in word and 'class="TRS_Editor"' in word
    assert 'rowspan="22"' in word or 'rowspan="20"' in word
    assert "&nbsp;" in word
    plain = render_html(fig, "plain").decode("utf-8")
    assert 'id="zoom"' in plain and "MsoNormal" not in plain
    gbk = render_html(fig, "gbk")
    assert b"<meta charset=gb2312>" in gbk
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    nometa = render_html(fig, "gbk_nometa")
    assert b"charset" not in nometa.lower() and b'class="bt_content"' in nometa
    ueditor = render_html(fig, "ueditor").decode("utf-8-sig")
    assert 'class="view TRS_UEDITOR trs_paper_default trs_word"' in ueditor
    with pytest.raises(ValueError):
        render_html(fig, "nonsense")


@pytest.mark.parametrize("fig", FIGURES, ids=[f["slug"] for f in FIGURES])
def test_ueditor_decorates_numbers_only(fig):
    _, layout, _ = rendered(fig, "ueditor")
    texts = {c.text for g in grids(layout) for row in g.rows for c in row if c is not None}
    for c in fig["cells"]:
        if "raw" not in c and isinstance(c["value"], int) and c["value"] >= 1000:
            assert f"{c['value']:,}" in texts
    natural = printed(fig, "t3", "new_received", "natural_person")
    if natural.isdigit() and int(natural) < 1000:
        assert natural.translate(str.maketrans("0123456789", "０１２３４５６７８９")) in texts
    for c in fig["cells"]:
        if c.get("raw") and not c["raw"].isdigit():  # '/', notes: printed as the figures give them
            assert c["raw"] in texts


def test_blank_raw_cells_print_blank():
    fig = next((f for f in FIGURES if any(c.get("raw") == "" for c in f["cells"])), None)
    if fig is None:
        pytest.skip("no figures file has blank-printed cells")
    cell = next(c for c in fig["cells"] if c.get("raw") == "")
    for variant in VARIANTS:
        _, layout, report = rendered(fig, variant)
        got = next(c for c in report.cells if (c.table, c.row, c.column) == (cell["table"], cell["row"], cell["column"]))
        assert got.raw == "" and got.semantic == "blank"


# ------------------------------------------------------------------ spans and cell text

def test_rowspan_colspan_expand_with_values_once():
    layout = read_html(page(
        "<div class='TRS_Editor'><table>"
        "<tr><td rowspan='2' colspan='2'>A</td><td>B</td></tr>"
        "<tr><td>C</td></tr>"
        "<tr><td>D</td><td colspan='2'>E</td></tr>"
        "<tr><td>F</td></tr>"  # short row: the rest is empty, not covered
        "</table></div>"))
    (grid,) = grids(layout)
    shape = [[None if c is None else (c.text, c.rowspan, c.colspan) for c in row] for row in grid.rows]
    assert shape == [
        [("A", 2, 2), None, ("B", 1, 1)],
        [None, None, ("C", 1, 1)],
        [("D", 1, 1), ("E", 1, 2), None],
        [("F", 1, 1), ("", 1, 1), ("", 1, 1)],
    ]
    assert grid.rows[2][1].loc == {"table": 0, "row": 2, "col": 1}
    texts = [c.text for row in grid.rows for c in row if c is not None and c.text]
    assert sorted(texts) == ["A", "B", "C", "D", "E", "F"]


def test_overlong_and_zero_rowspans_stop_at_the_table_end():
    layout = read_html(page(
        "<table><tr><td rowspan='9'>X</td><td rowspan='0'>Y</td><td>1</td></tr>"
        "<tr><td>2</td></tr></table>"))
    (grid,) = grids(layout)
    assert [(c.text, c.rowspan) for c in grid.rows[0]] == [("X", 2), ("Y", 2), ("1", 1)]
    assert grid.rows[1] == [None, None, grid.rows[1][2]] and grid.rows[1][2].text == "2"


def test_word_paste_cell_text():
    layout = read_html(page(
        "<div class='TRS_Editor'><table class='MsoNormalTable'><tr>"
        "<td><p class='MsoNormal'><span>社会</span><o:p></o:p></p><p class='MsoNormal'><span>公益</span></p>"
        "<p class='MsoNormal'><o:p>&nbsp;</o:p></p></td>"
        "<td><p class='MsoNormal'><span style='font-family:仿宋_GB2312'>本年新收政府信息公开\r\n申请数量</span></p></td>"
        "<td><span lang='EN-US'>3</span><span lang='EN-US'>7</span></td>"
        "<td>法律<br>服务<br/>机构</td>"
        "<td>&nbsp;</td>"
        "<td>a&nbsp;&nbsp;b\n c</td>"
        "<td><span style='display:none'>9</span>1</td>"
        "</tr></table></div>"))
    (grid,) = grids(layout)
    assert [c.text for c in grid.rows[0]] == ["社会\n公益", "本年新收政府信息公开申请数量", "37", "法律\n服务\n机构",
                                              "", "a b c", "1"]


def test_nested_tables():
    # A one-cell table inside a data cell is part of that cell; a data table inside a layout table is a grid.
    layout = read_html(page(
        "<div id='zoom'><table><tr><td>规章</td><td><table><tr><td>5</td></tr></table></td></tr></table>"
        "<table><tr><td><p>说明文字在布局表格里。</p>"
        "<table><tr><td>行政许可</td><td>12</td></tr><tr><td>行政处罚</td><td>3</td></tr></table>"
        "</td></tr></table></div>"))
    gs = grids(layout)
    assert [[c.text for c in row] for row in gs[0].rows] == [["规章", "5"]]
    assert [[c.text for c in row] for row in gs[1].rows] == [["行政许可", "12"], ["行政处罚", "3"]]
    assert "说明文字在布局表格里。" in paragraphs(layout)
    assert [g.loc["table"] for g in gs] == [0, 1]


def test_caption_and_th_cells():
    layout = read_html(page("<article><table><caption>第二十条第（一）项</caption>"
                            "<thead><tr><th>信息内容</th><th>本年制发件数</th></tr></thead>"
                            "<tbody><tr><td>规章</td><td>0</td></tr></tbody></table></article>"))
    (grid,) = grids(layout)
    assert grid.caption == "第二十条第（一）项"
    assert [[c.text for c in row] for row in grid.rows] == [["信息内容", "本年制发件数"], ["规章", "0"]]


# ------------------------------------------------------------------ decoding

def test_gbk_page_without_charset_is_detected():
    fig = FIGURES[0]
    data = render_html(fig, "gbk_nometa")
    layout = read_html(data)
    assert layout.meta["encoding"] == "gb18030"
    assert layout.title == fig["title"]
    assert any("全年共收到政府信息公开申请" in p for p in paragraphs(layout))


def test_small_gbk_page_without_charset():
    body = ("<div class='bt_content'><p>呼兰区2023年政府信息公开工作年度报告</p>"
            "<p>本年度报告根据政府信息公开条例编制，统计期限自2023年1月1日起至2023年12月31日止。</p>"
            "<table><tr><td>本年新收政府信息公开申请数量</td><td>38</td></tr></table></div>")
    layout = read_html(f"<html><body>{body}</body></html>".encode("gbk"))
    assert paragraphs(layout)[0] == "呼兰区2023年政府信息公开工作年度报告"
    assert grids(layout)[0].rows[0][0].text == "本年新收政府信息公开申请数量"


def test_gb2312_declared_page_with_gbk_only_characters():
    text = "<html><head><meta charset='gb2312'></head><body><div id='zoom'><p>镕基同志喆的报告（说明）</p></div></body></html>"
    data = text.encode("gbk")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")  # the page really uses GBK's extra characters
    assert paragraphs(read_html(data)) == ["镕基同志喆的报告（说明）"]


def test_misdeclared_utf8_over_gbk_bytes_and_bom():
    wrong = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'></head>"
             "<body><article><p>政府信息公开工作年度报告正文第一段，共收到申请十件。</p></article></body></html>")
    assert paragraphs(read_html(wrong.encode("gbk"))) == ["政府信息公开工作年度报告正文第一段，共收到申请十件。"]
    bom = read_html(page("<article><p>年度报告</p></article>").decode().encode("utf-8-sig"))
    assert paragraphs(bom) == ["年度报告"]
    latin = ("<html><head><meta charset='iso-8859-1'></head><body><article><p>年度报告</p></article></body></html>")
    assert paragraphs(read_html(latin.encode("utf-8"))) == ["年度报告"]


# ------------------------------------------------------------------ finding the body; title; date

PORTAL_WITHOUT_CONTAINER = """
<html><head><title>某某区2023年政府信息公开工作年度报告_某某区人民政府</title></head><body>
<div class="top-header"><h1 class="logo">某某区人民政府</h1></div>
<ul class="main-nav"><li>首页</li><li>政务公开</li><li>互动交流</li></ul>
<table width="1000"><tr><td class="nav"><a>首页</a> <a>政务公开</a> <a>办事服务</a></td></tr>
<tr><td>
  <div class="wz">
    <p>一、总体情况</p><p>本年度共收到政府信息公开申请12件，全部按期答复。</p>
    <p>二、主动公开政府信息情况</p>
    <table border="1"><tr><td>规章</td><td>0</td><td>0</td><td>1</td></tr>
    <tr><td>行政规范性文件</td><td>3</td><td>1</td><td>20</td></tr></table>
    <p>五、存在的主要问题及改进情况</p><p>公开质量仍需提高。</p>
  </div>
</td></tr></table>
<div class="sidebar"><h3>热点</h3><p>某某区2022年政府信息公开工作年度报告 2023-01-10</p></div>
<div class="footer"><p>主办：某某区人民政府办公室 网站地图 联系我们 版权所有</p></div>
</body></html>"""


def test_menus_and_chrome_are_ignored_without_a_known_container():
    layout = read_html(PORTAL_WITHOUT_CONTAINER.encode("utf-8"))
    assert paragraphs(layout) == ["一、总体情况", "本年度共收到政府信息公开申请12件，全部按期答复。",
                                  "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "公开质量仍需提高。"]
    (grid,) = grids(layout)
    assert [c.text for c in grid.rows[1]] == ["行政规范性文件", "3", "1", "20"]
    assert layout.title == "某某区2023年政府信息公开工作年度报告"
    assert layout.published is None


def test_scripts_styles_and_hidden_text_are_ignored():
    layout = read_html(page("<div class='TRS_Editor'><style>.TRS_Editor P{margin:0}</style>"
                            "<script>var a = '首页';</script><p>正文</p><p style='display: none'>隐藏</p>"
                            "<!-- 注释 --><div class='share'>分享到</div></div>"))
    assert paragraphs(layout) == ["正文"]


def test_pubdate_meta_and_date_lines():
    meta = '<meta name="PubDate" content="2024-01-15 10:19"><meta name="ArticleTitle" content="某县2023年年度报告">'
    layout = read_html(page("<div id='zoom'><p>正文内容</p></div>", head=meta))
    assert (layout.published, layout.title) == ("2024-01-15", "某县2023年年度报告")
    line = read_html(page("<div class='info'>发布时间：2024年1月5日 来源：某县</div><div id='zoom'><p>正文内容</p></div>"))
    assert line.published == "2024-01-05"
    hanweb = read_html(page("<table><tr><td>成文日期：2023-12-30</td><td>发布日期：2024-01-08</td></tr></table>"
                            "<div id='zoom'><p>正文内容</p></div>"))
    assert hanweb.published == "2024-01-08"
    trs = read_html(page("<div>日期:2023-01-29 来源:阿城区人民政府 访问量: 字号:</div><div class='TRS_Editor'><p>正文</p></div>"))
    assert trs.published == "2023-01-29"


def test_title_from_heading_then_page_title():
    h1 = read_html(page("<div class='header'><h1>某市人民政府</h1></div><h1 class='title'>某镇2022年政府信息公开工作年度报告</h1>"
                        "<div id='zoom'><p>正文</p></div>", head="<title>某镇2022年政府信息公开工作年度报告_某市人民政府</title>"))
    assert h1.title == "某镇2022年政府信息公开工作年度报告"
    only_title = read_html(page("<div id='zoom'><p>正文</p></div>", head="<title>高岭镇_2017年_北京市密云区人民政府</title>"))
    assert only_title.title == "高岭镇_2017年"
    assert strip_site_suffix("某区2023年政府信息公开工作年度报告 - 某区人民政府门户网站") == "某区2023年政府信息公开工作年度报告"


def test_site_meta_is_passed_on():
    layout = read_html(page("<div id='zoom'><p>正文</p></div>",
                            head='<meta name="SiteIDCode" content="2301110001"><meta name="SiteName" content="某区">'))
    assert layout.meta["SiteIDCode"] == "2301110001" and layout.meta["SiteName"] == "某区"
    assert layout.media_type == "text/html"


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "], ids=["empty", "whitespace"])
def test_empty_page(data):
    with pytest.raises(ExtractionError) as err:
        read_html(data)
    assert err.value.reason == "empty"
    with pytest.raises(ExtractionError) as err:
        extract(data, "blank.html")
    assert err.value.reason == "empty" and err.value.source == "blank.html"


def test_page_without_visible_text_is_empty():
    with pytest.raises(ExtractionError) as err:
        read_html(b"<html><head><title></title><script>var x=1;</script></head><body>  </body></html>")
    assert err.value.reason == "empty"


@pytest.mark.parametrize("data", [b"<html><body><p>" + bytes(range(256)) * 8 + b"</p></body></html>",
                                  b"\x00\x01\x02\x03<html><body>x</body></html>"], ids=["undecodable", "binary"])
def test_undecodable_page_is_corrupt(data):
    with pytest.raises(ExtractionError) as err:
        read_html(data)
    assert err.value.reason == "corrupt"
