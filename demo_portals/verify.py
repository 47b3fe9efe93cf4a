"""Self-check of a built demo site: every expected report reads back as promised, every link stays in its portal."""
from __future__ import annotations

import re

from demo_portals.model import DemoSite, ExpectedReport

_IMG = re.compile(rb"""<img[^>]+src=["'](/[^"'#]*)""", re.I)
_LINK = re.compile(rb"""\b(?:href|src|action|OLDSRC)=["'](/[^"'#]*)""", re.I)


def _name(exp: ExpectedReport) -> str:
    return exp.path.rsplit("/", 1)[-1].split("?")[0] or "index.html"


def pictures_of(site: DemoSite, path: str) -> dict[str, bytes]:
    """The pictures an article page shows (img src → bytes), as the crawler archives them with it."""
    body = site.resources[path].body
    return {m.group(1).decode(): site.resources[m.group(1).decode()].body for m in _IMG.finditer(body)
            if m.group(1).decode() in site.resources}


def check_report(site: DemoSite, region_code: str, exp: ExpectedReport) -> list[str]:
    """What is wrong with one expected report (empty when it reads back exactly as promised)."""
    import extractors
    from extractors import ocr
    from extractors.model import ExtractionError

    res = site.resources.get(exp.path)
    if res is None:
        return [f"{exp.path}: not served"]
    pictures = pictures_of(site, exp.path)
    try:
        report = extractors.extract(res.body, _name(exp), images=pictures or None)
    except ExtractionError as err:
        if err.reason == "needs_ocr" and pictures and not ocr.available():
            return []  # without the OCR extra the picture report stays needs_ocr, as promised

        # needs_ocr: extractors say so directly (older ones said table_not_found, naming the images)
        if exp.outcome == "needs_ocr" and (err.reason == "needs_ocr" or
                                           (err.reason == "table_not_found" and "image" in err.message)):
            return []
        if exp.outcome == "corrupt" and err.reason == "corrupt":
            return []
        return [f"{exp.path}: expected {exp.outcome}, extraction failed: {err.reason} ({err.message})"]
    if exp.outcome == "pre2019":
        ok = report.template == "pre2019" and report.year == exp.year
        return [] if ok else [f"{exp.path}: expected a pre-2019 report of {exp.year}, got {report.template} {report.year}"]
    if exp.outcome != "ok":
        return [f"{exp.path}: expected {exp.outcome} but it extracted as a report"]
    fig = site.figures[exp.figures]
    problems = []
    if report.missing:
        problems.append(f"missing cells {report.missing[:5]}")
    got = {(c.table, c.row, c.column): c.value for c in report.cells}
    want = {(c["table"], c["row"], c["column"]): c["value"] for c in fig["cells"]}
    wrong = [k for k in want if got.get(k, "absent") != want[k]]
    if wrong:
        problems.append(f"{len(wrong)} cells differ, e.g. {wrong[0]}: {got.get(wrong[0], 'absent')} != {want[wrong[0]]}")
    for what, have, should in (("year", report.year, exp.year), ("publisher", report.publisher, exp.publisher),
                               ("region", report.region_code, region_code), ("template", report.template, fig["template"]),
                               ("figures year", fig["year"], exp.year), ("figures publisher", fig["publisher"], exp.publisher)):
        if have != should:
            problems.append(f"{what} {have!r} != {should!r}")
    if exp.media == "html" and report.published != exp.published:
        problems.append(f"published {report.published!r} != {exp.published!r}")
    return [f"{exp.path}: {p}" for p in problems]


def stray_links(site: DemoSite) -> list[str]:
    """Root-relative links that leave their portal's prefix (all portals share one server)."""
    prefixes = [p.prefix + "/" for p in site.portals]
    out = []
    for path, res in site.resources.items():
        if not (res.content_type or "text/html").startswith(("text/", "application/json")):
            continue
        own = next((p for p in prefixes if path.startswith(p)), None)
        for m in _LINK.finditer(res.body):
            link = m.group(1).decode("ascii", errors="replace")
            if own and not link.startswith(own):
                out.append(f"{path}: link {link} leaves {own}")
    return out


def check_site(site: DemoSite) -> list[str]:
    problems = []
    for portal in site.portals:
        for exp in portal.expected:
            problems += check_report(site, portal.region_code, exp)
    return problems + stray_links(site)
