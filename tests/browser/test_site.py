"""The built site works offline in a real browser: one test per page (from _toc.yml) per check."""
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import SITE, SKIPPED, SKIPPED_BLOCKS, served_bytes

REPO = Path(__file__).resolve().parents[2]

ALLOWED_SCHEMES = {"data", "blob"}
# Budgets (``make bench`` prints the same measurements): what a page costs a reader.
PAGE_BUDGET_MB = 3.0  # everything a page loads, lazy figures included, as served (gzip)
SITE_BUDGET_MB = 17.0  # MB: 15.8 with the source maps and the unused Font Awesome script removed
SEVERE = {"serious", "critical"}
RAW_MATH = ("$$", "\\(", "\\[")


def test_no_console_errors(report):
    problems = report.console_errors + [f"pageerror: {e}" for e in report.page_errors]
    assert not problems, "\n".join(problems)


def test_no_offhost_requests(report):
    offhost = [u for u in report.requests
               if urlsplit(u).scheme not in ALLOWED_SCHEMES and urlsplit(u).hostname != "127.0.0.1"]
    assert not offhost, "requests that leave 127.0.0.1:\n" + "\n".join(offhost)


def _source_has_maths(site_page: str) -> bool:
    stem = REPO / Path(site_page).with_suffix("")
    for src in (stem.with_suffix(".md"), stem.with_suffix(".ipynb")):
        if src.is_file():
            text = src.read_text(encoding="utf-8")
            return bool(re.search(r"\$[^$\n]+\$|\$\$|\{math\}|\\begin\{", text))
    return False


def test_maths_rendered(report, site_page):
    m = report.maths
    has_maths = m["html_math"] > 0 or _source_has_maths(site_page)
    if has_maths:
        assert m["rendered"] > 0, ("the source has maths but the page shows no KaTeX output "
                                   f"({m['html_math']} maths elements in the HTML: stale build?)")
        assert m["katex_css"], "maths on the page but KaTeX's stylesheet is not loaded"
        assert m["font"], "maths on the page but KaTeX's fonts did not load"
        # screen readers get MathML alongside every rendered formula
        assert m["mathml"] == m["rendered"], f"{m['rendered']} formulas, {m['mathml']} with MathML"
    assert not m["errors"], f"KaTeX errors: {m['errors']}"
    # The page's text outside code blocks (code may hold `\\(` legitimately), collapsed
    # dropdowns included: a stricter form of document.body.innerText.
    text = m["text"]
    raw = [f"{d!r} in ...{' '.join(text[max(0, text.index(d) - 40):text.index(d) + 40].split())}..."
           for d in RAW_MATH if d in text]
    assert not raw, "raw maths delimiters left in the page text:\n" + "\n".join(raw)


def test_images_load_and_have_alt(report):
    broken = [i["src"][:120] for i in report.images if not i["width"]]
    no_alt = [i["src"][:120] for i in report.images if not (i["alt"] or "").strip()]
    assert not broken, f"images that did not load: {broken}"
    assert not no_alt, f"images without alt text: {no_alt}"


def test_axe_no_serious_violations(report):
    bad = [v for v in report.axe if v["impact"] in SEVERE]
    lines = [f"{v['id']} ({v['impact']}, {v['count']} nodes: {v['help']}): "
             + "; ".join(v["targets"][:5]) for v in bad]
    assert not bad, "axe-core violations:\n" + "\n".join(lines)


def test_page_weight_within_budget(report):
    assert report.files, "the page loaded no file of the site"
    weight = sum(served_bytes(f) for f in report.files) / 1e6
    heaviest = sorted(report.files, key=served_bytes)[-3:]
    assert weight <= PAGE_BUDGET_MB, (f"{weight:.2f} MB as served (budget {PAGE_BUDGET_MB}); "
                                      f"heaviest: {[f.name for f in heaviest]}")


