#!/usr/bin/env python3
"""Measures what a first search downloads and how long it takes, in headless Chromium.

    python3 Tests/browser/measure_search.py SITE_DIR [QUERY ...]

SITE_DIR is a built site (built with the default base URL "/"). It is served on 127.0.0.1 for
the run. For each query a fresh page with the browser cache disabled opens /search/, runs the
query and reports the index files loaded (bytes as served, and gzip-compressed as a server with
compression would send them) and the time from submit to the result count being shown.
"""

import gzip
import http.server
import os
import shutil
import socketserver
import sys
import threading
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

os.environ.setdefault("SE_OFFLINE", "true")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    site = os.path.abspath(sys.argv[1])
    queries = sys.argv[2:] or ["mosul", "the", "government forces", "ka", "الموصل"]
    httpd = socketserver.ThreadingTCPServer(
        ("127.0.0.1", 0), lambda *a: QuietHandler(*a, directory=site))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d/" % httpd.server_address[1]

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    print("%-22s %8s %6s %10s %10s %8s" % ("query", "results", "files", "bytes", "gzip", "ms"))
    try:
        for query in queries:
            driver.get(base + "search/")
            driver.execute_script("""
                var status = document.getElementById('search-status');
                window.__done = null;
                new MutationObserver(function () {
                  if (window.__done === null && /result/.test(status.textContent)) { window.__done = performance.now(); }
                }).observe(status, {childList: true, characterData: true, subtree: true});
                performance.clearResourceTimings();
                document.getElementById('search-input').value = arguments[0];
                window.__start = performance.now();
                document.getElementById('search-form').requestSubmit();
            """, query)
            WebDriverWait(driver, 60).until(lambda d: d.execute_script("return window.__done !== null"))
            elapsed = driver.execute_script("return window.__done - window.__start")
            names = driver.execute_script(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                ".filter(function (n) { return n.indexOf('/search/') >= 0 && /\\.json$/.test(n); })")
            total = zipped = 0
            for name in names:
                path = os.path.join(site, urllib.parse.urlparse(name).path.lstrip("/"))
                with open(path, "rb") as handle:
                    data = handle.read()
                total += len(data)
                zipped += len(gzip.compress(data, 6))
            status = driver.find_element("id", "search-status").text
            count = status.split(" ")[0]
            print("%-22s %8s %6d %10d %10d %8.0f" % (query[:22], count, len(names), total, zipped, elapsed))
    finally:
        driver.quit()
        httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
