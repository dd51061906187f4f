"""Live presenting: each presenter notebook, run in JupyterLab and shown by RISE.

What an instructor does on Binder, done by Chromium against a local JupyterLab server
started from Binder's environment (repo2docker's base packages, ``requirements.txt``,
``pip install .``; see ``tests/binder/binder_env.py``), on ``127.0.0.1`` with every other
host blocked, the repository's own ``.jupyter`` settings and an empty user and workspace
directory. This is where each chapter with a deck is executed in that environment, so it
also proves that Binder's files alone run the chapters:

1. open ``book/_build/rise/<chapter>.ipynb`` (a copy, so the test leaves no outputs
   behind) and *Run ▸ Run All Cells*: every cell runs, none fails, and the numbers the
   chapter glues are the numbers the book build glued (wall-clock timings aside);
2. open it as a slideshow (RISE's ``RISE:slideshow`` command, which saves the notebook
   and opens ``/rise/<path>`` in a new tab): one section per slide and, on the slides,
   every live panel the notebook drew there;
3. page forward with Space (reveal.js's "next") to the first slider; type a value into
   its readout (number sliders), then click its track: each time the panel's picture and
   readout line change, so the kernel recomputed the run, and the slide stays put.

Arrow keys on a slider handle are not tested: in RISE they reach JupyterLab's notebook
shortcuts (select the cell above or below), which moves the slideshow instead.

Nothing may be logged as an error except upstream faults of RISE's stand-alone app, each
named with the file it comes from in ``UPSTREAM``: a stack overflow in RISE's own bundle,
and two lab extensions that Binder's environment brings (Notebook's, and the base
environment's resource-usage indicator) failing to load there because RISE's app does not
share ``@jupyterlab/console`` and ``@jupyterlab/docregistry`` with extensions (the fault
of jupyterlab-contrib/rise#119). The chapters' panels do not depend on either extension.
"""
from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "book" / "_ext"), str(REPO / "tools"), str(REPO / "tests" / "binder")]
from optimlab_slides import deck_chapters  # noqa: E402
import _chromium  # noqa: E402
import binder_env  # noqa: E402
import slides  # noqa: E402  (tools/slides.py)

RISE_DIR = REPO / "book" / "_build" / "rise"
# Same depth as RISE_DIR: the notebooks chdir to ../.. (book/) before importing optimlab.
# One folder per test process (pytest-xdist names them gw0, gw1, ...).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
COPY_DIR = REPO / "book" / "_build" / f"rise-live-test-{WORKER}"
NAMES = [posixpath.basename(d) for d in deck_chapters(REPO)]
# (message, the file its stack must point into): the errors RISE's stand-alone app logs for
# any notebook, ours or an empty one. jupyterlab-rise 0.43.1's own bundle overflows its
# stack (FAST design tokens); the two lab extensions cannot find packages the app does not
# share (module federation's RUNTIME-012, and "doesn't exist in shared scope").
SHARED = ("The getter for the shared module is not a function", "doesn't exist in shared scope")
UPSTREAM = [("RangeError: Maximum call stack size exceeded", "/static/rise/")] + [
    (message, f"/lab/extensions/{ext}/static/remoteEntry.") for message in SHARED
    for ext in ("@jupyter-notebook/lab-extension", "@jupyter-server/resource-usage")]
# Errors reach the console as Error objects: log their stack so the source can be checked.
STACKS = """(() => { const log = console.error; console.error = (...a) =>
  log.apply(console, a.map(x => (x && x.stack) ? x.stack : x)); })();"""
WIDGET = "application/vnd.jupyter.widget-view+json"
# Glued wall-clock measurements, which no two runs share: names ending in _sec(onds) or _ms,
# and the training chapter's tables with a seconds column.
TIMINGS = re.compile(r"_(sec|seconds|ms)$|^train_(cmp|dig)_table$")
# Code cells on the slides (not skipped, not notes) that show a live panel.
PANELS_SHOWN = """[...document.querySelectorAll('.reveal .slides .jp-CodeCell:not(.reveal-skip)')]
  .filter(c => !c.closest('aside.notes') && c.querySelector('.widget-vbox .widget-slider'))"""
KERNEL_IDLE = """(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; })()"""


