"""The annual-report template (国办公开办函〔2021〕30号 and the 〔2019〕60号 trial form): one definition.

Every table, row and column has a canonical name, its printed Chinese label and the label fragments
used to recognise it in real documents. Parsing, the warehouse's accepted values, the checks and
the JSON all derive from the structures here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATE_2021 = "2021"
TEMPLATE_2019 = "2019"
TEMPLATE_PRE2019 = "pre2019"

SEMANTICS = ("number", "zero", "blank", "not_applicable", "text")


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    keys: tuple[str, ...]
    kind: str = "count"  # count | decimal | signed


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    keys: tuple[str, ...]
    columns: tuple[Column, ...] = ()
    # role in the arithmetic rules: input | outcome | total_handled | carried_forward | None
    role: str | None = None
    group: str | None = None  # printed group heading, e.g. （三）不予公开


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...] = ()  # shared columns (t3, t4); t2 rows carry their own

    def row(self, name: str) -> Row:
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def columns_of(self, row: Row) -> tuple[Column, ...]:
        return row.columns or self.columns


@dataclass(frozen=True)
class Template:
    name: str
    tables: tuple[Table, ...]
    optional_rows: frozenset = field(default_factory=frozenset)  # (table, row) that may be absent

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def cells(self) -> list[tuple[str, str, str]]:
        """Every (table, row, column) of the template, in printed order."""
        out = []
        for t in self.tables:
            for r in t.rows:
                for c in t.columns_of(r):
                    out.append((t.name, r.name, c.name))
        return out


# ---------------------------------------------------------------- table 二
_ISSUED = Column("issued", "本年制发件数", ("制发",))
_REPEALED = Column("repealed", "本年废止件数", ("废止",))
_IN_FORCE = Column("in_force", "现行有效件数", ("现行有效",))
_DECISIONS = Column("decisions", "本年处理决定数量", ("处理决定",))
_FEE = Column("amount_10k_yuan", "本年收费金额（单位：万元）", ("收费金额",), kind="decimal")

T2_2021 = Table("t2", "主动公开政府信息情况", (
    Row("regulation", "规章", ("规章",), (_ISSUED, _REPEALED, _IN_FORCE)),
    Row("normative_document", "行政规范性文件", ("规范性文件",), (_ISSUED, _REPEALED, _IN_FORCE)),
    Row("administrative_license", "行政许可", ("行政许可",), (_DECISIONS,)),
    Row("administrative_penalty", "行政处罚", ("行政处罚",), (_DECISIONS,)),
    Row("administrative_coercion", "行政强制", ("行政强制",), (_DECISIONS,)),
    Row("administrative_fee", "行政事业性收费", ("事业性收费",), (_FEE,)),
))

_NEWLY_MADE = Column("newly_made", "本年新制作数量", ("新制作",))
_NEWLY_PUBLISHED = Column("newly_published", "本年新公开数量", ("新公开",))
_TOTAL_PUBLISHED = Column("total_published", "对外公开总数量", ("公开总数",))
_ITEMS_PREV = Column("items_prev_year", "上一年项目数量", ("上一年项目",))
_ITEMS_CHANGE = Column("items_change", "本年增/减", ("增/减", "增减", "增(减)"), kind="signed")
_PROJECTS = Column("projects", "采购项目数量", ("采购项目",))
_AMOUNT = Column("amount", "采购总金额", ("采购总金额", "总金额"), kind="decimal")

_2019_DOCS = (_NEWLY_MADE, _NEWLY_PUBLISHED, _TOTAL_PUBLISHED)
_2019_ITEMS = (_ITEMS_PREV, _ITEMS_CHANGE, _DECISIONS)
T2_2019 = Table("t2", "主动公开政府信息情况", (
    Row("regulation", "规章", ("规章",), _2019_DOCS),
    Row("normative_document", "规范性文件", ("规范性文件",), _2019_DOCS),
    Row("administrative_license", "行政许可", ("行政许可",), _2019_ITEMS),
    Row("other_external_service", "其他对外管理服务事项", ("其他对外管理服务",), _2019_ITEMS),
    Row("administrative_penalty", "行政处罚", ("行政处罚",), _2019_ITEMS),
    Row("administrative_coercion", "行政强制", ("行政强制",), _2019_ITEMS),
    Row("administrative_fee", "行政事业性收费", ("事业性收费",), (_ITEMS_PREV, _ITEMS_CHANGE)),
    Row("government_procurement", "政府集中采购", ("集中采购",), (_PROJECTS, _AMOUNT)),
))

# ---------------------------------------------------------------- table 三
T3_COLUMNS = (
    Column("natural_person", "自然人", ("自然人",)),
    Column("commercial_enterprise", "商业企业", ("商业企业",)),
    Column("research_institution", "科研机构", ("科研机构",)),
    Column("social_welfare_org", "社会公益组织", ("社会公益组织", "公益组织")),
    Column("legal_service_org", "法律服务机构", ("法律服务机构",)),
    Column("other_org", "其他", ("其他",)),
    Column("total", "总计", ("总计", "合计")),
)
# A portal-added subtotal column (法人或其他组织 小计): read, never a template cell.
T3_SUBTOTAL_KEYS = ("小计", "法人或其他组织")

_DENIED = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"

# Row order is the printed order. Matching tries rows with a group first (their keys are specific),
# so a row that carries both its group heading and its item label resolves to the item.
_T3_HEAD = (
    Row("new_received", "一、本年新收政府信息公开申请数量", ("本年新收",), role="input"),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",), role="input"),
    Row("granted", "（一）予以公开", ("予以公开",), role="outcome"),
    Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",),
        role="outcome"),
    Row("denied_state_secret", "1.属于国家秘密", ("国家秘密",), role="outcome", group=_DENIED),
    Row("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", ("法律行政法规禁止", "法规禁止公开"),
        role="outcome", group=_DENIED),
    Row("denied_security_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及"), role="outcome",
        group=_DENIED),
    Row("denied_third_party_rights", "4.保护第三方合法权益", ("第三方合法权益", "第三方"), role="outcome",
        group=_DENIED),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", ("三类内部事务", "内部事务", "事务信息"),
        role="outcome", group=_DENIED),
    Row("denied_process_information", "6.属于四类过程性信息", ("过程性信息", "四类过程"), role="outcome",
        group=_DENIED),
    Row("denied_enforcement_case_file", "7.属于行政执法案卷", ("执法案卷",), role="outcome", group=_DENIED),
    Row("denied_administrative_query", "8.属于行政查询事项", ("行政查询",), role="outcome", group=_DENIED),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), role="outcome", group=_UNAVAILABLE),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成信息"), role="outcome",
        group=_UNAVAILABLE),
    Row("unavailable_unclear_after_correction", "3.补正后申请内容仍不明确", ("仍不明确", "补正后"),
        role="outcome", group=_UNAVAILABLE),
    Row("not_processed_petition_complaint", "1.信访举报投诉类申请", ("信访举报投诉", "信访"), role="outcome",
        group=_NOT_PROCESSED),
    Row("not_processed_duplicate", "2.重复申请", ("重复申请",), role="outcome", group=_NOT_PROCESSED),
    Row("not_processed_publication", "3.要求提供公开出版物", ("公开出版物",), role="outcome",
        group=_NOT_PROCESSED),
    Row("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",), role="outcome",
        group=_NOT_PROCESSED),
    Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具"),
        role="outcome", group=_NOT_PROCESSED),
)
_T3_OTHER_2021 = (
    Row("other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正",),
        role="outcome", group=_OTHER),
    Row("other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("缴纳费用", "收费通知"), role="outcome", group=_OTHER),
    Row("other_other", "3.其他", ("3.其他",), role="outcome", group=_OTHER),
)
OTHER_HANDLING = Row("other_handling", "（六）其他处理", ("其他处理",), role="outcome")
_T3_TAIL = (
    Row("total_handled", "（七）总计", ("(七)总计", "总计", "合计"), role="total_handled"),
    Row("carried_forward", "四、结转下年度继续办理", ("结转下年度", "下年度继续"), role="carried_forward"),
)
T3_2021 = Table("t3", "收到和处理政府信息公开申请情况", _T3_HEAD + _T3_OTHER_2021 + _T3_TAIL, T3_COLUMNS)
T3_2019 = Table("t3", "收到和处理政府信息公开申请情况", _T3_HEAD + (OTHER_HANDLING,) + _T3_TAIL, T3_COLUMNS)
OTHER_SUBROWS = tuple(r.name for r in _T3_OTHER_2021)

# ---------------------------------------------------------------- table 四
T4_COLUMNS = (
    Column("upheld", "结果维持", ("维持",)),
    Column("corrected", "结果纠正", ("纠正",)),
    Column("other", "其他结果", ("其他结果",)),
    Column("pending", "尚未审结", ("尚未审结", "未审结")),
    Column("total", "总计", ("总计", "合计")),
)
T4 = Table("t4", "政府信息公开行政复议、行政诉讼情况", (
    Row("admin_review", "行政复议", ("行政复议",)),
    Row("litigation_direct", "未经复议直接起诉", ("未经复议", "直接起诉")),
    Row("litigation_after_review", "复议后起诉", ("复议后起诉",)),
), T4_COLUMNS)

TEMPLATES: dict[str, Template] = {
    TEMPLATE_2021: Template(TEMPLATE_2021, (T2_2021, T3_2021, T4)),
    TEMPLATE_2019: Template(TEMPLATE_2019, (T2_2019, T3_2019, T4)),
}

# Words the form prints around its cells (headers, captions), for renderers and table recognition.
T2_CONTENT = "信息内容"
T2_BLOCKS = {  # table 二's captioned blocks: the clause of 第二十条 and the rows published under it
    TEMPLATE_2021: (("第二十条第（一）项", ("regulation", "normative_document")),
                    ("第二十条第（五）项", ("administrative_license",)),
                    ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
                    ("第二十条第（八）项", ("administrative_fee",))),
    TEMPLATE_2019: (("第二十条第（一）项", ("regulation", "normative_document")),
                    ("第二十条第（五）项", ("administrative_license", "other_external_service")),
                    ("第二十条第（六）项", ("administrative_penalty", "administrative_coercion")),
                    ("第二十条第（八）项", ("administrative_fee",)),
                    ("第二十条第（九）项", ("government_procurement",))),
}
T3_APPLICANTS = "申请人情况"
T3_ORGANISATIONS = "法人或其他组织"
T3_RESULTS = "三、本年度办理结果"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_REVIEW = "行政复议"
T4_LITIGATION = "行政诉讼"

TABLE_TITLES = {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况",
                "t4": "四、政府信息公开行政复议、行政诉讼情况"}


def t3_variant(template: str, other_as_one_row: bool) -> Table:
    """Table 三 as printed: the 2019 form, or a 2021 report that kept （六）其他处理 as one row."""
    if template == TEMPLATE_2019 or other_as_one_row:
        return T3_2019
    return T3_2021


def expected_cells(template: str, other_as_one_row: bool = False) -> list[tuple[str, str, str]]:
    """The template cells a complete report of this template carries."""
    tpl = TEMPLATES[template]
    out = []
    for t in tpl.tables:
        table = t3_variant(template, other_as_one_row) if t.name == "t3" else t
        for r in table.rows:
            for c in table.columns_of(r):
                out.append((table.name, r.name, c.name))
    return out


def all_template_cells() -> list[dict]:
    """Every (template, table, row, column) with labels, roles and kinds: the warehouse's dimension."""
    seen = set()
    out = []
    variants = [(TEMPLATE_2021, T2_2021), (TEMPLATE_2021, T3_2021), (TEMPLATE_2021, T3_2019), (TEMPLATE_2021, T4),
                (TEMPLATE_2019, T2_2019), (TEMPLATE_2019, T3_2019), (TEMPLATE_2019, T4)]
    for tpl, table in variants:
        for ri, r in enumerate(table.rows):
            for ci, c in enumerate(table.columns_of(r)):
                key = (tpl, table.name, r.name, c.name)
                if key in seen:
                    continue
                seen.add(key)
                out.append({"template": tpl, "table_name": table.name, "row_name": r.name,
                            "column_name": c.name, "row_label": r.label, "column_label": c.label,
                            "row_group": r.group, "role": r.role, "kind": c.kind,
                            "row_order": ri, "column_order": ci})
    return out
