"""The HTTP server `newsweave serve` runs (api.server_config: uvicorn with the Deadlines
protocol) on a free loopback port: a client trickling its request is cut at the limit
while normal clients are served (issue 18 item 6)."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

pytest.importorskip("uvicorn", reason="the web extra is part of the test extra")
import uvicorn  # noqa: E402

from newsweave.api import ServiceSettings, create_app, server_config  # noqa: E402

LIMIT = 1.0  # seconds, for headers and for a body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PARSERS = ["h11", "httptools"]


@pytest.fixture(params=PARSERS)
def server(db, request):
    """The server with each HTTP parser: h11 (`Deadlines`) and httptools
    (`HttpToolsDeadlines`, what `serve` runs when httptools is installed)."""
    if request.param == "httptools":
        pytest.importorskip("httptools", reason="httptools is part of the web extra")
    settings = ServiceSettings(
        db=db,
        header_timeout=LIMIT,
        body_timeout=LIMIT,
        idle_timeout=3 * LIMIT,
        http=request.param,
    )
    port = free_port()
    config = server_config(create_app(settings), "127.0.0.1", port, log_level="warning")
    expected = "HttpToolsDeadlines" if request.param == "httptools" else "Deadlines"
    assert expected in [kind.__name__ for kind in config.http.__mro__]
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not serving.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield port
    serving.should_exit = True
    thread.join(timeout=30)


def health(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/api/health")
    status = connection.getresponse().status
    connection.close()
    return status


def trickle(port: int, head: bytes, every: float = 0.2) -> tuple[float, bytes]:
    """Send `head` then one more byte every `every` seconds until the server closes the
    connection; how long that took and what the server answered. The clock starts before
    connecting: the server's deadline runs from the accepted connection, never earlier."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        sock.settimeout(every)
        answer = b""
        for byte in b"X-Padding: " + b"a" * 200:  # far more bytes than the limit lets in
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                chunk = None
            if chunk == b"":
                return time.monotonic() - started, answer
            if chunk:
                answer += chunk
                continue
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # closed while we wrote
                return time.monotonic() - started, answer
    raise AssertionError("the server kept a trickling client for 40 s")


def test_a_client_trickling_its_headers_is_cut_while_others_are_served(server):
    outcome: list[tuple[float, bytes]] = []
    slow = threading.Thread(
        target=lambda: outcome.append(trickle(server, b"GET /api/health HTTP/1.1\r\n"))
    )
    slow.start()
    served = [health(server) for _ in range(3)]  # while the trickle goes on
    slow.join()
    assert served == [200, 200, 200]
    ((elapsed, answer),) = outcome
    assert LIMIT <= elapsed < LIMIT + 1.5
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert answer.endswith(b"request headers not received in time\n")
    assert health(server) == 200


def test_a_client_trickling_a_body_is_cut(server, caplog):
    head = (
        b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"
    )
    elapsed, answer = trickle(server, head)
    assert LIMIT <= elapsed < LIMIT + 1.5
    assert b"201" not in answer
    assert health(server) == 200
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # no traceback logged


def test_a_silent_connection_is_closed_and_a_kept_alive_one_is_not_cut_early(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        started = time.monotonic()
        assert sock.recv(4096) == b""  # closed, with nothing said: no request was begun
        assert LIMIT <= time.monotonic() - started < LIMIT + 1.5
    # idle between requests for longer than the header limit, under the idle limit
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.request("GET", "/api/health")
    first = connection.getresponse()
    first.read()
    time.sleep(2 * LIMIT)
    connection.request("GET", "/api/health")
    assert (first.status, connection.getresponse().status) == (200, 200)
    connection.close()


def test_pipelined_requests_are_answered_in_order_and_the_next_one_still_has_a_deadline(server):
    """Two requests sent at once, then the start of a third that never ends: both are
    answered, in order, and the third is cut at the header limit."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        started = time.monotonic()
        request = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.sendall(request + b"GET /api/stories?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /")
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        elapsed = time.monotonic() - started
    assert answer.count(b"HTTP/1.1 200 OK") == 2
    assert answer.index(b'"status":"ok"') < answer.index(b'"stories"')
    assert answer.rstrip().endswith(b"request headers not received in time")
    assert LIMIT <= elapsed < LIMIT + 1.5
