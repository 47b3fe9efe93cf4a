"""Shared fixtures: the seed (when ../shared is present), the figures files, a fresh warehouse."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from renderers.common import all_figures, load_figures, FIGURES_DIR

ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seed_text() -> bytes:
    path = SHARED_SEEDS / "000_d601352be8b8720b.txt"
    if not path.exists():
        pytest.skip(f"the seed report is not here ({path}); the project's own fixtures cover the same figures")
    return path.read_bytes()


@pytest.fixture(scope="session")
def seed_expected() -> dict:
    path = SHARED_SEEDS / "hulan-2023.expected.json"
    if not path.exists():
        pytest.skip(f"the seed's expected JSON is not here ({path})")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def hulan_2023() -> dict:
    return load_figures(FIGURES_DIR / "hulan-2023.json")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server (offline, own database) for every test that runs a flow."""
    import flows  # noqa: F401  (offline Prefect settings)
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def fresh_db(tmp_path):
    from gkreports.warehouse import connect
    con = connect(tmp_path / "warehouse.duckdb")
    yield con
    con.close()


def cell_values(report) -> dict:
    return {(c.table, c.row, c.column): c.value for c in report.cells}


def figure_values(fig: dict) -> dict:
    return {(c["table"], c["row"], c["column"]): c["value"] for c in fig["cells"]}


def assert_report_matches(report, fig: dict):
    """Every template cell exactly as in the figures, nothing missing, metadata right."""
    assert report.missing == []
    assert cell_values(report) == figure_values(fig)
    assert (report.year, report.publisher, report.region_code, report.template) == \
        (fig["year"], fig["publisher"], fig["region_code"], fig["template"])


ALL_FIGURES = all_figures()
FIGURE_IDS = [f["slug"] for f in ALL_FIGURES]
