"""Publisher, year and region: real title shapes 2019–2025, the signature (落款) and source line as evidence,
regions without a code of their own (data/region_aliases.csv), and the SiteIDCode as evidence."""
from __future__ import annotations

import pytest

from extractors import extract
from extractors.metadata import read_metadata, signature, source_line, title_subject
from extractors.regions import find_alias, resolve_region, zone_aliases
from renderers.common import FIGURES_DIR, load_figures
from renderers.html import render_html

# title → (year, publisher, region_code, region_name); text is empty, so only the title speaks
TITLES = {
    "平潭综合实验区2024年度政府信息公开工作年度报告": (2024, "平潭综合实验区管委会", "350128", "平潭综合实验区"),
    "平潭综合实验区管委会2025年政府信息公开工作年度报告": (2025, "平潭综合实验区管委会", "350128", "平潭综合实验区"),
    "福建省平潭综合实验区2021年政府信息公开工作年度报告": (2021, "平潭综合实验区管委会", "350128", "平潭综合实验区"),
    "哈尔滨市呼兰区人民政府关于2021年度政府信息公开工作年度报告": (2021, "哈尔滨市呼兰区人民政府", "230111", "呼兰区"),
    "2023年哈尔滨市自然资源和规划局政府信息公开工作年度报告": (2023, "哈尔滨市自然资源和规划局", "230100", "哈尔滨市"),
    "关于哈尔滨市自然资源和规划局2022年政府信息公开工作年度报告的": (2022, "哈尔滨市自然资源和规划局", "230100", "哈尔滨市"),
    "呼兰区卫生健康局2020年度政府信息公开工作年度报告": (2020, "呼兰区卫生健康局", "230111", "呼兰区"),
    "福建省人民政府办公厅2019年政府信息公开工作年度报告": (2019, "福建省人民政府办公厅", "350000", "福建省"),
    "北京市朝阳区2020年政府信息公开工作年度报告": (2020, "北京市朝阳区人民政府", "110105", "朝阳区"),
    "五常市2022年政府信息公开工作年报": (2022, "哈尔滨市五常市人民政府", "230184", "五常市"),
    "二〇二三年度方正县政府信息公开工作年度报告": (2023, "哈尔滨市方正县人民政府", "230124", "方正县"),
    "苏州工业园区2023年度政府信息公开工作年度报告": (2023, "苏州工业园区管委会", "320500", "苏州工业园区"),
    "石人镇2021年政府信息公开工作年度报告": (2021, "石人镇人民政府", None, None),
    "兰河街道2019年政府信息公开工作年度报告": (2019, "兰河街道办事处", None, None),
    "哈尔滨市呼兰区兰河街道2024年度政府信息公开工作年度报告": (2024, "哈尔滨市呼兰区兰河街道办事处", "230111", "呼兰区"),
}


@pytest.mark.parametrize("title", TITLES)
def test_title_shapes(title):
    meta = read_metadata([title], "")
    code = meta.region.code if meta.region else None
    assert (meta.year, meta.publisher, code, meta.region_name) == TITLES[title]


@pytest.mark.parametrize("title", [t for t in TITLES if "年度" in t])
def test_no_stray_度_in_the_subject(title):
    assert "度" not in title_subject(title)


def test_a_town_named_without_its_county_gets_the_county_from_a_fuller_signature():
    meta = read_metadata(["石人镇2021年政府信息公开工作年度报告"], "", signed="哈尔滨市呼兰区石人镇人民政府")
    assert (meta.publisher, meta.region.code, meta.region_name) == ("哈尔滨市呼兰区石人镇人民政府", "230111", "呼兰区")


def test_a_title_without_a_subject_takes_the_signature_then_the_source_line():
    title = ["2024年政府信息公开工作年度报告"]
    signed = read_metadata(title, "", signed="哈尔滨市道里区人民政府", source="哈尔滨市人民政府")
    assert (signed.publisher, signed.region.code) == ("哈尔滨市道里区人民政府", "230102")
    sourced = read_metadata(title, "", source="哈尔滨市道里区人民政府")
    assert (sourced.publisher, sourced.region.code) == ("哈尔滨市道里区人民政府", "230102")
    assert read_metadata(title, "").publisher is None


def test_the_government_office_signing_for_its_government_is_no_disagreement():
    meta = read_metadata(["呼兰区2023年政府信息公开工作年度报告"], "哈尔滨市呼兰区人民政府办公室",
                         signed="哈尔滨市呼兰区人民政府办公室")
    assert meta.publisher == "哈尔滨市呼兰区人民政府" and meta.notes == []


def test_a_source_line_naming_another_body_is_reported():
    meta = read_metadata(["平潭综合实验区2022年度政府信息公开工作年度报告"], "", source="平潭县人民政府")
    assert meta.publisher == "平潭综合实验区管委会"
    assert meta.notes == ["publisher: the source line names 平潭县人民政府; kept 平潭综合实验区管委会"]


