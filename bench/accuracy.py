"""Extraction accuracy over any folder of documents that have their expected JSON beside them.

    python bench/accuracy.py FOLDER [FOLDER ...] [--real] [--list N]

A document `NAME.EXT` is measured against `NAME.expected.json` (the shape `gkreports extract` prints;
only `cells` and the metadata keys are compared). Prints, per format and overall: documents, template
cells expected, cells exactly right, wrong, missing, documents that failed, metadata mismatches, the
time per document, and the list of wrong cells; then the machine it ran on.

Real published documents are counted on their own line (`real/html`, `real/pdf`, …), apart from the
generated corpus: a document is real when a folder on its path is named `real` (tests/real/), when its
expected JSON says `"origin": "real"`, or when `--real` says the whole run is.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractors import ExtractionError, extract, sniff  # noqa: E402
from gkreports.cli import _pictures_beside as pictures_beside  # noqa: E402  (an article's pictures beside it)

META_KEYS = ("region_code", "region_name", "publisher", "year", "template")


@dataclass
class Tally:
    documents: int = 0
    expected: int = 0
    exact: int = 0
    wrong: int = 0
    missing: int = 0
    failed: int = 0
    metadata_wrong: int = 0
    seconds: float = 0.0


@dataclass
class OcrTally:
    """Documents read by OCR: how many cells came out certain and right, certain and wrong (must be 0),
    uncertain (or unreadable), and the time per page (a picture, or a scanned PDF page): wall clock, and the
    CPU time of all the process's threads, which other work on a shared machine does not inflate."""
    documents: int = 0
    certain_right: int = 0
    certain_wrong: int = 0
    uncertain: int = 0
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass
class Measurement:
    by_format: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    ocr: dict[str, OcrTally] = field(default_factory=lambda: defaultdict(OcrTally))
    wrong_cells: list[tuple[str, str, object, object]] = field(default_factory=list)  # doc, cell, expected, got
    failures: list[tuple[str, str]] = field(default_factory=list)
    metadata: list[tuple[str, str, object, object]] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for t in self.by_format.values():
            for k in total.__dataclass_fields__:
                setattr(total, k, getattr(total, k) + getattr(t, k))
        return total


def expected_path(doc: Path) -> Path:
    return doc.with_name(doc.name[: -len(doc.suffix)] + ".expected.json") if doc.suffix else \
        doc.with_name(doc.name + ".expected.json")


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".expected.json")
                  and expected_path(p).exists())


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-9
    return a == b


def is_real(doc: Path, root: Path, expected: dict) -> bool:
    """A real published document (not one the renderers drew): see the module's docstring."""
    folders = [root.name, *doc.relative_to(root).parts[:-1]] if doc.is_relative_to(root) else list(doc.parts[:-1])
    return expected.get("origin") == "real" or "real" in folders


