"""Fixtures for the browser tests: the built site served on 127.0.0.1 and one Chromium.

The site directory is ``$OPTIMLAB_SITE`` (default ``<repo>/_build/html``); the pages are
the book's pages as listed in ``_toc.yml`` plus the root ``index.html``. Each page is
loaded once, in a fresh browser context, and what it did is kept in a ``PageReport``
that the per-check tests in ``test_site.py`` read.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "book" / "_ext"))
import optimlab_slides  # noqa: E402  (the book's one reading of _toc.yml)
sys.path.insert(0, str(REPO / "tests" / "slides"))
from _chromium import QuietServer  # noqa: E402

SITE = Path(os.environ.get("OPTIMLAB_SITE", REPO / "_build" / "html")).resolve()
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# axe-core from npm (`make assets` runs `npm ci`); the tests inject it, the site never ships it.
AXE_PATHS = [REPO / "node_modules/axe-core/axe.min.js"]


def _skippable() -> list[str]:
    """The selectors of the boxes the browser may skip until they come near the screen:
    every rule with ``content-visibility: auto`` in assets/optimlab.css, in its order."""
    css = re.sub(r"/\*.*?\*/", "", (REPO / "assets" / "optimlab.css").read_text(encoding="utf-8"),
                 flags=re.S)
    return [" ".join(sel.split()) for sel in
            re.findall(r"([^{}]+)\{[^{}]*content-visibility:\s*auto[^{}]*\}", css)]


#: a chapter's sections, then the blocks inside them (paragraphs, equations, cells, ...)
SKIPPED_SECTIONS, SKIPPED_BLOCKS = _skippable()
#: everything the browser may skip: laid out whole (``content-visibility: visible``) it
#: reads as a reader who scrolled to it sees it
SKIPPED = f"{SKIPPED_SECTIONS}, {SKIPPED_BLOCKS}"
# Files a static host sends compressed; binaries (PNG, WOFF2) go as they are.
TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map"}


def served_bytes(path: Path) -> int:
    """Bytes a static host sends for ``path``: text gzip-compressed (level 6), binaries as is."""
    import gzip

    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT_SUFFIXES else len(data)


def site_files(urls, base: str) -> list[Path]:
    """The files of the built site behind the requested ``urls`` (on ``base``), each once."""
    files = {SITE / u.split("#")[0].split("?")[0][len(base):] for u in urls if u.startswith(base)}
    return sorted(f for f in files if f.is_file())


def toc_pages() -> list[str]:
    """Site paths of the pages in _toc.yml: ``index.html``, the root, then every ``file:``."""
    return ["index.html"] + [f"{doc}.html" for doc in optimlab_slides.toc_pages(REPO)]


def pytest_generate_tests(metafunc):
    if "site_page" in metafunc.fixturenames:
        pages = toc_pages()
        metafunc.parametrize("site_page", pages, ids=[p.removesuffix(".html") for p in pages])


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
        ".woff": "font/woff", ".woff2": "font/woff2",
    }

    def log_message(self, *args):  # keep pytest output quiet
        pass


@pytest.fixture(scope="session")
def site_url():
    """Base URL of a threaded static HTTP server on 127.0.0.1 serving the built site."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built site at {SITE} (index.html missing): run `make book` "
                    "or point OPTIMLAB_SITE at a built _build/html", pytrace=False)
    handler = functools.partial(_Handler, directory=str(SITE))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make chromium` (apt-get install chromium)",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageReport:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    maths: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    load_s: float = float("nan")  # navigation start to the end of the load event
    files: list[Path] = field(default_factory=list)  # what it loaded, lazy figures included
    error: str = ""  # set if the page could not be loaded and inspected at all


# Maths facts for test_maths_rendered. The book's maths is rendered by KaTeX at build
# time, so a page shows typeset maths with no script at all; this reads what is there.
MATHS_JS = """async () => {
  // KaTeX's fonts load once a formula is drawn: the first one may sit in a block the
  // browser skips until the reader nears it (content-visibility), so it is shown first.
  const shownFont = async () => {
    const first = document.querySelector('.katex');
    if (!first) return false;
    const [x, y] = [scrollX, scrollY];
    first.scrollIntoView({block: 'center'});
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    await document.fonts.ready;
    scrollTo(x, y);
    return [...document.fonts].some(f => f.family.replace(/"/g, '') === 'KaTeX_Main'
                                    && f.status === 'loaded');
  };
  await document.fonts.ready;
  const clone = document.body.cloneNode(true);
  // Text a reader can see or expand, without code (which may hold \\( or $$) or maths.
  clone.querySelectorAll('pre, code, script, style, noscript, template, textarea, .katex')
       .forEach(e => e.remove());
  return {
    // KaTeX's stylesheet applies (it is in the page's one bundle of stylesheets)
    katex_css: !!document.querySelector('.katex')
      && getComputedStyle(document.querySelector('.katex')).fontFamily.includes('KaTeX_Main'),
    rendered: document.querySelectorAll('.katex .katex-html').length,
    mathml: document.querySelectorAll('.katex .katex-mathml math').length,
    errors: [...document.querySelectorAll('.katex-error')]
      .map(e => e.getAttribute('title') || e.textContent),
    html_math: document.querySelectorAll('.math').length,
    font: await shownFont(),
    text: clone.textContent,
  };
}"""

# Waits for every <img> (lazy ones made eager) and reports what it got.
IMAGES_JS = """async () => {
  const imgs = [...document.images];
  for (const img of imgs) img.loading = 'eager';
  await Promise.all(imgs.map(img => img.complete ? null :
    new Promise(ok => { img.addEventListener('load', ok); img.addEventListener('error', ok);
                        setTimeout(ok, 10000); })));
  return imgs.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth,
                           alt: img.getAttribute('alt')}));
}"""

AXE_JS = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')), count: v.nodes.length}));
}"""


@pytest.fixture(scope="session")
def _reports():
    return {}


@pytest.fixture
def report(site_page, site_url, browser, _reports) -> PageReport:
    """Load ``site_page`` once per session (fresh context) and return what it did."""
    if site_page not in _reports:
        if not (SITE / site_page).is_file():
            pytest.fail(f"{site_page} is in _toc.yml but not in the built site {SITE}",
                        pytrace=False)
        _reports[site_page] = _visit(browser, site_url + site_page)
    rep = _reports[site_page]
    if rep.error:
        pytest.fail(f"{site_page}: {rep.error}", pytrace=False)
    return rep


def _visit(browser, url: str) -> PageReport:
    rep = PageReport(url)
    context = browser.new_context()
    context.on("request", lambda req: rep.requests.append(req.url))  # workers included
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and rep.console_errors.append(
        f"{msg.text} (at {msg.location.get('url')}:{msg.location.get('lineNumber')})"))
    page.on("pageerror", lambda err: rep.page_errors.append(str(err)))
    try:
        axe = next((p for p in AXE_PATHS if p.is_file()), None)
        if axe is None:
            raise FileNotFoundError(f"axe-core missing ({AXE_PATHS[0]}): run `make assets`")
        page.goto(url, wait_until="networkidle")
        if url.endswith("/index.html"):  # the root index.html redirects to the root page
            page.wait_for_url(lambda u: not u.endswith("/index.html"))
            page.wait_for_load_state("networkidle")
        rep.load_s = page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].loadEventEnd / 1000")
        rep.maths = page.evaluate(MATHS_JS)
        rep.images = page.evaluate(IMAGES_JS)
        page.wait_for_load_state("networkidle")  # anything MathJax or images pulled in
        rep.files = site_files(rep.requests, url[:url.index("/", len("http://")) + 1])
        # axe cannot read the colours of a section the browser skipped
        # (content-visibility: auto, axe-core issue 2768): it checks the page laid out whole
        page.add_style_tag(content=f"{SKIPPED} {{ content-visibility: visible !important; }}")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => "
                      "requestAnimationFrame(done)))")
        page.add_script_tag(path=str(axe))
        rep.axe = page.evaluate(AXE_JS)
    except Exception as exc:  # noqa: BLE001 - reported by every check of this page
        rep.error = f"{type(exc).__name__}: {exc}"
    finally:
        context.close()
    return rep
