"""No number typed into the prose of a chapter.

Every number a chapter's sentences quote must come from ``glue`` of an executed cell
(``{eval}`name```), so that a change to optimlab or to a setting changes the text
or fails the build instead of leaving the text wrong. This test reads every
``book/*.md`` page, keeps only its Markdown prose and fails, listing ``file:line``, for
each number written in digits that it finds there.

Not prose, and so not searched: the YAML header, code cells and other literal blocks
(```` ```{code-cell} ````, ```` ```python ````, ```` ```{math} ````, ```` ```{glue:md} ````,
``{bibliography}``), indented code examples in solutions, cell markers (``+++``) and
directive options (``:label: ...``), maths (``$...$``, ``$$...$$``; but see below for
maths that is only a number), MyST roles
(``{eval}``, ``{cite}``, ``{eq}``, ``{ref}``, ``{doc}``, ...), inline code, link
targets, and HTML comments. Prose inside admonitions, exercises, solutions and
propositions *is* searched.

Numbers that are structure rather than claims are allowed by the narrow rules in
``ALLOWED`` below, each with the reason it is safe:

- seed identifiers: a three-digit number starting with ``00`` (``seed 000``, ``004``);
- years: four digits from 1900 to 2099 (the year of a cited work);
- references into a document: a number right after *section*, *Section*, *§*,
  *Algorithm*, *Lecture*, *demo*, *exercise* or *version*;
- list numbering: ``1.`` at the start of a line, ``(1)`` for the parts of a statement;
- quotations: a number between straight double quotes on one line, which repeats a
  source word for word (seed 003's heading "Step 1");
- names that contain a number joined by a hyphen (``UTF-8``, ``Windows-1252``,
  ``factor-2 grid``), and dimensions written ``2-D``;
- the minutes of the lecture plan in ``instructors.md`` (``0–5``, ``50 minutes``,
  ``20 to 30 minutes``), whose tables are a timetable.

Maths that is nothing but a number is not a formula: ``$50$``, ``$0.95$``, ``$-1$``,
``$20{,}000$``, ``$3\\times 10^{-4}$``, ``$10^{-13}$`` (an integer, a decimal, a number
times a power of ten or a power of ten, optionally signed) is read as that number and
checked by the same rules, so that writing "after $50$ steps" does not hide a step count
(except the seed-id and year rules: neither is ever written as maths, so "step $2000$"
is a claim). One more narrow rule applies to it only:

- the constants ``$0$``, ``$1$`` and ``$2$`` as a term of a mathematical statement: right
  after one of the few phrases in ``CONSTANT_BEFORE`` (*tends to*, *sums to*, *close to*,
  *towards*, *approaches*, *centred at*, *factor (of)*, *rather than*, *curvature were*:
  "tends to $0$", "the factor $2$ of the derivative", "a bowl centred at $0$") and not
  followed by a unit of a run (*step*, *epoch*, *iteration*, *run*, ...). A step count or a
  setting never qualifies ("after $2$ steps", "step $1$").

Anything else (a step count, a loss, a ratio, a hyperparameter in running text) must be
glued, or written as maths when it is part of a formula or of the definition of a setting
(``$\\eta = 0.5$``, ``$f = 0.1x^2 + 5y^2$``); maths with anything besides a number in it
stays exempt.
"""

from __future__ import annotations

import pathlib
import re

import pytest

BOOK = pathlib.Path(__file__).resolve().parents[2] / "book"

# Fenced blocks whose content is not prose.
LITERAL_DIRECTIVES = {"code-cell", "math", "glue:md", "glue:figure", "glue:math", "bibliography",
                      "raw", "code", "code-block", "eval-rst", "list-table", "csv-table",
                      "tableofcontents"}

ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"``.+?``|`[^`\n]*`")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:[^$]|\\\$)+?(?<!\\)\$")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
COMMENT = re.compile(r"<!--.*?-->", re.S)
NUMBER = re.compile(r"(?<![\w.])(?<!\w-)\d+(?:[.,]\d+)*(?:[eE][-+−]?\d+)?(?![\w])")

