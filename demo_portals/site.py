"""build_demo: every demo portal on one site, plus the shared robots.txt and each portal's home page."""
from __future__ import annotations

from demo_portals.gkmlpt import build_xuwen
from demo_portals.hanweb import build_longyou
from demo_portals.heilongjiang import build_daoli, build_hulan
from demo_portals.hostile import build_wuchang
from demo_portals.model import HTML, PNG, DemoSite, Resource
from demo_portals.pages import esc, tiny_png
from demo_portals.trs import build_chaoyang, build_qianjiang

BUILDERS = (build_hulan, build_daoli, build_qianjiang, build_chaoyang, build_longyou, build_xuwen, build_wuchang)


def robots_txt(site: DemoSite) -> bytes:
    lines = ["User-agent: *"]
    for portal in site.portals:
        lines += [f"Disallow: {path}" for path in portal.disallowed]
    return ("\n".join(lines) + "\n").encode("ascii")


def _home_page(portal) -> bytes:
    links = "\n".join(f'<li><a href="{esc(e)}">政府信息公开年报</a></li>' for e in portal.entries)
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(portal.region_name)}人民政府</title></head>\n'
            f'<body><h1>{esc(portal.region_name)}人民政府</h1><ul>\n{links}\n</ul></body></html>\n').encode("utf-8")


def build_demo() -> DemoSite:
    """The whole demo site. Deterministic: fixed dates, ids and file timestamps, so every call gives the same bytes."""
    resources: dict[str, Resource] = {}
    figures: dict[str, dict] = {}
    portals = [build(resources, figures) for build in BUILDERS]
    site = DemoSite(resources, portals, figures)
    for portal in portals:
        # Each portal's base URL answers with a home page linking its annual-report columns.
        resources.setdefault(portal.prefix + "/", Resource(_home_page(portal), HTML))
        resources.setdefault(portal.prefix + "/images/ytdd.png", Resource(tiny_png(48, 48, seed=9), PNG))
    resources["/robots.txt"] = Resource(robots_txt(site), "text/plain; charset=utf-8")
    return site
