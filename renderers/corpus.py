"""The test corpus: every figures file in every layout, each document with its expected JSON beside it.

`python -m renderers.corpus OUTDIR` writes it; `bench/accuracy.py OUTDIR` measures the extractor on it.
Layouts that need LibreOffice (DOC/WPS, and PDF printed by LibreOffice from DOCX) are made when
`soffice` is installed and left out, with a note, when it is not.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from renderers.common import all_figures


@dataclass(frozen=True)
class CorpusLayout:
    name: str  # e.g. html-word
    suffix: str
    render: Callable[[dict], bytes] | None  # None: made by LibreOffice from `convert_from`
    convert_from: str | None = None  # a DOCX layout name
    convert_to: str | None = None  # LibreOffice filter target: pdf | doc


def _layouts() -> list[CorpusLayout]:
    from renderers.docx import VARIANTS as DOCX_VARIANTS, render_docx
    from renderers.html import VARIANTS as HTML_VARIANTS, render_html
    from renderers.pdf import VARIANTS as PDF_VARIANTS, render_pdf
    from renderers.text import VARIANTS as TEXT_VARIANTS, render_text

    out = []
    for variants, render, fmt, suffix in ((TEXT_VARIANTS, render_text, "text", ".txt"),
                                          (HTML_VARIANTS, render_html, "html", ".html"),
                                          (DOCX_VARIANTS, render_docx, "docx", ".docx"),
                                          (PDF_VARIANTS, render_pdf, "pdf", ".pdf")):
        for v in variants:
            out.append(CorpusLayout(f"{fmt}-{v}", suffix, lambda fig, r=render, v=v: r(fig, v)))
    first_docx = f"docx-{list(DOCX_VARIANTS)[0]}"
    out.append(CorpusLayout("pdf-libreoffice", ".pdf", None, first_docx, "pdf"))
    out.append(CorpusLayout("doc-libreoffice", ".doc", None, first_docx, "doc"))
    out.append(CorpusLayout("wps-libreoffice", ".wps", None, first_docx, "doc"))  # WPS writes OLE files too
    return out


def expected_json(fig: dict) -> dict:
    keys = ("region_code", "region_name", "publisher", "year", "template")
    return {**{k: fig[k] for k in keys},
            "cells": [{k: c[k] for k in ("table", "row", "column", "value")} for c in fig["cells"]]}


def soffice() -> str | None:
    from extractors.ole import soffice_path
    return soffice_path()


def convert_batch(files: list[Path], target: str, out_dir: Path, timeout: float = 600) -> dict[Path, Path]:
    """Convert many files with one LibreOffice start (a start costs seconds; a conversion much less)."""
    exe = soffice()
    if exe is None or not files:
        return {}
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gk-lo-") as profile:
        process = subprocess.Popen([exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                                    "--norestore", "--convert-to", target, "--outdir", str(out_dir), *map(str, files)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:  # end soffice.bin too, not only its launcher
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return {f: out_dir / (f.stem + "." + target) for f in files if (out_dir / (f.stem + "." + target)).exists()}


def build_corpus(out_dir: str | Path, figures: list[dict] | None = None,
                 libreoffice_figures: list[str] | None = None) -> tuple[list[Path], list[str]]:
    """Write the corpus; returns (documents written, notes on what was left out).

    `libreoffice_figures` limits the LibreOffice-made layouts to some figures (slugs); None: all."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = figures if figures is not None else all_figures()
    written: list[Path] = []
    notes: list[str] = []
    layouts = _layouts()
    by_name: dict[tuple[str, str], Path] = {}
    for fig in figures:
        expected = json.dumps(expected_json(fig), ensure_ascii=False, indent=1)
        for layout in layouts:
            if layout.render is None:
                continue
            path = out_dir / f"{fig['slug']}.{layout.name}{layout.suffix}"
            path.write_bytes(layout.render(fig))
            (out_dir / f"{fig['slug']}.{layout.name}.expected.json").write_text(expected, encoding="utf-8")
            written.append(path)
            by_name[(fig["slug"], layout.name)] = path
    converted = [lay for lay in layouts if lay.render is None]
    if not soffice():
        notes.append("LibreOffice (soffice) not installed: layouts " + ", ".join(l.name for l in converted)
                     + " left out")
        return written, notes
    chosen = [f for f in figures if libreoffice_figures is None or f["slug"] in libreoffice_figures]
    with tempfile.TemporaryDirectory(prefix="gk-corpus-") as tmp:
        for target in sorted({lay.convert_to for lay in converted}):
            sources = []
            for fig in chosen:
                src = Path(tmp) / "in" / f"{fig['slug']}"
                src.parent.mkdir(exist_ok=True)
                docx = src.with_suffix(".docx")
                docx.write_bytes(by_name[(fig["slug"], converted[0].convert_from)].read_bytes())
                sources.append(docx)
            results = convert_batch(sources, target, Path(tmp) / target)
            for fig, src in zip(chosen, sources):
                made = results.get(src)
                for lay in (lay for lay in converted if lay.convert_to == target):
                    if made is None:
                        notes.append(f"{fig['slug']}: LibreOffice did not convert to {target}")
                        continue
                    path = out_dir / f"{fig['slug']}.{lay.name}{lay.suffix}"
                    path.write_bytes(made.read_bytes())
                    (out_dir / f"{fig['slug']}.{lay.name}.expected.json").write_text(
                        json.dumps(expected_json(fig), ensure_ascii=False, indent=1), encoding="utf-8")
                    written.append(path)
    return written, notes


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print("usage: python -m renderers.corpus OUTDIR", file=sys.stderr)
        return 2
    written, notes = build_corpus(args[0])
    for note in notes:
        print("note:", note)
    print(f"wrote {len(written)} documents (each with its .expected.json) to {args[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
