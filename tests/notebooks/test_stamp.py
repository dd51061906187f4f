"""What ``tools/stamp.py`` throws away, on a small tree of its own: a change to optimlab or
to the pinned environment drops the execution cache and the pages; a change to the CSS,
the page script, an extension or the config drops only the pages; nothing else drops
anything."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import stamp  # noqa: E402

FILES = ["book/optimlab/core.py", "requirements.txt", "runtime.txt", "book/_ext/ext.py",
         "assets/site.css", "assets/page.js", "_config.yml", "_toc.yml", "book/chapter.md"]
OUTPUTS = [".jupyter_cache", ".doctrees", "html", "jupyter_execute"]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{name} v1\n")
    monkeypatch.setattr(stamp, "ROOT", tmp_path)
    monkeypatch.setattr(stamp, "BUILD", tmp_path / "_build")
    stamp.refresh()
    for out in OUTPUTS:
        (tmp_path / "_build" / out).mkdir()
    return tmp_path


def _kept(tree):
    return [out for out in OUTPUTS if (tree / "_build" / out).is_dir()]


def test_nothing_changed_keeps_everything(tree):
    stamp.refresh()
    assert _kept(tree) == OUTPUTS


@pytest.mark.parametrize("name", ["book/optimlab/core.py", "requirements.txt", "runtime.txt"])
def test_execution_inputs_drop_the_cache(tree, name):
    (tree / name).write_text("changed\n")
    assert stamp.stale("execution")
    stamp.refresh()
    assert _kept(tree) == [] and not stamp.stale("execution")


@pytest.mark.parametrize("name", ["assets/site.css", "assets/page.js", "book/_ext/ext.py",
                                  "_config.yml", "_toc.yml"])
def test_rendering_inputs_keep_the_cache(tree, name):
    (tree / name).write_text("changed\n")
    assert stamp.stale("rendering") and not stamp.stale("execution")
    stamp.refresh()
    assert _kept(tree) == [".jupyter_cache"]


def test_a_chapter_edit_is_left_to_the_cache_and_sphinx(tree):
    (tree / "book/chapter.md").write_text("changed\n")
    stamp.refresh()
    assert _kept(tree) == OUTPUTS
