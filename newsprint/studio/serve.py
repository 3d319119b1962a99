"""`render.py serve`: the live proof page on 127.0.0.1, fed by the watch loop.

Plain http.server, no framework: four routes (page, proof image, status JSON,
server-sent events). The watch loop runs in a thread; each finished render
wakes the event streams, and the page swaps in the new proof and findings.
Only ever bound to the loopback interface: the proof is unpublished copy.
"""

from __future__ import annotations

import json
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from newsprint.config import LAYOUT_DIR
from newsprint.errors import UserError
from newsprint.studio.session import Session, close, report, stop_on_term, watch_loop

HOST = "127.0.0.1"
HEARTBEAT_S = 10.0


class ProofServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, session: Session, port: int):
        self.session = session
        self.stopping = threading.Event()
        super().__init__((HOST, port), ProofHandler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def page_html(session: Session) -> bytes:
    """The page from layout/serve.html.j2 (read on each request, so it can be restyled live)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(LAYOUT_DIR), autoescape=True)
    return env.get_template("serve.html.j2").render(status=session.status()).encode()


class ProofHandler(BaseHTTPRequestHandler):
    server: ProofServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the render log is what the designer reads; requests are noise

    def _send(self, body: bytes, kind: str, status=HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        session = self.server.session
        route = urlparse(self.path).path
        if route == "/":
            self._send(page_html(session), "text/html; charset=utf-8")
        elif route == "/status":
            with session.lock:
                body = json.dumps(session.status(), ensure_ascii=False).encode()
            self._send(body, "application/json; charset=utf-8")
        elif route == "/proof.png":
            proof = session.proof
            if proof is None or not proof.is_file():
                self._send(b"no proof yet", "text/plain", HTTPStatus.NOT_FOUND)
            else:
                self._send(proof.read_bytes(), "image/png")
        elif route == "/events":
            self._events(session)
        else:
            self._send(b"not found", "text/plain", HTTPStatus.NOT_FOUND)

    def _events(self, session: Session) -> None:
        """Server-sent events: one `render` event per finished render, heartbeats between."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            while not self.server.stopping.is_set():
                with session.lock:
                    if session.generation == seen:
                        session.lock.wait(HEARTBEAT_S)
                    if session.generation != seen:
                        seen = session.generation
                        data = json.dumps(session.status(), ensure_ascii=False)
                        message = f"event: render\nid: {seen}\ndata: {data}\n\n"
                    else:
                        message = ": heartbeat\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded


def start(
    session: Session, port: int = 0, on_render=report
) -> tuple[ProofServer, threading.Thread]:
    """Serve the page and run the watch loop in threads; stop with `stop(server)`."""
    try:
        server = ProofServer(session, port)
    except OSError as exc:
        raise UserError(
            f"cannot serve on {HOST}:{port}: {exc.strerror}; "
            "try another --port, or --port 0 for any free one"
        ) from None
    threading.Thread(target=server.serve_forever, daemon=True, name="proof-server").start()
    loop = threading.Thread(
        target=watch_loop,
        args=(session, on_render, server.stopping),
        daemon=True,
        name="watch-loop",
    )
    loop.start()
    return server, loop


def stop(server: ProofServer) -> None:
    server.stopping.set()
    with server.session.lock:
        server.session.lock.notify_all()
    server.shutdown()
    server.server_close()


def serve_forever(session: Session, port: int, open_browser: bool = False) -> int:
    stop_on_term()
    server, loop = start(session, port)
    print(f"live proof of {session.story.name} at {server.url} (Ctrl-C stops)", file=sys.stderr)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        while loop.is_alive():
            loop.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(server)
        close(session)
    return 0
