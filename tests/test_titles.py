"""Which titles are reports, their year, and who publishes them."""
from __future__ import annotations

import pytest

from crawler.titles import is_report_title, publisher_kind, report_year

REPORTS = [
    ("哈尔滨市呼兰区2021年政府信息公开工作年度报告", 2021, "government"),
    ("呼兰区2023年政府信息公开工作年度报告", 2023, "government"),
    ("2023年度呼兰区政府信息公开工作报告", 2023, "government"),
    ("平潭综合实验区2024年度政府信息公开工作年度报告", 2024, "government"),
    ("哈尔滨市呼兰区人民政府2019年政府信息公开工作年度报告", 2019, "government"),
    ("关于呼兰区2020年政府信息公开工作年度报告", 2020, "government"),
    ("呼兰区卫生健康局2023年政府信息公开工作年度报告", 2023, "department"),
    ("呼兰区人民政府办公室2022年政府信息公开工作年度报告", 2022, "department"),
    ("黔江区教育委员会2024年政府信息公开工作年度报告", 2024, "department"),
    ("呼兰区杨林乡2021年政府信息公开工作年度报告", 2021, "township"),
    ("呼兰区兰河街道办事处2022年度政府信息公开工作年度报告", 2022, "township"),
    ("2015年呼兰区政府信息公开年报", 2015, "government"),
    ("呼兰区2023年 政府信息公开 工作年度报告", 2023, "government"),
]

LOOKALIKES = [
    "呼兰区2023年政府信息公开工作年度报告解读",
    "一图读懂呼兰区2023年政府信息公开工作年度报告",
    "图解：2023年呼兰区政府信息公开工作年度报告",
    "呼兰区政府信息公开指南",
    "呼兰区2024年政务公开工作要点",
    "2024年呼兰区政府工作报告",
    "呼兰区2023年部门决算公开",
    "呼兰区2024年部门预算",
    "呼兰区2023年法治政府建设年度报告",
    "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
    "呼兰区卫生健康局2023年政府信息公开工作年度…",  # a list item's cut text: the full title is in a[title]
]


@pytest.mark.parametrize("title, year, kind", REPORTS)
def test_report_titles(title, year, kind):
    assert is_report_title(title)
    assert report_year(title) == year
    assert publisher_kind(title) == kind


@pytest.mark.parametrize("title", LOOKALIKES)
def test_lookalikes_are_not_reports(title):
    assert not is_report_title(title)
