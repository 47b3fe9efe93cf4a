"""`gkreports compare`: indicators of a few regions side by side, year by year (from the `indicators` view)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

DEFAULT_INDICATORS = ("applications_received", "granted_share", "denied_share", "not_held_share", "carried_forward",
                      "admin_reviews", "lawsuits", "corrected_share")


class CompareError(Exception):
    """A request the warehouse cannot answer (unknown region, indicator, years); the message lists valid ones."""


@dataclass
class Comparison:
    regions: list[tuple[str, str, str]]          # (region_code, region_name, publisher), in the order asked
    years: list[int]
    indicators: list[tuple[str, str, str]]       # (indicator, kind, label)
    values: dict[tuple[str, str, int], float | None]   # (region_code, indicator, year) → value

    def records(self) -> list[dict]:
        out = []
        for indicator, kind, _ in self.indicators:
            for year in self.years:
                for code, name, publisher in self.regions:
                    value = self.values.get((code, indicator, year))
                    if value is not None and kind == "count" and float(value).is_integer():
                        value = int(value)
                    out.append({"indicator": indicator, "kind": kind, "year": year, "region_code": code,
                                "region_name": name, "publisher": publisher, "value": value})
        return out


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2021-2024' → (2021, 2024); '2023' → (2023, 2023)."""
    if not text:
        return None
    try:
        first, _, last = text.partition("-")
        span = int(first), int(last or first)
    except ValueError:
        raise CompareError(f"--years {text!r}: expected YEAR or FIRST-LAST, e.g. 2021-2024") from None
    if span[0] > span[1]:
        raise CompareError(f"--years {text!r}: the first year is after the last")
    return span


def compare(con, regions: list[str], years: tuple[int, int] | None = None, indicators: list[str] | None = None,
            kind: str = "government") -> Comparison:
    """Each region's publisher of `kind` (its government by default), indicators by year."""
    catalog = con.execute("SELECT indicator, kind, label FROM indicator_catalog ORDER BY position").fetchall()
    known = {c[0]: c for c in catalog}
    wanted = list(indicators or DEFAULT_INDICATORS)
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise CompareError(f"unknown indicator {', '.join(unknown)}; valid: {', '.join(known)}")
    available = con.execute("SELECT DISTINCT region_code, region_name, publisher FROM report_indicators"
                            " WHERE publisher_kind = ? AND region_code IS NOT NULL ORDER BY ALL", [kind]).fetchall()
    if not available:
        raise CompareError(f"no {kind} reports in the warehouse")
    by_code: dict[str, list[tuple]] = {}
    for row in available:
        by_code.setdefault(row[0], []).append(row)
    missing = [r for r in regions if r not in by_code]
    if missing:
        listing = ", ".join(f"{code} {rows[0][1] or ''}".strip() for code, rows in by_code.items())
        raise CompareError(f"no {kind} reports for region {', '.join(missing)}; regions with {kind} reports: {listing}")
    chosen = []
    for code in dict.fromkeys(regions):
        # a region whose government reported under two names (a renamed body) shows the most recent name
        publisher = con.execute("SELECT publisher FROM report_indicators WHERE region_code = ? AND publisher_kind = ?"
                                " ORDER BY year DESC, publisher LIMIT 1", [code, kind]).fetchone()[0]
        chosen.append((code, by_code[code][0][1], publisher))
    span = years or con.execute("SELECT min(year), max(year) FROM report_indicators WHERE region_code IN (SELECT"
                                " unnest(?)) AND publisher_kind = ?", [[c[0] for c in chosen], kind]).fetchone()
    year_list = list(range(span[0], span[1] + 1))
    values = {}
    for code, _, publisher in chosen:
        for indicator, year, value in con.execute(
                "SELECT indicator, year, value FROM indicators WHERE region_code = ? AND publisher = ?"
                " AND year BETWEEN ? AND ? AND indicator IN (SELECT unnest(?))",
                [code, publisher, span[0], span[1], wanted]).fetchall():
            values[(code, indicator, year)] = value
    return Comparison(chosen, year_list, [known[i] for i in wanted], values)


def format_value(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "amount":
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def to_csv(c: Comparison) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["indicator", "kind", "year", "region_code", "region_name", "publisher",
                                             "value"], lineterminator="\n")
    writer.writeheader()
    for record in c.records():
        writer.writerow({**record, "value": "" if record["value"] is None else record["value"]})
    return out.getvalue()


def to_json(c: Comparison) -> str:
    return json.dumps(c.records(), ensure_ascii=False, indent=1)


def to_table(c: Comparison):
    """A rich Table: one row per (indicator, year), one column per region."""
    from rich.table import Table
    table = Table(title="indicators by year", show_lines=False)
    table.add_column("indicator")
    table.add_column("year", justify="right")
    for code, name, publisher in c.regions:
        table.add_column(f"{name or code}\n{code}", justify="right")
    for indicator, kind, label in c.indicators:
        for i, year in enumerate(c.years):
            table.add_row(f"{label}\n{indicator}" if i == 0 else "", str(year),
                          *[format_value(c.values.get((code, indicator, year)), kind) for code, _, _ in c.regions],
                          end_section=i == len(c.years) - 1)
    return table