@pytest.mark.parametrize("paragraphs,expected", [
    (["六、其他需要报告的事项", "无。", "哈尔滨市呼兰区人民政府", "2024年1月20日"], "哈尔滨市呼兰区人民政府"),
    (["六、其他需要报告的事项", "无。", "2024年1月20日", "哈尔滨市呼兰区人民政府"], "哈尔滨市呼兰区人民政府"),
    (["本年度未收取信息处理费。", "平潭综合实验区管委会办公室 2023年2月20日"], "平潭综合实验区管委会办公室"),
    (["本年度未收取信息处理费。", "哈尔滨市自然资源和规划局", "二〇二四年一月十五日"], "哈尔滨市自然资源和规划局"),
    (["本年度未收取信息处理费。", "特此报告。"], None),
    (["2023年，我局认真贯彻落实条例。", "2024年1月20日"], None),  # a sentence is no signature
])
def test_signature(paragraphs, expected):
    assert signature(paragraphs) == expected


@pytest.mark.parametrize("text,expected", [
    ("首页 > 政务公开 发布时间：2023-02-20 来源：平潭县人民政府 字号：大 中 小", "平潭县人民政府"),
    ("发布机构：哈尔滨市自然资源和规划局 | 发布日期：2024-01-10", "哈尔滨市自然资源和规划局"),
    ("来源：本站", None),
    ("没有来源行的页面", None),
])
def test_source_line(text, expected):
    assert source_line(text) == expected


# ------------------------------------------------------------------ regions without their own code

def test_the_alias_file_maps_pingtan_to_the_county_it_administers():
    alias = find_alias("平潭综合实验区")
    assert (alias.code, alias.government, alias.site_code) == ("350128", "平潭综合实验区管委会", "359000")
    assert all(len(a.code) == 6 and a.source for a in zone_aliases())


def test_an_operator_extends_the_alias_file(tmp_path, monkeypatch):
    extra = tmp_path / "aliases.csv"
    extra.write_text("# our own zones\nname,code,government,site_code,source\n"
                     "长春新区,220100,长春新区管委会,,长春市代管 (operator's note)\n", encoding="utf-8")
    monkeypatch.setenv("GKREPORTS_REGION_ALIASES", str(extra))
    zone_aliases.cache_clear()
    try:
        meta = read_metadata(["长春新区2022年度政府信息公开工作年度报告"], "")
        assert (meta.publisher, meta.region.code, meta.region_name) == ("长春新区管委会", "220100", "长春新区")
    finally:
        monkeypatch.delenv("GKREPORTS_REGION_ALIASES")
        zone_aliases.cache_clear()


def test_a_zone_missing_from_the_alias_file_is_reported_not_guessed():
    meta = read_metadata(["长春新区2022年度政府信息公开工作年度报告"], "")
    assert (meta.publisher, meta.region, meta.region_name) == ("长春新区管委会", None, "长春新区")
    assert meta.notes == ["region: 长春新区 has no division code of its own and is not in region_aliases.csv; "
                          "region_code left empty"]


def test_a_division_named_like_a_zone_keeps_its_own_code():
    assert resolve_region("上海市浦东新区").region.code == "310115"
    assert resolve_region("天津市滨海新区").region.code == "120116"


def test_a_city_department_gets_the_city_code():
    assert resolve_region("哈尔滨市自然资源和规划局").region.code == "230100"
    assert resolve_region("哈尔滨市呼兰区卫生健康局").region.code == "230111"


# ------------------------------------------------------------------ SiteIDCode as evidence

def test_site_code_gives_the_region_when_the_names_do_not():
    meta = read_metadata(["2024年政府信息公开工作年度报告"], "", site_code="2301110001")
    assert (meta.region.code, meta.region_name) == ("230111", "呼兰区")
    assert meta.notes == ["region: taken from the page's SiteIDCode 2301110001 (230111 呼兰区)"]


def test_site_code_of_the_city_portal_agrees_with_a_district_title():
    meta = read_metadata(["呼兰区2023年政府信息公开工作年度报告"], "", site_code="2301000001")
    assert meta.region.code == "230111" and meta.notes == []


def test_site_code_disagreeing_with_the_title_is_reported():
    meta = read_metadata(["呼兰区2023年政府信息公开工作年度报告"], "", site_code="3501000001")
    assert meta.region.code == "230111"
    assert meta.notes == ["region: the title names 呼兰区 (230111) but the page's SiteIDCode 3501000001 points to "
                          "350100 福州市; kept the title's, check which is right"]


def test_a_site_code_that_is_no_division_code_is_said_so():
    meta = read_metadata(["呼兰区2023年政府信息公开工作年度报告"], "", site_code="bm00000001")
    assert meta.region.code == "230111"
    meta = read_metadata(["呼兰区2023年政府信息公开工作年度报告"], "", site_code="9999990001")
    assert meta.notes == ["region: the page's SiteIDCode 9999990001 does not start with a known division code"]


def test_end_to_end_a_page_whose_site_code_disagrees():
    fig = load_figures(FIGURES_DIR / "hulan-2023.json")
    page = render_html(fig, "plain").replace(b'content="2301110001"', b'content="3501000001"')
    assert b"3501000001" in page
    report = extract(page, "hulan.html")
    assert (report.region_code, report.publisher) == ("230111", "哈尔滨市呼兰区人民政府")
    assert any("SiteIDCode 3501000001 points to 350100 福州市" in n for n in report.notes)