ALLOWED = [
    # seed identifiers (the file names of the source notes)
    ("seed id", re.compile(r"^00\d$"), None),
    # the year of a cited work
    ("year", re.compile(r"^(19|20)\d\d$"), None),
]
BEFORE = re.compile(r"(?:\b(?:[Ss]ections?|Algorithm|Lecture|demo|[Ee]xercise|version"
                    r"|Chapter|chapter)|§)\s*$")
LIST_MARKER = re.compile(r"^\s*(?:[-*]\s+)?$")          # "1." at the start of a line

# Maths that is only a number: optionally signed integer or decimal (``{,}`` groups
# thousands), optionally times a power of ten, or a bare power of ten.
_POWER = r"10\^(?:\{\s*[-+−]?\s*\d+\s*\}|\d)"
MATH_NUMBER = re.compile(r"^\s*[-+−]?\s*(?:\d+(?:(?:[.,]|\{,\})\d+)*"
                         r"(?:\s*(?:\\times|\\cdot)\s*" + _POWER + r"|[eE][-+−]?\d+)?"
                         r"|" + _POWER + r")\s*$")
# The mathematical constants 0, 1 and 2 as a term of a statement ("tends to $0$"): the
# phrases that may come right before them, and the words that must not follow them.
CONSTANT = re.compile(r"^[012]$")
CONSTANT_BEFORE = re.compile(
    r"(?:\b(?:tends?|tending|sums?|close) to|\btowards|\bapproach(?:es|ing)?|\bcentred at|"
    r"\bfactor(?: of)?|\brather than|\bcurvature (?:is|were|of))\s*$")
CONSTANT_NOT_AFTER = re.compile(r"^\s*(?:steps?|epochs?|iterations?|runs?|seeds?|examples?|"
                                r"minibatch(?:es)?|batch(?:es)?|times)\b")


