"""`make bench`: performance ratios, each measured in this one run (nothing is asserted).

1. Sweep: RMSprop on seed 000's bowl, a 100 x 100 grid of (lr, gamma), 200 steps:
   one vectorised ``optimlab.sweep`` against a Python loop over the settings written
   the way the seed writes it, and against a bare numpy pass with no bookkeeping.
2. Slider move: recompute the path and produce the PNG the reader sees, with the
   cached contour background (blitting) against a full redraw as ``interact`` does.
3. Build: a cold ``jupyter-book build`` (empty execution cache) against a cached one.
4. Site budgets (needs ``make book`` first): every page's weight (HTML plus everything it
   loads) and load time on 127.0.0.1 in Chromium, and the whole site's size.
5. Lighthouse (npm, dev; mobile preset: simulated slow 4G and a 4x slower CPU) on every
   page served compressed as a static host serves it: its four scores and its first and
   largest contentful paint and total blocking time, each the median of three runs (one
   run's performance score moves by up to 20 points). About 2 minutes a page;
   ``OPTIMLAB_LIGHTHOUSE=0`` skips it, ``OPTIMLAB_LIGHTHOUSE=1`` runs each page once.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book"))

import optimlab as ol  # noqa: E402
from optimlab.plots import draw_contour, draw_path  # noqa: E402
from optimlab.widgets import slider_panel  # noqa: E402

LRS = np.geomspace(1e-3, 1.0, 100)
GAMMAS = np.linspace(0.5, 0.999, 100)
STEPS = 200


def seed_style_loop(lrs, gammas, steps):
    """Seed 000's loop, once per setting."""
    finals = np.empty((len(lrs), len(gammas), 2))
    for i, learning_rate in enumerate(lrs):
        for j, gamma in enumerate(gammas):
            w = np.array([-10.0, 1.5])
            E_g_sq = np.zeros_like(w)
            w_history = [w.copy()]
            for _ in range(steps):
                grad = np.array([0.2 * w[0], 10 * w[1]])
                E_g_sq = gamma * E_g_sq + (1 - gamma) * grad**2
                w = w - (learning_rate / np.sqrt(E_g_sq + 1e-8)) * grad
                w_history.append(w.copy())
            finals[i, j] = w
    return finals


def bare_numpy(lrs, gammas, steps):
    """The same arithmetic on the whole grid, nothing recorded."""
    lr, gamma = np.meshgrid(lrs, gammas, indexing="ij")
    lr, gamma = lr[..., None], gamma[..., None]
    w = np.broadcast_to(np.array([-10.0, 1.5]), lr.shape[:2] + (2,)).copy()
    s = np.zeros_like(w)
    c = np.array([0.2, 10.0])
    with np.errstate(all="ignore"):
        for _ in range(steps):
            g = c * w
            s = gamma * s + (1 - gamma) * g * g
            w = w - lr / np.sqrt(s + 1e-8) * g
    return w


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench_sweep():
    bowl = ol.seed000_bowl()
    t_sweep, tr = best_of(lambda: ol.sweep(ol.rmsprop, bowl, [-10.0, 1.5], STEPS, lr=list(LRS),
                                           gamma=list(GAMMAS), eps=1e-8))
    t_bare, bare = best_of(lambda: bare_numpy(LRS, GAMMAS, STEPS))
    t0 = time.perf_counter()
    loop = seed_style_loop(LRS, GAMMAS, STEPS)
    t_loop = time.perf_counter() - t0
    ok = np.isfinite(loop).all(-1) & np.isfinite(tr.final).all(-1)
    assert np.allclose(tr.final[ok], loop[ok], rtol=1e-9, atol=1e-12), "sweep != loop"
    return [("sweep 100x100 (lr, gamma), 200 steps: optimlab.sweep", t_sweep),
            ("  same arithmetic, bare numpy (no trajectory/state bookkeeping)", t_bare),
            ("  Python loop over settings, seed 000 style", t_loop),
            ("  ratio loop / sweep", t_loop / t_sweep),
            ("  ratio sweep / bare numpy (bookkeeping overhead)", t_sweep / t_bare)]


