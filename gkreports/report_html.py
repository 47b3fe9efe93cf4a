"""`gkreports report`: one self-contained HTML file for the morning read — charts drawn as SVG when the file is
built, tables, and a few lines of inline script; nothing is fetched when it opens (no CDN, no fonts, no images).

Sections: year over year per region (the government's applications received and handled), a ranking of the
latest year under each parent region, the coverage and timeliness matrix, revised reports, copied narrative, and
the failed checks with links to their source documents.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")
STATUS_TEXT = {"on_time": "按时", "late": "逾期", "date_unknown": "已发布", "missing": "缺失", "not_due": "未到期"}


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _link(source: str | None) -> str:
    if not source:
        return ""
    href = source if source.startswith(("http://", "https://")) else Path(source).resolve().as_uri()
    return f'<a href="{_e(href)}">{_e(source)}</a>'


# ------------------------------------------------------------------ charts (SVG)

def line_chart(title: str, years: list[int], series: list[tuple[str, dict[int, float | None]]],
               width: int = 360, height: int = 200) -> str:
    """Lines over years, one per series; a gap where a year has no value. Hover a point for its number."""
    left, right, top, bottom = 46, 22, 26, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, s in series for v in s.values() if v is not None]
    high = max(values) if values else 1
    high = high if high > 0 else 1
    def x(year):
        return left + (plot_w * (years.index(year) / (len(years) - 1)) if len(years) > 1 else plot_w / 2)
    def y(value):
        return top + plot_h - plot_h * value / high
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
             f'<text x="{left}" y="16" class="chart-title">{_e(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" class="axis"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis"/>',
             f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">{_number(high)}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" class="tick" text-anchor="end">0</text>']
    for year in years:
        parts.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 14}" class="tick" text-anchor="middle">{year}</text>')
    for i, (name, points) in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        run: list[str] = []
        for year in years + [None]:
            value = points.get(year) if year is not None else None
            if value is None:
                if len(run) > 1:
                    parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            run.append(f"{x(year):.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3.5" fill="{colour}">'
                         f'<title>{_e(name)} {year}: {_number(value)}</title></circle>')
        parts.append(f'<rect x="{left + 120 * i}" y="{height - 12}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{left + 120 * i + 14}" y="{height - 3}" class="tick">{_e(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, bars: list[tuple[str, float]], width: int = 560) -> str:
    """Horizontal bars, largest first."""
    row, left, top = 22, 150, 26
    height = top + row * len(bars) + 10
    high = max((v for _, v in bars), default=1) or 1
    plot_w = width - left - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">',
             f'<text x="4" y="16" class="chart-title">{_e(title)}</text>']
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot_w * value / high)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" class="tick" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
                     f'<title>{_e(label)}: {_number(value)}</title></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 14}" class="tick">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------------ sections

def _table(headers: list[str], rows: list[list[str]], table_id: str | None = None, empty: str = "none") -> str:
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _year_over_year(con) -> str:
    rows = con.execute("SELECT region_code, region_name, publisher, year, applications_received, applications_handled,"
                       " lawsuits + admin_reviews FROM report_indicators WHERE publisher_kind = 'government'"
                       " ORDER BY region_code, publisher, year").fetchall()
    if not rows:
        return '<p class="empty">no government reports loaded</p>'
    years = sorted({r[3] for r in rows})
    charts, groups = [], {}
    for r in rows:
        groups.setdefault((r[0], r[1], r[2]), []).append(r)
    for (code, name, publisher), items in groups.items():
        received = {r[3]: r[4] for r in items}
        handled = {r[3]: r[5] for r in items}
        disputes = {r[3]: r[6] for r in items}
        charts.append(f'<figure>{line_chart(f"{name or code} {code}", years, [("收到申请", received), ("办理", handled), ("复议+诉讼", disputes)])}'
                      f"<figcaption>{_e(publisher)}</figcaption></figure>")
    return '<div class="grid">' + "".join(charts) + "</div>"


def _ranking(con) -> str:
    latest = con.execute("SELECT max(year) FROM indicator_rankings WHERE indicator = 'applications_received'"
                         " AND publisher_kind = 'government'").fetchone()[0]
    if latest is None:
        return '<p class="empty">nothing to rank</p>'
    out = []
    for parent_code, parent_name in con.execute(
            "SELECT DISTINCT parent_code, parent_name FROM indicator_rankings WHERE year = ? AND"
            " indicator = 'applications_received' AND publisher_kind = 'government' ORDER BY 1", [latest]).fetchall():
        bars = con.execute("SELECT coalesce(region_name, region_code), value FROM indicator_rankings WHERE"
                           " parent_code = ? AND year = ? AND indicator = 'applications_received' AND"
                           " publisher_kind = 'government' ORDER BY rank, region_code",
                           [parent_code, latest]).fetchall()
        out.append(bar_chart(f"{parent_name or parent_code} {latest}: 收到申请 (applications received)", bars))
    return "".join(out)


def _coverage(con) -> str:
    rows = con.execute("SELECT region_code, region_name, publisher, publisher_kind, year, status, timeliness,"
                       " days_late, published, error_reason FROM timeliness"
                       " ORDER BY region_code, publisher NULLS FIRST, year").fetchall()
    if not rows:
        return '<p class="empty">no coverage yet</p>'
    years = sorted({r[4] for r in rows})
    subjects: dict[tuple, dict[int, tuple]] = {}
    for r in rows:
        subjects.setdefault((r[0], r[1], r[2], r[3]), {})[r[4]] = r
    body = []
    for (code, name, publisher, kind), by_year in subjects.items():
        cells = []
        for year in years:
            r = by_year.get(year)
            if r is None:
                cells.append("<td></td>")
                continue
            status, timeliness, days_late, published, reason = r[5], r[6], r[7], r[8], r[9]
            if status == "failed":
                cls, text = "failed", f"读取失败 {reason or ''}"
            else:
                cls, text = timeliness, STATUS_TEXT.get(timeliness, timeliness)
                if timeliness == "late":
                    text += f" +{days_late}天"
                if status == "partial":
                    text += " (部分)"
            tip = f"{status}; {timeliness}" + (f"; published {published}" if published else "")
            cells.append(f'<td class="cell {cls}" title="{_e(tip)}">{_e(text)}</td>')
        who = _e(publisher) if publisher else '<span class="empty">(no report ever found)</span>'
        body.append(f"<tr><th>{_e(name or code)} {_e(code)}</th><th>{who} <small>{_e(kind)}</small></th>{''.join(cells)}</tr>")
    head = "".join(f"<th>{y}</th>" for y in years)
    return (f'<table class="matrix"><thead><tr><th>region</th><th>publisher</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
            '<p class="legend"><span class="cell on_time">按时 on time</span> <span class="cell late">逾期 late</span> '
            '<span class="cell date_unknown">已发布 date unknown</span> <span class="cell missing">缺失 missing</span> '
            '<span class="cell failed">读取失败 failed</span> <span class="cell not_due">未到期 not due</span></p>')


def _revisions(con) -> str:
    rows = con.execute("SELECT publisher, year, table_name || '.' || row_name || '.' || column_name, old_raw, new_raw,"
                       " old_first_seen, new_first_seen, new_source FROM revisions ORDER BY publisher, year, 3"
                       ).fetchall()
    return _table(["publisher", "year", "cell", "old", "new", "first seen", "changed seen", "source"],
                  [[_e(r[0]), _e(r[1]), _e(r[2]), _e(r[3]), _e(r[4]), _e(r[5]), _e(r[6]), _link(r[7])] for r in rows],
                  empty="no report changed after it was first read")


def _copied(con) -> str:
    rows = con.execute("SELECT publisher, year, own_previous_year_similarity, other_publisher_similarity,"
                       " most_similar_publisher, most_similar_year FROM copied_narrative WHERE boilerplate"
                       " ORDER BY greatest(own_previous_year_similarity, other_publisher_similarity) DESC, publisher, year"
                       ).fetchall()
    pct = lambda v: "–" if v is None else f"{v * 100:.0f}%"  # noqa: E731
    return _table(["publisher", "year", "like own last year", "like another", "most like", "its year"],
                  [[_e(r[0]), _e(r[1]), pct(r[2]), pct(r[3]), _e(r[4]), _e(r[5])] for r in rows],
                  empty="no report's prose repeats another's")


def _checks(con) -> str:
    rows = con.execute("SELECT check_id, publisher, year, table_name, row_name, column_name, raw, detail,"
                       " source_line, source_page, document_source FROM check_findings WHERE outcome = 'fail'"
                       " ORDER BY check_id, publisher, year, row_name, column_name").fetchall()
    table = _table(["check", "publisher", "year", "cell", "printed", "detail", "where", "source"],
                   [[_e(r[0]), _e(r[1]), _e(r[2]), _e(".".join(x for x in r[3:6] if x)), _e(r[6]), _e(r[7]),
                     _e(f"p.{r[9]} " if r[9] else "") + _e(f"line {r[8]}" if r[8] else ""), _link(r[10])]
                    for r in rows], table_id="failed-checks", empty="no check failed")
    return ('<p><input id="filter" type="search" placeholder="filter the failed checks…" aria-label="filter"> '
            '<span id="shown"></span></p>' + table) if rows else table


STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
.grid{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-size:12px;color:#555}
.chart-title{font-size:13px;font-weight:600}.tick{font-size:11px;fill:#444}.axis{stroke:#999}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
.cell{text-align:center}.on_time{background:#d9f2d9}.late{background:#ffd9b3}.missing{background:#f4c7c3}
.failed{background:#e0b3ff}.date_unknown{background:#e8eef7}.not_due{background:#f5f5f5}
.legend .cell{padding:2px 6px;margin-right:4px}.empty{color:#777}small{color:#777}
"""

