"""Sphinx glue for the book.

Notebook images carry their alt text in the output metadata (``optimlab.plots.Plot``
puts it there); myst-nb reads only width and height from it, so this extension passes
``alt`` on to the ``<img>`` as well.
"""

from myst_nb.core.render import NbElementRenderer


def _render_image_with_alt(self, data):
    nodes = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        for node in nodes:
            node["alt"] = str(alt)
    return nodes


_render_image = NbElementRenderer.render_image


def setup(app):
    NbElementRenderer.render_image = _render_image_with_alt
    return {"parallel_read_safe": True, "parallel_write_safe": True}
