"""A warehouse for the analysis tests, loaded from fixture reports drawn by our renderers.

What it holds (every number below is asserted somewhere by hand):
- 呼兰区 (230111) government: 2020 on the 2019 trial form (五常 2020's figures relabelled), 2022, and 2023 read
  twice from one URL: version 2 changed granted (natural_person 12 → 13, total 12 → 13). No 2021 report.
- 呼兰区卫生健康局 (department) 2023, published 2024-02-05: five days after its 31 January deadline; no lawsuits.
- 道里区 (230102) government: 2022 (道里 2023's counts ×2, one broken 总计 cell: granted total printed 87 for 86),
  2023 published 2024-04-15 (late); for 2021 the portal lists a document that is not a report (failed).
- 方正县 (230124) government 2023. 木兰县 (230127): a registered portal where nothing was found.
- Narrative: 呼兰 2023 and 道里 2023 share almost all their prose (a near-copy); 方正 2023's prose is unrelated.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from demo_portals.figures import base_figures, derive
from gkreports.checks import run_checks
from gkreports.narrative import refresh_signatures
from gkreports.portals import record_portals
from gkreports.warehouse import connect, load_document as _load
from renderers.prose import closing_sections, intro_paragraphs
from renderers.text import render_text

BASE = "http://127.0.0.1:8765"
HULAN_2023_URL = f"{BASE}/hulan/2023.html"
DAOLI_2023_URL = f"{BASE}/daoli/2023.html"
DAOLI_2021_URL = f"{BASE}/daoli/2021.pdf"
HEALTH_2023_URL = f"{BASE}/hulan/health-2023.html"

PROSE_A = ("{year}年，{region}坚持以公开为常态、不公开为例外，围绕优化营商环境、乡村振兴和民生保障等重点领域，"
           "全面推进决策、执行、管理、服务、结果公开。全年通过门户网站主动公开各类政府信息，及时发布政策文件和解读材料，"
           "对涉及群众切身利益的重大决策事项广泛征求意见。依申请公开方面，严格执行登记、审核、办理、答复、归档各环节工作规范，"
           "确保答复内容准确、程序合法、时限达标。政府信息管理方面，动态更新政府信息公开指南和目录，"
           "定期清理过期失效信息。平台建设方面，优化政府网站栏目设置，加强政务新媒体日常监管。"
           "监督保障方面，将政务公开纳入年度绩效考核，开展业务培训两次。")
PROSE_A_CLOSE = "存在的问题是基层单位公开意识有待增强，部分栏目更新不够及时。下一步将加强督促检查，提升公开质量。"
PROSE_B = ("{year}年，{region}以数字政府建设为抓手，把政务服务“一网通办”与信息公开平台整合运行。县里新建了"
           "惠企政策兑现专区，企业可在线查询申报条件并跟踪办理进度；农村集体“三资”管理信息在村务公开栏和小程序同步更新，"
           "村民扫码即可查看。针对冬季供暖、道路养护等群众关注的问题，组织局长在线访谈六期，现场回应留言八十余条。"
           "档案馆开放查阅服务窗口，接待查阅人员逾百人次。")
PROSE_B_CLOSE = "供暖信息发布的时效还要提高。明年计划上线政策问答机器人，并在乡镇便民服务中心设置查阅点。"


def _with_prose(fig: dict, overview: str, closing: str) -> bytes:
    """The report as plain text, its prose replaced by ours (the template's tables untouched)."""
    text = render_text(fig).decode("utf-8")
    intro, close = intro_paragraphs(fig), closing_sections(fig)
    old_overview = "\n".join(intro[2:])
    assert old_overview in text and close[1] in text
    text = text.replace(old_overview, overview.format(year=fig["year"], region=fig["region_name"]))
    return text.replace(close[1], closing).encode("utf-8")


def _plain(fig: dict) -> bytes:
    return render_text(fig)


def _set(fig: dict, table: str, row: str, column: str, value: int):
    cell = fig["_index"][(table, row, column)]
    cell["value"] = value
    cell.pop("raw", None)


def _source_document(con, url, region_code, year, kind, published, sha, first_seen, list_title=None):
    con.execute("INSERT INTO source_documents (url, region_code, kind, list_title, title_year, publisher_kind,"
                " published, sha256, first_seen, last_seen) VALUES (?, ?, 'article', ?, ?, ?, ?, ?, ?, ?)",
                [url, region_code, list_title or f"{year}年政府信息公开工作年度报告", year, kind, published, sha,
                 first_seen, first_seen])


class _Portal:
    def __init__(self, code, name):
        self.region_code, self.region_name, self.base_url = code, name, f"{BASE}/{code}/"
        self.family, self.verified = "hanweb", False


def build(path: Path):
    """Load the fixture reports into a new warehouse at `path`; returns the open connection."""
    con = connect(path)
    loaded: dict[str, bytes] = {}

    def load_document(con, data, source):
        result = _load(con, data, source)
        loaded[result.document_id] = data
        return result
    record_portals(con, [_Portal("230111", "呼兰区"), _Portal("230102", "道里区"), _Portal("230127", "木兰县")])

    hulan_2020 = derive("wuchang-2020", slug="hulan-2020", title="呼兰区2020年政府信息公开工作年度报告",
                        publisher="哈尔滨市呼兰区人民政府", region_code="230111", region_name="呼兰区", year=2020,
                        published="2021-03-01", factor=1)
    load_document(con, _plain(hulan_2020), "fixtures/hulan-2020.txt")
    load_document(con, _plain(base_figures("hulan-2022")), "fixtures/hulan-2022.txt")

    # 呼兰 2023, two versions of one URL
    v1 = _with_prose(base_figures("hulan-2023"), PROSE_A, PROSE_A_CLOSE)
    fig = base_figures("hulan-2023")
    _set(fig, "t3", "granted", "natural_person", 13)
    _set(fig, "t3", "granted", "total", 13)
    v2 = _with_prose(fig, PROSE_A, PROSE_A_CLOSE)
    r1 = load_document(con, v1, HULAN_2023_URL)
    r2 = load_document(con, v2, HULAN_2023_URL)
    assert (r1.status, r2.status) == ("ok", "ok"), (r1, r2)
    con.execute("INSERT INTO document_versions VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
                [HULAN_2023_URL, r1.document_id, datetime(2024, 3, 21, 2, 30), datetime(2024, 5, 1, 2, 30),
                 HULAN_2023_URL, r2.document_id, datetime(2024, 5, 2, 2, 30), datetime(2024, 6, 1, 2, 30)])
    _source_document(con, HULAN_2023_URL, "230111", 2023, "government", date(2024, 3, 20), r2.document_id,
                     datetime(2024, 3, 21, 2, 30))

    fig = base_figures("hulan-health-2023")
    for row in ("litigation_direct", "litigation_after_review"):  # no lawsuits: their shares must be null
        for column in ("upheld", "corrected", "other", "pending", "total"):
            _set(fig, "t4", row, column, 0)
    health = load_document(con, _plain(fig), HEALTH_2023_URL)
    _source_document(con, HEALTH_2023_URL, "230111", 2023, "department", date(2024, 2, 5), health.document_id,
                     datetime(2024, 2, 6, 2, 30), "呼兰区卫生健康局2023年政府信息公开工作年度报告")

    daoli_2022 = derive("daoli-2023", slug="daoli-2022", title="道里区2022年政府信息公开工作年度报告",
                        publisher="哈尔滨市道里区人民政府", region_code="230102", region_name="道里区", year=2022,
                        published="2023-03-01", factor=2)
    _set(daoli_2022, "t3", "granted", "total", 87)  # the applicant columns sum to 86: T3-3 fails on this cell
    load_document(con, _plain(daoli_2022), "fixtures/daoli-2022.txt")
    daoli = load_document(con, _with_prose(base_figures("daoli-2023"), PROSE_A.replace("开展业务培训两次", "组织专题培训三次"),
                                           PROSE_A_CLOSE), DAOLI_2023_URL)
    _source_document(con, DAOLI_2023_URL, "230102", 2023, "government", date(2024, 4, 15), daoli.document_id,
                     datetime(2024, 4, 16, 2, 30))
    failed = load_document(con, "页面不存在或已被删除".encode("utf-8"), DAOLI_2021_URL)
    assert failed.status == "failed", failed
    _source_document(con, DAOLI_2021_URL, "230102", 2021, "government", date(2022, 3, 30), failed.document_id,
                     datetime(2022, 4, 2, 2, 30))

    load_document(con, _with_prose(base_figures("fangzheng-2023"), PROSE_B, PROSE_B_CLOSE), "fixtures/fangzheng-2023.txt")
    refresh_signatures(con, read=lambda doc_id, source: loaded[doc_id])
    run_checks(con)
    return con
