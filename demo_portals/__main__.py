"""Command line: `python -m demo_portals serve [--port 8765]` serves the demo site; `check` verifies its reports;
`scale N ROOT` generates the scale corpus of N reports (demo_portals/scale.py) and `serve --scale N --scale-root ROOT`
serves it (generating it first if needed) instead of the demo site."""
from __future__ import annotations

import argparse
import sys
import time


def _serve(args) -> int:
    from demo_portals import DemoServer, build_demo

    started = time.monotonic()
    if args.scale is not None:
        from demo_portals.scale import build_scale_site
        if args.scale_root is None:
            print("--scale needs --scale-root (where the corpus is generated and kept)", file=sys.stderr)
            return 2
        site = build_scale_site(args.scale, args.scale_root, args.seed)
    else:
        site = build_demo()
    server = DemoServer(site, port=args.port, slow_seconds=args.slow_seconds)
    print(f"demo portals: {len(site.portals)} portals, {len(site.resources)} resources "
          f"(built in {time.monotonic() - started:.1f} s)", file=sys.stderr)
    print(f"serving on {server.base_url}  (Ctrl-C to stop)", file=sys.stderr)
    print(f"# base URL: {server.base_url}")
    print(site.registry_toml(server.base_url), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _check(args) -> int:
    from demo_portals import build_demo
    from demo_portals.verify import check_site

    problems = check_site(build_demo())
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_portals", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the demo portals on 127.0.0.1 and print the registry TOML")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--slow-seconds", type=float, default=5.0, help="how long 'slow' resources take")
    serve.add_argument("--scale", type=int, default=None, metavar="N", help="serve the scale corpus of N reports")
    serve.add_argument("--scale-root", default=None, help="the scale corpus's cache directory")
    serve.add_argument("--seed", type=int, default=0, help="the scale corpus's seed")
    serve.set_defaults(run=_serve)
    scale = sub.add_parser("scale", add_help=False,
                           help="generate the scale corpus of N reports under ROOT (python -m demo_portals.scale)")
    scale.set_defaults(run=None)
    check = sub.add_parser("check", help="extract every expected report and compare it with its figures")
    check.set_defaults(run=_check)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["scale"]:
        from demo_portals.scale import main as scale_main
        return scale_main(argv[1:])
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
