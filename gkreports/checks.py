"""Run the data checks in sql/checks/ (one query per file returning the offending rows) and store results."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gkreports.warehouse import SQL_DIR

CHECKS_DIR = SQL_DIR / "checks"
RESULT_COLUMNS = ("outcome", "document_id", "region_code", "publisher", "year", "table_name", "row_name",
                  "column_name", "detail")


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    description: str
    sql: str
    path: Path


@dataclass
class CheckSummary:
    id: str
    severity: str
    description: str
    failed: int
    uncertain: int
    warned: int

    @property
    def rows(self) -> int:
        return self.failed + self.uncertain + self.warned


def _header(sql: str, key: str) -> str | None:
    m = re.search(rf"^--\s*{key}:\s*(.+)$", sql, re.M)
    return m.group(1).strip() if m else None


def load_checks(directory: Path = CHECKS_DIR) -> list[Check]:
    checks = []
    for path in directory.glob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        check_id, severity = _header(sql, "check"), _header(sql, "severity")
        if not check_id or severity not in ("error", "warn"):
            raise ValueError(f"{path}: needs '-- check: ID' and '-- severity: error|warn' header lines")
        checks.append(Check(check_id, severity, _header(sql, "description") or "", sql.strip().rstrip(";"), path))
    return sorted(checks, key=lambda c: (c.severity != "error", c.id))  # hard rules first


def offending_rows(con, check: Check) -> list[tuple]:
    """The rows a check returns, without storing them (for tests and ad-hoc use)."""
    return con.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM ({check.sql}) q ORDER BY ALL").fetchall()


def run_checks(con, checks: list[Check] | None = None) -> tuple[int, list[CheckSummary]]:
    """Run every check, store each offending row with the run's time, and return a summary per check."""
    checks = checks if checks is not None else load_checks()
    run_at = datetime.now().replace(microsecond=0)
    run_id = con.execute("SELECT nextval('check_run_seq')").fetchone()[0]
    summaries = []
    con.execute("BEGIN TRANSACTION")
    try:
        for check in checks:
            con.execute(
                f"INSERT INTO check_results (run_id, run_at, check_id, severity, {', '.join(RESULT_COLUMNS)})"
                f" SELECT ?, ?, ?, ?, {', '.join(RESULT_COLUMNS)} FROM ({check.sql}) q",
                [run_id, run_at, check.id, check.severity])
            counts = dict(con.execute(
                "SELECT outcome, count(*) FROM check_results WHERE run_id = ? AND check_id = ? GROUP BY outcome",
                [run_id, check.id]).fetchall())
            summary = CheckSummary(check.id, check.severity, check.description, counts.get("fail", 0),
                                   counts.get("uncertain", 0), counts.get("warn", 0))
            con.execute("INSERT INTO check_runs VALUES (?, ?, ?, ?, ?)",
                        [run_id, run_at, check.id, check.severity, summary.rows])
            summaries.append(summary)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return run_id, summaries


def format_summary(summaries: list[CheckSummary]) -> str:
    lines = [f"{'check':<6} {'severity':<8} {'rows':>5}  {'fail':>4} {'uncertain':>9} {'warn':>4}  description"]
    for s in summaries:
        lines.append(f"{s.id:<6} {s.severity:<8} {s.rows:>5}  {s.failed:>4} {s.uncertain:>9} {s.warned:>4}  "
                     f"{s.description}")
    return "\n".join(lines)
