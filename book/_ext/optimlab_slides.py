"""Sphinx side of the slides: cell markers in the chapter HTML, and links to the decks.

``tools/slides.py`` (``make slides``) builds one reveal.js deck and one printable
exercise sheet per chapter from the chapter pages Sphinx has just rendered, so the
slides show exactly what the book shows (glued numbers, numbered equations, theorem
boxes, figures). To find a notebook cell's HTML it needs to know where each cell
starts, and myst-nb drops markdown cells' metadata and boundaries (see the TODO in
``MditRenderMixin.render_nb_cell_markdown``). This extension therefore puts an HTML
comment ``<!--optimlab-cell:N-->`` (N = the cell's index in the notebook) in front of
every cell of every notebook page; comments are invisible and ignored by every other
builder.

It also adds, under the title of every chapter that has a deck, a line linking to the
chapter's slides and its exercise sheet (``slides/<name>.html``, ``exercises/<name>.html``
at the site root, written by ``make slides``).

``deck_chapters`` is the one definition of "which pages get a deck"; ``tools/slides.py``
and the tests import it from here.
"""
from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

MARKER = "optimlab-cell:{}"
MARKER_RE = re.compile(r"^optimlab-cell:(\d+)$")
# Pages of the table of contents that are not chapters: no deck, no exercise sheet.
NOT_CHAPTERS = {"intro", "index", "notation", "bibliography", "references", "instructors",
                "glossary", "preface"}


def toc_pages(root: Path) -> list[str]:
    """Docnames of every page of ``_toc.yml`` (``book/intro``, ...), the root first, in
    reading order, as sphinx-external-toc (Jupyter Book's own parser) reads the file."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(str(Path(root) / "_toc.yml")))


def deck_chapters(root: Path) -> list[str]:
    """Docnames (``book/momentum``, ...) of the chapters in ``_toc.yml`` that get a deck:
    every page except the root page and the front/back matter in ``NOT_CHAPTERS``."""
    pages = toc_pages(root)
    return [doc for doc in pages[1:] if Path(doc).name not in NOT_CHAPTERS]


def _marker(index):
    from docutils import nodes

    return nodes.raw("", f"<!--{MARKER.format(index)}-->", format="html")


def _patch_myst_nb():
    from myst_nb.core.render import MditRenderMixin

    if getattr(MditRenderMixin, "_optimlab_slides", False):
        return
    render_markdown = MditRenderMixin.render_nb_cell_markdown
    render_code = MditRenderMixin.render_nb_cell_code

    def render_nb_cell_markdown(self, token):
        self.current_node.append(_marker(token.meta["index"]))
        return render_markdown(self, token)

    def render_nb_cell_code(self, token):
        self.current_node.append(_marker(token.meta["index"]))
        return render_code(self, token)

    MditRenderMixin.render_nb_cell_markdown = render_nb_cell_markdown
    MditRenderMixin.render_nb_cell_code = render_nb_cell_code
    MditRenderMixin._optimlab_slides = True


def _teaching_links(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or "body" not in context:
        return
    if pagename not in getattr(app, "optimlab_deck_chapters", ()):
        return
    name = posixpath.basename(pagename)
    here = posixpath.dirname(pagename)
    slides = posixpath.relpath(f"slides/{name}.html", here or ".")
    sheet = posixpath.relpath(f"exercises/{name}.html", here or ".")
    line = (
        '<p class="optimlab-teaching-links">Teaching: '
        f'<a href="{html.escape(slides)}">slides for this chapter</a> · '
        f'<a href="{html.escape(sheet)}">printable exercise sheet</a></p>\n'
    )
    # Right under the chapter title; the page is unchanged if it has no <h1>.
    context["body"] = re.sub(r"(</h1>\s*)", lambda m: m.group(1) + line, context["body"], count=1)


def _read_chapters(app):
    app.optimlab_deck_chapters = set(deck_chapters(Path(app.srcdir)))


def setup(app):
    _patch_myst_nb()
    app.connect("builder-inited", _read_chapters)
    app.connect("html-page-context", _teaching_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
