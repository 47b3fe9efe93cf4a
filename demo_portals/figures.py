"""Synthetic figures for the demo portals, derived from the project's figures files by scaling their counts."""
from __future__ import annotations

import copy
from functools import lru_cache

from extractors.template import TEMPLATE_2019, TEMPLATE_2021
from renderers.common import FIGURES_DIR, load_figures

SCALED_TABLES = ("t3", "t4")


@lru_cache(maxsize=None)
def _base(slug: str) -> dict:
    return load_figures(FIGURES_DIR / f"{slug}.json")


def base_figures(slug: str) -> dict:
    """A figures file as `renderers.common.load_figures` gives it (a private copy)."""
    return copy.deepcopy(_base(slug))


def template_for(year: int) -> str:
    # Reports for 2019 and 2020 were drawn on the 〔2019〕60号 trial form, later ones on the 2021 form.
    return TEMPLATE_2019 if year <= 2020 else TEMPLATE_2021


def derive(base: str, *, slug: str, title: str, publisher: str, region_code: str, region_name: str,
           year: int, published: str, factor: int) -> dict:
    """A new report's figures: `base`'s cells with every table 三/四 count multiplied by `factor`.

    Scaling by a positive integer keeps the template's arithmetic (T3-1, T3-2, T3-3, T4-1) true, and
    table 二 is left as it is (its amounts are not counts, and in_force need not scale)."""
    if not isinstance(factor, int) or factor < 1:
        raise ValueError(f"factor must be a positive integer, not {factor!r}")
    fig = base_figures(base)
    if fig["template"] != template_for(year):
        raise ValueError(f"{slug}: a {year} report needs the {template_for(year)} form; {base} is on the "
                         f"{fig['template']} form")
    fig.pop("_index", None)
    fig.update(slug=slug, title=title, publisher=publisher, region_code=region_code, region_name=region_name,
               year=year, published=published,
               provenance=f"synthetic, derived from {base} for the demo portals")
    for cell in fig["cells"]:
        value = cell["value"]
        if cell["table"] not in SCALED_TABLES or not isinstance(value, int) or isinstance(value, bool):
            continue
        cell["value"] = value * factor
        if "raw" in cell and cell["raw"].strip() == str(value):  # a printed number must print the new one
            cell["raw"] = cell["raw"].replace(str(value), str(value * factor))
    narrative = fig.get("narrative") or {}
    if isinstance(narrative.get("applications_received"), int):
        narrative["applications_received"] *= factor
    fig["_index"] = {(c["table"], c["row"], c["column"]): c for c in fig["cells"]}
    return fig


def arithmetic_errors(fig: dict) -> list[str]:
    """The template rules (T3-1, T3-2, T3-3, T4-1) a figures dict breaks, as short descriptions."""
    from renderers.common import table_def
    from extractors.template import T4

    v = {(c["table"], c["row"], c["column"]): c["value"] or 0 for c in fig["cells"]}
    t3 = table_def(fig, "t3")
    errors = []
    cols = [c.name for c in t3.columns]
    outcome_rows = [r.name for r in t3.rows if r.role == "outcome"]
    for c in cols:
        if v[("t3", "new_received", c)] + v[("t3", "carried_over", c)] != \
                v[("t3", "total_handled", c)] + v[("t3", "carried_forward", c)]:
            errors.append(f"T3-1 {c}")
        if v[("t3", "total_handled", c)] != sum(v[("t3", r, c)] for r in outcome_rows):
            errors.append(f"T3-2 {c}")
    for r in t3.rows:
        if v[("t3", r.name, "total")] != sum(v[("t3", r.name, c)] for c in cols if c != "total"):
            errors.append(f"T3-3 {r.name}")
    for r in T4.rows:
        if v[("t4", r.name, "total")] != sum(v[("t4", r.name, c.name)] for c in T4.columns if c.name != "total"):
            errors.append(f"T4-1 {r.name}")
    return errors
