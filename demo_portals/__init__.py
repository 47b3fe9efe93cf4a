"""Demo portals: fixture web sites imitating real CMS families, drawn from our renderers and served on 127.0.0.1.

`build_demo()` makes every portal's pages and files (deterministically); `DemoServer` serves them with
conditional GET and injected faults; `python -m demo_portals serve` runs one by hand.
"""
from demo_portals.model import DemoPortal, DemoSite, ExpectedReport, Resource
from demo_portals.server import DemoServer, RequestRecord
from demo_portals.site import build_demo

__all__ = ["Resource", "DemoPortal", "ExpectedReport", "DemoSite", "build_demo", "DemoServer", "RequestRecord"]