def full_redraw_png(objective, tr, title: str) -> bytes:
    """What a panel that redraws everything does on every move (ipywidgets' ``interact``):
    a new figure, contour and path."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    draw_contour(ax, objective)
    draw_path(ax, tr.x, 0, None)
    ax.set_title(title)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def bench_slider(moves=40):
    bowl = ol.seed000_bowl()
    panel = slider_panel(ol.rmsprop, bowl, [-10.0, 1.5], 50, lr=0.5, gamma=0.9, eps=1e-8)
    panel.update()  # build the cached background once, as the panel does on display
    values = np.geomspace(0.01, 2.0, moves)
    fast, full = [], []
    for lr in values:
        t0 = time.perf_counter()
        panel.update(lr=float(lr))
        fast.append(time.perf_counter() - t0)
    for lr in values:
        t0 = time.perf_counter()
        tr = panel.trajectory(lr=float(lr))
        full_redraw_png(bowl, tr, "RMSprop")
        full.append(time.perf_counter() - t0)
    m_fast, m_full = statistics.median(fast), statistics.median(full)
    return [("slider move, median of 40: recompute + blit path onto cached contour", m_fast),
            ("  full redraw of contour + path (what interact does)", m_full),
            ("  ratio full / incremental", m_full / m_fast)]


def bench_build():
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    out = Path(tempfile.mkdtemp(prefix="optimlab-bench-"))
    cmd = [jb, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going", "-q"]
    cfg_cache = ROOT / "_build" / ".jupyter_cache"
    saved = None
    if cfg_cache.exists():  # the config points the cache at _build/.jupyter_cache
        saved = Path(tempfile.mkdtemp()) / "cache"
        shutil.move(str(cfg_cache), saved)
    try:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        cold = time.perf_counter() - t0
        shutil.rmtree(out / "_build" / "html", ignore_errors=True)
        shutil.rmtree(out / "_build" / ".doctrees", ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        cached = time.perf_counter() - t0
    finally:
        shutil.rmtree(cfg_cache, ignore_errors=True)
        if saved is not None:
            shutil.move(str(saved), cfg_cache)
        shutil.rmtree(out, ignore_errors=True)
    return [("book build, cold (empty execution cache)", cold),
            ("  book build, cached execution (fresh HTML)", cached),
            ("  ratio cold / cached", cold / cached)]


def bench_site():
    """Page weight and load time per page of the built site, against the budgets the
    browser tests assert (``tests/browser/test_site.py``, ``test_load.py``)."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    site = Path(os.environ.get("OPTIMLAB_SITE", ROOT / "_build" / "html"))
    if not (site / "index.html").exists():
        return [("site budgets: no built site (run make book)", float("nan"))]
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, served_bytes, site_files, toc_pages
    from test_load import LOAD_BUDGET_S
    from test_site import PAGE_BUDGET_MB, SITE_BUDGET_MB

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for page_path in [p for p in toc_pages() if p != "index.html"]:  # index: a redirect
            context = browser.new_context()
            page = context.new_page()
            urls = set()
            page.on("requestfinished", lambda r: urls.add(r.url))
            page.goto(base + page_path, wait_until="load")
            load = page.evaluate("() => performance.getEntriesByType('navigation')[0]"
                                 ".loadEventEnd / 1000")
            # weight: everything the page loads in the end (lazy figures, Vega after load)
            page.evaluate("""async () => { for (const img of document.images) img.loading = 'eager';
                await Promise.all([...document.images].map(i => i.complete ? 0 :
                    new Promise(ok => { i.onload = i.onerror = ok; }))); }""")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            files = site_files(urls, base)
            raw = sum(f.stat().st_size for f in files) / 1e6
            gz = sum(served_bytes(f) for f in files) / 1e6
            rows.append((f"page {page_path}: weight as served gzip "
                         f"(MB, budget {PAGE_BUDGET_MB:g})", gz))
            rows.append(("  weight uncompressed (MB)", raw))
            rows.append((f"  load on 127.0.0.1 (budget {LOAD_BUDGET_S:g} s)", load))
            context.close()
        browser.close()
    server.shutdown()
    total = sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6
    rows.append((f"whole site (MB, budget {SITE_BUDGET_MB:g})", total))
    return rows


LIGHTHOUSE_CATEGORIES = {"performance": "performance", "accessibility": "accessibility",
                         "best-practices": "best practices", "seo": "SEO"}
LIGHTHOUSE_TIMINGS = {"first-contentful-paint": "first contentful paint",
                      "largest-contentful-paint": "largest contentful paint",
                      "total-blocking-time": "total blocking time"}