@pytest.fixture(scope="module")
def chromium():
    yield from _chromium.driver()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on the book, as ``make lab`` starts it; yields its base URL."""
    missing = [n for n in NAMES if not (RISE_DIR / f"{n}.ipynb").is_file()]
    if missing:
        pytest.fail(f"no presenter notebooks for {missing}: run `make slides`", pytrace=False)
    shutil.rmtree(COPY_DIR, ignore_errors=True)
    shutil.copytree(RISE_DIR, COPY_DIR)
    python = binder_env.python()
    home = tmp_path_factory.mktemp("jupyter")
    port = _free_port()
    env = {**binder_env.environ(home), "JUPYTER_CONFIG_PATH": str(REPO / ".jupyter"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [str(python), "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
           "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
           f"--ServerApp.root_dir={REPO / 'book'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text())
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(COPY_DIR, ignore_errors=True)


def _run_all(page, timeout=300):
    """Run ▸ Run All Cells, then wait until no cell is queued or running."""
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.locator(".jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(
        "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]"
        ".every(p => /\\[\\d+\\]/.test(p.textContent))", timeout=timeout * 1000, polling=500)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000)


# Each cell's live panel readout as JupyterLab shows it (None for a cell without a panel).
READOUTS = """[...document.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => {
  const panel = cell.querySelector('.jp-OutputArea-output .widget-vbox');
  return panel && panel.lastElementChild ? panel.lastElementChild.textContent.trim() : null;
})"""


def _check_readouts(name, nb, shown):
    """The readout a slider panel shows after Run All is the run of the chapter's own
    values (its text/plain, ``<Panel: ...>``, computed before any front end saw it): no
    control rounded a value and made the kernel run another setting."""
    checked = 0
    for cell, readout in zip(nb["cells"], shown):
        plain = [o["data"]["text/plain"] for o in cell.get("outputs", [])
                 if WIDGET in o.get("data", {}) and "text/plain" in o["data"]]
        text = "".join(plain[0]) if plain else ""
        if text.startswith("<Panel: "):
            assert readout == text[len("<Panel: "):-1], (
                f"{name}: a panel shows {readout!r}, its values give {text!r}")
            checked += 1
    assert len(shown) == len(nb["cells"]), (name, len(shown), len(nb["cells"]))
    return checked


def _visible_slider(frame):
    """The first slider handle on the slide being shown, or None."""
    handles = frame.locator(".reveal .widget-slider .noUi-handle")
    shown = frame.evaluate("""[...document.querySelectorAll('.reveal .widget-slider .noUi-handle')]
        .findIndex(h => h.closest('section.present') && h.getBoundingClientRect().width > 0)""")
    return handles.nth(shown) if shown >= 0 else None


def _changed(rise, image, readout, before, name, how, readout_moves=True):
    """Wait for the panel's picture to change after a control move; return the new state.
    (A small typed change may move the path without changing the readout's 3 digits.)"""
    try:
        rise.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                               arg=[image.element_handle(), before[0]], timeout=30_000)
    except Exception:
        pytest.fail(f"{name}: the panel's picture did not change after a {how}")
    after = (image.get_attribute("src"), readout.inner_text() if readout.count() else "")
    if readout.count() and readout_moves:
        assert after[1] != before[1], f"{name}: the readout did not change after a {how}"
    return after


# Two halves in two classes: `make test` runs the suite on two processes (pytest-xdist,
# one class or module per process at a time), so the halves can present side by side.
class TestSlideshowsFirstHalf:
    @pytest.mark.parametrize("name", NAMES[0::2])
    def test_live_slideshow(self, lab, chromium, name):
        chromium.run(_present, lab, name)


class TestSlideshowsSecondHalf:
    @pytest.mark.parametrize("name", NAMES[1::2])
    def test_live_slideshow(self, lab, chromium, name):
        chromium.run(_present, lab, name)


def test_most_chapters_have_slider_panels_whose_readout_is_checked():
    """Most chapters show slider panels (whose output's text is ``<Panel: readout>``), and
    ``_check_readouts`` compares each one's readout with what JupyterLab shows."""
    with_panels = [n for n in NAMES
                   if "slider_panel(" in (REPO / "book" / f"{n}.md").read_text(encoding="utf-8")]
    assert len(with_panels) >= 5, with_panels


def test_the_halves_present_every_chapter():
    assert sorted(NAMES[0::2] + NAMES[1::2]) == sorted(NAMES) and len(NAMES) >= 8


_CONTEXTS: dict[int, tuple] = {}


def _context(browser):
    """One browser context per Chromium, for every chapter: JupyterLab's and RISE's
    scripts then come from the browser's cache after the first chapter. Returns the
    context and the list its router appends off-host requests to."""
    if id(browser) not in _CONTEXTS:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        context.add_init_script(STACKS)
        offsite: list[str] = []

        def route(r):
            host = urlsplit(r.request.url).hostname
            if host in ("127.0.0.1", None) or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                offsite.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        _CONTEXTS[id(browser)] = (context, offsite)
    return _CONTEXTS[id(browser)]


