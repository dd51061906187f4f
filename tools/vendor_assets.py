"""Copy the JavaScript the static site serves itself from node_modules into assets/vendor.

Run after ``npm ci`` (``make assets`` does both). ``assets/`` is Sphinx's
``html_static_path``, so everything lands under ``_build/html/_static/vendor/``:

* ``katex/``: KaTeX's stylesheet and its woff2 fonts. The book's maths is rendered to
  HTML and MathML by KaTeX at build time (``katex_prerender``), so no page loads maths
  JavaScript; the slide decks and exercise sheets reuse the pages' rendering.
* ``vega/``: vega, vega-lite and vega-embed UMD bundles (kernel-free chart panels).
(axe-core, used by the browser tests only, is read from node_modules and not shipped.)

The old ``assets/vendor`` is removed first, so re-running is always safe.
"""
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "assets" / "vendor"

# (source under node_modules, destination under assets/vendor); directories are copied whole.
FILES = [
    ("vega/build/vega.min.js", "vega/vega.min.js"),
    ("vega-lite/build/vega-lite.min.js", "vega/vega-lite.min.js"),
    ("vega-embed/build/vega-embed.min.js", "vega/vega-embed.min.js"),
    ("katex/dist/katex.min.css", "katex/katex.min.css"),
]


def copy_files(pairs) -> None:
    """Copy ``(source, destination)`` paths; directories whole."""
    for src, dst in pairs:
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)


def strip_source_maps(folder: Path) -> None:
    """Source maps are not shipped; drop the comments that point at them."""
    for js in folder.rglob("*.js"):
        text = js.read_text(encoding="utf-8")
        js.write_text(re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text), encoding="utf-8")


def main() -> None:
    if not NODE.is_dir():
        raise SystemExit("node_modules is missing: run `npm ci` first")
    shutil.rmtree(VENDOR, ignore_errors=True)
    copy_files((NODE / src, VENDOR / dst) for src, dst in FILES)
    fonts = VENDOR / "katex" / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for font in (NODE / "katex/dist/fonts").glob("*.woff2"):  # every browser we serve reads woff2
        shutil.copy2(font, fonts / font.name)
    strip_source_maps(VENDOR / "vega")
    print(f"vendored {sum(1 for p in VENDOR.rglob('*') if p.is_file())} files into {VENDOR}")


if __name__ == "__main__":
    main()