def lighthouse(url: str) -> dict:
    """Lighthouse's mobile run of ``url`` in Debian's Chromium: its JSON report."""
    report = Path(tempfile.mkdtemp()) / "report.json"
    subprocess.run([str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox",
                    "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
                    "--output=json", f"--output-path={report}"],
                   check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = json.loads(report.read_text(encoding="utf-8"))
    shutil.rmtree(report.parent)
    return data


def bench_lighthouse():
    """Lighthouse's four scores and three timings on every page of the book."""
    site = Path(os.environ.get("OPTIMLAB_SITE", ROOT / "_build" / "html"))
    if os.environ.get("OPTIMLAB_LIGHTHOUSE") == "0":
        return []
    if not (ROOT / "node_modules" / ".bin" / "lighthouse").exists():
        return [("lighthouse: not installed (make bench installs it)", float("nan"))]
    if not (site / "index.html").exists():
        return [("lighthouse: no built site (run make book)", float("nan"))]
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    sys.path.insert(0, str(ROOT / "tools"))
    from conftest import toc_pages
    from gzip_server import serve

    runs = int(os.environ.get("OPTIMLAB_LIGHTHOUSE", "3"))
    base, server = serve(site)
    rows = []
    for page_path in [p for p in toc_pages() if p != "index.html"]:  # index: a redirect
        reports = [lighthouse(base + page_path) for _ in range(runs)]
        for key, label in LIGHTHOUSE_CATEGORIES.items():
            head = f"lighthouse {page_path}: " if key == "performance" else "  "
            score = statistics.median(100 * r["categories"][key]["score"] for r in reports)
            rows.append((f"{head}{label} (score)", score))
        for key, label in LIGHTHOUSE_TIMINGS.items():
            value = statistics.median(r["audits"][key]["numericValue"] for r in reports)
            rows.append((f"  {label}", value / 1e3))
    server.shutdown()
    return rows


def bench_page_panel(moves=50):
    """In the page (the static site): a slider move on a 300-step panel added to the
    RMSprop chapter, from the input event to the frame with the new path (median and p90
    of ``moves``, after 10 to warm up), and what the page engine and its drawing code
    weigh as served (the budgets of ``tests/browser/test_panels.py``)."""
    import functools
    import http.server
    import statistics
    import threading

    from playwright.sync_api import sync_playwright

    site = Path(os.environ.get("OPTIMLAB_SITE", ROOT / "_build" / "html"))
    if not (site / "book" / "rmsprop.html").exists():
        return [("page panel: no built site (run make book)", float("nan"))]
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import CHROMIUM, CHROMIUM_ARGS, served_bytes
    from test_panels import TIMING_JS, _open

    static = site / "_static"
    scripts = [*(static / "engine").glob("*.js"), *(static / "panel").glob("*.js"),
               static / "optimlab-panels.js"]
    weight = sum(served_bytes(f) for f in scripts) / 1e6
    panel = slider_panel(ol.rmsprop, ol.seed000_bowl(), [-10.0, 1.5], 300, lr=0.5, gamma=0.9,
                         eps=1e-8, eps_placement=("inside", "outside"))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context, page, _ = _open(browser, base + "book/rmsprop.html")
        first = page.eval_on_selector("figure.optimlab-live", "el => el.id")
        page.eval_on_selector(f"#{first}", "el => el.scrollIntoView()")  # where panels start
        page.wait_for_function("(id) => !!window.optimlabPanels[id]", arg=first)
        page.evaluate("""async (html) => {
          document.querySelector('figure.optimlab-live').insertAdjacentHTML('afterend', html);
          const { LivePanel } = await import(new URL('../_static/panel/panel.js', location.href));
          window.optimlabPanels.timed = new LivePanel(document.getElementById('timed'));
          document.getElementById('timed').scrollIntoView();
        }""", panel.static_html("timed"))
        times = page.evaluate(TIMING_JS, ["timed", "lr", moves + 10])[10:]
        context.close()
        browser.close()
    server.shutdown()
    painted = [t[1] / 1e3 for t in times]
    html_kb = (site / "book" / "rmsprop.html").stat().st_size / 1e6
    return [("page panel, 300 steps: slider input -> repainted path, median (budget 16 ms)",
             statistics.median(painted)),
            ("  p90", sorted(painted)[int(0.9 * len(painted))]),
            ("  engine + drawing + page script as served gzip (MB, budget 0.2)", weight),
            ("  RMSprop chapter's HTML uncompressed (MB, budget 0.45)", html_kb)]


def main():
    rows = (bench_sweep() + bench_slider() + bench_build() + bench_site() + bench_page_panel()
            + bench_lighthouse())
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  value")
    for name, value in rows:
        if "(score)" in name:
            shown = f"{value:8.0f}"
        elif "MB" in name:
            shown = f"{value:8.2f} MB"
        elif "ratio" in name:
            shown = f"{value:8.1f} x"
        else:
            shown = f"{value * 1e3:8.1f} ms" if value < 1 else f"{value:8.2f} s"
        print(f"{name:<{width}}  {shown}")


if __name__ == "__main__":
    main()
