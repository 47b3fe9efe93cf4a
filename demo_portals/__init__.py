"""Demo portals: fixture web sites imitating real CMS families, drawn from our renderers and served on 127.0.0.1.

`build_demo()` makes every portal's pages and files (deterministically); `DemoServer` serves them with
conditional GET and injected faults; `python -m demo_portals serve` runs one by hand. `build_scale_site(n, root)`
(demo_portals/scale.py) makes a corpus of n reports over many portals once, to disk, and serves it from there.
"""
from demo_portals.model import DemoPortal, DemoSite, ExpectedReport, Resource
from demo_portals.server import DemoServer, RequestRecord
from demo_portals.scale import ScaleSite, build_scale_site, load_scale_site
from demo_portals.site import build_demo

__all__ = ["Resource", "DemoPortal", "ExpectedReport", "DemoSite", "build_demo", "DemoServer", "RequestRecord",
           "ScaleSite", "build_scale_site", "load_scale_site"]
