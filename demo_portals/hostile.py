"""The hostile demo portal (五常市): no CMS markers, and every transport nuisance the crawler must survive."""
from __future__ import annotations

from demo_portals.figures import base_figures, derive
from demo_portals.model import PDF, DemoPortal
from demo_portals.pages import (Builder, Chrome, Link, article_page, attachment_intro, esc, lookalike_body,
                                prefix_links, published, report_html, report_pdf)


def build_wuchang(resources: dict, figures: dict) -> DemoPortal:
    domain, prefix = "www.hljwch.gov.cn", "/www.hljwch.gov.cn"
    site_name = "五常市人民政府"
    folder = f"{prefix}/xxgk/nb"
    portal = DemoPortal("hostile", None, "230184", "五常市", prefix, [], [], [], [f"{prefix}/xxgk/draft/"])
    b = Builder(portal, resources, figures, domain)
    chrome = Chrome(site_name, domain, "2301840001", '<div class="content">', "</div>", "{date} {source}")
    region = dict(region_code="230184", region_name="五常市", publisher="哈尔滨市五常市人民政府")

    def fig(base, year, date, factor):
        return derive(base, slug=f"wuchang-{year}", title=f"五常市{year}年政府信息公开工作年度报告", year=year,
                      published=date, factor=factor, **region)

    f2023, f2022, f2021 = fig("fangzheng-2023", 2023, "2024-01-11", 2), fig("mulan-2022", 2022, "2023-01-11", 2), \
        fig("hulan-2022", 2021, "2022-01-20", 1)
    f2020 = base_figures("wuchang-2020")
    f2019 = fig("wuchang-2020", 2019, "2020-01-15", 2)
    links: list[tuple[str, str, str]] = []  # (path, title, date) in list order

    p2023 = f"{folder}/2023.html"
    p2022 = f"{folder}/2022.html"
    p2021 = f"{folder}/2021.html"
    p2020 = f"{folder}/2020.html"
    related = [Link(p, t, d) for p, t, d in ((p2023, f2023["title"], "2024-01-11"), (p2022, f2022["title"], "2023-01-11"),
                                              (p2021, f2021["title"], "2022-01-20"))]

    # First request answers 500, then the page.
    b.add(p2023, report_html(f2023, "word", prefix, domain, related[1:]), behaviour="flaky_500")
    b.expect(p2023, p2023, "government", "html", "ok", published(f2023), f2023)
    # First request answers 429 with Retry-After: 1, then the page.
    b.add(p2022, report_html(f2022, "plain", prefix, domain, related[::2]), behaviour="rate_429")
    b.expect(p2022, p2022, "government", "html", "ok", published(f2022), f2022)
    # An article that is only an introduction; its attachment answers after slow_seconds.
    pdf2021 = f"{folder}/files/wch2021nb.pdf"
    body = attachment_intro(f2021["title"], f2021["publisher"]) + \
        f'\n<p>附件：<a href="{pdf2021}">{esc(f2021["title"])}.pdf</a></p>'
    b.add(p2021, article_page(chrome, prefix, f2021["title"], "2022-01-20", f2021["publisher"], body,
                              related[:2]).encode("utf-8"))
    b.add(pdf2021, report_pdf(f2021), PDF, behaviour="slow")
    b.expect(pdf2021, p2021, "government", "pdf", "ok", "2022-01-20", f2021)
    # A plain page served without any Content-Type header.
    b.add(p2020, report_html(f2020, "word", prefix, domain, related), None)
    b.expect(p2020, p2020, "government", "html", "ok", published(f2020), f2020)
    links += [(p2023, f2023["title"], "2024-01-11"), (p2022, f2022["title"], "2023-01-11"),
              (p2021, f2021["title"], "2022-01-20"), (p2020, f2020["title"], published(f2020))]

    # A straight link to a PDF whose connection drops half-way, every time.
    pdf2019 = f"{folder}/files/wch2019nb.pdf"
    b.add(pdf2019, report_pdf(f2019), PDF, behaviour="reset")
    links.append((pdf2019, f2019["title"], "2020-01-15"))
    # A link to a page that is gone.
    links.append((f"{folder}/2018.html", "五常市2018年政府信息公开工作年度报告", "2019-01-18"))
    # Behind a JS challenge no cookie passes: blocked, never a report.
    p2024 = f"{folder}/2024.html"
    b.add(p2024, report_html(fig("hulan-2023", 2024, "2025-01-10", 2), "plain", prefix, domain, related),
          behaviour="js_challenge")
    links.append((p2024, "五常市2024年政府信息公开工作年度报告", "2025-01-10"))
    # A draft in a folder robots.txt closes.
    draft = f"{prefix}/xxgk/draft/2023.html"
    b.add(draft, report_html(f2023, "plain", prefix, domain, related))
    links.append((draft, "五常市2023年政府信息公开工作年度报告（征求意见稿）", "2024-01-05"))
    # A look-alike.
    reading = f"{folder}/2023jd.html"
    title = "五常市2023年政府信息公开工作年度报告解读"
    b.add(reading, article_page(chrome, prefix, title, "2024-01-15", site_name, lookalike_body(title, prefix))
          .encode("utf-8"))
    b.lookalike(reading)
    links.append((reading, title, "2024-01-15"))

    links.sort(key=lambda l: l[2], reverse=True)
    rows = "\n".join(f'<li><a href="{esc(p)}">{esc(t)}</a> ({d})</li>' for p, t, d in links)
    page = f"""<html>
<head>
<meta charset="utf-8">
<title>年度报告 - {esc(site_name)}</title>
</head>
<body>
<h2>政府信息公开年度报告</h2>
<ul>
{rows}
</ul>
<p><a href="/">返回首页</a></p>
</body>
</html>
"""
    # The list page sits behind a cookie challenge: the first visit gets 412 and a cookie, the retry passes.
    portal.entries = [b.add(f"{folder}/list.html", prefix_links(page, prefix).encode("utf-8"),
                            behaviour="challenge_412")]
    return portal
