"""The Prefect flow over the bundled samples, under prefect_test_harness (the only test that needs Prefect)."""
from __future__ import annotations

import flows  # noqa: F401  (offline Prefect settings)
import duckdb

from flows.pipeline import SAMPLES, build_warehouse


def test_flow_loads_the_samples_and_runs_the_checks(tmp_path, prefect_harness):
    db = tmp_path / "warehouse.duckdb"
    out = build_warehouse(SAMPLES, db)
    again = build_warehouse(SAMPLES, db)
    assert sorted(r.status for r in out.loads) == ["ok"] * 6
    assert [r.status for r in again.loads] == ["unchanged"] * 6
    checks = {s.id: s for s in out.checks}
    assert all(checks[c].rows == 0 for c in ("T3-1", "T3-2", "T3-3", "T4-1", "T2-1", "X-1"))
    assert checks["N-1"].warned == 2  # the real 呼兰区 2023 report (79 vs 38) and 方正县's sample
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT region_code) FROM reports").fetchone() == (6, 5)
    # five reports on the 2021 form (25 rows × 7) and 五常市 2020 on the 2019 form (23 rows × 7)
    assert con.execute("SELECT count(*) FROM fact_applications").fetchone() == (5 * 175 + 23 * 7,)