def measure(folder: str | Path | list, real: bool = False) -> Measurement:
    result = Measurement()
    roots = [Path(f).resolve() for f in (folder if isinstance(folder, (list, tuple)) else [folder])]
    for root, doc in ((root, doc) for root in roots for doc in documents(root)):
        data = doc.read_bytes()
        expected = json.loads(expected_path(doc).read_text(encoding="utf-8"))
        want = {(c["table"], c["row"], c["column"]): c["value"] for c in expected["cells"]}
        kind = sniff(data)
        tally = result.by_format[f"real/{kind}" if real or is_real(doc, root, expected) else kind]
        tally.documents += 1
        tally.expected += len(want)
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            report = extract(data, doc.name, images=pictures_beside(doc, data))
        except Exception as err:  # a crash is measured like any failure, with its type
            tally.seconds += time.perf_counter() - started
            tally.failed += 1
            tally.missing += len(want)
            why = f"{err.reason}: {err.message}" if isinstance(err, ExtractionError) else \
                f"crash: {type(err).__name__}: {err}"
            result.failures.append((doc.name, why))
            continue
        tally.seconds += time.perf_counter() - started
        # an OCR cell left uncertain claims no value: it counts as missing, not as wrong
        got = {(c.table, c.row, c.column): c.value for c in report.cells
               if c.semantic not in ("uncertain", "unreadable")}
        if any(c.reads is not None for c in report.cells):
            o = result.ocr[kind]
            o.documents += 1
            o.seconds += time.perf_counter() - started
            o.cpu_seconds += time.process_time() - cpu_started
            o.pages += len({(c.source.get("page"), c.source.get("picture")) for c in report.cells}) or 1
            for c in report.cells:
                if c.semantic in ("uncertain", "unreadable"):
                    o.uncertain += 1
                elif _same(c.value, want.get((c.table, c.row, c.column), "absent")):
                    o.certain_right += 1
                else:
                    o.certain_wrong += 1
        for key, value in want.items():
            if key not in got:
                tally.missing += 1
            elif _same(got[key], value):
                tally.exact += 1
            else:
                tally.wrong += 1
                result.wrong_cells.append((doc.name, ".".join(key), value, got[key]))
        for key in META_KEYS:
            if key in expected and getattr(report, key) != expected[key]:
                tally.metadata_wrong += 1
                result.metadata.append((doc.name, key, expected[key], getattr(report, key)))
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def format_measurement(m: Measurement, list_wrong: int = 50) -> str:
    header = f"{'format':<9} {'docs':>5} {'cells':>7} {'exact':>7} {'wrong':>6} {'missing':>8} {'failed':>7} " \
             f"{'meta≠':>6} {'exact%':>8} {'ms/doc':>8}"
    lines = [header]

    def line(name: str, t: Tally) -> str:
        pct = 100.0 * t.exact / t.expected if t.expected else 0.0
        per_doc = 1000.0 * t.seconds / t.documents if t.documents else 0.0
        return f"{name:<9} {t.documents:>5} {t.expected:>7} {t.exact:>7} {t.wrong:>6} {t.missing:>8} " \
               f"{t.failed:>7} {t.metadata_wrong:>6} {pct:>7.2f}% {per_doc:>8.1f}"

    for name in sorted(m.by_format, key=lambda n: (n.startswith("real/"), n)):  # real documents last
        lines.append(line(name, m.by_format[name]))
    lines.append(line("overall", m.overall))
    for name, o in sorted(m.ocr.items()):
        lines.append(f"ocr/{name}: {o.documents} documents, cells certain-right {o.certain_right}, certain-wrong "
                     f"{o.certain_wrong} (must be 0), uncertain {o.uncertain}; "
                     f"{o.seconds / max(o.pages, 1):.2f} s per page, {o.cpu_seconds / max(o.pages, 1):.2f} s CPU "
                     f"({o.pages} pictures or pages)")
    if m.wrong_cells:
        lines.append(f"\nwrong cells ({len(m.wrong_cells)}):")
        lines += [f"  {d}  {c}: expected {e!r}, got {g!r}" for d, c, e, g in m.wrong_cells[:list_wrong]]
    if m.failures:
        lines.append(f"\nfailed documents ({len(m.failures)}):")
        lines += [f"  {d}: {why}" for d, why in m.failures]
    if m.metadata:
        lines.append(f"\nmetadata mismatches ({len(m.metadata)}):")
        lines += [f"  {d}  {k}: expected {e!r}, got {g!r}" for d, k, e, g in m.metadata[:list_wrong]]
    lines.append(f"\nmachine: {machine()}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", metavar="FOLDER")
    parser.add_argument("--real", action="store_true", help="count every document as a real one")
    parser.add_argument("--list", type=int, default=50, help="list at most N wrong cells")
    args = parser.parse_args(argv)
    m = measure(args.folders, real=args.real)
    if not m.by_format:
        print(f"no documents with an .expected.json beside them in {' '.join(args.folders)}", file=sys.stderr)
        return 2
    print(format_measurement(m, args.list))
    o = m.overall
    if any(t.certain_wrong for t in m.ocr.values()):
        return 1
    return 0 if o.exact == o.expected and not m.metadata else 1


if __name__ == "__main__":
    sys.exit(main())
