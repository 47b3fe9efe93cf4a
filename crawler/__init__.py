"""The crawler: find each portal's 政府信息公开工作年度报告 and download them politely into the raw archive."""
