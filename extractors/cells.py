"""Reading one printed cell: its number (or none) and its semantic, and label normalisation."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import cn2an

NOT_APPLICABLE = {"/", "\\", "-", "—", "——", "–", "―", "─", "无", "不适用", "/ /", "--"}
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
# What may follow a number in a cell without making it text: nothing, a unit, or a note in brackets.
_TAIL = re.compile(r"^(件|个|项|条|份|次|人|元|万元|万|%|（.*|\(.*|\[.*|【.*)?$")
_CN_NUMERAL = re.compile(r"^[零〇一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟]+$")
_QUOTES = "\"'“”‘’「」『』"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def normalize_label(text: str) -> str:
    """A label as compared to the template's keys: half-width, no whitespace or quotes, numbering as `1.`."""
    t = nfkc(text)
    t = re.sub(r"\s+", "", t)
    t = t.translate({ord(q): None for q in _QUOTES})
    t = re.sub(r"^(\d+)[、.,，]", r"\1.", t)
    t = t.replace("（", "(").replace("）", ")")
    return t


def read_cell(raw: str | None, kind: str = "count") -> tuple[int | float | None, str]:
    """(value, semantic) of a printed cell. Blank reads as 0 (semantic `blank`); '/' and the like as None."""
    text = re.sub(r"\s+", "", nfkc(raw or ""))
    # A minus typeset as the minus sign ("−18"), or as an en dash in a signed 本年增/减 column ("–18").
    text = re.sub(r"^[\u2212\u2013](?=\d)" if kind == "signed" else r"^\u2212(?=\d)", "-", text)
    if text == "":
        return 0, "blank"
    if text in NOT_APPLICABLE or set(text) <= set("/-—–―─\\"):
        return None, "not_applicable"
    m = _NUMBER.match(text)
    if m and _TAIL.match(text[m.end():]):
        sign, digits, frac = m.groups()
        number: int | float = float(digits.replace(",", "") + (frac or "")) if frac else int(digits.replace(",", ""))
        if sign == "-":
            number = -number
        tail = text[m.end():]
        if kind == "decimal" and tail.startswith("元"):  # printed in 元, the column is 万元; exact, not rounded
            number = float(Decimal(sign + digits.replace(",", "") + (frac or "")) / 10000)
        if isinstance(number, float) and number.is_integer() and kind != "decimal":
            number = int(number)
        return number, ("zero" if number == 0 else "number")
    if _CN_NUMERAL.match(text):
        try:
            number = int(cn2an.cn2an(text, "normal"))
        except (ValueError, KeyError):
            return None, "text"
        return number, ("zero" if number == 0 else "number")
    return None, "text"


def looks_like_value(raw: str | None) -> bool:
    """Whether a cell can stand in a value position (a number, a blank, a not-applicable mark)."""
    return read_cell(raw)[1] != "text"
