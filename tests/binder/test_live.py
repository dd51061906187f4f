"""Live: every chapter read and run in JupyterLab as Binder opens it, every deck in RISE.

What a student and an instructor do on Binder, done by Chromium against a JupyterLab
server started from Binder's environment (repo2docker's base packages,
``requirements.txt``, ``pip install .``; see ``binder_env.py``), on ``127.0.0.1`` with
every other host blocked, the repository's own ``.jupyter`` settings and an empty user
directory. The server's folder holds the chapters' ``.md`` files and the presenter
notebooks and nothing else of the repository, so optimlab comes from the installed
package and no chapter may read a file of the repository: a chapter that runs here runs
as the site's download, whose code cells are the chapter's (``test_binder_env.py``).
This is where each chapter is executed in that environment, once:

1. open ``book/<chapter>.md`` (jupytext's notebook view) and *Run ▸ Run All Cells*:
   every cell runs, none fails;
2. the prose reads as on the site: each ``{eval}`name``` shows, through jupyterlab-myst,
   the value the book build glued under ``name`` (wall-clock timings aside), exercises'
   solutions are folded, no MyST is left raw;
3. every slider panel shows the run of the chapter's own values (its readout is the
   ``<Panel: ...>`` text the kernel computed before any front end saw it), a value typed
   into a number box stays there and moves the path, the arrow keys move a slider, and a
   start coordinate typed into its box moves the path;
4. saving the notebook writes back the file it read, byte for byte;
5. for a chapter with a deck: its presenter notebook, opened on the same kernel, redraws
   its panels (only those cells run again) and RISE (``RISE:slideshow``) shows one
   section per slide and every live panel on its slide; Space pages to a slider, and a
   click on its track moves the path without changing the slide.

Nothing may be logged as an error except upstream faults, each named in ``UPSTREAM``:
RISE's own bundle overflows its stack; three lab extensions of Binder's environment
(Notebook's, the base environment's resource-usage indicator, and jupyterlab-myst) fail
to load in RISE's app, which does not share ``@jupyterlab/console``,
``@jupyterlab/docregistry`` and ``@jupyterlab/markdownviewer`` with extensions
(jupyterlab-contrib/rise#119; the presenter notebooks are plain Markdown, with the glued
values written in, so RISE needs no MyST renderer); jupyterlab-myst resolves a cross-reference only
to a label in a cell rendered before it, and logs the forward ones it meets first; and
when a notebook is closed, it logs that the node of a value shown as Markdown (a table) was
already gone (its inline-expression renderer's clean-up runs after JupyterLab removed the
cell).
"""
from __future__ import annotations

import json
import os
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
sys.path[:0] = [str(REPO / "tools"), str(REPO / "tests" / "slides")]
import _chromium  # noqa: E402
import binder_env  # noqa: E402
import slides  # noqa: E402  (tools/slides.py)

RISE_DIR = REPO / "book" / "_build" / "rise"
DECKS = [Path(d).name for d in binder_env.deck_chapters()]
CHAPTERS = [Path(d).name for d in binder_env.toc_pages()
            if "jupytext:" in (REPO / f"{d}.md").read_text(encoding="utf-8")]
SHARED = ("The getter for the shared module is not a function", "doesn't exist in shared scope")
UPSTREAM = [("RangeError: Maximum call stack size exceeded", "/static/rise/"),
            ("Cross reference target was not found", ""),
            # closing a notebook: jupyterlab-myst's inline-expression renderer (a React
            # effect's clean-up) finds a Markdown value's node already removed
            ("Could not dispose of renderer for `", ""),
            ("Unable to detach expression renderer for `", "")] + [
    (message, f"/lab/extensions/{ext}/static/remoteEntry.") for message in SHARED
    for ext in ("@jupyter-notebook/lab-extension", "@jupyter-server/resource-usage",
                "jupyterlab-myst")]
# Errors reach the console as Error objects: log their stack so the source can be checked.
STACKS = """(() => { const log = console.error; console.error = (...a) =>
  log.apply(console, a.map(x => (x && x.stack) ? x.stack : x)); })();"""
