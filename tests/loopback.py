"""A real HTTP server on 127.0.0.1 for the watch tests: routes, faults and a request log.

Each route answers with a list of replies, one per request, the last repeated: a
500 then a 200, a 429 with Retry-After then a 200; a reply may also be a function of
the request path that returns one (a feed that grows while it is watched). A reply
with an `etag` or `last_modified` answers 304 to a request that carries the matching
validator.
Nothing here talks to any other address.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the response is sent
    etag: str | None = None
    last_modified: str | None = None
    compress: str | None = None  # "gzip" or "br", when the client accepts it


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic()
    port: int = 0  # the client's port: one per connection


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up
            super().handle_error(request, client_address)


Answer = Reply | Callable[[str], Reply]


class LoopbackSite:
    """Serves the routes given with `route`; `hits(path)` counts the requests for a path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                site._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Answer | str | bytes) -> None:
        self.routes[path] = [
            r if isinstance(r, Reply) or callable(r) else Reply(r) for r in replies
        ]

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.log if r.path == path)

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def _reply_for(self, path: str) -> Reply:
        with self._lock:
            replies = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
            if not replies:
                return Reply("not found", status=404, content_type="text/plain")
            answer = replies.pop(0) if len(replies) > 1 else replies[0]
        return answer if isinstance(answer, Reply) else answer(path)

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            port = handler.client_address[1]
            self.log.append(Request(handler.path, headers, time.monotonic(), port))
        reply = self._reply_for(handler.path)
        if reply.delay:
            time.sleep(reply.delay)
        status, body = reply.status, reply.body
        body = body.encode("utf-8") if isinstance(body, str) else body
        extra = dict(reply.headers)
        if reply.etag:
            extra["ETag"] = reply.etag
        if reply.last_modified:
            extra["Last-Modified"] = reply.last_modified
        if (reply.etag and headers.get("if-none-match") == reply.etag) or (
            reply.last_modified and headers.get("if-modified-since") == reply.last_modified
        ):
            status, body = 304, b""
        accepted = headers.get("accept-encoding", "")
        if body and reply.compress == "gzip" and "gzip" in accepted:
            body, extra["Content-Encoding"] = gzip.compress(body), "gzip"
        elif body and reply.compress == "br" and "br" in accepted:
            import brotli

            body, extra["Content-Encoding"] = brotli.compress(body), "br"
        try:
            handler.send_response(status)
            if status != 304:
                handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
            pass
