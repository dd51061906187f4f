"""Build-time changes that let a page paint sooner on a phone, leaving it as it was.

Lighthouse's mobile run (simulated slow 4G, 4× slower CPU) counts towards the first
paint every request a page makes at high priority before it paints: stylesheets, fonts
and the scripts of its ``<head>``; and every long task after it as blocking time. Made
lighter here:

* **Icons**: the theme's Font Awesome fonts hold some 2,000 icons (156 KB and 118 KB
  for the solid and brand fonts, 25 KB regular) of which the book shows a few dozen.
  Each font is cut down to the icons the site uses (the classes its pages and scripts
  name, and every icon a stylesheet draws other than by those classes) and written as
  WOFF next to the original, and the stylesheets point to it.
* **Head scripts** (Sphinx's, the theme's and the extensions'): each ``<script src>`` of
  the ``<head>`` is deferred (run once the page is parsed, in the same order, still
  before ``DOMContentLoaded``, which is what they wait for), and the theme's
  ``<link rel="preload">`` of its two scripts, which fetches them at high priority
  before the first paint, is dropped (the scripts themselves load deferred at the end
  of the page). The inline scripts stay where they are: they only set variables the
  deferred scripts read; ``documentation_options.js``, which one of them extends, is
  written into the page instead (it is 300 bytes).
* **Colour theme in the head**: the theme's inline head script sets the page's
  ``data-theme`` to the stored theme or to ``"auto"``, which no stylesheet rule
  matches, and its deferred script resolves ``"auto"`` to light or dark later. A first
  visit's first paint was therefore drawn without the theme's colours, and the change
  restyled the whole page once the scripts had run (a task of 0.25 s on the family's
  chapter on a desktop, 0.5 s on Lighthouse's phone). The inline script now resolves the
  theme itself, as the theme's script does (the mode if it is light or dark, else the
  system's preference), so the page paints in its colours and the theme's script
  changes nothing.
* **Unused CSS**: a page's joined stylesheet (optimlab_site_fixes) is 585 KB, 97 KB
  compressed, mostly the theme's and Bootstrap's rules for components the book does not
  have; the browser fetches all of it before the first paint and matches every rule
  against every element it styles. ``tools/purge_css.mjs`` (PurgeCSS) removes the rules
  whose selector names a class, id or element that no page and no script of the site
  contains.
* **Scrollable blocks**: the theme makes every scrollable code block, output and table
  keyboard-focusable on the load event, by reading each one's size and setting its
  ``tabindex`` in turn, which restyles and lays out the whole page again for each (on a
  long chapter a task of 0.65 s on a desktop, 2.6 s on Lighthouse's phone: most of its
  total blocking time, and it would also lay out every section the stylesheet lets the
  browser skip until it is scrolled to, ``content-visibility: auto`` in
  ``assets/optimlab.css``). Instead every code block and table container is written
  focusable (``tabindex="0"``): on a phone's width nearly all of them scroll, and a
  block that does not costs one more stop for the Tab key. The theme's handler is
  switched off. So is every display equation, which scrolls sideways where it is wider
  than the column (``assets/optimlab.css``; 38 numbered equations on a phone).
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: a page's link to its joined stylesheet: the path, the file's name and its version
BUNDLE_HREF = re.compile(r'(href="[^"]*?(optimlab-styles-[0-9a-f]+\.css))\?v=([0-9a-f]+)')

#: a Font Awesome @font-face source: the woff2 file and its truetype fallback
FA_SRC = re.compile(r'src:url\("([^"]*fontawesome/webfonts/(fa-[a-z]+-\d+))\.woff2"\)\s*'
                    r'format\("woff2"\)(?:,url\("[^"]*\.ttf"\)\s*format\("truetype"\))?')
#: a rule of an icon class: ``.fa-github:before,.fa-x:before{content:"\f09b"}``
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]{4,5})"\}')
ESCAPE = re.compile(r'"\\([ef][0-9a-f]{3})"')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")


def _used_icon_classes(out: Path) -> set[str]:
    """Every ``fa-...`` name the site's pages and scripts mention."""
    names: set[str] = set()
    for path in [*out.rglob("*.html"), *out.joinpath("_static").rglob("*.js")]:
        names |= set(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def icon_codepoints(css: str, used: set[str]) -> set[int]:
    """The code points of the icons a stylesheet can draw on the site: those of the icon
    classes in ``used``, and every icon escape outside the icon-class rules (a theme's
    own pseudo-element icons)."""
    points, rest = set(), ICON_RULE.sub("", css)
    for m in ICON_RULE.finditer(css):
        classes = {c.split(":")[0][1:] for c in m.group(1).split(",") if c}
        if classes & used:
            points.add(int(m.group(2), 16))
    points |= {int(m.group(1), 16) for m in ESCAPE.finditer(rest)}
    return points


def subset_icon_fonts(out: Path) -> dict[str, int]:
    """Cut the Font Awesome fonts to the icons the site uses and point every stylesheet
    of ``_static`` at the cut fonts; returns the new fonts' sizes in bytes."""
    from fontTools import subset

    static = out / "_static"
    sheets = [p for p in static.rglob("*.css") if "fontawesome/webfonts" in p.read_text(
        encoding="utf-8", errors="ignore")]
    if not sheets:
        return {}
    used = _used_icon_classes(out)
    points = set().union(*(icon_codepoints(p.read_text(encoding="utf-8"), used) for p in sheets))
    sizes = {}
    # read from the truetype files (reading woff2 would need the brotli module)
    for font in (static / "vendor" / "fontawesome" / "webfonts").glob("fa-*.ttf"):
        target = font.with_suffix(".subset.woff")
        options = subset.Options(flavor="woff", layout_features=["*"], notdef_outline=True)
        face = subset.load_font(str(font), options)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=points & set(face.getBestCmap()))
        sub.subset(face)
        subset.save_font(face, str(target), options)
        sizes[target.name] = target.stat().st_size
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(FA_SRC.sub(r'src:url("\1.subset.woff") format("woff")', text),
                         encoding="utf-8")
    return sizes


