"""How a large `pipeline report` page behaves in Debian's headless chromium: load time, first search, JS heap.

Usage: python bench/report_load.py REPORT.html QUERY

Prints the seconds until the article list is shown, the seconds from typing QUERY until the count changes
(the first search also builds the lower-cased text of every article), and the page's JS heap in MB.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1200,900"]


def main() -> None:
    """Loads the page, searches once, prints the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("query")
    args = parser.parse_args()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            start = time.monotonic()
            driver.get(args.report.resolve().as_uri())
            before = driver.find_element("id", "count").text
            print(f"load {time.monotonic() - start:.2f} s: {before}")
            start = time.monotonic()
            driver.find_element("id", "q").send_keys(args.query)
            while driver.find_element("id", "count").text == before:
                time.sleep(0.02)
            print(f"first search {time.monotonic() - start:.2f} s: {driver.find_element('id', 'count').text}")
            heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null")
            print(f"JS heap {heap:.0f} MB" if heap else "JS heap: not reported")
        finally:
            driver.quit()


if __name__ == "__main__":
    main()
