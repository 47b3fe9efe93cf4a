"""gkreports: the warehouse of 政府信息公开工作年度报告 — loading, checks and the command line."""
from pathlib import Path

# Here rather than in gkreports.warehouse, so that the command line (and every extraction worker it spawns,
# which imports the command line again) can name the default warehouse without importing DuckDB and pandas.
DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "warehouse.duckdb"