def test_site_size_within_budget():
    assert (SITE / "index.html").is_file(), f"no built site at {SITE}: run `make book`"
    total = sum(f.stat().st_size for f in SITE.rglob("*") if f.is_file()) / 1e6
    assert total <= SITE_BUDGET_MB, f"the built site is {total:.1f} MB (budget {SITE_BUDGET_MB})"


def _heads():
    """(page, its <head>) for every chapter-like page of the built site."""
    pages = [p for p in SITE.rglob("*.html")
             if p.relative_to(SITE).parts[0] not in ("_static", "slides", "exercises")]
    assert len(pages) >= 13, f"only {len(pages)} pages in {SITE}: run `make book`"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "</head>" in text:
            yield page, text, text[:text.find("</head>")]


def test_no_script_blocks_the_first_paint():
    """Every script of a page's <head> is deferred, async or a module (book/_ext/
    optimlab_page_speed.py), no script is preloaded, and the only inline scripts are the
    theme's colour mode and variables (which need no other script)."""
    for page, _, head in _heads():
        blocking = [m.group(0) for m in re.finditer(r"<script\b[^>]*\bsrc=[^>]*>", head)
                    if not re.search(r"\b(defer|async|type=\"module\")", m.group(0))]
        assert not blocking, f"{page.name}: render-blocking scripts {blocking}"
        assert 'rel="preload" as="script"' not in head, page.name
        if "<script" in head:  # (the root index.html is a bare redirect)
            assert "const DOCUMENTATION_OPTIONS" in head, f"{page.name}: options not inlined"


def test_the_first_paint_has_the_themes_colours(browser, site_url):
    """Before any of the theme's scripts has run (here: none is served), the page is in
    the light or dark theme its stylesheet colours, the one the theme's script would pick
    for the reader's mode and system preference (book/_ext/optimlab_page_speed.py)."""
    cases = [("light", None, "light"), ("dark", None, "dark"), ("light", "dark", "dark"),
             ("dark", "light", "light"), ("dark", "auto", "dark")]
    for scheme, mode, expected in cases:
        context = browser.new_context(color_scheme=scheme)
        try:
            page = context.new_page()
            page.route("**/*.js*", lambda route: route.abort())
            page.goto(site_url + "book/intro.html", wait_until="commit")
            if mode:
                page.evaluate("(m) => localStorage.setItem('mode', m)", mode)
                page.goto(site_url + "book/intro.html", wait_until="commit")
            page.wait_for_load_state("load")
            theme, background = page.evaluate("""() => [document.documentElement.dataset.theme,
              getComputedStyle(document.body).getPropertyValue('--pst-color-background')]""")
            assert (theme, bool(background.strip())) == (expected, True), (scheme, mode)
        finally:
            context.close()


#: every element's box and the styles a reader sees, with the skipped sections laid out
LOOK_JS = """async () => {
  await document.fonts.ready;
  return [...document.querySelectorAll('body *')].map((el) => {
    const r = el.getBoundingClientRect(), c = getComputedStyle(el);
    return [el.tagName, Math.round(r.x), Math.round(r.y), Math.round(r.width),
            Math.round(r.height), c.color, c.backgroundColor, c.font, c.display, c.margin,
            c.padding, c.border, c.outline].join(' ');
  });
}"""


def _look(context, url, css=None):
    """LOOK_JS on ``url``, its joined stylesheet served as ``css`` if given, and the
    focused element's outline and shadow after each of 30 presses of Tab."""
    page = context.new_page()
    if css is not None:
        page.route("**/optimlab-styles-*.css*", lambda route: route.fulfill(
            body=css, content_type="text/css"))
    page.goto(url, wait_until="networkidle")
    page.add_style_tag(content=f"{SKIPPED} {{ content-visibility: visible !important; }}"
                       " * { transition: none !important; }")  # read styles, not frames
    page.wait_for_load_state("networkidle")
    look = page.evaluate(LOOK_JS)
    focus = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focus.append(page.evaluate("""() => { const c = getComputedStyle(document.activeElement);
          return c.outline + ' ' + c.boxShadow; }"""))
    page.close()
    return look, focus


