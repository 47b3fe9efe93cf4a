"""The portal registry in the warehouse (`portals`), so that coverage can list portals where nothing was found."""
from __future__ import annotations

from datetime import datetime


def record_portals(con, portals) -> int:
    """Upsert the registry's portals (crawler.registry.Portal objects) into `portals`; returns how many.

    Portals left out of this crawl (`--only`) or since removed from the registry keep their row with an older
    `last_recorded`: coverage still expects their reports."""
    now = datetime.now().replace(microsecond=0)
    for p in portals:
        con.execute(
            "INSERT INTO portals VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (region_code) DO UPDATE SET "
            "region_name = excluded.region_name, base_url = excluded.base_url, family = excluded.family, "
            "verified = excluded.verified, last_recorded = excluded.last_recorded",
            [p.region_code, p.region_name, p.base_url, p.family, bool(p.verified), now, now])
    return len(portals)
