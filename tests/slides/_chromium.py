"""Chromium for the slide tests, driven from a thread of its own (see ``_Chromium``), and
the static server the browser tests load the site from (``QuietServer``)."""
from __future__ import annotations

import http.server
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


class _Chromium:
    """One Chromium, driven from a thread of its own.

    Playwright's sync API runs one event loop per thread, and the browser tests' session
    fixture may already hold the main thread's; a second instance cannot share it."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pw = self.browser = None

    def run(self, fn, *args):
        return self.pool.submit(self._call, fn, *args).result()

    def _call(self, fn, *args):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.pw = sync_playwright().start()
            self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        return fn(self.browser, *args)

    def close(self):
        def stop():
            if self.browser is not None:
                self.browser.close()
                self.pw.stop()
        self.pool.submit(stop).result()
        self.pool.shutdown()


def driver():
    """Generator for a module fixture: one ``_Chromium``, closed afterwards;
    ``driver.run(fn, *args)`` calls ``fn(browser, *args)`` in the browser's thread."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make chromium`", pytrace=False)
    chromium = _Chromium()
    yield chromium
    chromium.close()


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that closes a page while a file is still on its way breaks the pipe:
    that is the browser's choice, not a fault of the site, and no traceback is printed."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)
