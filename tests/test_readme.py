"""The README's example queries run against a warehouse loaded with the samples and a demo crawl."""
import re

from gkreports.warehouse import load_archived, load_files
from renderers.samples import SAMPLES_DIR
from tests.conftest import ROOT

INLINE = re.compile(r"sql\('{3}(.*?)'{3}\)", re.S)


def _crawl_two_demo_portals(con, tmp_path):
    """A crawl into the same warehouse, so the crawl tables the README queries have rows."""
    from crawler.archive import RawArchive
    from crawler.crawl import crawl_portal
    from crawler.fetch import Fetcher
    from crawler.registry import parse_registry
    from crawler.store import CrawlStore
    from demo_portals import DemoServer, build_demo
    site = build_demo()
    with DemoServer(site, slow_seconds=0.2) as server:
        text = site.portal("daoli").toml(server.base_url) + "\n" + site.portal("hostile").toml(server.base_url)
        store, fetcher, archive = CrawlStore(con), Fetcher(), RawArchive(tmp_path / "raw")
        run_id = store.start_run("demo", 2)
        found = [d for p in parse_registry(text) for d in crawl_portal(p, fetcher, archive, store, run_id).found_documents]
        store.finish_run(run_id)  # writes what the store still holds
        load_archived(con, [(d.url, d.sha256) for d in found], archive.get)
        fetcher.close()


def test_readme_sql_examples_run(fresh_db, tmp_path):
    load_files(fresh_db, sorted(SAMPLES_DIR.iterdir()))
    from gkreports.checks import run_checks
    run_checks(fresh_db)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    inline = INLINE.search(readme).group(1)
    assert len(fresh_db.execute(inline).fetchall()) == 6
    _crawl_two_demo_portals(fresh_db, tmp_path)
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    statements = [s.strip() for b in blocks for s in b.split(";") if s.strip() and not
                  all(line.strip().startswith("--") for line in s.strip().splitlines())]
    assert len(statements) >= 7
    for sql in statements:
        assert fresh_db.execute(sql).fetchall(), sql


def test_readme_states_exactly_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert [line.split()[0:2] for line in first_block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]
