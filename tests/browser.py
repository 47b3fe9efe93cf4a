"""Open a page in headless Chromium (Debian's /usr/bin/chromium) over the DevTools protocol, on loopback only:
what the page logged as errors, a JavaScript expression's value, and a screenshot."""
from __future__ import annotations

import base64
import itertools
import json
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1300,1800")


@dataclass
class PageVisit:
    errors: list[str] = field(default_factory=list)   # console errors, uncaught exceptions, failed loads
    values: dict[str, object] = field(default_factory=dict)


def visit(url: str, profile: Path, expressions: dict[str, str], screenshot: Path, timeout: float = 30) -> PageVisit:
    """Load `url`, wait for its load event, evaluate `expressions`, save a PNG screenshot."""
    from websockets.sync.client import connect
    profile.mkdir(parents=True, exist_ok=True)
    browser = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file, deadline = profile / "DevToolsActivePort", time.monotonic() + timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or browser.poll() is not None:
                raise RuntimeError("chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            page = next(t for t in json.load(response) if t["type"] == "page")
        visit_result = PageVisit()
        ids = itertools.count(1)
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10) as ws:
            def call(method, **params):
                ident = next(ids)
                ws.send(json.dumps({"id": ident, "method": method, "params": params}))
                while True:
                    message = json.loads(ws.recv(timeout=timeout))
                    if message.get("id") == ident:
                        if "error" in message:
                            raise RuntimeError(f"{method}: {message['error']}")
                        return message.get("result", {})
                    note(message)

            def note(message):
                method, params = message.get("method"), message.get("params", {})
                if method == "Runtime.exceptionThrown":
                    details = params["exceptionDetails"]
                    visit_result.errors.append(details.get("exception", {}).get("description") or details.get("text", ""))
                elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                    visit_result.errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
                elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                    visit_result.errors.append(params["entry"].get("text", ""))
                elif method == "Page.loadEventFired":
                    visit_result.values["_loaded"] = True

            for domain in ("Page", "Runtime", "Log"):
                call(f"{domain}.enable")
            call("Page.navigate", url=url)
            while not visit_result.values.get("_loaded"):
                note(json.loads(ws.recv(timeout=timeout)))
            for name, expression in expressions.items():
                visit_result.values[name] = call("Runtime.evaluate", expression=expression,
                                                 returnByValue=True)["result"].get("value")
            shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            try:  # anything logged while the screenshot was taken
                while True:
                    note(json.loads(ws.recv(timeout=0.2)))
            except TimeoutError:
                pass
        return visit_result
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
