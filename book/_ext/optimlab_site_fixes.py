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
* The root ``index.html`` that sphinx-external-toc writes is a bare meta refresh with no
  icon, so the browser asks the server for /favicon.ico (a 404 in the console); it is
  written here instead as a small HTML page with the book's icon, title and a link.
"""
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
    # not load (each panel shows its kernel-free twin instead).
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


def setup(app):
    app.connect("builder-inited", _patch_renderer)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # Before sphinx-external-toc's own redirect writer (priority 500), which then skips.
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.connect("build-finished", _note_in_downloads)
    app.connect("build-finished", _drop_dead_weight)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
