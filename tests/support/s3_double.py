"""A small in-memory S3 test double that can answer late, trickle, or hold a request.

Real S3 servers answer at once; the validator's safety promises are about servers that
do not: one that stores an upload but answers after the client gave up, one that
trickles its answer a byte at a time, one that holds a request until told. The double
speaks just enough S3 for the validator's checks (ListObjectsV2, Put/Get/Head/Delete
object, signed URLs — signatures are not verified) and listens on 127.0.0.1 only,
started and stopped by the test. Every wait in it is bounded.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.local_servers import serving

MAX_WAIT = 30.0
"""No request is ever held, delayed or trickled longer than this."""


@dataclass
class Behaviour:
    """What the double does to one request, chosen by `S3Double.rule`."""

    delay: float = 0.0
    """Seconds before the request takes effect and is answered (it takes effect even
    when the client has gone)."""
    trickle: float = 0.0
    """Seconds between the bytes of the answer (its status line and headers too)."""
    hold: threading.Event | None = None
    """Wait for this event (bounded by MAX_WAIT) before taking effect."""


Rule = Callable[[str, str, int], Behaviour | None]
"""(method, key, how many times this method was sent for this key, from 1) -> behaviour."""


@dataclass
class S3Double:
    bucket: str
    rule: Rule = lambda method, key, nth: None
    objects: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(method, key) of every request received, in order."""
    endpoint: str = ""
    trickle_finished: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def seen(self, method: str, key: str) -> int:
        with self._lock:
            return sum(r == (method, key) for r in self.requests)

    def stored_keys(self) -> list[str]:
        with self._lock:
            return sorted(self.objects)

    def wait_for_key(self, key: str, timeout: float) -> bool:
        """Bounded wait until `key` is stored (e.g. by an upload answered late)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if key in self.stored_keys():
                return True
            time.sleep(0.05)
        return key in self.stored_keys()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        double = self.server.double
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        path = unquote(parts.path).lstrip("/")
        bucket, _, key = path.partition("/")
        with double._lock:
            double.requests.append((self.command, key))
            nth = sum(r == (self.command, key) for r in double.requests)
        behaviour = double.rule(self.command, key, nth) or Behaviour()
        if behaviour.hold is not None:
            behaviour.hold.wait(MAX_WAIT)
        time.sleep(min(behaviour.delay, MAX_WAIT))
        status, headers, payload = self._effect(double, bucket, key, body, parse_qs(parts.query))
        self._answer(status, headers, payload, behaviour.trickle)

    def _effect(
        self, double: S3Double, bucket: str, key: str, body: bytes, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        if bucket != double.bucket:
            return 404, {}, b"<Error><Code>NoSuchBucket</Code><Message>no such bucket</Message></Error>"
        with double._lock:
            if not key and self.command == "GET":
                prefix = query.get("prefix", [""])[0]
                listed = [k for k in sorted(double.objects) if k.startswith(prefix)]
                contents = "".join(f"<Contents><Key>{k}</Key><Size>0</Size></Contents>" for k in listed)
                xml = f"<ListBucketResult><Name>{bucket}</Name><KeyCount>{len(listed)}</KeyCount>{contents}</ListBucketResult>"
                return 200, {"Content-Type": "application/xml"}, xml.encode()
            if self.command == "PUT":
                double.objects[key] = (body, self.headers.get("Content-Type", "binary/octet-stream"))
                return 200, {"ETag": '"0"'}, b""
            if self.command == "DELETE":
                double.objects.pop(key, None)
                return 204, {}, b""
            if key in double.objects and self.command in ("GET", "HEAD"):
                data, content_type = double.objects[key]
                return 200, {"Content-Type": content_type}, data
        return 404, {}, b"<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>"

    def _answer(self, status: int, headers: dict[str, str], payload: bytes, trickle: float) -> None:
        lines = [f"HTTP/1.1 {status} {'OK' if status < 300 else 'Error'}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(payload)}")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        wire = head + (b"" if self.command == "HEAD" else payload)
        try:
            if not trickle:
                self.wfile.write(wire)
                return
            deadline = time.monotonic() + MAX_WAIT
            for byte in wire:
                if time.monotonic() > deadline:
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(trickle)
            self.server.double.trickle_finished.set()
        except OSError:  # the client gave up: the effect above stays, as on a real server
            self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_HEAD = do_POST = do_OPTIONS = _handle


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    double: S3Double


@contextlib.contextmanager
def s3_double(bucket: str, rule: Rule | None = None) -> Iterator[S3Double]:
    """The double, serving on 127.0.0.1 for the `with` block, then shut down."""
    double = S3Double(bucket, rule or (lambda method, key, nth: None))
    server = _Server(("127.0.0.1", 0), _Handler)
    server.double = double
    with serving(server, "s3-double", poll_interval=0.05) as endpoint:
        double.endpoint = endpoint
        yield double