def _present(browser, lab, name):
    context, offsite = _context(browser)
    offsite.clear()
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))
    try:
        page.goto(f"{lab}/lab/tree/_build/{COPY_DIR.name}/{name}.ipynb?reset")
        page.wait_for_function("window.jupyterapp && "
                               "document.querySelector('.jp-Notebook .jp-Cell')",
                               timeout=60_000)
        _run_all(page)
        failed = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']").all_inner_texts()
        failed = [t for t in failed if "Traceback" in t or "Error" in t]
        assert not failed, f"{name}: a cell failed under Run All:\n{failed[0][:2000]}"
        shown_readouts = page.evaluate(READOUTS)

        # RISE's "open as a slideshow in a new tab": saves the notebook, then opens /rise/<path>.
        with context.expect_page() as opened:
            page.evaluate("void window.jupyterapp.commands.execute('RISE:slideshow')")
        rise = opened.value
        rise.on("console", lambda m: m.type == "error" and errors.append(m.text))
        rise.on("pageerror", lambda e: errors.append(f"{e}\n{e.stack}"))
        rise.locator(".reveal .slides > section").first.wait_for(timeout=60_000)
        sections = rise.locator(".reveal .slides > section").count()
        nb = json.loads((COPY_DIR / f"{name}.ipynb").read_text())  # as RISE saved it
        checked = _check_readouts(name, nb, shown_readouts)
        if "slider_panel(" in (REPO / "book" / f"{name}.md").read_text(encoding="utf-8"):
            assert checked, f"{name}: no slider panel's readout was found to check"
        built = slides._glue_values(f"book/{name}")
        ran = slides.glue_text(slides.glue_outputs(nb))
        differ = {k: (ran.get(k), v) for k, v in built.items()
                  if ran.get(k) != v and not TIMINGS.search(k)}
        assert set(ran) == set(built) and not differ, (
            f"{name}: run in Binder's environment, the chapter glues other numbers "
            f"(run, built): {dict(list(differ.items())[:5])}")
        kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]]
        assert sections == kinds.count("slide"), f"{name}: {sections} sections in RISE"
        panels = sum(1 for c, kind in zip(nb["cells"], kinds) if kind != "skip" and any(
            WIDGET in o.get("data", {}) for o in c.get("outputs", [])))
        try:
            rise.wait_for_function(f"{PANELS_SHOWN}.length === {panels}", timeout=60_000)
        except Exception:
            shown_now = rise.evaluate(f"{PANELS_SHOWN}.length")
            pytest.fail(f"{name}: RISE shows {shown_now} of the {panels} live panels on the slides")

        if panels:
            handle = None
            for _ in range(sections + 1):
                handle = _visible_slider(rise)
                if handle:
                    break
                # Space is reveal.js's "next" (a presenter's clicker sends PageDown, the same).
                rise.keyboard.press("Space")
                time.sleep(0.3)
            assert handle, f"{name}: no slider reached by paging through the slideshow"
            shown = rise.url
            panel = handle.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            image = panel.locator("img").first
            readout = panel.locator(".widget-html").last
            state = (image.get_attribute("src"), readout.inner_text() if readout.count() else "")

            slider = handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]")
            box = slider.locator("xpath=..").locator("input[type=number]")
            # A number (η, γ, ε, β) has a box beside its slider that takes any typed value;
            # the comparison and training panels' sliders pick from a list and have none.
            if box.count():
                # keyboard: type a value into the box, then Enter (the arrow keys belong to
                # the slideshow in RISE)
                box.click()
                rise.keyboard.press("Control+A")
                typed = f"{float(box.input_value()) * 0.7:.6g}"
                rise.keyboard.type(typed)
                rise.keyboard.press("Enter")
                state = _changed(rise, image, readout, state, name, "typed value",
                                 readout_moves=False)
                assert float(box.input_value()) == float(typed), f"{name}: the box moved"
            # mouse: click the slider's track at the end away from its handle
            track = handle.locator("xpath=ancestor::div[contains(@class,'slider-container')][1]")
            t, h = track.bounding_box(), handle.bounding_box()
            right = h["x"] + h["width"] / 2 < t["x"] + t["width"] / 2
            rise.mouse.click(t["x"] + (0.9 if right else 0.1) * t["width"],
                             t["y"] + t["height"] / 2)
            _changed(rise, image, readout, state, name, "click on the slider's track")
            assert rise.url == shown, f"{name}: moving a slider changed the slide"
    finally:
        for tab in context.pages:  # the notebook and its slideshow; the cache stays
            tab.close()

    unexpected = [e for e in errors if not any(m in e and src in e for m, src in UPSTREAM)]
    assert not unexpected, f"{name}: console errors:\n" + "\n".join(unexpected[:5])
    assert not offsite, f"{name}: requests to other hosts: {offsite[:5]}"
