"""The slides, exercise sheets and RISE notebooks that ``make slides`` builds.

Needs a built site with its decks (``make slides``; ``$OPTIMLAB_SITE`` as for the browser
tests). Every chapter of ``_toc.yml`` that gets a deck (``optimlab_slides.deck_chapters``)
is checked:

* the files are there and load nothing from another host (reveal.js, KaTeX's stylesheet
  and fonts, Vega and the CSS are the site's own copies), and no maths engine: the maths
  is the pages' own KaTeX;
* each chapter page links to its deck and sheet, and each deck's first slide links back;
* in Chromium, on 127.0.0.1 with every other host blocked, each deck is stepped through
  slide by slide with the Reveal API: no console errors, every ``.math`` element holds
  KaTeX's rendering (its HTML and its MathML) with no raw TeX left, the KaTeX fonts
  loaded, every image loaded, every slider panel
  drawn, nothing taller or (equations) wider than the slide;
* each exercise sheet has every exercise of its chapter, word for word, and no solution;
  in Chromium its maths is typeset with nothing loaded from elsewhere;
* each presenter notebook keeps every code cell (so Run All reproduces the chapter),
  shows exactly the chapter's slide cells, and has no MyST left that Jupyter can't read.
"""
from __future__ import annotations

import functools
import json
import http.server
import os
import posixpath
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("OPTIMLAB_SITE", REPO / "_build" / "html")).resolve()
sys.path.insert(0, str(REPO / "book" / "_ext"))
sys.path.insert(0, str(REPO / "tools"))
from optimlab_slides import deck_chapters  # noqa: E402
import _chromium  # noqa: E402
from _chromium import QuietServer  # noqa: E402

import slides  # noqa: E402  (tools/slides.py)

CHAPTERS = deck_chapters(REPO)
NAMES = [posixpath.basename(d) for d in CHAPTERS]
RAW_MATH = ("$$", "\\(", "\\[")


@pytest.fixture(scope="module")
def chromium():
    yield from _chromium.driver()


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _words(el) -> str:
    """The text of ``el`` without its maths (the book may prerender it, the sheets don't)."""
    import copy

    el = copy.copy(el)
    for math in el.select(".math"):
        math.decompose()
    return _norm(el.get_text(" "))


@pytest.fixture(scope="module")
def built():
    missing = [p for n in NAMES for p in (SITE / f"slides/{n}.html", SITE / f"exercises/{n}.html")
               if not p.is_file()]
    if missing:
        pytest.fail(f"decks or sheets missing under {SITE} (run `make slides`): "
                    f"{[str(p.relative_to(SITE)) for p in missing]}", pytrace=False)
    return SITE


# ----------------------------------------------------------------- the files


def test_toc_chapters_have_decks():
    assert "book/gradient_descent" in CHAPTERS and "book/rmsprop" in CHAPTERS
    assert not {"intro", "notation", "bibliography", "instructors"} & set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_files_are_local(built, name):
    for page in (f"slides/{name}.html", f"exercises/{name}.html", "slides/index.html"):
        soup = _soup(built / page)
        for tag in soup.find_all(["script", "link", "img"]):
            url = tag.get("src") or tag.get("href")
            if not url:
                continue
            assert not urlsplit(url).scheme and not url.startswith("//"), f"{page}: {url}"
            target = (built / posixpath.dirname(page) / urlsplit(url).path).resolve()
            assert target.is_file(), f"{page}: {url} is not in the site"
            assert "mathjax" not in url.lower(), f"{page}: {url}: a second maths engine"
    assert (built / "slides/reveal.js/dist/reveal.js").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_chapter_and_deck_link_each_other(built, name):
    page = _soup(built / f"book/{name}.html")
    links = {a["href"] for a in page.select("p.optimlab-teaching-links a")}
    assert links == {f"../slides/{name}.html", f"../exercises/{name}.html"}
    first = _soup(built / f"slides/{name}.html").select_one(".slides > section")
    assert first.select_one(f'a[href="../book/{name}.html"]'), "first slide: no link to the chapter"
    assert first.select_one(f'a[href="../exercises/{name}.html"]')


def test_gradient_descent_deck_has_its_marked_slides(built):
    """The marks in the chapter reach the deck: an equation, a theorem, figures, the panel."""
    deck = _soup(built / "slides/gradient_descent.html")
    assert deck.select_one("div.math#equation-gd-update")
    assert deck.select_one("div.proof#gd-stability")
    assert len(deck.select(".cell_output img")) >= 3
    assert deck.select_one("figure.optimlab-live script.optimlab-run")  # computes in the page
    assert deck.select_one("aside.notes"), "the panel's 'things to look for' as speaker notes"
    assert not deck.select(".cell_input"), "code is not shown on the static slides"
    assert not deck.select("div.solution, div.proof#proof")  # no proofs, no solutions


# ------------------------------------------------------------- exercise sheets


