"""The scale corpus (demo_portals/scale.py) at a small N: generated to disk deterministically, served lazily, crawled
exactly by the real crawler (every family, pagination included), and its documents read back as their figures."""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import extractors
from crawler.archive import RawArchive
from crawler.crawl import crawl_portal
from crawler.fetch import Fetcher
from crawler.registry import parse_registry
from crawler.store import CrawlStore
from demo_portals import DemoServer
from demo_portals.figures import arithmetic_errors
from demo_portals.scale import DiskResources, build_scale_site, corpus_name, load_scale_site, scale_figures
from gkreports.warehouse import connect

N, PER_PORTAL, PER_PAGE = 24, 6, 3  # four portals, one of each family, every list over two pages or more


def files_of(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    # In this process (workers=1): a pool's start-up would cost more than drawing 24 reports.
    return root, build_scale_site(N, root, per_portal=PER_PORTAL, per_page=PER_PAGE, workers=1)


@pytest.fixture(scope="module")
def crawled(built, tmp_path_factory):
    _, site = built
    tmp = tmp_path_factory.mktemp("crawl")
    with DemoServer(site) as server:
        portals = parse_registry(site.registry_toml(server.base_url), "scale")
        con = connect(tmp / "w.duckdb")
        fetcher, store = Fetcher(), CrawlStore(con)
        run_id = store.start_run("scale", len(portals))
        with ThreadPoolExecutor(max_workers=len(portals)) as pool:  # one thread a portal, as the nightly flow
            summaries = list(pool.map(lambda p: crawl_portal(p, fetcher, RawArchive(tmp / "raw"), store, run_id),
                                      portals))
        store.finish_run(run_id)
        fetcher.close()
        con.close()
        return {"server": server, "portals": portals, "summaries": summaries, "base": server.base_url,
                "requests": list(server.requests)}


def test_the_corpus_has_n_distinct_reports_of_every_family_and_media(built):
    root, site = built
    assert site.directory == root / corpus_name(N, 0, PER_PORTAL, PER_PAGE)
    expected = [e for _, e in site.expected_reports()]
    assert len(expected) == N == len(site.figures)
    assert len({(e.publisher, e.year) for e in expected}) == N
    assert {p.family for p in site.portals} == {"heilongjiang", "trs", "hanweb", "gkmlpt"}
    assert {e.media: sum(x.media == e.media for x in expected) for e in expected} == {"html": 12, "pdf": 7, "docx": 5}
    assert {e.year for e in expected} <= set(range(2019, 2025))
    assert {e.publisher_kind for e in expected} == {"government", "department", "township"}
    assert all(e.outcome == "ok" for e in expected)
    # Every figure set differs and keeps the template's arithmetic.
    figures = [site.figures[e.figures] for e in expected]
    assert all(arithmetic_errors(f) == [] for f in figures)
    numbers = {tuple(c["value"] for c in f["cells"] if c["table"] in ("t3", "t4")) for f in figures}
    assert len(numbers) == N
    for f in figures:
        assert f["template"] == ("2019" if f["year"] <= 2020 else "2021")
    # Served from disk: the mapping reads a body only when asked, the server keeps keys only.
    assert isinstance(site.resources, DiskResources)
    assert site.resources[expected[0].path].body == site.resources.file(expected[0].path).read_bytes()
    names = [name for name, _ in site.documents()]
    assert len(set(names)) == N and {name.rsplit(".", 1)[1] for name in names} == {"html", "pdf", "docx"}


def test_the_same_n_and_seed_give_the_same_bytes_and_a_broken_corpus_is_completed(built, tmp_path):
    root, site = built
    copy = tmp_path / site.directory.name
    shutil.copytree(site.directory, copy)
    # Two portals lost, and the manifest with them: those two are drawn again, to the same bytes (the manifest
    # and robots.txt too); the others are kept as they are.
    for portal in site.portals[1:3]:
        shutil.rmtree(copy / "portals" / portal.key)
    (copy / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError):
        load_scale_site(copy)
    kept = copy / "portals" / site.portals[0].key / "index.json"
    stamp = kept.stat().st_mtime_ns
    again = build_scale_site(N, tmp_path, per_portal=PER_PORTAL, per_page=PER_PAGE, workers=1)
    assert again.directory == copy
    assert kept.stat().st_mtime_ns == stamp
    assert files_of(copy) == files_of(site.directory)
    assert again.registry_toml("http://127.0.0.1:1") == site.registry_toml("http://127.0.0.1:1")
    assert [p.expected for p in again.portals] == [p.expected for p in site.portals]


def test_the_crawler_finds_exactly_the_expected_reports(built, crawled):
    _, site = built
    base = crawled["base"]
    assert all(p.rate == 100.0 for p in crawled["portals"])
    found = [d for s in crawled["summaries"] for d in s.found_documents]
    assert {d.url for d in found} == site.expected_urls(base)
    assert len(found) == N
    assert [e for s in crawled["summaries"] for e in s.errors] == []
    by_url = {d.url: d for d in found}
    for portal, e in site.expected_reports():
        doc = by_url[base + e.found_path]
        assert (doc.region_code, doc.title_year, doc.publisher_kind, doc.published) == \
            (portal.region_code, e.year, e.publisher_kind, e.published)
        assert doc.kind == ("article" if e.path == e.article_path else "attachment")
    assert {s.family for s in crawled["summaries"]} == {"heilongjiang", "trs", "hanweb", "gkmlpt"}
    # Every family's pagination was walked (a list page after the first), and no look-alike was ever requested.
    paths = {r.path for r in crawled["requests"]}
    pagers = {"heilongjiang": ("zfxxgklby_nb_2.shtml",), "trs": ("/index_1.html", "/index_2.shtml"),
              "hanweb": ("/dataproxy.jsp?",), "gkmlpt": ("page=2&sid=",)}
    for family, markers in pagers.items():
        prefixes = [p.prefix for p in site.portals if p.family == family]
        assert any(m in path for path in paths for m in markers if path.startswith(tuple(prefixes))), family
    lookalikes = {p for portal in site.portals for p in portal.lookalikes}
    assert lookalikes and not paths & lookalikes


def test_documents_read_back_as_their_figures(built):
    _, site = built
    picked = {}
    for portal, e in site.expected_reports():
        picked.setdefault(e.media, (portal, e))
    assert set(picked) == {"html", "pdf", "docx"}
    for media, (portal, e) in picked.items():
        report = extractors.extract(site.resources[e.path].body, e.path.rsplit("/", 1)[-1])
        fig = scale_figures(site.figures.plan(e.figures))
        assert (report.publisher, report.year, report.region_code) == (e.publisher, e.year, portal.region_code), media
        got = {(c.table, c.row, c.column): c.value for c in report.cells}
        want = {(c["table"], c["row"], c["column"]): c["value"] for c in fig["cells"]}
        for key in (("t3", "new_received", "total"), ("t3", "granted", "natural_person"), ("t3", "total_handled", "total"),
                    ("t3", "carried_forward", "total"), ("t4", "admin_review", "total")):
            assert got[key] == want[key], (media, key)
        assert got == want, media