# A number in the prose: a number-only span of maths (kept by ``unglued_numbers``) or a
# number written in digits.
CANDIDATE = re.compile(r"\$[^$\n]+\$|" + NUMBER.pattern)


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines of a MyST notebook that are Markdown prose, as (line number, text), with
    literal blocks, markers and directive options left out (blanked, so that line
    numbers stay right)."""
    lines = text.split("\n")
    out = [""] * len(lines)
    i = 0
    if lines and lines[0].strip() == "---":  # the jupytext header
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    fences: list[tuple[str, bool]] = []  # (closing marker, literal?)
    in_indented = False
    prev_blank = True
    for k in range(i, len(lines)):
        line = lines[k]
        s = line.strip()
        m = re.match(r"^\s*(`{3,}|~{3,})(.*)$", line)
        if m:
            mark, rest = m.group(1), m.group(2).strip()
            if fences and not rest and mark.startswith(fences[-1][0][0]) and \
                    len(mark) >= len(fences[-1][0]):
                fences.pop()
                continue
            if not fences or not fences[-1][1]:
                d = re.match(r"^\{([^}]*)\}", rest)
                literal = (d.group(1) in LITERAL_DIRECTIVES) if d else True
                fences.append((mark, literal))
                continue
        if fences and fences[-1][1]:
            continue
        if s.startswith("+++") or re.match(r"^:[\w-]+:", s):
            continue
        if line.startswith("    ") and (prev_blank or in_indented):
            in_indented = True  # an indented code example (solutions use them)
            continue
        if s:
            in_indented = False
        prev_blank = not s
        out[k] = line
    return list(enumerate(out, start=1))


def _blank(m: re.Match) -> str:
    return " " + "\n" * m.group(0).count("\n")


def unglued_numbers(path: pathlib.Path) -> list[tuple[int, str, str]]:
    """``(line, number, line text)`` for every number in the prose of ``path`` that is
    neither glued nor allowed by one of the rules above."""
    numbered = prose_lines(path.read_text(encoding="utf-8"))
    blob = "\n".join(text for _, text in numbered)
    for pattern in (COMMENT, DISPLAY_MATH, ROLE, INLINE_CODE):
        blob = pattern.sub(_blank, blob)
    # Maths is blanked, except maths that is only a number: that stays, and is checked.
    blob = INLINE_MATH.sub(lambda m: m.group(0) if MATH_NUMBER.match(m.group(0)[1:-1])
                           else _blank(m), blob)
    blob = LINK_TARGET.sub(_blank, blob)
    found = []
    for lineno, line in enumerate(blob.split("\n"), start=1):
        for m in CANDIDATE.finditer(line):
            token, before, after = m.group(0), line[:m.start()], line[m.end():]
            value = token[1:-1].strip() if token.startswith("$") else token
            if token.startswith("$") and CONSTANT.match(value) and \
                    CONSTANT_BEFORE.search(before) and not CONSTANT_NOT_AFTER.match(after):
                continue  # a constant of a mathematical statement ("tends to $0$")
            if not token.startswith("$") and any(rule.match(token) for _, rule, _ in ALLOWED):
                continue  # (a year or a seed id is never written as maths)
            if BEFORE.search(before):
                continue
            if after.startswith(".") and LIST_MARKER.match(before) and after[1:2] in (" ", ""):
                continue  # numbered list item
            if before.endswith("(") and after.startswith(")") and len(token) == 1:
                continue  # part (1), (2) of a statement
            if before.count('"') % 2 == 1 and '"' in after:
                continue  # inside a quotation of a source ("Step 1", "Iter 1: ...")
            if after.startswith("-D"):
                continue  # 2-D, 3-D
            if path.name == "instructors.md" and (
                    re.match(r"^(?:[–-]\d| minutes|[–-]minute)", after)
                    or re.search(r"\d[–-]$", before)
                    or re.match(r"^ (?:to|and) \d+ minutes", after)):
                continue  # minutes in the lecture timetable
            found.append((lineno, token, line.strip()))
    return found


CHAPTERS = sorted(BOOK.glob("*.md"))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_unglued_number_in_prose(path):
    found = unglued_numbers(path)
    listing = "\n".join(f"{path.name}:{line}: {token!r} in: {text[:100]}"
                        for line, token, text in found)
    assert not found, f"{len(found)} number(s) typed into the prose, not glued:\n{listing}"


def test_the_check_catches_a_typed_number(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("---\njupytext: {}\n---\n\n# A page\n\n"
                    "Look at the progress lines again: $y$ reaches about $10^{-13}$ by step 20\n"
                    "and then jumps back at step {eval}`s000_peak`.\n\n"
                    "```{code-cell} ipython3\nx = 20\n```\n\n"
                    "```{note}\nIn a note the loss is 0.28.\n```\n", encoding="utf-8")
    found = unglued_numbers(page)
    assert [(line, token) for line, token, _ in found] == [(7, "$10^{-13}$"), (7, "20"),
                                                           (15, "0.28")]


def test_the_check_catches_a_number_written_as_maths(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("---\njupytext: {}\n---\n\n"
                    "The loss falls after $50$ steps, to $10^{-13}$ or $3 \\times 10^{-4}$,\n"
                    "at $0.95$ times the limit, $20{,}000$ runs, $-1$; the bias tends to $0$\n"
                    "and the weights sum to $1$ (a factor of $2$), but step $1$, $2$ steps,\n"
                    "a loss below $1$, a factor of $2$ runs, and (1), Section $2$, in $2$-D,\n"
                    "from step $2000$ of seed $004$,\n"
                    "with $\\eta = 0.5$, $\\beta_2 = 0.999$, $f = 0.1x^2 + 5y^2$ and $x^2$.\n",
                    encoding="utf-8")
    found = [(line, token) for line, token, _ in unglued_numbers(page)]
    assert found == [(5, "$50$"), (5, "$10^{-13}$"), (5, "$3 \\times 10^{-4}$"),
                     (6, "$0.95$"), (6, "$20{,}000$"), (6, "$-1$"),
                     (7, "$1$"), (7, "$2$"), (8, "$1$"), (8, "$2$"),
                     (9, "$2000$"), (9, "$004$")]


def test_the_allowed_cases_stay_narrow(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Seed 004 of our notes (Kingma and Ba 2015, Section 2.1):\n\n"
                    "1. a first point, in 2-D,\n2. and (1) a part, with $\\eta = 0.5$.\n\n"
                    "    tr = ol.run(opt, bowl, [-10, 1.5], 50)\n\n"
                    "But 2015 steps, seed 0042 and step 1. are claims.\n", encoding="utf-8")
    found = [token for _, token, _ in unglued_numbers(page)]
    assert found == ["0042", "1"]
