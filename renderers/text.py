"""Reports as plain text with tables flattened one cell per line, the way Word text exports print them."""
from __future__ import annotations

from renderers.common import PrintedRow, printed_rows, section_title
from renderers.prose import closing_sections, intro_paragraphs

VARIANTS = ("flattened", "flattened_blank_zeros", "flattened_broken")

# Table 二's printed blocks: (caption, header words, rows) — rows named as in the template.
T2_BLOCKS_2021 = (
    ("第二十条第（一）项", ("regulation", "normative_document")),
    ("第二十条第（五）项", ("administrative_license",)),
    ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
    ("第二十条第（八）项", ("administrative_fee",)),
)
T2_BLOCKS_2019 = (
    ("第二十条第（一）项", ("regulation", "normative_document")),
    ("第二十条第（五）项", ("administrative_license", "other_external_service")),
    ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
    ("第二十条第（八）项", ("administrative_fee",)),
    ("第二十条第（九）项", ("government_procurement",)),
)


def t2_blocks(fig: dict) -> list[tuple[str, list[PrintedRow]]]:
    """Table 二 as its printed blocks, each a caption and its rows."""
    rows = {p.row.name: p for p in printed_rows(fig, "t2")}
    blocks = T2_BLOCKS_2019 if fig["template"] == "2019" else T2_BLOCKS_2021
    return [(caption, [rows[name] for name in names]) for caption, names in blocks]


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
        out += [_cell("信息内容")] + [_cell(c.label) for c, _ in rows[0].cells] + [""]
        for p in rows:
            out += [_cell(p.row.label)] + [_value(t, variant) for _, t in p.cells] + [""]
    return out


def _broken(label: str, width: int) -> str:
    """A label wrapped every `width` characters, as narrow table cells print it."""
    return "\n".join(label[i:i + width] for i in range(0, len(label), width))


def _t3(fig: dict, variant: str) -> list[str]:
    out = [_cell(""), _cell("申请人情况"), "",
           _cell(""), _cell("自然人"), _cell("法人或其他组织"), _cell("总计"), ""]
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
            out += [_cell("三、本年度办理结果"), ""]
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
    out = [_cell("行政复议"), _cell("行政诉讼"), ""]
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