WIDGET = "application/vnd.jupyter.widget-view+json"
# Glued wall-clock measurements, which no two runs share: names ending in _sec(onds) or _ms,
# and the training chapter's tables with a seconds column.
TIMINGS = re.compile(r"_(sec|seconds|ms)$|^train_(cmp|dig)_table$")
EVAL = re.compile(r"\{eval\}`([^`]+)`")
CURRENT = "window.jupyterapp.shell.currentWidget"
KERNEL_IDLE = f"""(() => {{ const w = {CURRENT};
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle'; }})()"""
# What jupyterlab-myst evaluated for each {eval} (a Markdown cell's user_expressions), as it
# shows it: text/markdown, else text/plain without the quotes of a string.
EXPRESSIONS = f"""(() => {{ const out = [];
  for (const cell of {CURRENT}.content.widgets) {{
    if (cell.model.type !== 'markdown') continue;
    for (const e of (cell.model.getMetadata('user_expressions') || [])) {{
      const data = e.result.data || {{}};
      const text = data['text/markdown'] ||
        (data['text/plain'] || '').replace(/^(["'])(.*)\\1$/s, '$2');
      out.push([e.expression, e.result.status, text]);
    }}
  }}
  return out; }})()"""
# Each slider panel's readout as shown, with the text/plain its output carries.
READOUTS = f"""{CURRENT}.content.widgets.filter(c => c.model.type === 'code').map(cell => {{
  const plain = cell.model.outputs.toJSON().filter(o => o.data && o.data['{WIDGET}'])
    .map(o => o.data['text/plain']).filter(t => t && String(t).startsWith('<SliderPanel: '));
  const panel = cell.node.querySelector('.jp-OutputArea-output .widget-vbox');
  return [plain.length ? String(plain[0]) : null,
          panel && panel.lastElementChild ? panel.lastElementChild.textContent.trim() : null];
}}).filter(([plain]) => plain !== null)"""
# The folds (solutions) of the rendered Markdown cells, how many are open, and the text
# shown outside code (where a chapter may show MyST syntax on purpose).
FOLDS = f"""(() => {{
  const md = [...{CURRENT}.content.node.querySelectorAll('.jp-MarkdownCell .myst')];
  const details = md.flatMap(c => [...c.querySelectorAll('details')]);
  const prose = md.map(c => [...c.querySelectorAll('pre, code')].reduce(
    (text, code) => text.replace(code.innerText, ''), c.innerText));
  return [details.length, details.filter(d => d.open).length, prose.join('\\n')]; }})()"""
SHUTDOWN = """async () => { const base = location.pathname.replace(/\\/lab(\\/.*)?$/, '');
  const sessions = await (await fetch(base + '/api/sessions')).json();
  await Promise.all(sessions.map(s => fetch(base + '/api/sessions/' + s.id,
                                            {method: 'DELETE'}))); }"""
PANELS_SHOWN = """[...document.querySelectorAll('.reveal .slides .jp-CodeCell:not(.reveal-skip)')]
  .filter(c => !c.closest('aside.notes') && c.querySelector('.widget-vbox .widget-slider'))"""


