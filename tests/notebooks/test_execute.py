"""Every chapter in the table of contents executes top to bottom (one test per page).

The strict ``jupyter-book build -W`` in ``make book`` checks markup and links; this
runs each MyST notebook with nbclient so a failing cell shows its own traceback.
"""

from pathlib import Path

import jupytext
import pytest
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def toc_files(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if key in node:
                found.append(node[key])
        for value in node.values():
            if isinstance(value, (list, dict)):
                found += toc_files(value)
    elif isinstance(node, list):
        for item in node:
            found += toc_files(item)
    return found


PAGES = toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def test_toc_lists_the_chapters():
    assert "book/rmsprop" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_executes(page):
    path = ROOT / f"{page}.md"
    nb = jupytext.read(path)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
