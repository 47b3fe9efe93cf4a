"""The PDF reader's cost against pdfplumber's own: for each PDF, pdfplumber opening it and running
extract_tables() and extract_words() on every page (the baseline), beside our read_pdf on the same bytes.

    python bench/pdf_cost.py [FOLDER] [--repeat K] [--extract]

FOLDER holds the PDFs to measure (default: the corpus's PDF layouts, rendered to a temporary folder: every
figures file in every renderers.pdf variant, and as LibreOffice prints our DOCX when soffice is installed).
`--extract` also times the whole extraction (extractors.extract: read_pdf, then the report's tables mapped).

The machine is shared and noisy, so the two are measured in CPU time, interleaved, K times each (default 7),
the order swapped every repetition. Printed per PDF: pages, the pages read_pdf runs the table finder on
(finder), the best time of each side, their ratio (ours / baseline), and the median of the K paired ratios
(each repetition's two runs side by side, which cancels load that comes and goes); then the median and the
largest ratio per layout and overall, and the machine it ran on.
"""
from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber  # noqa: E402

from bench.accuracy import machine  # noqa: E402
from extractors import extract  # noqa: E402
from extractors.pdf import read_pdf, table_pages  # noqa: E402


def pdfplumber_baseline(data: bytes) -> None:
    """What pdfplumber alone needs to find every page's ruled tables and read its words."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_words()


def corpus_pdfs(folder: Path) -> list[Path]:
    """The corpus's PDF layouts (named as renderers.corpus names them), written to `folder`."""
    from renderers.common import all_figures
    from renderers.corpus import convert_batch
    from renderers.docx import VARIANTS as DOCX_VARIANTS, render_docx
    from renderers.pdf import VARIANTS, render_pdf

    written, docx = [], []
    (folder / "docx").mkdir(parents=True, exist_ok=True)
    for fig in all_figures():
        for variant in VARIANTS:
            path = folder / f"{fig['slug']}.pdf-{variant}.pdf"
            path.write_bytes(render_pdf(fig, variant))
            written.append(path)
        source = folder / "docx" / f"{fig['slug']}.pdf-libreoffice.docx"
        source.write_bytes(render_docx(fig, list(DOCX_VARIANTS)[0]))
        docx.append(source)
    written += convert_batch(docx, "pdf", folder).values()  # none when LibreOffice is not installed
    return sorted(written)


def _seconds(run, data: bytes) -> float:
    """CPU seconds of this process: other processes taking turns on the cores do not count (wall time would)."""
    gc.collect()
    started = time.process_time()
    run(data)
    return time.process_time() - started


def measure(path: Path, repeat: int, whole: bool) -> dict:
    data = path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages, selected = len(pdf.pages), len(table_pages(pdf))
    sides = {"baseline": pdfplumber_baseline, "ours": read_pdf}
    if whole:
        sides["extract"] = lambda data: extract(data, path.name)
    times: dict[str, list[float]] = {name: [] for name in sides}
    for run in sides.values():  # warm: imports, font tables and CMaps are loaded once per process
        run(data)
    for k in range(repeat):
        for name in (list(sides) if k % 2 == 0 else list(reversed(sides))):
            times[name].append(_seconds(sides[name], data))
    paired = [ours / base for ours, base in zip(times["ours"], times["baseline"])]
    return {"name": path.name, "pages": pages, "selected": selected,
            **{name: min(t) for name, t in times.items()},
            "ratio": min(times["ours"]) / min(times["baseline"]), "paired": statistics.median(paired)}


def layout_of(name: str) -> str:
    """pdf-ruled from hulan-2023.pdf-ruled.pdf; the file's name for a PDF from elsewhere."""
    parts = name.split(".")
    return parts[-2] if len(parts) >= 3 else name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", metavar="FOLDER", help="PDFs to measure (default: the corpus's)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side per PDF (default 7)")
    parser.add_argument("--extract", action="store_true", help="also time the whole extraction")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gk-pdf-cost-") as tmp:
        paths = sorted(Path(args.folder).rglob("*.pdf")) if args.folder else corpus_pdfs(Path(tmp))
        if not paths:
            print(f"no PDF in {args.folder}", file=sys.stderr)
            return 2
        rows = [measure(path, args.repeat, args.extract) for path in paths]
    extra = f" {'ms extract':>11}" if args.extract else ""
    print(f"{'pdf':<40} {'pages':>5} {'finder':>6} {'ms base':>8} {'ms ours':>8}{extra} {'ratio':>6} {'paired':>6}")
    for r in rows:
        extra = f" {1000 * r['extract']:>11.1f}" if args.extract else ""
        print(f"{r['name']:<40} {r['pages']:>5} {r['selected']:>6} {1000 * r['baseline']:>8.1f} "
              f"{1000 * r['ours']:>8.1f}{extra} {r['ratio']:>6.2f} {r['paired']:>6.2f}")
    print("\n(finder: pages read_pdf runs the table finder on; ratio: best of ours / best of baseline over "
          f"{args.repeat} interleaved runs; paired: median of the runs' own ratios)")
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(layout_of(r["name"]), []).append(r)
    for name, group in sorted(groups.items()) + [("overall", rows)]:
        ratios, paired = [r["ratio"] for r in group], [r["paired"] for r in group]
        print(f"{name:<18} {len(group):>3} PDFs  ratio median {statistics.median(ratios):.2f} max {max(ratios):.2f}"
              f"  paired median {statistics.median(paired):.2f} max {max(paired):.2f}")
    print(f"machine: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
