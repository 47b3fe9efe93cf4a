"""The pictures of the demo's image-only article (杨林乡 2021): its tables drawn by renderers.image, shipped.

They are kept as files so the demo needs no CJK font; `python -m demo_portals.pictures` draws them again
(after a change to the figures or the renderer) where fonts-noto-cjk is installed.
"""
from __future__ import annotations

import sys
from pathlib import Path

PICTURES_DIR = Path(__file__).resolve().parent / "pictures"
DPI = 150


def shipped(slug: str) -> list[bytes]:
    """The shipped pictures of a figures slug's tables, in page order."""
    files = sorted(PICTURES_DIR.glob(f"{slug}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if not files:
        raise FileNotFoundError(f"no pictures for {slug} in {PICTURES_DIR}: run python -m demo_portals.pictures")
    return [p.read_bytes() for p in files]


def draw(fig: dict, variant: str) -> list[bytes]:
    from renderers.image import table_pictures
    return table_pictures(fig, variant, DPI)


# The image-only report of the demo (hulan.gov.cn's 杨林乡 2021 article printed its tables as pictures).
YANGLIN_2021 = dict(base="hulan-2022", slug="hulan-yanglin-2021", title="呼兰区杨林乡2021年政府信息公开工作年度报告",
                    year=2021, published="2022-01-25", factor=1, publisher="呼兰区杨林乡人民政府",
                    region_code="230111", region_name="呼兰区")
YANGLIN_VARIANT = "word"


def yanglin_figures() -> dict:
    from demo_portals.figures import derive
    spec = dict(YANGLIN_2021)
    return derive(spec.pop("base"), **spec)


def main() -> int:
    fig = yanglin_figures()
    for old in PICTURES_DIR.glob(f"{fig['slug']}-*.png"):
        old.unlink()
    for n, data in enumerate(draw(fig, YANGLIN_VARIANT), 1):
        (PICTURES_DIR / f"{fig['slug']}-{n}.png").write_bytes(data)
    print(f"drew {fig['slug']} ({YANGLIN_VARIANT}) into {PICTURES_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
