#!/usr/bin/env python3
"""Real-browser tests of the built sample site, in headless Chromium.

Run by Tests/browser/run.sh, which builds and serves the site. By hand:

    DOSSIER_BASE_URL=http://127.0.0.1:8000/ python3 Tests/browser/test_site.py

Environment:
    DOSSIER_BASE_URL   address the site is served at, ending in '/' (required)
    SCREENSHOT_DIR     where the screenshots go (default /tmp/dossier-screenshots)
    CHROMIUM, CHROMEDRIVER   paths of the browser and the driver (default: found on PATH)

Works with plain unittest (python3 Tests/browser/test_site.py) and with pytest.
"""

import json
import os
import shutil
import sys
import unittest
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from axe_selenium_python import Axe

try:  # axe-selenium-python 2.1.6, the last for Python < 3.12, bundles axe-core 3.1 (2018); prefer 4.x.
    import selenium_axe_python
    AXE_SCRIPT = os.path.join(os.path.dirname(selenium_axe_python.__file__), "axe-core", "axe.min.js")
except ImportError:
    AXE_SCRIPT = None
if not (AXE_SCRIPT and os.path.exists(AXE_SCRIPT)):
    AXE_SCRIPT = os.path.join(os.path.dirname(sys.modules["axe_selenium_python"].__file__),
                              "node_modules", "axe-core", "axe.min.js")

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.environ.get("DOSSIER_BASE_URL", "http://127.0.0.1:8000/")
if not BASE.endswith("/"):
    BASE += "/"
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "/tmp/dossier-screenshots")
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING_IMPACTS = ("serious", "critical")

driver = None


def url(path=""):
    return urllib.parse.urljoin(BASE, path)


def setUpModule():
    global driver
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-US", "--force-color-profile=srgb",
                     "--hide-scrollbars", "--disable-extensions", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
                      or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    set_viewport(*VIEWPORTS["desktop"])


def tearDownModule():
    if driver is not None:
        driver.quit()


