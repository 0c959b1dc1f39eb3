#!/usr/bin/python3
"""tests/browser/report_page_test.py: reports/index.html as a person sees it, in headless Chromium.

  report_page_test.py INDEX_HTML CLAIM     check one claim (ctest runs each as a test)
  report_page_test.py INDEX_HTML all       check every claim, and print each diagram's
                                           smallest text height
  report_page_test.py --list               the claims' names

The page is opened from the file system in a 1280 px wide window through
WebDriver (Debian's chromium, chromium-driver and python3-selenium; run with
/usr/bin/python3, which sees Debian's modules), and measured in CSS pixels as
laid out: each diagram's box, each SVG text element's bounding box, each link.

Exit status: 0 the claim holds; 1 it does not (or the browser would not
start); 77 chromium or chromedriver is not installed, which ctest reports as
skipped (install them with apt-get: chromium chromium-driver python3-selenium).
"""

import json
import os
import shutil
import sys
import urllib.parse

sys.dont_write_bytecode = True  # No __pycache__ in the source tree.

WIDTH = 1280          # The window's width, in CSS px.
MIN_TEXT_PX = 9       # The smallest text height a diagram (lifecycle or explored) may show.
SKIP = 77

# The diagrams on the page: every lifecycle diagram (each lifecycle's two
# parts, the profile diff's two parts and the demonstration) and the explored
# state graphs, by their figure ids. A figure the test does not know fails it,
# so a new diagram is classified here before it ships.
LIFECYCLE = [
    "clickpipe-current", "clickpipe-current-faults",
    "clickpipe-2024", "clickpipe-2024-faults",
    "mongosync", "mongosync-faults",
    "clickpipe-2024-to-current", "clickpipe-2024-to-current-faults",
    "demo-counterexample",
]
EXPLORED = ["clickpipe-current-explored", "clickpipe-2024-explored", "mongosync-explored"]

CLAIMS = {}


def claim(function):
    CLAIMS[function.__name__] = function
    return function


class ClaimFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise ClaimFailed(message)


