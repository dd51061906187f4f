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
