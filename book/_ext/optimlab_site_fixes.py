"""Build-time repairs for defects of the Jupyter Book 1.x stack (Sphinx 7.4, pydata-sphinx-theme
0.17.1 via sphinx-book-theme 1.3, myst-nb 1.4, docutils 0.21) seen in a browser:

* Sphinx < 8.2 writes every inline script added after the builder starts twice
  (sphinx-doc/sphinx#13402); sphinx-thebe's ``const THEBE_JS_URL`` then throws
  "Identifier 'THEBE_JS_URL' has already been declared" on every page.
* axe-core "label-content-name-mismatch" (WCAG 2.5.3): the search buttons' aria-label
  "Search" leaves out their visible "Ctrl+K"; the colour-mode button's icon titles
  ("Light", ...) are its visible text but not in its label "Color mode"; myst-nb's
  hide-input ``<summary aria-label="Toggle hidden content">`` shows "Show code cell source".
* axe-core "aria-required-children": docutils puts citations with the deprecated role
  ``doc-biblioentry`` in a ``role="list"``.
* Page weight: the theme's Font Awesome script duplicates its CSS icons; notebooks'
  widget state is useless without the widget JavaScript the site deliberately omits. The
  theme also ships source maps (3.5 MB) that only a developer tool would read, and the
  Font Awesome script that no page loads any more (1.5 MB): the build removes both.
* Page speed: the theme puts Sphinx's search scripts, the 240 KB search index among them,
  in the ``<head>`` of every page, where they block the first paint (Lighthouse's mobile
  first contentful paint of the bibliography page: 4.4 s with them, 2.3 s without). Only
  the search page uses them (the search button opens a form that goes there), so they are
  left out of every other page.
* Page speed: every page links fifteen stylesheets, which block its first paint and which
  a slow connection fetches six at a time. They are joined into one file per distinct
  list (in the same order, ``@import`` inlined, ``url()`` rewritten), which the page then
  links instead: Lighthouse's mobile first contentful paint of the bibliography page fell
  from 4.3 s to 2.1 s (performance 74 to 97); on the long chapters, where the layout of
  the page is the larger cost, it moves less.
* The root ``index.html`` that sphinx-external-toc writes is a bare meta refresh with no
  icon, so the browser asks the server for /favicon.ico (a 404 in the console); it is
  written here instead as a small HTML page with the book's icon, title and a link.
"""
import hashlib
import html
import json
import posixpath
import re
from pathlib import Path

# (pattern, replacement) applied to every HTML page Sphinx renders.
HTML_FIXES = [
    (re.compile(r'(<button class="btn search-button-field[^>]*?) aria-label="Search"'), r"\1"),
    (re.compile(r'(<i class="theme-switch [^>]*?) title="[^"]*"'), r"\1"),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    (re.compile(r'role="doc-biblioentry"'), 'role="listitem"'),
    # Page weight: the theme's CSS already draws every Font Awesome icon from its web
    # fonts, so its 1.5 MB SVG-replacement script is dead weight on every page.
    (re.compile(r'<link[^>]*href="[^"]*scripts/fontawesome\.js[^"]*"[^>]*>\s*'), ""),
    (re.compile(r'<script[^>]*src="[^"]*scripts/fontawesome\.js[^"]*"[^>]*></script>\s*'), ""),
    # Widget state is only read by the ipywidgets JavaScript, which the static site does
    # not load (each panel shows its page face instead).
    (re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">.*?</script>',
                re.S), ""),
    # Figures below the fold load as the reader scrolls, not before the page is usable.
    (re.compile(r'<img (?![^>]*\bloading=)'), '<img loading="lazy" '),
]


#: Sphinx's search scripts, which only the search page needs (above)
SEARCH_SCRIPTS = re.compile(r'<script src="[^"]*(?:_static/searchtools\.js'
                            r'|_static/language_data\.js|searchindex\.js)[^"]*"></script>\s*')


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (getattr(js, "filename", js) or "", repr(getattr(js, "attributes", None)))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def _patch_renderer(app):
    templates = getattr(app.builder, "templates", None)
    if app.builder.format != "html" or templates is None:
        return
    render = templates.render

    def fixed_render(template, context):
        out = render(template, context)
        for pattern, replacement in HTML_FIXES:
            out = pattern.sub(replacement, out)
        if context.get("pagename") != "search":
            out = SEARCH_SCRIPTS.sub("", out)
        return out

    templates.render = fixed_render


def _write_root_redirect(app, exception):
    if exception or app.builder.format != "html" or app.config.root_doc == "index":
        return
    target = app.builder.get_target_uri(app.config.root_doc)
    icon = app.config.html_favicon
    if not icon:
        icon = "data:,"  # "no icon": stops the /favicon.ico request
    elif "://" not in icon:
        icon = posixpath.join("_static", posixpath.basename(icon))
    title = html.escape(app.config.html_title or app.config.project)
    Path(app.outdir, "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="icon" href="{html.escape(icon)}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'</head>\n<body>\n<p><a href="{target}">{title}</a></p>\n</body>\n</html>\n',
        encoding="utf-8",
    )


DOWNLOAD_NOTE = """**Running this notebook on its own.** Its cells call `optimlab`, the package of
the book *{title}*. Install it first, with what the slider panels and the training
chapter need, then run all cells:

    pip install "optimlab[book] @ git+{url}"

(or `pip install ".[book]"` in a clone of the book). The book's text quotes the computed
numbers through myst-nb's `glue`; without myst-nb the cells run all the same."""


