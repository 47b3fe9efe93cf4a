"""`gkreports compare` and `gkreports export` on the fixture warehouse."""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from gkreports.cli import main
from tests.analysis_warehouse import build


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("compare") / "warehouse.duckdb"
    build(path).close()
    return str(path)


def test_compare_json_matches_the_fact_tables(db_path, capsys):
    assert main(["compare", "--db", db_path, "--region", "230111", "--region", "230102", "--years", "2022-2023",
                 "--indicator", "applications_received", "--indicator", "granted_share", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    got = {(r["indicator"], r["region_code"], r["year"]): r["value"] for r in records}
    con = duckdb.connect(db_path, read_only=True)
    facts = {(code, year, row): value for code, year, row, value in con.execute(
        "SELECT region_code, year, row_name, value FROM fact_applications WHERE column_name = 'total'"
        " AND publisher LIKE '%人民政府' AND row_name IN ('new_received', 'carried_over', 'granted', 'total_handled')"
    ).fetchall()}
    con.close()
    for code in ("230111", "230102"):
        for year in (2022, 2023):
            assert got[("applications_received", code, year)] == \
                facts[(code, year, "new_received")] + facts[(code, year, "carried_over")]
            assert got[("granted_share", code, year)] == \
                facts[(code, year, "granted")] / facts[(code, year, "total_handled")]
    assert got[("applications_received", "230111", 2023)] == 38
    assert got[("applications_received", "230102", 2022)] == 274  # 道里 2023's 136 + 1, doubled
    assert len(records) == 2 * 2 * 2
    assert {r["publisher"] for r in records} == {"哈尔滨市呼兰区人民政府", "哈尔滨市道里区人民政府"}


def test_compare_csv_and_table(db_path, capsys):
    assert main(["compare", "--db", db_path, "--region", "230111", "--years", "2020-2023", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    received = {r["year"]: r["value"] for r in rows if r["indicator"] == "applications_received"}
    assert received == {"2020": "96", "2021": "", "2022": "66", "2023": "38"}  # 2021: no report
    assert main(["compare", "--db", db_path, "--region", "230111", "--region", "230124"]) == 0
    out = capsys.readouterr().out
    assert "呼兰区" in out and "方正县" in out and "35.1%" in out  # 13 of 37 granted in 2023


def test_compare_unknown_region_and_indicator_list_the_valid_ones(db_path, capsys):
    assert main(["compare", "--db", db_path, "--region", "230111", "--region", "999999"]) == 2
    err = capsys.readouterr().err
    assert "999999" in err and "230102 道里区, 230111 呼兰区, 230124 方正县" in err
    assert main(["compare", "--db", db_path, "--region", "230111", "--indicator", "grants"]) == 2
    err = capsys.readouterr().err
    assert "unknown indicator grants" in err and "granted_share" in err and "fees_10k_yuan" in err


def test_export_writes_parquet_partitioned_by_year(db_path, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["export", "--db", db_path, "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "fact_applications").iterdir()) == ["year=2020", "year=2022", "year=2023"]
    con = duckdb.connect()
    by_year = con.execute(f"SELECT year, count(*) FROM read_parquet('{out}/fact_applications/*/*.parquet',"
                          " hive_partitioning = true) GROUP BY ALL ORDER BY ALL").fetchall()
    assert by_year == [(2020, 23 * 7), (2022, 2 * 25 * 7), (2023, 4 * 25 * 7)]  # the 2019 form: 23 rows
    assert con.execute(f"SELECT value FROM read_parquet('{out}/indicators/*/*.parquet', hive_partitioning = true)"
                       " WHERE publisher = '哈尔滨市呼兰区人民政府' AND year = 2023 AND indicator = 'granted_share'"
                       ).fetchone()[0] == 13 / 37
    assert con.execute(f"SELECT count(*) FROM '{out}/regions.parquet'").fetchone()[0] == 5
    # documents that failed have no year: they are kept, under year=NULL
    assert con.execute(f"SELECT count(*) FROM read_parquet('{out}/documents/*/*.parquet', hive_partitioning = true)"
                       ).fetchone()[0] == 9