# The one script: filter the failed checks as you type, then mark the page as ready (the browser test reads it).
SCRIPT = """
(function () {
  var input = document.getElementById('filter'), table = document.getElementById('failed-checks');
  function apply() {
    if (!table) return;
    var words = (input ? input.value : '').toLowerCase(), rows = table.tBodies[0].rows, shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var hit = rows[i].textContent.toLowerCase().indexOf(words) >= 0;
      rows[i].style.display = hit ? '' : 'none';
      if (hit) shown++;
    }
    document.getElementById('shown').textContent = shown + ' / ' + rows.length;
  }
  if (input) input.addEventListener('input', apply);
  apply();
  document.body.setAttribute('data-charts', String(document.querySelectorAll('svg.chart').length));
  document.body.setAttribute('data-ready', '1');
})();
"""


def render_report(con, source: str = "") -> str:
    """The whole report as one HTML string."""
    reports, publishers, first, last = con.execute(
        "SELECT count(*), count(DISTINCT publisher), min(year), max(year) FROM reports").fetchone()
    built = datetime.now().strftime("%Y-%m-%d %H:%M")
    sections = [
        ("yoy", "Year over year: the government of each region", _year_over_year(con)),
        ("ranking", "Ranking, latest year, under each parent region", _ranking(con)),
        ("coverage", "Coverage and timeliness (deadline: departments 31 Jan, governments 31 Mar)", _coverage(con)),
        ("revisions", "Reports revised after first capture", _revisions(con)),
        ("copied", "Copied narrative (similarity ≥ 70%)", _copied(con)),
        ("checks", "Failed checks", _checks(con)),
    ]
    nav = " · ".join(f'<a href="#{key}">{_e(title.split(":")[0].split(",")[0].split(" (")[0])}</a>'
                     for key, title, _ in sections)
    body = "".join(f'<section id="{key}"><h2>{_e(title)}</h2>{content}</section>' for key, title, content in sections)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>gkreports: 政府信息公开工作年度报告</title><style>{STYLE}</style></head><body>"
            f"<h1>政府信息公开工作年度报告 · gkreports</h1>"
            f"<p>{reports} reports of {publishers} publishers, {first or '–'}–{last or '–'}; "
            f"warehouse {_e(source)}; built {built}</p><nav>{nav}</nav>{body}"
            f"<script>{SCRIPT}</script></body></html>")


def write_report(con, out: str | Path, source: str = "") -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    tmp.write_text(render_report(con, source), encoding="utf-8")
    tmp.replace(out)
    return out