def test_the_trimmed_stylesheet_styles_pages_as_the_whole_one(browser, site_url):
    """The joined stylesheet with the rules no page uses removed (tools/purge_css.mjs)
    gives every element of two long pages the same box, colours, font, spacing and
    focus ring, in both themes and at a phone's and a desktop's width, as the whole
    joined stylesheet (rebuilt here from its files) does."""
    import sys
    sys.path.insert(0, str(REPO / "book" / "_ext"))
    import optimlab_site_fixes as fixes

    static = (SITE / "_static").resolve()
    bundles = json.loads((static / fixes.BUNDLES).read_text(encoding="utf-8"))

    def joined(files):  # what optimlab_site_fixes writes, before the trim
        seen: set = set()
        return "\n".join(fixes._css(static / f, static, seen) for f in files)

    for name, files in bundles.items():
        whole = joined(files)
        trimmed = (static / name).read_text(encoding="utf-8")
        assert len(trimmed) < 0.4 * len(whole), (name, len(trimmed), len(whole))
    for scheme, width in (("light", 412), ("dark", 1280)):
        context = browser.new_context(color_scheme=scheme, viewport={"width": width,
                                                                      "height": 900})
        try:
            for page in ("book/momentum.html", "book/instructors.html"):
                name = re.search(r"optimlab-styles-[0-9a-f]+\.css",
                                 (SITE / page).read_text(encoding="utf-8")).group(0)
                whole = joined(bundles[name])
                trimmed, trimmed_focus = _look(context, site_url + page)
                full, full_focus = _look(context, site_url + page, whole)
                assert len(trimmed) == len(full) > 1000
                differ = [(a, b) for a, b in zip(full, trimmed) if a != b]
                assert not differ, f"{page} ({scheme}, {width}px): {differ[:3]}"
                assert trimmed_focus == full_focus, page
        finally:
            context.close()


def test_code_blocks_are_focusable_without_the_themes_handler():
    """Every code block, table container and display equation can take the keyboard's
    focus (so a reader can scroll it with the arrow keys), written so at build time; the
    theme's handler that measured them on load is switched off."""
    for page, text, _ in _heads():
        missing = re.findall(r'<pre\b(?![^>]*tabindex="0")[^>]*>', text)
        missing += re.findall(r'<div class="(?:pst-scrollable-table-container|math)"'
                              r'(?![^>]*tabindex)', text)
        assert not missing, f"{page.name}: blocks not focusable: {missing[:3]}"
    theme = (SITE / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text(encoding="utf-8")
    assert theme.count("function I(){return;") == 1


def test_icon_fonts_hold_every_icon_the_site_shows():
    """The Font Awesome fonts the stylesheets use are the cut-down ones, and each holds
    the glyph of every icon class a page names that its stylesheet draws with it."""
    from fontTools.ttLib import TTFont

    static = SITE / "_static"
    sheets = [p.read_text(encoding="utf-8") for p in static.glob("optimlab-styles-*.css")]
    assert sheets and all("fa-solid-900.subset.woff" in s for s in sheets)
    assert not any(re.search(r"fontawesome/webfonts/[^\"')]*\.(woff2|ttf)", s) for s in sheets)
    css = sheets[0]
    codepoints = {}
    for m in re.finditer(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]{4,5})"\}',
                         css):
        for name in m.group(1).split(","):
            if name:
                codepoints[name.split(":")[0][1:]] = int(m.group(2), 16)
    used = set()
    for _, text, _ in _heads():
        used |= set(re.findall(r'class="[^"]*\bfa-(?:solid|brands|regular)\b[^"]*"', text))
    fonts = {kind: set(TTFont(static / "vendor" / "fontawesome" / "webfonts" /
                              f"fa-{kind}.subset.woff").getBestCmap())
             for kind in ("solid-900", "brands-400", "regular-400")}
    checked = 0
    for classes in used:
        kind = {"fa-solid": "solid-900", "fa-brands": "brands-400", "fa-regular": "regular-400"}
        style = next(kind[c] for c in kind if re.search(rf"\b{c}\b", classes))
        for name in re.findall(r"\bfa-[a-z0-9-]+", classes):
            if name in codepoints:
                assert codepoints[name] in fonts[style], f"{name} is not in fa-{style}"
                checked += 1
    assert checked >= 10, f"only {checked} icons checked"


