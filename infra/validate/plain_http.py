"""Plain HTTP, as a browser or `curl` would send it: signed URLs and CORS preflights.

Deliberately not boto3: a signed URL must work for a client that knows no credentials.
Responses are returned whatever their status; the caller judges them.
"""

from __future__ import annotations

import http.client
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

_CODE = re.compile(rb"<Code>([^<]{1,100})</Code>")
_MESSAGE = re.compile(rb"<Message>([^<]{1,300})</Message>")


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def error_code(self) -> str:
        """The S3 error code from an XML error body, or '' when there is none."""
        match = _CODE.search(self.body)
        return match.group(1).decode(errors="replace") if match else ""

    @property
    def error_message(self) -> str:
        match = _MESSAGE.search(self.body)
        return match.group(1).decode(errors="replace") if match else ""


def without_query(url: str) -> str:
    """The URL a browser would show for an object: no signature, no credential."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def request(
    method: str, url: str, *, headers: Mapping[str, str] | None = None, body: bytes | None = None, timeout: float
) -> Response:
    """Send one request; OSError/socket timeouts propagate for the classifier."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout, **kwargs)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    try:
        connection.request(method, target, body=body, headers=dict(headers or {}))
        reply = connection.getresponse()
        data = reply.read()
        return Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, data)
    finally:
        connection.close()