HEAD_SCRIPT = re.compile(r'<script\b(?![^>]*\b(?:defer|async|type=))([^>]*\bsrc="[^"]+"[^>]*)>'
                         r"</script>")
PRELOAD = re.compile(r'(?:<!-- Pre-loaded scripts[^>]*-->\s*)?<link rel="preload" as="script"'
                     r'[^>]*>\s*')
OPTIONS_SCRIPT = re.compile(r'<script src="([^"]*documentation_options\.js)[^"]*"></script>')


#: the theme's inline head line (pydata-sphinx-theme 0.17.1), and the resolved one (above)
THEME_LINE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
RESOLVED_THEME = ('document.documentElement.dataset.theme = ["light", "dark"].includes('
                  'document.documentElement.dataset.mode) ? document.documentElement.dataset.mode'
                  ' : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";')


def resolve_theme_in_head(page: Path) -> None:
    """The page's colour theme set before its first paint (above). Fails the build if a
    page with the theme's mode script lacks this line (a theme upgrade: redo this)."""
    text = page.read_text(encoding="utf-8")
    if RESOLVED_THEME in text or "dataset.mode = localStorage" not in text:
        return
    if text.count(THEME_LINE) != 1:
        raise RuntimeError(f"{page} does not set the theme as pydata-sphinx-theme 0.17.1 "
                           "does; update optimlab_page_speed for this theme")
    page.write_text(text.replace(THEME_LINE, RESOLVED_THEME), encoding="utf-8")


def defer_head_scripts(page: Path, static: Path) -> None:
    """The page's head scripts deferred and the theme's script preloads dropped (above)."""
    text = page.read_text(encoding="utf-8")
    end = text.find("</head>")
    if end < 0:
        return
    head = PRELOAD.sub("", text[:end])
    m = OPTIONS_SCRIPT.search(head)
    if m:
        options = (static / "documentation_options.js").read_text(encoding="utf-8").strip()
        head = head.replace(m.group(0), f"<script>{options}</script>")
    head = HEAD_SCRIPT.sub(r"<script defer\1></script>", head)
    page.write_text(head + text[end:], encoding="utf-8")


#: the theme's load handler that measures the blocks (pydata-sphinx-theme 0.17.1)
THEME_SCRIPT = "scripts/pydata-sphinx-theme.js"
SCROLLABLE_HANDLER = ('function I(){const e=()=>{document.querySelectorAll(["pre",'
                      '".nboutput > .output_area",".cell_output > .output",')
FOCUSABLE = re.compile(r'<(pre\b|div class="pst-scrollable-table-container"|div class="math")'
                       r'(?![^>]*tabindex)')


def focusable_blocks(page: Path) -> None:
    """Every code block, table container and display equation of the page focusable
    (above)."""
    text = page.read_text(encoding="utf-8")
    page.write_text(FOCUSABLE.sub(r'<\1 tabindex="0"', text), encoding="utf-8")


def switch_off_scrollable_handler(static: Path) -> None:
    """The theme's block-measuring load handler made to return at once. Fails the build
    if the theme's script no longer holds it (a theme upgrade: redo this for it)."""
    theme = static / THEME_SCRIPT
    text = theme.read_text(encoding="utf-8")
    if "function I(){return;" in text:
        return
    if text.count(SCROLLABLE_HANDLER) != 1:
        raise RuntimeError(f"{theme} does not hold the theme's scrollable-block handler "
                           "once; update optimlab_page_speed for this theme")
    theme.write_text(text.replace("function I(){", "function I(){return;", 1), encoding="utf-8")


def purge_stylesheets(out: Path) -> None:
    """The joined stylesheets' unused rules removed (above), by ``tools/purge_css.mjs``."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "purgecss").is_dir():
        raise RuntimeError("the build trims its stylesheets with PurgeCSS, from npm: "
                           "run `make assets` (npm ci) first")
    subprocess.run([node, str(ROOT / "tools" / "purge_css.mjs"), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    # each page asks for its stylesheet by the hash of what it now holds, so that a
    # browser never keeps an older trim of it
    versions = {css.name: hashlib.sha1(css.read_bytes()).hexdigest()[:8]
                for css in (out / "_static").glob("optimlab-styles-*.css")}
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = BUNDLE_HREF.sub(lambda m: f"{m.group(1)}?v={versions.get(m.group(2), m.group(3))}",
                              text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def _page_speed(app, exception):
    if exception or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    for page in out.rglob("*.html"):
        if page.relative_to(out).parts[0] not in ("_static", "slides", "exercises"):
            defer_head_scripts(page, static)
            resolve_theme_in_head(page)
            focusable_blocks(page)
    subset_icon_fonts(out)
    switch_off_scrollable_handler(static)
    purge_stylesheets(out)


def setup(app):
    # after optimlab_site_fixes has joined each page's stylesheets (priority 900)
    app.connect("build-finished", _page_speed, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
