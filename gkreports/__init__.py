"""gkreports: the warehouse of 政府信息公开工作年度报告 — loading, checks and the command line."""
