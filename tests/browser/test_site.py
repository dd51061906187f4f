"""The built site works offline in a real browser: one test per page (from _toc.yml) per check."""
import re
from pathlib import Path
from urllib.parse import urlsplit

from conftest import SITE, served_bytes

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
