"""Figures files and the printed form of their cells, shared by every renderer."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from extractors.template import T2_BLOCKS, TABLE_TITLES, TEMPLATES, Column, Row, Table, t3_variant

FIGURES_DIR = Path(__file__).resolve().parent.parent / "data" / "figures"


def load_figures(path: str | Path) -> dict:
    fig = json.loads(Path(path).read_text(encoding="utf-8"))
    fig["_index"] = {(c["table"], c["row"], c["column"]): c for c in fig["cells"]}
    return fig


def all_figures() -> list[dict]:
    return [load_figures(p) for p in sorted(FIGURES_DIR.glob("*.json"))]


def format_value(value) -> str:
    if value is None:
        return "/"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".") if value * 100 == int(value * 100) else str(value)
    if isinstance(value, float):
        return str(int(value))
    return str(value)


def printed(fig: dict, table: str, row: str, column: str) -> str:
    """The text a cell shows on the page: its `raw` when the figures give one, else the number."""
    cell = fig["_index"][(table, row, column)]
    if "raw" in cell:
        return cell["raw"]
    return format_value(cell["value"])


def other_as_one_row(fig: dict) -> bool:
    return ("t3", "other_handling", "total") in fig["_index"]


@dataclass
class PrintedRow:
    row: Row
    cells: list[tuple[Column, str]]


def table_def(fig: dict, name: str) -> Table:
    if name == "t3":
        return t3_variant(fig["template"], other_as_one_row(fig))
    return TEMPLATES[fig["template"]].table(name)


def printed_rows(fig: dict, name: str) -> list[PrintedRow]:
    """Rows of one table in printed order, each with its columns' printed texts."""
    table = table_def(fig, name)
    return [PrintedRow(r, [(c, printed(fig, name, r.name, c.name)) for c in table.columns_of(r)])
            for r in table.rows]


def title_of(fig: dict) -> str:
    return fig["title"]


def section_title(name: str) -> str:
    return TABLE_TITLES[name]


def t2_blocks(fig: dict) -> list[tuple[str, list[PrintedRow]]]:
    """Table 二 as its printed blocks, each a caption (第二十条第（X）项) and its rows."""
    rows = {p.row.name: p for p in printed_rows(fig, "t2")}
    return [(caption, [rows[name] for name in names]) for caption, names in T2_BLOCKS[fig["template"]]]
