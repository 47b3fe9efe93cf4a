"""Write the bundled sample reports (data/samples/) from the figures files: `python -m renderers.samples`."""
from __future__ import annotations

import sys
from pathlib import Path

from renderers.common import FIGURES_DIR, load_figures
from renderers.html import render_html
from renderers.text import render_text

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples"

# (figures slug, renderer, variant, file name): the seed's figures in the seed's own layout first.
SAMPLES = (
    ("hulan-2023", render_text, "flattened", "hulan-2023.txt"),
    ("hulan-2022", render_text, "flattened_blank_zeros", "hulan-2022.txt"),
    ("daoli-2023", render_text, "flattened_broken", "daoli-2023.txt"),
    ("fangzheng-2023", render_text, "flattened", "fangzheng-2023.txt"),
    ("mulan-2022", render_html, "gbk", "mulan-2022.html"),
    ("wuchang-2020", render_html, "word", "wuchang-2020.html"),
)


def render_samples() -> dict[str, bytes]:
    return {name: render(load_figures(FIGURES_DIR / f"{slug}.json"), variant)
            for slug, render, variant, name in SAMPLES}


def main(argv: list[str] | None = None) -> int:
    target = Path((argv or sys.argv[1:] or [str(SAMPLES_DIR)])[0])
    target.mkdir(parents=True, exist_ok=True)
    for name, data in render_samples().items():
        (target / name).write_bytes(data)
        print(f"wrote {target / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