@pytest.fixture(scope="module")
def chromium():
    yield from _chromium.driver()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server of Binder's environment on a folder with the chapters and the
    presenter notebooks; yields ``(base URL, folder)``."""
    missing = [n for n in DECKS if not (RISE_DIR / f"{n}.ipynb").is_file()]
    if missing:
        pytest.fail(f"no presenter notebooks for {missing}: run `make slides`", pytrace=False)
    root = tmp_path_factory.mktemp("binder-home")
    (root / "book").mkdir()
    for name in CHAPTERS:
        shutil.copy2(REPO / "book" / f"{name}.md", root / "book")
    shutil.copytree(RISE_DIR, root / "book" / "_build" / "rise")
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
           f"--ServerApp.root_dir={root}"]
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
        yield f"http://127.0.0.1:{port}", root
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# The chapters in four groups of about equal cost, one class each: `make test` runs the
# suite on two processes (pytest-xdist, one class or module per process at a time), which
# take the groups in turn, each with its own JupyterLab and Chromium; four groups rather
# than two let the processes finish together.
GROUPS = 4
# Heaviest first (execution, then panels and decks), dealt out back and forth.
_COST = ["momentum", "training", "comparison", "adam", "family", "schedules",  # measured
         "gradient_descent", "conventions", "adagrad", "rmsprop", "intro", "notation",
         "instructors"]
_ORDER = sorted(CHAPTERS, key=lambda n: _COST.index(n) if n in _COST else -1)
_GROUP = [[n for i, n in enumerate(_ORDER)
           if min(i % (2 * GROUPS), 2 * GROUPS - 1 - i % (2 * GROUPS)) == g]
          for g in range(GROUPS)]


class TestChaptersGroup0:
    @pytest.mark.parametrize("name", _GROUP[0])
    def test_live_chapter(self, lab, chromium, name):
        chromium.run(_live, lab, name)


class TestChaptersGroup1:
    @pytest.mark.parametrize("name", _GROUP[1])
    def test_live_chapter(self, lab, chromium, name):
        chromium.run(_live, lab, name)


class TestChaptersGroup2:
    @pytest.mark.parametrize("name", _GROUP[2])
    def test_live_chapter(self, lab, chromium, name):
        chromium.run(_live, lab, name)


class TestChaptersGroup3:
    @pytest.mark.parametrize("name", _GROUP[3])
    def test_live_chapter(self, lab, chromium, name):
        chromium.run(_live, lab, name)


def test_the_groups_cover_every_chapter_and_deck():
    """Every chapter is in exactly one group; a chapter new to the book (not in _COST)
    goes first, so a new chapter is never left out."""
    assert sorted(sum(_GROUP, [])) == sorted(CHAPTERS) and len(CHAPTERS) >= 11
    assert len(_GROUP) == GROUPS == sum(1 for k in globals() if k.startswith("TestChaptersGroup"))
    assert set(DECKS) <= set(CHAPTERS) and len(DECKS) >= 8


def test_most_chapters_have_slider_panels_whose_readout_is_checked():
    with_panels = [n for n in CHAPTERS
                   if "slider_panel(" in (REPO / "book" / f"{n}.md").read_text(encoding="utf-8")]
    assert len(with_panels) >= 5, with_panels


_CONTEXTS: dict[int, tuple] = {}


def _context(browser):
    """One browser context per Chromium, for every chapter: JupyterLab's scripts then come
    from the browser's cache after the first chapter. Returns the context and the list its
    router appends off-host requests to."""
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


def _listen(tab, errors):
    """Collect the tab's console errors and uncaught exceptions into ``errors``; returns
    the listeners, for ``_unlisten``."""
    listeners = {"console": lambda m: m.type == "error" and errors.append(m.text),
                 "pageerror": lambda e: errors.append(f"{e}\n{e.stack}")}
    for event, listener in listeners.items():
        tab.on(event, listener)
    return listeners


def _unlisten(tab, listeners):
    for event, listener in listeners.items():
        tab.remove_listener(event, listener)


# The chapter's notebooks are closed without asking (RISE saved the presenter notebook, the
# test saved the chapter); JupyterLab's app, and the browser's cache, stay for the next.
CLOSE_ALL = f"""() => {{ for (const w of [...window.jupyterapp.shell.widgets('main')]) {{
    if (w.context) w.context.model.dirty = false;
    w.dispose(); }} return {CURRENT} === null; }}"""
_LABS: dict[int, object] = {}


def _lab_page(context, url):
    """The JupyterLab page of this browser, opened once (``?reset``: an empty workspace);
    each chapter opens in it as a user opens the next file, and closes after."""
    page = _LABS.get(id(context))
    if page is None or page.is_closed():
        page = context.new_page()
        page.goto(f"{url}/lab?reset")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        page.wait_for_selector(".jp-LabShell", timeout=60_000)
        _LABS[id(context)] = page
    return page


def _live(browser, lab, name):
    url, root = lab
    context, offsite = _context(browser)
    offsite.clear()
    errors: list[str] = []
    page = _lab_page(context, url)
    listeners = _listen(page, errors)
    try:
        # as /lab/tree/book/<name>.md does: the chapter with its default viewer (the
        # repository's labconfig makes that jupytext's notebook)
        page.evaluate(f"void window.jupyterapp.commands.execute('docmanager:open', "
                      f"{{path: 'book/{name}.md'}})")
        page.wait_for_function(f"{CURRENT} && {CURRENT}.context && "
                               f"{CURRENT}.context.path === 'book/{name}.md' && "
                               f"{CURRENT}.node.querySelector('.jp-Notebook .jp-Cell')",
                               timeout=60_000)
        _run_all(page)
        failed = page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']").all_inner_texts()
        failed = [t for t in failed if "Traceback" in t or "Error" in t]
        assert not failed, f"{name}: a cell failed under Run All:\n{failed[0][:2000]}"
        _check_prose(page, name)
        _check_panels(page, name)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')"
                      ".then(() => undefined)")
        page.wait_for_function(f"!{CURRENT}.context.model.dirty", timeout=30_000)
        saved = (root / "book" / f"{name}.md").read_bytes()
        assert saved == (REPO / "book" / f"{name}.md").read_bytes(), (
            f"{name}: saving the notebook in JupyterLab rewrote the chapter")
        if name in DECKS:
            _present(context, page, root, name, errors)
    except BaseException:
        page.close()  # the next chapter starts on a fresh page
        raise
    finally:
        # The notebooks and the slideshow are closed, then the kernel is shut down (an idle
        # kernel still costs the next chapters CPU time).
        if not page.is_closed():
            page.wait_for_function(CLOSE_ALL, timeout=30_000)
            page.evaluate(SHUTDOWN)
            _unlisten(page, listeners)
        for tab in context.pages:
            if tab is not page:
                tab.close()

    unexpected = [e for e in errors if not any(m in e and src in e for m, src in UPSTREAM)]
    assert not unexpected, f"{name}: console errors:\n" + "\n".join(unexpected[:5])
    assert not offsite, f"{name}: requests to other hosts: {offsite[:5]}"


def _run_all(page, timeout=300):
    """Run ▸ Run All Cells, then wait until no cell is queued or running (or one failed,
    which stops the run)."""
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.locator(".jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function(
        "[...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]"
        ".every(p => /\\[\\d+\\]/.test(p.textContent)) || "
        "!!document.querySelector('.jp-Notebook "
        "[data-mime-type=\"application/vnd.jupyter.stderr\"]')",
        timeout=timeout * 1000, polling=200)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000)


def _check_prose(page, name):
    """Every ``{eval}`` of the chapter shows the value the book build glued; solutions are
    folded; no role or directive is left as raw text."""
    source = (REPO / "book" / f"{name}.md").read_text(encoding="utf-8")
    wanted = set(EVAL.findall(source))
    page.wait_for_function(f"{EXPRESSIONS}.length >= {len(EVAL.findall(source))}",
                           timeout=30_000)
    shown = page.evaluate(EXPRESSIONS)
    errors = [(e, text) for e, status, text in shown if status != "ok"]
    assert not errors, f"{name}: expressions that failed in the kernel: {errors[:5]}"
    values = {e: text for e, _, text in shown}
    assert set(values) == wanted, f"{name}: not evaluated: {sorted(wanted - set(values))[:5]}"
    built = slides._glue_values(f"book/{name}")
    differ = {k: (values[k], built.get(k)) for k in wanted
              if values[k] != built.get(k) and not TIMINGS.search(k)}
    assert not differ, (f"{name}: in JupyterLab the prose shows other values than the book "
                        f"(shown, built): {dict(list(differ.items())[:5])}")
    folds, open_, text = page.evaluate(FOLDS)
    assert folds >= source.count(":class: dropdown") and not open_, (
        f"{name}: {folds} folds, {open_} open, for {source.count(':class: dropdown')} dropdowns")
    raw = [m for m in ("{eval}", "{glue", "{cite}", "{doc}", "{eq}", "```{") if m in text]
    assert not raw, f"{name}: MyST shown raw in JupyterLab: {raw}"


def _check_panels(page, name):
    """Each panel shows the run of the chapter's values; the first with a number box takes
    a typed value, and its slider moves with the arrow keys."""
    pairs = page.evaluate(READOUTS)
    source = (REPO / "book" / f"{name}.md").read_text(encoding="utf-8")
    if "slider_panel(" in source:
        assert pairs, f"{name}: no slider panel's readout was found to check"
    for plain, shown in pairs:
        assert shown == plain[len("<SliderPanel: "):-1], (
            f"{name}: a panel shows {shown!r}, its values give {plain!r}")
    boxes = page.locator(".jp-OutputArea-output .widget-vbox input[type=number]")
    if not boxes.count():
        return
    box = boxes.first
    panel = box.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][last()]")
    image, readout = panel.locator("img").first, panel.locator(".widget-html").last
    box.scroll_into_view_if_needed()
    state = (image.get_attribute("src"), readout.inner_text())
    typed = f"{float(box.input_value()) * 0.7:.6g}"
    box.fill(typed)
    box.press("Enter")
    state = _changed(page, image, readout, state, name, "typed value", readout_moves=False)
    assert float(box.input_value()) == float(typed), f"{name}: the typed value did not stay"
    handle = panel.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowLeft")
    state = _changed(page, image, readout, state, name, "press of ArrowLeft on a slider")
    start = panel.locator(".widget-text").filter(has_text="start x₂").locator("input")
    moved = f"{float(start.input_value()) * 0.5:.6g}"
    start.fill(moved)
    start.press("Enter")
    _changed(page, image, readout, state, name, "start typed into the start box")
    assert float(start.input_value()) == float(moved), f"{name}: the typed start did not stay"


def _changed(tab, image, readout, before, name, how, readout_moves=True):
    """Wait for the panel's picture (and, where it moves, its readout) to change after a
    control move; return the new state. The picture and the readout are two widgets, whose
    updates reach the page as two messages, so each is waited for.
    (A small typed change may move the path without changing the readout's 3 digits.)"""
    try:
        tab.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                              arg=[image.element_handle(), before[0]], timeout=30_000)
    except Exception:
        pytest.fail(f"{name}: the panel's picture did not change after a {how}")
    if readout.count() and readout_moves:
        try:
            tab.wait_for_function("([el, old]) => el.innerText !== old",
                                  arg=[readout.element_handle(), before[1]], timeout=10_000)
        except Exception:
            pytest.fail(f"{name}: the readout did not change after a {how}")
    return (image.get_attribute("src"), readout.inner_text() if readout.count() else "")


