"""The built site served as a static host serves it: text gzip-compressed, on 127.0.0.1.

``python tools/gzip_server.py [PORT] [DIRECTORY]`` serves until interrupted; ``serve(directory)``
starts it in a thread and returns ``(url, server)`` for the page-speed checks (Lighthouse
in ``make bench`` and ``tests/browser/test_lighthouse.py``). HTML, scripts, stylesheets,
JSON and SVG go compressed (level 6, once per file, kept in memory); fonts and images as
they are, with a long cache lifetime as a static host gives them.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import sys
import threading
from pathlib import Path

COMPRESSED = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".xml"}
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
         ".svg": "image/svg+xml", ".woff": "font/woff", ".woff2": "font/woff2"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    _cache: dict = {}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSED and accepts):
            return super().send_head()
        key = (str(path), path.stat().st_mtime_ns)
        body = self._cache.get(key)
        if body is None:
            body = self._cache[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(directory, port: int = 0):
    """Serve ``directory`` in a background thread: returns (base URL, server)."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    directory = sys.argv[2] if len(sys.argv) > 2 else "_build/html"
    url, server = serve(directory, port)
    print(f"Serving {directory} compressed on {url}")
    threading.Event().wait()
