"""Slides, exercise sheets and RISE presenter notebooks, from the chapters themselves.

There is one copy of the content: the chapters' MyST notebooks. Cells are marked for
the slides with the standard Jupyter slideshow metadata, the same that nbconvert and
RISE read::

    +++ {"slideshow": {"slide_type": "slide"}}     (a markdown cell; end it with a bare +++)

    ```{code-cell} ipython3
    ---
    slideshow:
      slide_type: slide                             (a code cell: its outputs go on the slide)
    ---
    ```

``slide`` starts a slide, ``subslide`` a vertical sub-slide, ``fragment`` appears on the
next key press, ``-`` continues the current slide, ``notes`` are speaker notes (key
``S``). Cells without a slide type, and ``skip`` cells, are not in the deck.

Three outputs, written by ``make slides`` (after ``make book``)::

    _build/html/slides/<chapter>.html      reveal.js deck (reveal.js copied next to it)
    _build/html/slides/index.html          every deck and sheet
    _build/html/exercises/<chapter>.html   printable exercises, without the solutions
    book/_build/rise/<chapter>.ipynb       presenter notebook for RISE (live widgets)

The decks and sheets are cut out of the chapter pages Sphinx has just rendered
(``_build/html/book/<chapter>.html``), so a slide shows exactly what the book shows:
glued numbers, numbered equations, theorem boxes and the figures, all executed once by
``make book``. The executed notebooks myst-nb writes (``_build/jupyter_execute``) give
each cell's slide type; the extension ``book/_ext/optimlab_slides.py`` leaves an HTML
comment ``<!--optimlab-cell:N-->`` where each cell starts, which is how a cell's HTML is
found. Everything is served by the site itself: reveal.js from npm (node_modules), and
the site's own KaTeX stylesheet and fonts, Vega and CSS under ``_static/``. The maths is
the pages' own, prerendered by KaTeX at build time (its HTML for the eye, its MathML for
screen readers): a deck or sheet typesets nothing and ships no maths engine.

The presenter notebooks are the chapter as a notebook with every unmarked cell set to
``skip``: the code still runs (Run All), but only the slide cells are shown by RISE, so the
live deck is the static deck with working sliders. They need no build (``python
tools/slides.py rise`` works in Binder, whose ``postBuild`` runs it): glued numbers come
from the book build's executed notebooks if there are any, else from running the chapter;
equation and theorem numbers come from the built pages when they exist.

Usage: ``python tools/slides.py [all|decks|rise] [--site DIR] [chapter ...]``
"""
from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
from optimlab_slides import MARKER_RE, deck_chapters  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
from vendor_assets import copy_files, strip_source_maps  # noqa: E402

SITE = ROOT / "_build" / "html"
EXECUTED = ROOT / "_build" / "jupyter_execute"
RISE_DIR = ROOT / "book" / "_build" / "rise"
REVEAL = ROOT / "node_modules" / "reveal.js"
# What the decks need from reveal.js (the white theme's fonts are local files).
REVEAL_FILES = ["dist/reveal.js", "dist/reveal.css", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro", "plugin/notes/notes.js", "LICENSE"]
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "notes")
# The pages' KaTeX stylesheets (sphinxcontrib-katex's katex_css_path, and its own rules)
KATEX_CSS = ["../_static/vendor/katex/katex.min.css", "../_static/katex-math.css"]


def slide_type(metadata: dict) -> str | None:
    """The cell's slide type, or None if it is not on the slides."""
    kind = (metadata.get("slideshow") or {}).get("slide_type")
    return kind if kind in SLIDE_TYPES else None


# --------------------------------------------------------------------------- HTML