def _present(context, page, root, name, errors):
    """The presenter notebook on the chapter's kernel: its panel cells run again, then
    RISE shows every slide and panel, and a click on a slider's track moves the path."""
    path = f"book/_build/rise/{name}.ipynb"
    nb = json.loads((root / path).read_text(encoding="utf-8"))
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]]
    drawn = [i for i, c in enumerate(nb["cells"])
             if any(WIDGET in o.get("data", {}) for o in c.get("outputs", []))]
    kernel = page.evaluate(f"{CURRENT}.sessionContext.session.kernel.id")
    page.evaluate(f"void window.jupyterapp.commands.execute('docmanager:open', "
                  f"{{path: {json.dumps(path)}, kernel: {{id: {json.dumps(kernel)}}}}})")
    page.wait_for_function(f"{CURRENT}.context.path === {json.dumps(path)} && "
                           f"{CURRENT}.sessionContext.session && "
                           f"{CURRENT}.sessionContext.session.kernel.id === {json.dumps(kernel)}",
                           timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("""async (cells) => { const w = window.jupyterapp.shell.currentWidget;
        for (const i of cells) { w.content.activeCellIndex = i;
          await window.jupyterapp.commands.execute('notebook:run-cell'); } }""", drawn)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    redrawn = page.evaluate(f"""(cells) => cells.map(i => {CURRENT}.content.widgets[i].model
        .outputs.toJSON().some(o => o.output_type === 'error' ||
                               (o.data && o.data['{WIDGET}'])))""", drawn)
    assert all(redrawn), f"{name}: a presenter panel cell did not draw its panel again"

    # RISE's "open as a slideshow in a new tab": saves the notebook, then opens /rise/<path>.
    with context.expect_page() as opened:
        page.evaluate("void window.jupyterapp.commands.execute('RISE:slideshow')")
    rise = opened.value
    _listen(rise, errors)
    rise.locator(".reveal .slides > section").first.wait_for(timeout=60_000)
    sections = rise.locator(".reveal .slides > section").count()
    assert sections == kinds.count("slide"), f"{name}: {sections} sections in RISE"
    panels = sum(1 for i in drawn if kinds[i] != "skip")
    try:
        rise.wait_for_function(f"{PANELS_SHOWN}.length === {panels}", timeout=60_000)
    except Exception:
        shown_now = rise.evaluate(f"{PANELS_SHOWN}.length")
        pytest.fail(f"{name}: RISE shows {shown_now} of the {panels} live panels on the slides")
    if not panels:
        return
    handle = None
    for _ in range(sections + 1):
        handle = _visible_slider(rise)
        if handle:
            break
        # Space is reveal.js's "next" (a presenter's clicker sends PageDown, the same).
        rise.keyboard.press("Space")
        rise.wait_for_timeout(150)
    assert handle, f"{name}: no slider reached by paging through the slideshow"
    shown = rise.url
    panel = handle.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][last()]")
    image, readout = panel.locator("img").first, panel.locator(".widget-html").last
    state = (image.get_attribute("src"), readout.inner_text() if readout.count() else "")
    # mouse: click the slider's track at the end away from its handle (the arrow keys belong
    # to the slideshow in RISE)
    track = handle.locator("xpath=ancestor::div[contains(@class,'slider-container')][1]")
    t, h = track.bounding_box(), handle.bounding_box()
    right = h["x"] + h["width"] / 2 < t["x"] + t["width"] / 2
    rise.mouse.click(t["x"] + (0.9 if right else 0.1) * t["width"], t["y"] + t["height"] / 2)
    _changed(rise, image, readout, state, name, "click on the slider's track")
    assert rise.url == shown, f"{name}: moving a slider changed the slide"


def _visible_slider(tab):
    """The first slider handle on the slide being shown, or None."""
    handles = tab.locator(".reveal .widget-slider .noUi-handle")
    shown = tab.evaluate("""[...document.querySelectorAll('.reveal .widget-slider .noUi-handle')]
        .findIndex(h => h.closest('section.present') && h.getBoundingClientRect().width > 0)""")
    return handles.nth(shown) if shown >= 0 else None
