"""A test double for providers that hold an upload to the checksum it was signed with (R2 and others).

A plain `http.server` on 127.0.0.1 in front of a real S3 server (LocalStack): a PUT whose
query or headers carry `x-amz-checksum-crc32` is refused with S3's `BadDigest` when the body's
CRC32 differs; everything else is forwarded unchanged (the Host header too, so signatures
made for the proxy still verify behind it).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from tests.support.local_servers import serving

CHECKSUM = "x-amz-checksum-crc32"
BAD_DIGEST = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>BadDigest</Code>'
    b"<Message>The CRC32 you specified did not match the calculated checksum.</Message></Error>"
)


def crc32_b64(body: bytes) -> str:
    return base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()


def _handler(upstream: str, refused: list[str]) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _relay(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = {k.lower(): v for k, v in parse_qsl(urlsplit(self.path).query)}
            claimed = query.get(CHECKSUM) or self.headers.get(CHECKSUM)
            if self.command == "PUT" and claimed is not None and claimed != crc32_b64(body):
                refused.append(urlsplit(self.path).path)
                self.send_response(400)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(BAD_DIGEST)))
                self.end_headers()
                self.wfile.write(BAD_DIGEST)
                return
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                connection.request(self.command, self.path, body=body or None, headers=dict(self.headers.items()))
                reply = connection.getresponse()
                data = reply.read()
            finally:
                connection.close()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = _relay

    return Handler


@contextlib.contextmanager
def checksum_enforcing_proxy(upstream: str) -> Iterator[tuple[str, list[str]]]:
    """(endpoint, refused paths) of a proxy to `upstream` that enforces x-amz-checksum-crc32."""
    refused: list[str] = []
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, refused)), "checksum-proxy") as endpoint:
        yield endpoint, refused