def _soup(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


# Equation numbers and theorem names by page, read while the page is parsed for its deck,
# so that its presenter notebook need not parse the page again (about a second a page).
_LABELS: dict[Path, dict[str, str]] = {}


def _page(path: Path):
    """The parsed site page, its labels recorded in ``_LABELS`` before anything edits it."""
    soup = _soup(path.read_text(encoding="utf-8"))
    _LABELS[path.resolve()] = _labels(soup)
    return soup


def rebase(url: str, page: str, out: str) -> str:
    """``url`` as written in site page ``page``, rewritten for site page ``out``."""
    parts = urlsplit(url)
    if not url or parts.scheme or url.startswith("//"):
        return url
    target = page if not parts.path else posixpath.normpath(
        posixpath.join(posixpath.dirname(page), parts.path))
    new = posixpath.relpath(target, posixpath.dirname(out) or ".")
    if parts.query:
        new += "?" + parts.query
    if parts.fragment:
        new += "#" + parts.fragment
    return new


def clean(el, page: str, out: str):
    """A copy of ``el`` without permalink anchors and with links valid from ``out``; its
    maths stays as KaTeX prerendered it."""
    el = copy.copy(el)
    for a in el.select("a.headerlink"):
        a.decompose()
    for tag in el.find_all(True):
        for attr in ("href", "src"):
            if tag.has_attr(attr):
                tag[attr] = rebase(tag[attr], page, out)
        if tag.name == "img" and tag.has_attr("loading"):
            del tag["loading"]
    return el


def inner_html(el) -> str:
    return "".join(str(c) for c in el.contents).strip()


@dataclass
class Block:
    cell: int | None
    el: object
    heading: int = 0  # 1-6 for a section title
    section: str = ""  # inner HTML of the title of the section it is in


@dataclass
class Chapter:
    doc: str  # book/momentum
    title_html: str
    title_text: str
    blocks: list[Block]
    exercises: list  # <div class="exercise"> elements
    solutions: list  # <div class="solution"> elements
    page: str  # site path of the chapter page

    @property
    def name(self) -> str:
        return posixpath.basename(self.doc)


def read_chapter(site: Path, doc: str) -> Chapter:
    """The chapter page's body as a flat list of blocks, each tagged with its cell."""
    page = f"{doc}.html"
    path = site / page
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run `make book` first")
    article = _page(path).find("article")
    if article is None:
        raise SystemExit(f"{path}: no <article> (not a Sphinx page?)")
    from bs4 import Comment, NavigableString

    blocks: list[Block] = []
    state = {"cell": None, "titles": {}}

    def walk(node):
        for child in node.children:
            if isinstance(child, Comment):
                m = MARKER_RE.match(child.strip())
                if m:
                    state["cell"] = int(m.group(1))
            elif isinstance(child, NavigableString):
                continue
            elif child.name == "section":
                walk(child)
            elif re.fullmatch(r"h[1-6]", child.name or ""):
                level = int(child.name[1])
                title = inner_html(clean(child, page, page))
                state["titles"] = {k: v for k, v in state["titles"].items() if k < level}
                state["titles"][level] = title
                blocks.append(Block(state["cell"], child, level, title))
            else:
                titles = state["titles"]
                blocks.append(Block(state["cell"], child, 0, titles[max(titles)] if titles else ""))

    walk(article)
    h1 = article.find("h1")
    title = clean(h1, page, page) if h1 else None
    return Chapter(
        doc=doc,
        title_html=inner_html(title) if title else doc,
        title_text=title.get_text(" ", strip=True) if title else doc,
        blocks=blocks,
        exercises=article.select("div.exercise"),
        solutions=article.select("div.solution"),
        page=page,
    )


def cell_kinds(doc: str) -> list[tuple[str, dict]]:
    """(cell_type, metadata) of every cell, in the order myst-nb numbered them."""
    executed = EXECUTED / f"{doc}.ipynb"
    if executed.is_file():
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
        return [(c["cell_type"], c.get("metadata", {})) for c in cells]
    from myst_nb.core.read import read_myst_markdown_notebook  # same reader, same numbering

    nb = read_myst_markdown_notebook((ROOT / f"{doc}.md").read_text(encoding="utf-8"))
    return [(c.cell_type, dict(c.metadata)) for c in nb.cells]


# -------------------------------------------------------------------------- decks


@dataclass
class Slide:
    parts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    titled: bool = False


def _outputs(cell):
    """A code cell's outputs for a slide: its figures and panels if it has any (printed
    text next to a figure is for the reader, not for the room), else its text."""
    outputs = cell.select("div.cell_output")
    if any(o.find("img") or o.select_one(".text_html") for o in outputs):
        for o in outputs:
            for text in o.select("div.output.stream, div.output.text_plain"):
                text.decompose()
    return [o for o in outputs if o.get_text(strip=True) or o.find(["img", "svg", "script"])]


def _cell_html(chapter: Chapter, blocks: list[Block], out: str) -> tuple[str, bool]:
    """HTML of one cell's blocks for a slide, and whether it starts with a heading."""
    parts, starts_with_heading = [], False
    for i, b in enumerate(blocks):
        el = clean(b.el, chapter.page, out)
        for inner in el.find_all("section"):  # reveal.js takes every <section> for a slide
            inner.name = "div"
        if b.heading:
            level = 2 if b.heading <= 2 else min(b.heading, 4)
            parts.append(f"<h{level}>{inner_html(el)}</h{level}>")
            starts_with_heading = starts_with_heading or i == 0
        elif "cell" in (el.get("class") or []):
            parts.extend(str(o) for o in _outputs(el))  # outputs, no code
        else:
            parts.append(str(el))
    return "\n".join(parts), starts_with_heading


def build_slides(chapter: Chapter, kinds: list[tuple[str, dict]], out: str) -> list[list[Slide]]:
    """Horizontal stacks of vertical slides, as the slide types ask."""
    by_cell: dict[int, list[Block]] = {}
    for b in chapter.blocks:
        if b.cell is not None:
            by_cell.setdefault(b.cell, []).append(b)
    stacks: list[list[Slide]] = []
    for index, (_, metadata) in enumerate(kinds):
        kind = slide_type(metadata)
        blocks = by_cell.get(index, [])
        if kind is None or not blocks:
            continue
        body, has_title = _cell_html(chapter, blocks, out)
        if not body.strip():
            continue
        if kind == "slide" or not stacks:
            stacks.append([Slide()])
        elif kind == "subslide":
            stacks[-1].append(Slide())
        slide = stacks[-1][-1]
        if kind == "notes":
            slide.notes.append(body)
            continue
        if not slide.parts and not has_title and blocks[0].section:
            slide.parts.append(f"<h2>{blocks[0].section}</h2>")
        slide.parts.append(f'<div class="fragment">{body}</div>' if kind == "fragment" else body)
    for stack in stacks:
        stack[:] = [s for s in stack if s.parts]
    return [s for s in stacks if s]


def _section(slide: Slide, classes: str = "") -> str:
    notes = "".join(f'<aside class="notes">{n}</aside>' for n in slide.notes)
    cls = f' class="{classes}"' if classes else ""
    return f"<section{cls}>\n" + "\n".join(slide.parts) + notes + "\n</section>"


def _exercise_title(ex) -> str:
    """The exercise's title as HTML (it may hold maths)."""
    title = ex.select_one("p.admonition-title")
    return inner_html(title) if title else "Exercise"


def render_deck(chapter: Chapter, stacks: list[list[Slide]]) -> str:
    out = f"slides/{chapter.name}.html"
    chapter_href = posixpath.relpath(chapter.page, posixpath.dirname(out))
    sheet_href = f"../exercises/{chapter.name}.html"
    count = 1 + sum(len(s) for s in stacks) + (1 if chapter.exercises else 0)
    title = Slide([
        f'<h1>{chapter.title_html}</h1>',
        '<p class="optimlab-deck-kicker">optimlab: gradient-descent optimizers you can run</p>',
        f'<p class="optimlab-backlink">Slides for the chapter <a href="{chapter_href}">'
        f'{html.escape(chapter.title_text)}</a> · <a href="{sheet_href}">exercise sheet</a></p>',
        '<p class="optimlab-deck-help">→ / Space: next · Esc: overview · S: speaker notes'
        " · F: full screen</p>",
    ])
    sections = [_section(title, "optimlab-title-slide")]
    for stack in stacks:
        if len(stack) == 1:
            sections.append(_section(stack[0]))
        else:
            sections.append("<section>\n" + "\n".join(_section(s) for s in stack) + "\n</section>")
    if chapter.exercises:
        items = "".join(f"<li>{_exercise_title(clean(ex, chapter.page, out))}</li>"
                        for ex in chapter.exercises)
        sections.append(_section(Slide([
            "<h2>Exercises</h2>", f'<ol class="optimlab-exercise-list">{items}</ol>',
            f'<p>Printable sheet: <a href="{sheet_href}">exercises/{chapter.name}.html</a>. '
            f'Solutions: in <a href="{chapter_href}#exercises">the chapter</a>, '
            'under each exercise.</p>',
        ])))
    body = "\n".join(sections)
    panels = 'class="optimlab-panel' in body
    scripts = ['<script src="reveal.js/dist/reveal.js"></script>',
               '<script src="reveal.js/plugin/notes/notes.js"></script>']
    if panels:  # kernel-free panels: the site's panel module (the engine; Vega if precomputed)
        scripts.append('<script type="module" src="../_static/optimlab-panels.js"></script>')
    return html_head(f"{chapter.title_text} · slides · optimlab",
                     ["reveal.js/dist/reveal.css", "reveal.js/dist/theme/white.css", *KATEX_CSS,
                      "../_static/optimlab.css", "../_static/slides.css"]) + f"""
<body class="optimlab-deck">
<main class="reveal" aria-label="Slides: {html.escape(chapter.title_text)}">
<div class="slides" data-slide-count="{count}">
{body}
</div>
</main>
{chr(10).join(scripts)}
<script>
Reveal.initialize({{
  hash: true, slideNumber: "c/t", width: 1280, height: 800, margin: 0.04, center: false,
  transition: "none", plugins: [RevealNotes]
}});
// Shrink a slide whose content is taller than the slide, or whose equations are wider.
function optimlabTooWide(slide) {{
  return Array.prototype.some.call(slide.querySelectorAll("div.math"), function (m) {{
    return m.scrollWidth > m.clientWidth + 1;
  }});
}}
function optimlabFit(slide) {{
  if (!slide || slide.classList.contains("stack")) return;
  var room = Reveal.getConfig().height, f = 1;
  slide.style.setProperty("--fit", 1);
  while ((slide.offsetHeight > room || optimlabTooWide(slide)) && f > 0.56) {{
    f -= 0.04;
    slide.style.setProperty("--fit", f.toFixed(2));
  }}
}}
function optimlabFitCurrent() {{ optimlabFit(Reveal.getCurrentSlide()); }}
Reveal.on("ready", optimlabFitCurrent);
Reveal.on("slidechanged", optimlabFitCurrent);
window.addEventListener("load", optimlabFitCurrent);
document.querySelectorAll(".reveal img").forEach(function (img) {{
  img.addEventListener("load", optimlabFitCurrent);
}});
</script>
</body>
</html>
"""


def render_sheet(chapter: Chapter) -> str:
    out = f"exercises/{chapter.name}.html"
    chapter_href = posixpath.relpath(chapter.page, posixpath.dirname(out))
    parts = []
    for ex in chapter.exercises:
        ex = clean(ex, chapter.page, out)
        for sol in ex.select("div.solution"):  # never, with solution_follow_exercise
            sol.decompose()
        title = ex.select_one("p.admonition-title")
        title_html = inner_html(title) if title else "Exercise"
        if title:
            title.decompose()
        for sec in ex.select("section"):
            sec.unwrap()  # sphinx-exercise repeats id="exercise-content"
        parts.append(f'<section class="optimlab-exercise" id="{html.escape(ex.get("id", ""))}">\n'
                     f"<h2>{title_html}</h2>\n{inner_html(ex)}\n</section>")
    if not parts:
        parts.append("<p>This chapter has no exercises.</p>")
    return html_head(f"Exercises: {chapter.title_text} · optimlab",
                     [*KATEX_CSS, "../_static/slides.css"]) + f"""
<body class="optimlab-sheet">
<main>
<header>
<h1>Exercises: {chapter.title_html}</h1>
<p class="optimlab-sheet-source">From the chapter
<a href="{chapter_href}">{html.escape(chapter.title_text)}</a>
of <em>optimlab: gradient-descent optimizers you can run</em>. The solutions are in the
chapter, under each exercise. Name: <span class="optimlab-blank"></span></p>
</header>
{chr(10).join(parts)}
</main>
</body>
</html>
"""


def render_index(chapters: list[Chapter], counts: dict[str, int]) -> str:
    rows = "\n".join(
        f'<li><a href="{c.name}.html">{html.escape(c.title_text)}</a> ({counts[c.name]} slides)'
        f' · <a href="../exercises/{c.name}.html">exercise sheet</a>'
        f' ({len(c.exercises)} exercises) · <a href="../{c.page}">chapter</a></li>'
        for c in chapters)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slides and exercise sheets · optimlab</title>
<link rel="icon" href="../_static/favicon.svg">
<link rel="stylesheet" href="../_static/slides.css">
</head>
<body class="optimlab-sheet">
<main>
<h1>Slides and exercise sheets</h1>
<p>One reveal.js deck and one printable exercise sheet per chapter, made from the
chapters themselves. See the <a href="../book/instructors.html">instructor's guide</a>.</p>
<ul>
{rows}
</ul>
</main>
</body>
</html>
"""


def html_head(title: str, stylesheets: list[str]) -> str:
    """The start of a deck or sheet page: metadata, icon and styles."""
    links = "".join(f'<link rel="stylesheet" href="{href}">\n' for href in stylesheets)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="../_static/favicon.svg">
{links}</head>"""


def copy_reveal(dest: Path) -> None:
    if not REVEAL.is_dir():
        raise SystemExit(f"{REVEAL} is missing: run `npm ci` (make assets)")
    shutil.rmtree(dest, ignore_errors=True)
    copy_files((REVEAL / rel, dest / rel) for rel in REVEAL_FILES)
    strip_source_maps(dest)


def build_decks(site: Path, docs: list[str]) -> dict[str, int]:
    """Write every deck and sheet; return the number of slides per chapter."""
    for needed in ("_static/vendor/katex/katex.min.css", "_static/katex-math.css",
                   "_static/slides.css"):
        if not (site / needed).is_file():
            raise SystemExit(f"{site / needed} is missing: run `make book` first")
    (site / "slides").mkdir(parents=True, exist_ok=True)
    (site / "exercises").mkdir(parents=True, exist_ok=True)
    copy_reveal(site / "slides" / "reveal.js")
    chapters, counts = [], {}
    for doc in docs:
        chapter = read_chapter(site, doc)
        if not any(b.cell is not None for b in chapter.blocks):
            raise SystemExit(f"{doc}.html has no cell markers: is the optimlab_slides "
                             "extension in _config.yml, and the book rebuilt since?")
        stacks = build_slides(chapter, cell_kinds(doc), f"slides/{chapter.name}.html")
        if not stacks:
            print(f"warning: {doc} has no cells marked for slides (title slide only)",
                  file=sys.stderr)
        deck = render_deck(chapter, stacks)
        (site / "slides" / f"{chapter.name}.html").write_text(deck, encoding="utf-8")
        (site / "exercises" / f"{chapter.name}.html").write_text(render_sheet(chapter),
                                                                  encoding="utf-8")
        counts[chapter.name] = int(re.search(r'data-slide-count="(\d+)"', deck).group(1))
        chapters.append(chapter)
        print(f"slides/{chapter.name}.html: {counts[chapter.name]} slides; "
              f"exercises/{chapter.name}.html: {len(chapter.exercises)} exercises")
    (site / "slides" / "index.html").write_text(render_index(chapters, counts), encoding="utf-8")
    return counts


# ------------------------------------------------------------ presenter notebooks

FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
ROLE = re.compile(r"\{(?P<role>[\w:-]*)\}`(?P<text>[^`]*)`")


def execute_chapter(doc: str):
    """The chapter, run top to bottom (no built book, e.g. in Binder)."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(ROOT / f"{doc}.md")
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str((ROOT / doc).parent)}}).execute()
    return nb


def glue_outputs(nb) -> dict[str, dict]:
    """The glued outputs of an executed notebook, by name, as myst-nb's ``.glue.json``."""
    glued = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            if "name" in record:
                prefix = record.get("mime_prefix", "")
                glued[record["name"]] = {"data": {k.removeprefix(prefix): v
                                                  for k, v in output.get("data", {}).items()}}
    return glued


def glue_text(outputs: dict[str, dict]) -> dict[str, str]:
    """Glued outputs as the text a page shows (a glued string without its quotes, a
    glued table as its Markdown)."""
    values = {}
    for name, output in outputs.items():
        data = output.get("data", {})
        if "text/markdown" in data:
            values[name] = data["text/markdown"]
            continue
        text = data.get("text/plain", "")
        try:
            value = ast.literal_eval(text)
            text = value if isinstance(value, str) else text
        except (ValueError, SyntaxError):
            pass
        values[name] = text
    return values


def _glue_values(doc: str) -> dict[str, str]:
    """Glued values as text: from the book build if there is one, else by running the chapter."""
    path = EXECUTED / f"{doc}.glue.json"
    outputs = (json.loads(path.read_text(encoding="utf-8")) if path.is_file()
               else glue_outputs(execute_chapter(doc)))
    return glue_text(outputs)


def _site_labels(site: Path, doc: str) -> dict[str, str]:
    """Equation numbers and theorem/exercise names of the built chapter, by label."""
    path = site / f"{doc}.html"
    if not path.is_file():
        return {}
    if path.resolve() not in _LABELS:
        _page(path)
    return _LABELS[path.resolve()]


def _labels(soup) -> dict[str, str]:
    labels = {}
    for div in soup.select("div.math[id^=equation-]"):
        eqno = div.select_one("span.eqno")
        if eqno:
            number = eqno.get_text("", strip=True).rstrip("#")
            labels["eq:" + div["id"].removeprefix("equation-")] = number
    for div in soup.select("div.admonition[id]"):
        number = div.select_one("p.admonition-title span.caption-number")
        if number:
            labels["ref:" + div["id"]] = number.get_text(" ", strip=True)
    return labels


def myst_to_markdown(text: str, glue: dict, labels: dict) -> str:
    """MyST as plain Jupyter Markdown, for RISE: roles resolved, directives as quotes."""
    def role(m):
        name, target = m.group("role"), m.group("text")
        label = re.sub(r"^.*<([^>]+)>$", r"\1", target)
        shown = re.sub(r"\s*<[^>]+>$", "", target)
        if name == "eval":  # a glued value (book/_ext/optimlab_sphinx.py)
            return glue.get(target, f"`{target}`")
        if name == "eq":
            return labels.get("eq:" + label, f"({label})")
        if name in ("prf:ref", "numref", "ref", "doc", "any", "term"):
            return labels.get("ref:" + label, shown) if shown == target else shown
        if name.startswith("cite"):
            return "[" + ", ".join(k.strip().split("-", 1)[-1] for k in target.split(",")) + "]"
        if name == "math":
            return f"${target}$"
        return f"`{target}`" if name in ("py:func", "func", "class", "mod", "meth") else target

    lines, out, i = text.splitlines(), [], 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            fence, name, arg = m.group("fence"), m.group("name"), m.group("arg").strip()
            j = i + 1
            closing = re.escape(fence[0]) + "{%d,}\\s*" % len(fence)
            while j < len(lines) and not re.fullmatch(closing, lines[j]):
                j += 1
            body = lines[i + 1:j]
            opts, k = {}, 0
            if body and body[0].strip() == "---":
                k = next((n for n in range(1, len(body)) if body[n].strip() == "---"), 0) + 1
            while k < len(body) and re.match(r"^:[\w-]+:", body[k]):
                key, _, value = body[k][1:].partition(":")
                opts[key] = value.strip()
                k += 1
            inner = myst_to_markdown("\n".join(body[k:]), glue, labels)
            if name == "math":
                out += ["$$", inner, "$$"]
            else:
                kind = name.split(":")[-1].replace("-", " ").capitalize()
                head = labels.get("ref:" + opts.get("label", ""), kind)
                out.append(f"> **{head}**" + (f" ({arg})" if arg else ""))
                out.append(">")
                out += [f"> {x}" if x else ">" for x in inner.splitlines()]
            out.append("")
            i = j + 1
            continue
        eq = re.fullmatch(r"\$\$\s*\((?P<label>[\w:-]+)\)\s*", line)
        if eq:  # the closing $$ of a labelled equation
            number = labels.get("eq:" + eq.group("label"), "").strip("()")
            out += ([f"\\tag{{{number}}}"] if number else []) + ["$$"]
        elif re.fullmatch(r"\([\w:-]+\)=\s*", line) or line.startswith("%"):
            pass  # MyST targets and comments
        else:
            line = ROLE.sub(role, line)
            out.append(re.sub(r"\]\((?!https?:|#)([^)\s]+\.md)", r"](../../\1", line))
        i += 1
    return "\n".join(out).strip("\n")


def presenter_notebook(doc: str, site: Path):
    """The chapter as a RISE deck: marked cells shown, every other code cell run but skipped."""
    import jupytext
    import nbformat

    source = jupytext.read(ROOT / f"{doc}.md")
    glue, labels = _glue_values(doc), _site_labels(site, doc)
    name = posixpath.basename(doc)
    title = next((ln[2:].strip() for c in source.cells if c.cell_type == "markdown"
                  for ln in c.source.splitlines() if ln.startswith("# ")), name)
    new = nbformat.v4
    setup = new.new_code_cell(
        "# Presenter notebook, generated by tools/slides.py from "
        f"book/{name}.md: do not edit here.\n"
        "# Run > Run All Cells, then present with RISE (Alt+R, or the slideshow button).\n"
        "import os, sys\n"
        "os.chdir(os.path.join(os.getcwd(), '..', '..'))  # run in book/, like the chapter\n"
        "sys.path.insert(0, os.getcwd())",
        metadata={"slideshow": {"slide_type": "skip"}})
    cells = [setup, new.new_markdown_cell(
        f"# {myst_to_markdown(title, glue, labels)}\n\n"
        f"optimlab · slides for the chapter [{name}.md](../../{name}.md), live",
        metadata={"slideshow": {"slide_type": "slide"}})]
    for cell in source.cells:
        kind = slide_type(cell.metadata)
        if cell.cell_type == "code":
            meta = dict(cell.metadata)
            if kind is None:
                meta["slideshow"] = {"slide_type": "skip"}
            else:  # the slide shows the figure or panel; a click on the bar shows the code
                meta["jupyter"] = {"source_hidden": True}
            cells.append(new.new_code_cell(cell.source, metadata=meta))
        elif cell.cell_type == "markdown" and kind is not None:
            cells.append(new.new_markdown_cell(myst_to_markdown(cell.source, glue, labels),
                                               metadata={"slideshow": {"slide_type": kind}}))
    nb = new.new_notebook(cells=cells, metadata={
        "kernelspec": dict(source.metadata.get("kernelspec", {})) or {
            "display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "rise": {"scroll": True, "start_slideshow_at": "beginning", "theme": "white",
                 "transition": "none", "slideNumber": "c/t"},
    })
    nbformat.validate(nb)
    return nb


def build_presenter_notebooks(site: Path, docs: list[str]) -> None:
    import nbformat

    RISE_DIR.mkdir(parents=True, exist_ok=True)
    # RISE styles a notebook with rise.css and then <notebook>.css from its folder.
    shutil.copyfile(ROOT / "tools" / "rise.css", RISE_DIR / "rise.css")
    for doc in docs:
        nb = presenter_notebook(doc, site)
        path = RISE_DIR / f"{posixpath.basename(doc)}.ipynb"
        nbformat.write(nb, path)
        path.with_suffix(".css").write_text(
            f"/* {path.stem}: no styles of its own; rise.css styles every deck. */\n")
        shown = sum(1 for c in nb.cells if c.metadata["slideshow"]["slide_type"] != "skip")
        print(f"{path.relative_to(ROOT)}: {shown} cells shown by RISE, {len(nb.cells)} in all")
    (RISE_DIR / ".written").touch()  # `make lab` rewrites them when a source is newer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=("all", "decks", "rise"), default="all")
    parser.add_argument("chapters", nargs="*", help="chapter names (default: every chapter)")
    parser.add_argument("--site", type=Path, default=SITE, help="the built site (_build/html)")
    args = parser.parse_args(argv)
    docs = deck_chapters(ROOT)
    if args.chapters:
        unknown = set(args.chapters) - {posixpath.basename(d) for d in docs}
        if unknown:
            parser.error(f"not chapters with a deck: {sorted(unknown)}")
        docs = [d for d in docs if posixpath.basename(d) in args.chapters]
    if args.what in ("all", "decks"):
        build_decks(args.site.resolve(), docs)
    if args.what in ("all", "rise"):
        build_presenter_notebooks(args.site.resolve(), docs)


if __name__ == "__main__":
    main()
