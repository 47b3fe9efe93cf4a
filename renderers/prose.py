"""The words around a report's tables: our own sentences, with the figures' narrative numbers."""
from __future__ import annotations


def subject(fig: dict) -> str:
    return fig["title"].split(str(fig["year"]))[0] or fig["region_name"]


def intro_paragraphs(fig: dict) -> list[str]:
    year = fig["year"]
    circular = "国办公开办函〔2021〕30号" if fig["template"] == "2021" else "国办公开办函〔2019〕60号"
    out = [
        f"本报告依据《中华人民共和国政府信息公开条例》和{circular}的格式要求编制，所列数据的统计期限自"
        f"{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{fig['publisher']}联系。",
        "一、总体情况",
        f"{year}年，{subject(fig)}按照条例要求做好政府信息主动公开、依申请公开和平台建设等各项工作。",
    ]
    received = fig.get("narrative", {}).get("applications_received")
    if received is not None:
        out.append(f"（二）依申请公开。畅通申请渠道，规范答复流程，全年共收到政府信息公开申请{received}件，均按时办理答复。")
    return out


def closing_sections(fig: dict) -> list[str]:
    return [
        "五、存在的主要问题及改进情况",
        "公开内容的深度和解读的针对性仍需加强。下一年度将继续完善公开目录，提高答复质量。",
        "六、其他需要报告的事项",
        "本年度未收取信息处理费。",
    ]