@pytest.mark.parametrize("name", NAMES)
def test_sheet_has_the_exercises_and_no_solutions(built, name):
    chapter = _soup(built / f"book/{name}.html").find("article")
    sheet = _soup(built / f"exercises/{name}.html")
    text = _words(sheet)
    exercises = chapter.select("div.exercise")
    assert len(sheet.select("section.optimlab-exercise")) == len(exercises)
    for ex in exercises:
        got = sheet.select_one(f'section.optimlab-exercise[id="{ex["id"]}"]')
        assert got is not None, f"exercise {ex['id']} is missing"
        body = ex.select_one("section") or ex
        assert _words(body) in _words(got)
    assert not sheet.select(".solution, details")
    for sol in chapter.select("div.solution"):
        for p in sol.select("p"):
            words = _words(p)
            if len(words) > 40:
                assert words not in text, f"solution text in the sheet: {words[:80]}..."


# ------------------------------------------------------- presenter notebooks


@pytest.mark.parametrize("doc", CHAPTERS)
def test_presenter_notebook(doc):
    import jupytext
    import nbformat

    nb = slides.presenter_notebook(doc, SITE)
    nbformat.validate(nb)
    source = jupytext.read(REPO / f"{doc}.md")
    code = [c.source for c in source.cells if c.cell_type == "code"]
    assert [c.source for c in nb.cells if c.cell_type == "code"][1:] == code
    shown = [c for c in nb.cells[2:] if c.metadata["slideshow"]["slide_type"] != "skip"]
    marked = [c for c in source.cells if slides.slide_type(c.metadata)]
    assert len(shown) == len(marked)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"\{[\w:-]+\}`|^(```|:::)\{", cell.source, re.M), cell.source[:200]
    written = REPO / "book/_build/rise" / f"{posixpath.basename(doc)}.ipynb"
    assert written.is_file(), "make slides writes the presenter notebooks"


def test_rise_is_installed():
    reqs = (REPO / "requirements.txt").read_text()
    assert re.search(r"^jupyterlab-rise==", reqs, re.M)
    ext = Path(sys.prefix) / "share/jupyter/labextensions/jupyterlab-rise/package.json"
    assert ext.is_file(), "jupyterlab-rise's lab extension is not installed"


def test_myst_to_markdown():
    text = ("See {eq}`gd-update` and {prf:ref}`gd-stability`, η = {eval}`gd_limit`.\n\n"
            "```{prf:theorem} Stability\n:label: gd-stability\n\nBody $x$.\n```\n\n"
            "$$\nx = 1\n$$ (gd-update)\n")
    out = slides.myst_to_markdown(text, {"gd_limit": "0.2"},
                                  {"eq:gd-update": "(1)", "ref:gd-stability": "Theorem 1"})
    assert "See (1) and Theorem 1, η = 0.2." in out
    assert "> **Theorem 1** (Stability)" in out and "> Body $x$." in out
    assert "\\tag{1}" in out and "{" not in out.replace("\\tag{1}", "")


