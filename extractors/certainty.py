"""What a cell read by OCR may claim: `certain` only with evidence, `uncertain` (kept for a person) otherwise.

A cell read by OCR keeps its number only when (1) both independent reads are the same string of digits,
(2) that string parses as a number and (3) every consistency rule the cell takes part in (T3-1, T3-2, T3-3,
T4-1) holds on the agreed numbers. A cell with no ink is `blank` (0) on the same terms. Anything else is
stored with semantic `uncertain` and no value, its reads kept; ink that no read turned into text is
`unreadable`. OCR confidence scores are never used: a 0.9999 read can be wrong.
"""
from __future__ import annotations

from extractors.model import Report
from extractors.ocr import is_number
from extractors.template import T4, TEMPLATE_2019, T3_COLUMNS, t3_variant

Key = tuple[str, str, str]


def rules(report: Report) -> list[tuple[str, list[Key], list[Key]]]:
    """Every rule instance as (rule, left operands, right operands): it holds when the sums are equal."""
    cells = {(c.table, c.row, c.column) for c in report.cells}
    t3 = t3_variant(report.template if report.template in ("2021", TEMPLATE_2019) else "2021",
                    other_as_one_row=any(k[0] == "t3" and k[1] == "other_handling" for k in cells))
    out: list[tuple[str, list[Key], list[Key]]] = []
    outcome = [r.name for r in t3.rows if r.role == "outcome"]
    for col in (c.name for c in T3_COLUMNS):
        out.append(("T3-1", [("t3", "new_received", col), ("t3", "carried_over", col)],
                    [("t3", "total_handled", col), ("t3", "carried_forward", col)]))
        out.append(("T3-2", [("t3", r, col) for r in outcome], [("t3", "total_handled", col)]))
    for row in t3.rows:
        out.append(("T3-3", [("t3", row.name, c.name) for c in T3_COLUMNS[:-1]], [("t3", row.name, "total")]))
    for row in T4.rows:
        out.append(("T4-1", [("t4", row.name, c) for c in ("upheld", "corrected", "other", "pending")],
                    [("t4", row.name, "total")]))
    return out


def certify(report: Report) -> None:
    """Settle every OCR cell of the report in place (cells with a text layer are left as they are)."""
    ocr = [c for c in report.cells if "ocr" in c.source]
    if not ocr:
        return
    values: dict[Key, float] = {}  # operands known for a rule: text-layer numbers, agreed OCR numbers, blanks
    for c in report.cells:
        key = (c.table, c.row, c.column)
        if "ocr" not in c.source:
            if c.value is not None:
                values[key] = c.value
            continue
        reads = c.source["ocr"]
        if not c.source.get("ink"):
            values[key] = 0
        elif len(reads) == 2 and reads[0] == reads[1] and is_number(reads[0]):
            values[key] = float(reads[0]) if "." in reads[0] else int(reads[0])
    broken: set[Key] = set()
    for _, left, right in rules(report):
        operands = left + right
        if not all(k in values for k in operands) or \
                abs(sum(values[k] for k in left) - sum(values[k] for k in right)) > 1e-9:
            broken.update(operands)
    counts = {"certain": 0, "uncertain": 0, "unreadable": 0}
    for c in ocr:
        key = (c.table, c.row, c.column)
        reads = [str(r) for r in c.source.pop("ocr")]
        ink = c.source.pop("ink", True)
        c.reads = reads
        if key in values and key not in broken:
            if not ink:
                c.value, c.raw, c.semantic = 0, "", "blank"
            else:
                c.value, c.raw = values[key], reads[0]
                c.semantic = "zero" if c.value == 0 else "number"
            counts["certain"] += 1
        elif ink and not any(r.strip() for r in reads):
            c.value, c.raw, c.semantic = None, "", "unreadable"
            counts["unreadable"] += 1
        else:
            c.value, c.raw, c.semantic = None, (reads[0] if reads else ""), "uncertain"
            counts["uncertain"] += 1
    report.notes.append(f"read by OCR: {counts['certain']} cells certain, {counts['uncertain']} uncertain, "
                        f"{counts['unreadable']} unreadable (uncertain cells keep their reads for a person: check O-1)")