# Each element's box; and each element of a skipped block (outside a box that scrolls or
# clips by itself) that reaches past the block's clip margin where a reader could see it,
# that is inside the viewport's width and every clip around the block; a focusable one
# with room for its focus ring (``ring`` px) around it.
BOXES_JS = """() => [...document.querySelectorAll('body *')].map(el => {
  const r = el.getBoundingClientRect();
  return el.tagName + '.' + el.getAttribute('class') + '#' + el.id + ' ' +
    [r.x, r.y, r.width, r.height].map(v => Math.round(v * 10) / 10).join(' '); })"""
OVERFLOW_JS = """([blocks, ring]) => {
  const known = new Map();
  const clips = el => {
    if (!known.has(el)) {
      const c = getComputedStyle(el);
      known.set(el, /(auto|scroll|hidden|clip)/.test(c.overflowX + c.overflowY));
    }
    return known.get(el); };
  const out = [];
  for (const b of document.querySelectorAll(blocks)) {
    if (clips(b)) continue;  // it clips its own content already
    const box = b.getBoundingClientRect();
    let [left, right, top, bottom] = [0, document.documentElement.clientWidth, -Infinity,
                                      Infinity];
    for (let a = b.parentElement; a && a !== document.body; a = a.parentElement) {
      if (!clips(a)) continue;
      const r = a.getBoundingClientRect();
      [left, right, top, bottom] = [Math.max(left, r.left), Math.min(right, r.right),
                                    Math.max(top, r.top), Math.min(bottom, r.bottom)];
    }
    const margin = parseFloat(getComputedStyle(b).overflowClipMargin) || 0;
    // the elements outside any box of their own that scrolls or clips
    const open = [];
    const walk = node => { for (const el of node.children) {
      open.push(el);
      if (!clips(el)) walk(el); } };
    walk(b);
    for (const el of open) {
      const r = el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const room = margin - (el.matches('a[href], button, input, select, textarea, summary, '
                                        + '[tabindex]') ? ring : 0);
      const past = (a, edge, clip, sign) => sign * (a - edge) > room + 0.5
                                            && sign * (clip - edge) > room + 0.5;
      if (past(r.left, box.left, left, -1) || past(r.right, box.right, right, 1) ||
          past(r.top, box.top, top, -1) || past(r.bottom, box.bottom, bottom, 1))
        out.push(`${b.tagName}.${b.className} > ${el.tagName}.${el.getAttribute('class')}`);
    }
  }
  return out; }"""
RING_JS = """() => { const a = document.querySelector('.bd-article a[href]'); a.focus();
  const c = getComputedStyle(a); a.blur();
  return parseFloat(c.outlineWidth) + Math.max(0, parseFloat(c.outlineOffset)); }"""


# Display equations wider than their box that a reader cannot see whole: cut (their box
# does not scroll), or scrolling where the keyboard cannot (the box takes no focus).
EQUATIONS_JS = """() => {
  const wide = [...document.querySelectorAll('div.math')]
    .filter(m => m.scrollWidth > m.clientWidth + 1);
  const cut = wide.filter(m => !(/(auto|scroll)/.test(getComputedStyle(m).overflowX)
                                 && m.tabIndex >= 0));
  return [wide.length, cut.map(m => m.id)]; }"""


