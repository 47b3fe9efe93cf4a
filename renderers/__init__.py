"""Renderers: the project's own documents, drawn from a report's figures in the layouts real portals use.

They build the bundled samples, the demo portals and the test corpus. Figures files
(`data/figures/*.json`) hold the numbers and metadata; every word around them is ours.
"""