def set_viewport(width, height, mobile=False):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def set_color_scheme(scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def wait(condition, timeout=10, message=""):
    return WebDriverWait(driver, timeout).until(lambda d: condition(), message)


def css(selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def browser_errors():
    """SEVERE console entries since the last call, other than a missing /favicon.ico."""
    return [entry for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]]


def search(query, via_url=False):
    """Runs a search and waits for the status line; returns the result items."""
    if via_url:
        driver.get(url("search/?q=" + urllib.parse.quote(query)))
    else:
        if not driver.current_url.startswith(url("search/")):
            driver.get(url("search/"))
        box = driver.find_element(By.ID, "search-input")
        box.clear()
        box.send_keys(query)
        box.send_keys(Keys.ENTER)
    wait(lambda: query_in_status(query), message="no search status for %r" % query)
    return css("#search-results > li")


def query_in_status(query):
    text = driver.find_element(By.ID, "search-status").text
    return ("result" in text) and query in text


def result_titles():
    return [item.find_element(By.CSS_SELECTOR, ".result-title a").text for item in css("#search-results > li")]


def first_briefing_with_actor_link():
    """From the home page, a briefing whose body links to an actor: (briefing URL, actor link)."""
    driver.get(url())
    candidates = [a.get_attribute("href") for a in css(".latest .briefing-item h3 a")]
    candidates += [a.get_attribute("href") for a in css(".briefing-item h3 a")]
    for href in candidates:
        driver.get(href)
        links = css('.body a[href*="/actors/"]')
        if links:
            return href, links[0]
    raise AssertionError("no briefing on the home page links to an actor in its body")


class NavigationTests(unittest.TestCase):
    def test_home_page(self):
        driver.get(url())
        self.assertIn("Levant Monitor", driver.title)
        self.assertEqual(css("h1")[0].text, "Levant Monitor")
        self.assertGreater(len(css(".latest .briefing-item")), 3)
        self.assertTrue(css("a.skip-link[href='#main']"))
        self.assertEqual(browser_errors(), [])

    def test_cross_link_from_briefing_to_entity_and_back(self):
        briefing_url, link = first_briefing_with_actor_link()
        briefing_title = css("h1")[0].text
        actor_url = link.get_attribute("href")
        link.click()
        wait(lambda: driver.current_url == actor_url, message="did not reach " + actor_url)
        self.assertIn("/actors/", driver.current_url)
        self.assertTrue(css(".entity h1"))
        back = [a for a in css(".briefing-item h3 a") if a.get_attribute("href") == briefing_url]
        self.assertTrue(back, "the entity page does not list %s" % briefing_url)
        self.assertEqual(back[0].text, briefing_title)
        back[0].click()
        wait(lambda: driver.current_url == briefing_url, message="did not come back to the briefing")
        self.assertEqual(css("h1")[0].text, briefing_title)
        driver.back()
        wait(lambda: driver.current_url == actor_url, message="history back did not return to the entity")
        self.assertEqual(browser_errors(), [])


class SearchTests(unittest.TestCase):
    def test_name(self):
        results = search("Mosul")
        self.assertTrue(results)
        titles = result_titles()
        self.assertEqual(titles[0], "Mosul", titles)
        first = results[0]
        self.assertEqual(first.find_element(By.CSS_SELECTOR, ".result-kind").text.lower(), "place")
        self.assertEqual(first.find_element(By.CSS_SELECTOR, ".result-title a").get_attribute("href"),
                         url("places/mosul/"))
        self.assertIn("Mosul", [mark.text for mark in first.find_elements(By.TAG_NAME, "mark")])
        # Briefings with Mosul in their title follow, with a date.
        briefing = next(item for item in results if item.find_element(By.CSS_SELECTOR, ".result-kind").text.lower() == "briefing")
        self.assertTrue(briefing.find_elements(By.CSS_SELECTOR, "time[datetime]"))
        self.assertIn("q=Mosul", driver.current_url)
        self.assertIn("result", driver.find_element(By.ID, "search-status").text)
        self.assertEqual(browser_errors(), [])

    def test_alias(self):
        search("ISIS")
        titles = result_titles()
        self.assertEqual(titles[0], "Daesh", titles)
        first = css("#search-results > li")[0]
        self.assertIn("ISIS", [mark.text for mark in first.find_elements(By.CSS_SELECTOR, ".result-aliases mark")])

    def test_arabic_alias(self):
        search("الموصل")
        titles = result_titles()
        self.assertEqual(titles[0], "Mosul", titles)
        # Without the article's hamza or with harakat it is the same word.
        search("المَوْصِل")
        self.assertEqual(result_titles()[0], "Mosul")

    def test_query_from_address_and_prefix(self):
        search("Baghd", via_url=True)
        self.assertEqual(driver.find_element(By.ID, "search-input").get_attribute("value"), "Baghd")
        titles = result_titles()
        self.assertIn("Baghdad", titles)
        self.assertIn("Abu Bakr al-Baghdadi", titles)

    def test_every_word_must_match_and_diacritics_fold(self):
        search("tall afar")
        self.assertIn("Tal Afar", result_titles())
        search("TAL ʿAFAR")
        self.assertIn("Tal Afar", result_titles())
        search("mosul zzzzqqq")
        self.assertEqual(css("#search-results > li"), [])
        self.assertIn("No results", driver.find_element(By.ID, "search-status").text)

    def test_keyboard_only(self):
        driver.get(url("search/"))
        box = driver.find_element(By.ID, "search-input")
        box.click()
        box.send_keys("Mosul", Keys.ENTER)
        wait(lambda: query_in_status("Mosul"))
        box.send_keys(Keys.ARROW_DOWN)
        active = driver.switch_to.active_element
        self.assertEqual(active.get_attribute("href"), url("places/mosul/"))
        active.send_keys(Keys.ARROW_DOWN)
        self.assertNotEqual(driver.switch_to.active_element.get_attribute("href"), url("places/mosul/"))
        driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        wait(lambda: driver.current_url == url("places/mosul/"), message="Enter on the first result did not open it")

    def test_results_are_text_not_markup(self):
        search("<img src=x onerror=alert(1)>")
        self.assertEqual(css("#search-results img"), [])
        self.assertIn("&lt;", driver.execute_script("return document.getElementById('search-status').innerHTML"))

    def test_only_own_files_are_loaded(self):
        search("Mosul", via_url=True)
        entries = driver.execute_script(
            "return performance.getEntriesByType('resource').map(function (e) {"
            " return {name: e.name, size: e.transferSize || e.encodedBodySize}; })")
        foreign = [e["name"] for e in entries if not e["name"].startswith(BASE)]
        self.assertEqual(foreign, [])
        index = [e for e in entries if "/search/" in e["name"] and e["name"].endswith(".json")]
        self.assertTrue(any(e["name"].endswith("/search/index.json") for e in index))
        print("\n  first search for 'Mosul' loaded %d index files, %d bytes"
              % (len(index), sum(e["size"] for e in index)), file=sys.stderr)

    def test_normalisation_matches_swift(self):
        """The cases SearchIndexTests runs through SearchText.tokens, through the page's JS."""
        driver.get(url("search/"))
        wait(lambda: driver.execute_script("return !!(window.DossierSearch && window.DossierSearch.tokens)"))
        with open(os.path.join(HERE, "normalization-cases.json"), encoding="utf-8") as handle:
            cases = json.load(handle)
        for text, expected in cases:
            got = driver.execute_script("return window.DossierSearch.tokens(arguments[0])", text)
            self.assertEqual(got, expected, "tokens of %r" % text)


class AccessibilityTests(unittest.TestCase):
    """axe-core on each kind of page; any serious or critical violation fails."""

    def check(self, name, path, after_load=None):
        driver.get(url(path))
        if after_load:
            after_load()
        axe = Axe(driver, script_url=AXE_SCRIPT)
        axe.inject()
        results = axe.run()
        AccessibilityTests.version = results.get("testEngine", {}).get("version", "?")
        violations = results["violations"]
        for violation in violations:
            nodes = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            print("\n  axe %s: %s (%s) %s" % (name, violation["id"], violation["impact"], nodes), file=sys.stderr)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        self.assertEqual(blocking, [], "%s: %s" % (name, axe.report(blocking)))

    def pages(self):
        driver.get(url())
        briefing = css(".latest .briefing-item h3 a")[0].get_attribute("href")
        return [
            ("home", ""),
            ("briefing", briefing),
            ("entity", "places/mosul/"),
            ("actor", "actors/daesh/"),
            ("actors index", "actors/"),
            ("places index", "places/"),
            ("timeline", "timeline/"),
            ("tags", "tags/"),
            ("briefings", "briefings/"),
            ("about", "about/"),
            ("404", "404.html"),
        ]

    def test_pages_light(self):
        for name, path in self.pages():
            with self.subTest(page=name):
                self.check(name, path)

    def test_search_results(self):
        self.check("search results", "search/?q=Mosul", lambda: wait(lambda: query_in_status("Mosul")))

    @classmethod
    def tearDownClass(cls):
        print("\n  axe-core %s from %s" % (getattr(cls, "version", "?"), AXE_SCRIPT), file=sys.stderr)

    def test_dark_mode(self):
        set_color_scheme("dark")
        try:
            self.check("home (dark)", "")
            self.check("entity (dark)", "places/mosul/")
            self.check("search results (dark)", "search/?q=ISIS", lambda: wait(lambda: query_in_status("ISIS")))
        finally:
            set_color_scheme("light")


class ScreenshotTests(unittest.TestCase):
    def test_screenshots(self):
        os.makedirs(SCREENSHOT_DIR, exist_ok=True)
        driver.get(url())
        briefing = css(".latest .briefing-item h3 a")[0].get_attribute("href")
        pages = [("home", url()), ("briefing", briefing), ("entity", url("places/mosul/")),
                 ("timeline", url("timeline/")), ("search", url("search/?q=Mosul"))]
        written = []
        try:
            for viewport, (width, height) in VIEWPORTS.items():
                set_viewport(width, height, mobile=viewport == "phone")
                for name, address in pages:
                    driver.get(address)
                    if name == "search":
                        wait(lambda: query_in_status("Mosul"))
                    path = os.path.join(SCREENSHOT_DIR, "%s-%s.png" % (name, viewport))
                    self.assertTrue(driver.save_screenshot(path), path)
                    written.append(path)
        finally:
            set_viewport(*VIEWPORTS["desktop"])
        print("\n  %d screenshots in %s" % (len(written), SCREENSHOT_DIR), file=sys.stderr)
        # Nothing sticks out sideways on a phone.
        set_viewport(*VIEWPORTS["phone"], mobile=True)
        try:
            for name, address in pages:
                driver.get(address)
                overflow = driver.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
                self.assertLessEqual(overflow, 0, "%s scrolls sideways on a phone" % name)
        finally:
            set_viewport(*VIEWPORTS["desktop"])


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("browser: %d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