# ------------------------------------------------------------------- browser


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".svg": "image/svg+xml",
                      ".woff": "font/woff", ".woff2": "font/woff2"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built):
    server = QuietServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(built)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _open(browser, url):
    """A page on ``url`` whose requests to any host but 127.0.0.1 are refused and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    problems: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1" or r.request.url.startswith("data:"):
            r.continue_()
        else:
            problems.append(f"off-host request: {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(url, wait_until="networkidle")
    page.evaluate("async () => { await document.fonts.ready; }")
    return context, page, problems


# Facts about the current slide, once its images have loaded and it has been fitted.
SLIDE_JS = """async () => {
  await new Promise(ok => requestAnimationFrame(() => requestAnimationFrame(ok)));
  const s = Reveal.getCurrentSlide();
  const imgs = [...s.querySelectorAll('img')];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(ok => {
    i.addEventListener('load', ok); i.addEventListener('error', ok); setTimeout(ok, 10000); })));
  // panels start after the page has loaded: on a busy machine a chart may still be on its way
  const charts = [...s.querySelectorAll('.optimlab-chart')], t0 = performance.now();
  while (charts.some(c => !c.querySelector('svg')) && performance.now() - t0 < 15000)
    await new Promise(ok => setTimeout(ok, 50));
  const shown = el => !el.closest('aside.notes');
  const maths = [...s.querySelectorAll('.math')].filter(shown);
  const clone = s.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .katex, aside').forEach(e => e.remove());
  const idx = Reveal.getIndices();
  return {
    where: idx.h + '/' + (idx.v || 0),
    maths: maths.length,
    typeset: maths.filter(m => m.querySelector('.katex .katex-html') &&
                               m.querySelector('.katex .katex-mathml math')).length,
    errors: [...s.querySelectorAll('.katex-error')].map(e => e.getAttribute('title')),
    font: [...document.fonts].some(f => f.family.replace(/"/g, '') === 'KaTeX_Main' &&
                                        f.status === 'loaded'),
    text: clone.textContent,
    images: imgs.map(i => ({src: i.getAttribute('src'), width: i.naturalWidth})),
    panels: s.querySelectorAll('.optimlab-chart').length,
    drawn: s.querySelectorAll('.optimlab-chart svg').length,
    height: s.offsetHeight, room: Reveal.getConfig().height,
    wide: [...s.querySelectorAll('div.math')].filter(m => m.scrollWidth > m.clientWidth + 1).length,
    last: Reveal.isLastSlide() && !Reveal.availableFragments().next,
  };
}"""


def _step_through(browser, url):
    """Every slide of the deck at ``url``, in order: (slide count, facts by slide, problems)."""
    context, page, problems = _open(browser, url)
    try:
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        total = page.evaluate("Reveal.getTotalSlides()")
        seen: dict[str, dict] = {}
        for _ in range(10 * total + 10):  # fragments add key presses, not slides
            facts = page.evaluate(SLIDE_JS)
            seen.setdefault(facts["where"], facts)
            if facts["last"]:
                break
            page.evaluate("Reveal.next()")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return total, seen, problems


@pytest.mark.parametrize("name", NAMES)
def test_deck_in_browser(chromium, site_url, name):
    total, seen, problems = chromium.run(_step_through, f"{site_url}slides/{name}.html")
    assert total >= 2 and len(seen) == total, f"visited {len(seen)} of {total} slides"
    bad = []
    for where, f in seen.items():
        if f["typeset"] != f["maths"] or f["errors"]:
            bad.append(f"slide {where}: {f['typeset']} of {f['maths']} maths typeset {f['errors']}")
        if f["maths"] and not f["font"]:
            bad.append(f"slide {where}: maths without the KaTeX fonts loaded")
        raw = [d for d in RAW_MATH if d in f["text"]]
        if raw:
            bad.append(f"slide {where}: raw TeX {raw} in the text")
        bad += [f"slide {where}: image not loaded: {i['src']}" for i in f["images"]
                if not i["width"]]
        if f["drawn"] < f["panels"]:
            bad.append(f"slide {where}: {f['panels'] - f['drawn']} slider panels not drawn")
        if f["height"] > f["room"] + 2:
            bad.append(f"slide {where}: content {f['height']}px tall on a {f['room']}px slide")
        if f["wide"]:
            bad.append(f"slide {where}: {f['wide']} equations wider than the slide")
    assert not problems and not bad, "\n".join(problems + bad)


def _sheet_facts(browser, url):
    context, page, problems = _open(browser, url)
    try:
        facts = page.evaluate("""() => ({
          maths: document.querySelectorAll('.math').length,
          typeset: [...document.querySelectorAll('.math')]
            .filter(m => m.querySelector('.katex .katex-html') &&
                         m.querySelector('.katex .katex-mathml math')).length,
          errors: document.querySelectorAll('.katex-error').length,
          engines: [...document.scripts].filter(e => /mathjax/i.test(e.src)).length})""")
    finally:
        context.close()
    return facts, problems


@pytest.mark.parametrize("name", NAMES)
def test_sheet_in_browser(chromium, site_url, name):
    facts, problems = chromium.run(_sheet_facts, f"{site_url}exercises/{name}.html")
    assert not problems, "\n".join(problems)
    assert facts["typeset"] == facts["maths"] and not facts["errors"], facts
    assert not facts["engines"], f"{name}: the sheet loads a maths engine"



def test_presenter_numbers_without_a_build(monkeypatch):
    """In Binder there is no book build: the glued numbers come from running the chapter.
    Here the run is stood in for by the outputs the build's kernel sent (myst-nb keeps them
    in ``<page>.glue.json``, under the mime prefix the kernel used), so no chapter is
    executed again; that a run in Binder's environment gives the build's numbers is
    checked for every chapter by ``tests/binder/test_live.py``."""
    doc = "book/gradient_descent"
    built = slides._glue_values(doc)
    assert len(built) > 10, "make book writes the glued values"
    sent = json.loads((slides.EXECUTED / f"{doc}.glue.json").read_text(encoding="utf-8"))
    outputs = [{"output_type": "display_data", "metadata": o["metadata"],
                "data": {o["metadata"]["scrapbook"]["mime_prefix"] + k: v
                         for k, v in o["data"].items()}} for o in sent.values()]
    ran = []
    monkeypatch.setattr(slides, "execute_chapter", lambda d: ran.append(d) or {
        "cells": [{"cell_type": "code", "outputs": outputs}]})
    monkeypatch.setattr(slides, "EXECUTED", REPO / "_build" / "no-build-here")
    assert slides._glue_values(doc) == built
    assert ran == [doc]


def test_the_server_is_quiet_only_about_a_browser_that_hung_up(capsys):
    server = QuietServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    try:
        for error, shown in ((BrokenPipeError(), False), (ConnectionResetError(), False),
                             (ValueError("a fault of the site"), True)):
            try:
                raise error
            except Exception:
                server.handle_error(None, ("127.0.0.1", 0))
            assert ("Traceback" in capsys.readouterr().err) == shown, error
    finally:
        server.server_close()
