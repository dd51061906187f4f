"""Sphinx glue for the book.

1. Notebook images carry their alt text in the output metadata (``optimlab.plots.Plot``
   puts it there); myst-nb reads only width and height from it, so this extension passes
   ``alt`` on to the ``<img>`` as well.
2. The prose quotes computed values with ``{eval}`name```, the role JupyterLab's MyST
   renderer (jupyterlab-myst) evaluates in the kernel once a cell has run; ``optimlab.glue``
   defines ``name`` there. In the book build the same role pastes the value glued under
   ``name`` (myst-nb's own ``eval`` role would need a live kernel during the build, which
   cached execution does not have). A glued table (``text/markdown``) must stand alone in
   its paragraph, which it then replaces.
"""
from docutils import nodes
from myst_nb.core.render import MimeData, NbElementRenderer
from myst_nb.core.variables import RetrievalError, format_plain_text
from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data
from myst_nb.ext.utils import RoleBase
from sphinx.transforms import SphinxTransform


def _render_image_with_alt(self, data):
    nodes_ = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        for node in nodes_:
            node["alt"] = str(alt)
    return nodes_


_render_image = NbElementRenderer.render_image


class glued_block(nodes.container):
    """A glued table while it still sits in the paragraph of its role."""


class GluedValueRole(RoleBase):
    """``{eval}`name```: the value glued under ``name``, as text (a string without its
    quotes, as myst-nb's ``glue:text`` shows it) or, for Markdown, as a block."""

    def run(self):
        key = self.text.strip()
        try:
            result = retrieve_glue_data(self.document, key)
        except RetrievalError as exc:
            return [], [glue_warning(str(exc), self.document, self.line)]
        if "text/markdown" in result.data:
            key_md = result.nb_renderer.renderer.nb_config.cell_metadata_key
            mime = MimeData("text/markdown", result.data["text/markdown"],
                            cell_metadata={key_md: {"markdown_format": "myst"}},
                            output_metadata=result.metadata, line=self.line)
            block = glued_block("", *result.nb_renderer.render_markdown(mime))
            self.set_source_info(block)
            return [block], []
        text = result.data.get("text/plain")
        if text is None:
            return [], [glue_warning(f"No text/plain found in {key!r} data",
                                     self.document, self.line)]
        text = format_plain_text(text, "s")
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return [node], []


class GluedBlocks(SphinxTransform):
    """Put each glued table in the place of the paragraph that holds only its role."""

    default_priority = 100

    def apply(self):
        for block in list(self.document.findall(glued_block)):
            paragraph = block.parent
            if isinstance(paragraph, nodes.paragraph) and len(paragraph.children) == 1:
                paragraph.replace_self(block.children)
            else:
                block.replace_self(glue_warning(
                    "a glued table must stand alone in its paragraph", self.document,
                    block.line))


def setup(app):
    NbElementRenderer.render_image = _render_image_with_alt
    app.add_role("eval", GluedValueRole(), override=True)
    app.add_transform(GluedBlocks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
