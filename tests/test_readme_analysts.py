"""The queries of the README's "For analysts" section run against the fixture warehouse and find what they promise."""
import re

import pytest

from tests.analysis_warehouse import build
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("readme") / "warehouse.duckdb")
    yield con
    con.close()


def analyst_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For analysts"):]
    section = section[:section.index("\n## ", 3)]
    blocks = re.findall(r"```sql analysts\n(.*?)```", section, re.S)
    return [s.strip() for b in blocks for s in b.split(";") if s.strip()]


def test_readme_analyst_queries_run(db):
    queries = analyst_queries()
    assert len(queries) == 6
    results = [db.execute(q).fetchall() for q in queries]
    assert all(results), [q for q, r in zip(queries, results) if not r]
    ranking, late_or_missing, yoy, revisions, boilerplate, failed = results
    assert [r[1] for r in ranking] == ["方正县", "道里区", "呼兰区"]
    assert ("呼兰区", "呼兰区卫生健康局", 2023, "late", 5) in late_or_missing
    assert len(revisions) == 2 and len(failed) == 4


def test_readme_lists_every_analysis_view():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## For analysts"):]
    for path in sorted((ROOT / "sql" / "analysis").glob("*.sql")):
        for view in re.findall(r"CREATE OR REPLACE VIEW (\w+)", path.read_text(encoding="utf-8")):
            if view != "coverage_years":
                assert f"`{view}`" in section, view
