"""Reports as plain text with tables flattened one cell per line, the way Word text exports print them."""
from __future__ import annotations

from extractors.template import T2_CONTENT, T3_APPLICANTS, T3_ORGANISATIONS, T3_RESULTS, T4_LITIGATION, T4_REVIEW
from renderers.common import printed_rows, section_title, t2_blocks
from renderers.prose import closing_sections, intro_paragraphs

VARIANTS = ("flattened", "flattened_blank_zeros", "flattened_broken")

def _cell(text: str) -> str:
    return "\t" + text


def _value(text: str, variant: str) -> str:
    if variant == "flattened_blank_zeros" and text == "0":
        return "\t"
    return _cell(text)


def _t2(fig: dict, variant: str) -> list[str]:
    out = []
    for caption, rows in t2_blocks(fig):
        out += [_cell(caption), ""]
        out += [_cell(T2_CONTENT)] + [_cell(c.label) for c, _ in rows[0].cells] + [""]
        for p in rows:
            out += [_cell(p.row.label)] + [_value(t, variant) for _, t in p.cells] + [""]
    return out


def _broken(label: str, width: int) -> str:
    """A label wrapped every `width` characters, as narrow table cells print it."""
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _t3(fig: dict, variant: str) -> list[str]:
    out = [_cell(""), _cell(T3_APPLICANTS), "",
           _cell(""), _cell("自然人"), _cell(T3_ORGANISATIONS), _cell("总计"), ""]
    if variant == "flattened_broken":
        out += [_cell(""), _cell(""), _cell("商业企业"), _cell("科研机构"), _cell("社会公益\n组织"),
                _cell("法律服务\n机构"), _cell("其他"), _cell(""), ""]
    else:
        out += [_cell(""), _cell(""), _cell("商业"), _cell("科研"), _cell("社会\n公益\n组织"),
                _cell("法律\n服务\n机构"), _cell("其他"), _cell(""), "",
                _cell(""), _cell(""), _cell("企业"), _cell("机构"), _cell(""), _cell(""), _cell(""), _cell(""), ""]
    group = None
    for p in printed_rows(fig, "t3"):
        label = p.row.label
        if variant == "flattened_broken":
            label = _broken(label, 12)
        values = [_value(t, variant) for _, t in p.cells]
        if p.row.name == "granted":
            out += [_cell(T3_RESULTS), ""]
        if p.row.role == "outcome":
            lead = [_cell("")]
            if p.row.group:
                lead.append(_cell(p.row.group if p.row.group != group else ""))
            group = p.row.group
            out += lead + [_cell(label)] + values + [""]
        else:
            out += [_cell(label)] + values + [""]
    return out


def _t4(fig: dict, variant: str) -> list[str]:
    vertical = ["\t" + "\n".join(w) for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    out = [_cell(T4_REVIEW), _cell(T4_LITIGATION), ""]
    out += vertical + [_cell("未经复议直接起诉"), _cell("复议后起诉"), ""]
    out += ["\t"] * 7 + [""]
    out += ["\t"] * 5 + vertical + vertical + [""]
    out += ["\t"] * 15 + [""]
    values = [t for p in printed_rows(fig, "t4") for _, t in p.cells]
    out += [_value(t, variant) for t in values] + [""]
    return out


def render_text(fig: dict, variant: str = "flattened") -> bytes:
    if variant not in VARIANTS:
        raise ValueError(f"unknown text variant {variant!r}; one of {VARIANTS}")
    lines = [fig["title"], ""]
    lines += intro_paragraphs(fig)
    lines += [section_title("t2")] + _t2(fig, variant) + [""]
    lines += [section_title("t3")] + _t3(fig, variant) + [""]
    lines += [section_title("t4")] + _t4(fig, variant) + [""]
    lines += closing_sections(fig)
    return ("\n".join(lines) + "\n").encode("utf-8")