def _note_in_downloads(app, exception):
    """Each downloadable notebook (``_sources/**/*.ipynb``) starts with how to get
    optimlab, with the repository address from the book's configuration."""
    if exception or app.builder.format != "html":
        return
    url = (app.config.html_theme_options or {}).get("repository_url", "")
    note = DOWNLOAD_NOTE.format(title=app.config.project, url=url)
    for path in Path(app.outdir, "_sources").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb.get("cells", [])
        if cells and "optimlab-download-note" in cells[0].get("metadata", {}).get("tags", []):
            continue
        cells.insert(0, {"cell_type": "markdown", "id": "optimlab-download-note",
                         "metadata": {"tags": ["optimlab-download-note"]},
                         "source": note.splitlines(keepends=True)})
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


#: a source-map reference at the end of a script or stylesheet (``//# ...`` or ``/*# ... */``)
SOURCE_MAP = re.compile(r"\n?(?://|/\*)# sourceMappingURL=[^\n]*?(?:\*/)?[ \t]*(?=\n|$)")
#: files no page loads: the Font Awesome script (see HTML_FIXES) and its licence
UNUSED_STATIC = ("scripts/fontawesome.js", "scripts/fontawesome.js.LICENSE.txt")


def _drop_dead_weight(app, exception):
    """Remove from ``_static`` the source maps (and the references to them) and the files
    no page loads."""
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir, "_static")
    for path in static.rglob("*.map"):
        path.unlink()
    for path in [*static.rglob("*.js"), *static.rglob("*.css")]:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        if "sourceMappingURL" in text:
            path.write_text(SOURCE_MAP.sub("", text), encoding="utf-8", errors="surrogateescape")
    for name in UNUSED_STATIC:
        static.joinpath(name).unlink(missing_ok=True)


#: a stylesheet link in a page's head, and its href
STYLESHEET = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"[^>]*>\s*')
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)["']?\s*\)?\s*;""")
BUNDLES = "optimlab-styles.json"  # bundle name -> its files, kept in _static across builds


def _css(path: Path, static: Path, seen: set) -> str:
    """``path``'s rules with its ``@import``s inlined (each file once) and its relative
    ``url()``s rewritten from its folder to ``static``, where the bundle lives."""
    if path in seen or not path.is_file():
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'@charset\s+"[^"]*"\s*;', "", text)
    imports = [(path.parent / m.group(1)).resolve() for m in CSS_IMPORT.finditer(text)]
    parts = CSS_IMPORT.split(text)[::2]  # the text around the imports (split keeps groups)

    def rebase(m):
        url = m.group(2)
        if url.startswith(("data:", "http:", "https:", "//", "/", "#")):
            return m.group(0)
        target = (path.parent / url.split("#")[0].split("?")[0]).resolve()
        rest = url[len(url.split("#")[0].split("?")[0]):]
        return f'url("{posixpath.relpath(target.as_posix(), static.as_posix())}{rest}")'

    # this file's own url()s are rebased; an imported file's, by its own call
    body = CSS_URL.sub(rebase, parts[0]) + "".join(
        _css(target, static, seen) + CSS_URL.sub(rebase, part)
        for target, part in zip(imports, parts[1:]))
    return f"/* {path.relative_to(static).as_posix()} */\n" + body


def _page_stylesheets(page: Path, static: Path):
    """The local stylesheets a page's head links: (the link's text, its file in _static)."""
    text = page.read_text(encoding="utf-8")
    head = text[:text.find("</head>")]
    links = []
    for m in STYLESHEET.finditer(head):
        href = m.group(1).split("?")[0]
        target = (page.parent / href).resolve()
        if "://" not in href and static in target.parents:
            links.append((m.group(0), target))
    return text, links


def _bundle_stylesheets(app, exception):
    """Each page's stylesheets as one file (see above), written again on every build from
    the site's current CSS, for the pages of this build and of earlier ones."""
    if exception or app.builder.format != "html":
        return
    out, static = Path(app.outdir), Path(app.outdir, "_static").resolve()
    record = static / BUNDLES
    bundles = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
    pages = []
    for page in out.rglob("*.html"):
        if page.relative_to(out).parts[0] in ("_static", "slides", "exercises"):
            continue
        text, links = _page_stylesheets(page, static)
        if len(links) < 2:
            continue
        files = [target.relative_to(static).as_posix() for _, target in links]
        digest = hashlib.sha1("\n".join(files).encode()).hexdigest()[:10]
        name = f"optimlab-styles-{digest}.css"
        bundles[name] = files
        pages.append((page, text, links, name))
    versions = {}
    for name, files in bundles.items():
        seen: set = set()
        css = "\n".join(_css(static / f, static, seen) for f in files)
        static.joinpath(name).write_text(css, encoding="utf-8")
        versions[name] = hashlib.sha1(css.encode()).hexdigest()[:8]
    for page, text, links, name in pages:
        href = posixpath.relpath((static / name).as_posix(), page.parent.resolve().as_posix())
        first, *rest = [link for link, _ in links]
        text = text.replace(first, f'<link rel="stylesheet" type="text/css" '
                                   f'href="{href}?v={versions[name]}" />\n', 1)
        for link in rest:
            text = text.replace(link, "", 1)
        page.write_text(text, encoding="utf-8")
    record.write_text(json.dumps(bundles, indent=1) + "\n", encoding="utf-8")


def setup(app):
    app.connect("builder-inited", _patch_renderer)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # Before sphinx-external-toc's own redirect writer (priority 500), which then skips.
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.connect("build-finished", _note_in_downloads)
    app.connect("build-finished", _drop_dead_weight)
    # last: after the theme writes its light and dark pygments.css at build-finished
    app.connect("build-finished", _bundle_stylesheets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