@pytest.fixture(scope="module")
def whole_pages(browser, site_url):
    """Every page laid out whole at a phone's width, and the two longest chapters at a
    desktop's: ``{(page, width): _containment(...)}``."""
    from conftest import toc_pages

    cases = [(page, 412) for page in toc_pages()] + [
        ("book/family.html", 1280), ("book/momentum.html", 1280)]
    contexts = {w: browser.new_context(viewport={"width": w, "height": 900}) for w in (412, 1280)}
    try:
        return {(page, width): _containment(contexts[width], site_url + page)
                for page, width in cases}
    finally:
        for context in contexts.values():
            context.close()


def _containment(context, url):
    """``url`` laid out whole twice, its skippable blocks not contained, then contained as
    ``content-visibility: auto`` contains a block on the screen: how many elements, those
    whose box differs between the two, the elements the containment clips, the focus
    ring's width, and the display equations a reader cannot see whole (EQUATIONS_JS)."""
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.keyboard.press("Tab")  # focus rings show from here on (:focus-visible)
    ring = page.evaluate(RING_JS)
    rule = (f"{SKIPPED} {{ content-visibility: visible !important; }} "
            f"{SKIPPED_BLOCKS} {{ contain: %s !important; }} * {{ transition: none !important; }}")
    style = page.add_style_tag(content=rule % "none")
    settle = ("async () => { await document.fonts.ready; await new Promise(done => "
              "requestAnimationFrame(() => requestAnimationFrame(done))); }")
    page.evaluate(settle)
    page.evaluate(f"() => {{ window.freeBoxes = ({BOXES_JS})(); }}")
    cut = page.evaluate(EQUATIONS_JS)
    style.evaluate("(el, css) => { el.textContent = css; }", rule % "layout style paint")
    page.evaluate(settle)
    count, moved = page.evaluate(f"""() => {{ const boxes = ({BOXES_JS})();
      const moved = boxes.map((b, i) => [window.freeBoxes[i], b]).filter(([a, b]) => a !== b);
      return [boxes.length === window.freeBoxes.length ? boxes.length : -1, moved]; }}""")
    clipped = page.evaluate(OVERFLOW_JS, [SKIPPED_BLOCKS, ring])
    page.close()
    return {"count": count, "moved": moved, "clipped": clipped, "ring": ring, "cut": cut}


def test_a_block_the_browser_may_skip_moves_and_clips_nothing(whole_pages):
    """Inside a section, the browser may skip each paragraph, equation, code cell, proof,
    list and table until it nears the screen (``content-visibility: auto``,
    assets/optimlab.css), and such a block is contained: a formatting context of its own
    (no margin of its content joins its neighbours') that clips what it draws to its
    box and clip margin. Laid out as a reader who reaches it sees it, every element of
    every page has the same box as with no containment at all, at a phone's width (and
    on the two longest chapters at a desktop's); and nothing in a block, no focus ring
    either, reaches past the clip margin."""
    for (page, width), got in whole_pages.items():
        assert got["ring"] > 0, page  # the focus ring was measured
        assert got["count"] > 200, (page, got["count"])  # -1: the layouts had other elements
        assert not got["moved"], f"{page} at {width}px: contained, boxes move: {got['moved'][:3]}"
        assert not got["clipped"], f"{page} at {width}px: contained, clipped: {got['clipped'][:5]}"


def test_every_display_equation_can_be_read_whole(whole_pages):
    """A display equation wider than the column (many are, on a phone) is not cut at
    its edges, as the theme's ``div.math { overflow: hidden }`` did to 38 numbered
    equations at 412px: its box scrolls sideways, and takes the keyboard's focus, so
    the arrow keys scroll it."""
    wide = 0
    for (page, width), got in whole_pages.items():
        count, cut = got["cut"]
        wide += count
        assert not cut, f"{page} at {width}px: equations cut: {cut[:5]}"
    assert wide >= 30, wide  # on a phone many are wider than the column: the check bites
