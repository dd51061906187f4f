"""What Binder needs, checked without reaching Binder: the environment file and the
JupyterLab settings that open the MyST chapters as notebooks."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _requirements():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


def test_every_requirement_is_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][^\s]*", line), line


def test_binder_environment_has_jupytext_lab_and_widgets():
    reqs = _requirements()
    for name in ("jupytext", "jupyterlab", "ipywidgets", "ipykernel"):
        assert name in reqs
    assert int(reqs["ipykernel"].split(".")[0]) < 7  # ipykernel 7 hangs widget cells
    assert not (ROOT / "binder").exists()  # repo2docker would ignore requirements.txt
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


def test_lab_opens_markdown_as_notebook():
    overrides = json.loads((ROOT / ".jupyter/labconfig/default_setting_overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    # the viewer must exist: jupytext's lab extension registers that factory name
    ext = Path(sys.prefix) / "share/jupyter/labextensions/jupyterlab-jupytext"
    bundle = "".join(p.read_text(errors="ignore") for p in ext.rglob("*.js"))
    assert "Jupytext Notebook" in bundle


def test_lab_starts_kernels_and_asks_for_no_news():
    """A lecture should not start with a kernel dialog or a news pop-up."""
    overrides = json.loads((ROOT / ".jupyter/labconfig/default_setting_overrides.json").read_text())
    tracker = overrides["@jupyterlab/notebook-extension:tracker"]
    assert tracker["autoStartDefaultKernel"] is True
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    schemas = Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab"
    for plugin, keys in overrides.items():
        package, _, name = plugin.partition(":")
        schema = json.loads((schemas / package.split("/")[1] / f"{name}.json").read_text())
        assert set(keys) <= set(schema["properties"]), plugin  # no misspelt setting


def test_lab_renders_every_cell_so_the_glued_values_show():
    """jupyterlab-myst evaluates a cell's {eval} values only when the cell is rendered as it
    runs; with JupyterLab's default windowing (cells near the view only) about half of a
    chapter's values would stay missing after Run All."""
    overrides = json.loads((ROOT / ".jupyter/labconfig/default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


def test_widget_manager_runs_inside_rise():
    """RISE's slideshow app shares a fixed set of JupyterLab packages with extensions;
    @jupyterlab/console is not among them, and the widget manager of jupyterlab_widgets
    3.0.11+ requires it, so no widget would render in a slideshow (rise#119). The pins
    keep a widget manager that needs only what RISE shares."""
    ext = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager"
    manager = json.loads((ext / "package.json").read_text())
    assert "@jupyterlab/console" not in manager["dependencies"], manager["version"]
    reqs = _requirements()
    assert reqs["jupyterlab_widgets"] == "3.0.10" and reqs["ipywidgets"] == "8.1.2"


def test_binder_writes_the_presenter_notebooks():
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    commands = [ln for ln in post.read_text().splitlines() if ln and not ln.startswith("#")]
    assert commands == ["set -euo pipefail", "python tools/slides.py rise"]