def find_browser():
    """(chromium, chromedriver) paths, or None when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        return None
    return chromium, driver


class Page:
    """The page loaded once in a fresh headless Chromium, with its logs."""

    def __init__(self, path, chromium, driver):
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as error:
            raise ClaimFailed(f"chromium is installed but selenium is not ({error}): "
                              "apt-get install python3-selenium")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         f"--window-size={WIDTH},900", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--disable-default-apps", "--force-device-scale-factor=1"]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.url = "file://" + urllib.parse.quote(os.path.abspath(path))
        self.directory = os.path.dirname(os.path.abspath(path))
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        try:
            self.driver.set_page_load_timeout(30)
            self.driver.get(self.url)
            self.driver.execute_script("return document.fonts.ready")
            # Read both logs once: reading empties them.
            self.console = self.driver.get_log("browser")
            self.requests = []
            for entry in self.driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                if message["method"] == "Network.requestWillBeSent":
                    self.requests.append(message["params"]["request"]["url"])
        except BaseException:
            self.driver.quit()
            raise

    def js(self, script):
        return self.driver.execute_script(script)

    def close(self):
        self.driver.quit()


def diagrams(page):
    """Per figure: id, how many SVGs, the SVG's box, its container's widths, and its
    smallest non-empty text element (height in CSS px and the text)."""
    return page.js("""
      const out = [];
      for (const figure of document.querySelectorAll('figure')) {
        const svgs = figure.querySelectorAll('svg');
        const item = {id: figure.id, svgs: svgs.length, texts: 0, min: null, minText: ''};
        if (svgs.length > 0) {
          const box = svgs[0].getBoundingClientRect();
          const holder = figure.querySelector('.diagram');
          item.width = box.width; item.height = box.height; item.right = box.right;
          item.scrollWidth = holder ? holder.scrollWidth : null;
          item.clientWidth = holder ? holder.clientWidth : null;
          for (const text of svgs[0].querySelectorAll('text')) {
            if (!text.textContent.trim()) continue;
            const h = text.getBoundingClientRect().height;
            item.texts += 1;
            if (item.min === null || h < item.min) { item.min = h; item.minText = text.textContent; }
          }
        }
        out.push(item);
      }
      return out;""")


def known_figures(figures):
    ids = [f["id"] for f in figures]
    check(sorted(ids) == sorted(LIFECYCLE + EXPLORED),
          f"the page's diagrams are {ids}; expected {LIFECYCLE + EXPLORED} (classify a new diagram "
          "in tests/browser/report_page_test.py)")


@claim
def EveryDiagramHasANonEmptyBoxWithinThePageWidth(page):
    check(page.js("return window.innerWidth") == WIDTH, f"the window is not {WIDTH} px wide")
    figures = diagrams(page)
    known_figures(figures)
    for f in figures:
        check(f["svgs"] == 1, f"{f['id']}: {f['svgs']} SVG elements, expected 1")
        check(f["width"] >= 100 and f["height"] >= 100,
              f"{f['id']}: the diagram's box is {f['width']:.0f} x {f['height']:.0f} px")
        check(f["texts"] > 0, f"{f['id']}: the diagram shows no text")
        check(f["right"] <= WIDTH and f["scrollWidth"] <= f["clientWidth"],
              f"{f['id']}: the diagram is wider than the page ({f['scrollWidth']} px in {f['clientWidth']} px)")
    overflow = page.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(overflow <= 0, f"the page scrolls sideways by {overflow} px")


@claim
def EveryNavigationLinkResolves(page):
    links = page.js("""
      return Array.from(document.querySelectorAll('a[href]'), a => ({
        href: a.getAttribute('href'), nav: a.closest('nav') !== null,
        target: a.getAttribute('href').startsWith('#')
          ? document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))) !== null : null}))""")
    fragments = [link for link in links if link["href"].startswith("#")]
    check(sum(1 for link in fragments if link["nav"]) >= 6,
          f"the navigation bar has {sum(1 for link in fragments if link['nav'])} links, expected at least 6")
    for link in fragments:
        check(link["target"], f"the link {link['href']} names no element on the page")
    # The links to the files beside the page (the .svg, .dot and .md files) name files that exist.
    for link in links:
        href = link["href"]
        if href.startswith("#") or urllib.parse.urlsplit(href).scheme:
            continue
        path = os.path.join(page.directory, urllib.parse.unquote(href.split("#")[0]))
        check(os.path.isfile(path), f"the link {href} names no file beside the page")
    labels = page.js("""
      return Array.from(document.querySelectorAll('label[for]'),
                        l => [l.htmlFor, document.getElementById(l.htmlFor) !== null])""")
    for name, found in labels:
        check(found, f"the label for {name} names no element")


@claim
def NoLifecycleDiagramTextIsUnder9Px(page):
    figures = diagrams(page)
    known_figures(figures)
    for f in figures:
        if f["id"] not in LIFECYCLE:
            continue
        check(f["texts"] > 0, f"{f['id']}: the diagram shows no text")
        check(f["min"] >= MIN_TEXT_PX,
              f"{f['id']}: the text '{f['minText']}' is {f['min']:.1f} px tall at a {WIDTH} px wide "
              f"window (at least {MIN_TEXT_PX} px)")


@claim
def NoExploredGraphTextIsUnder9Px(page):
    figures = diagrams(page)
    known_figures(figures)
    for f in figures:
        if f["id"] not in EXPLORED:
            continue
        check(f["texts"] > 0, f"{f['id']}: the graph shows no text")
        check(f["min"] >= MIN_TEXT_PX,
              f"{f['id']}: the text '{f['minText']}' is {f['min']:.1f} px tall at a {WIDTH} px wide "
              f"window (at least {MIN_TEXT_PX} px)")


@claim
def ThePageLogsNoConsoleErrors(page):
    errors = [entry for entry in page.console if entry.get("level") == "SEVERE"]
    check(not errors, "console errors: " + "; ".join(entry.get("message", "") for entry in errors))


@claim
def ThePageHasNoScriptsAndLoadsNothingFromTheNetwork(page):
    found = page.js("""
      const handlers = [];
      for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          const name = attribute.name.toLowerCase(), value = attribute.value.trim().toLowerCase();
          if (name.startsWith('on')) handlers.push(element.tagName + ' ' + name);
          if (/(^|:)href$|^src$|^action$|^data$/.test(name) && value.startsWith('javascript:'))
            handlers.push(element.tagName + ' ' + name + '=' + value);
        }
      }
      const loaders = Array.from(document.querySelectorAll(
          'link, img, iframe, frame, object, embed, video, audio, source, track, base, form, ' +
          'image, feImage, use, [src], [srcset], [background]'),
        e => e.tagName + ' ' + (e.getAttribute('src') || e.getAttribute('href') ||
                                e.getAttribute('xlink:href') || ''));
      let css = Array.from(document.querySelectorAll('style'), s => s.textContent).join('\\n');
      for (const e of document.querySelectorAll('[style]')) css += '\\n' + e.getAttribute('style');
      return {scripts: document.querySelectorAll('script').length,
              handlers: handlers, loaders: loaders,
              cssLoads: (css.match(/url\\s*\\(|@import/gi) || []).length,
              resources: performance.getEntriesByType('resource').map(r => r.name)};""")
    check(found["scripts"] == 0, f"the page has {found['scripts']} script elements")
    check(not found["handlers"], f"the page has script in attributes: {found['handlers'][:5]}")
    check(not found["loaders"], f"elements that load a resource: {found['loaders'][:5]}")
    check(found["cssLoads"] == 0, f"the style sheet loads {found['cssLoads']} resources (url() or @import)")
    check(not found["resources"], f"the page loaded resources: {found['resources'][:5]}")
    others = [url for url in page.requests if url.split("#")[0] != page.url]
    check(page.url in page.requests, "the browser's network log missed the page itself")
    check(not others, f"the page made requests beyond itself: {others[:5]}")


def summary(page):
    """Each diagram's smallest text height: the figures a reader asks for."""
    for f in diagrams(page):
        kind = "lifecycle" if f["id"] in LIFECYCLE else "explored"
        smallest = "no text" if f["min"] is None else f"{f['min']:.1f} px ('{f['minText']}')"
        print(f"  {f['id']} ({kind}): {f['width']:.0f} x {f['height']:.0f} px, smallest text {smallest}")


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(CLAIMS))
        return 0
    if len(argv) != 3 or (argv[2] != "all" and argv[2] not in CLAIMS):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, name = argv[1], argv[2]
    browser = find_browser()
    if browser is None:
        print("chromium or chromedriver is not installed: the page is not rendered "
              "(apt-get install chromium chromium-driver python3-selenium)")
        return SKIP
    if not os.path.isfile(path):
        print(f"FAIL: no page at {path}")
        return 1
    try:
        page = Page(path, *browser)
    except ClaimFailed as error:
        print(f"FAIL: {error}")
        return 1
    except Exception as error:  # The browser would not start: a failure, never a skip.
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(f"FAIL: Chromium through WebDriver did not open the page: {first}")
        return 1
    failed = 0
    try:
        for claim_name in (CLAIMS if name == "all" else [name]):
            try:
                CLAIMS[claim_name](page)
                print(f"ok: {claim_name}")
            except ClaimFailed as error:
                failed += 1
                print(f"FAIL: {claim_name}: {error}")
        if name == "all":
            summary(page)
    finally:
        page.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
