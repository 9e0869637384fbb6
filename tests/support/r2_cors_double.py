"""A strict stand-in for R2's CORS preflight answer, in both ways R2 may read `*`, and a
browser's side of the exchange (what it sends, how it judges the answer).

R2 (evaluates the bucket's rules in R2's own REST shape, `allowed.origins/methods/headers`):

- `LITERAL`: `*` in a rule's allowed headers matches only a header literally named `*`.
  Evidence: M. Esteban, "Pre-signed URLs & CORS on Cloudflare R2" (2022-10-03,
  https://mikeesto.medium.com/pre-signed-urls-cors-on-cloudflare-r2-c90d43370dc4):
  `AllowedHeaders: ["content-type"], // Don't use * — it won't work!`; the gist it links
  (mikeesto/a702290925d90ee32b550a8981a657d2): "Putting it as * still gives CORS errors";
  zenn.dev/thecreator/articles/d278c7e6ff33e6: R2 cannot take `*` as an AllowedHeader.
- `WILDCARD`: `*` matches any request header, as S3 documents for AllowedHeader and as R2
  configurations rely on today (hackclub/cdn pull 100, merged 2026: `"AllowedHeaders": ["*"]`
  to let a preflight for X-Accept-Encoding through).

Cloudflare's documentation says neither (cloudflare/cloudflare-docs
src/content/docs/r2/buckets/cors.mdx; API reference of `rules[].allowed.headers`). What both
modes share, taken from that page and S3's CORS semantics: a preflight needs `Origin` and
`Access-Control-Request-Method`; the first rule whose origins contain the origin exactly
("Origin values must match exactly"), whose methods contain the requested method and which
allows every requested header (names compared case-insensitively, RFC 9110) answers 200 with
the origin, the rule's methods, the requested headers, the exposed headers and max age;
otherwise the answer is 403 and no CORS header.

Browser: the request headers the Fetch standard calls CORS-unsafe and the preflight's
`Access-Control-Request-Headers` built from them (lowercase, sorted, "," without spaces, as
Chromium sends it), and the Fetch standard's judgement of the preflight answer
(https://fetch.spec.whatwg.org/#cors-preflight-fetch) for a request without credentials,
which is what a fetch() of a signed URL from another origin is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.guide.cors import access_control_request_headers
from tests.support.local_servers import serving


class StarMode(Enum):
    LITERAL = "literal"
    WILDCARD = "wildcard"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    """Header names lower-cased."""


REFUSED = Answer(403, {})


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _header_allowed(name: str, patterns: Sequence[str], mode: StarMode) -> bool:
    lowered = {pattern.lower() for pattern in patterns}
    return name.lower() in lowered or (mode is StarMode.WILDCARD and "*" in lowered)


def r2_preflight(rules: Sequence[Mapping[str, Any]], request_headers: Mapping[str, str], mode: StarMode) -> Answer:
    """R2's answer to an OPTIONS request with `request_headers`, under `rules` (R2's shape)."""
    headers = {name.lower(): value for name, value in request_headers.items()}
    origin, method = headers.get("origin"), headers.get("access-control-request-method")
    if not origin or not method:
        return REFUSED
    requested = _split(headers.get("access-control-request-headers", ""))
    for rule in rules:
        allowed = rule.get("allowed") or {}
        if origin not in (allowed.get("origins") or ()) or method not in (allowed.get("methods") or ()):
            continue
        if not all(_header_allowed(name, allowed.get("headers") or (), mode) for name in requested):
            continue
        answer = {
            "access-control-allow-origin": origin,
            "access-control-allow-methods": ", ".join(allowed["methods"]),
            "vary": "Origin",
        }
        if requested:
            answer["access-control-allow-headers"] = ", ".join(requested)
        if rule.get("exposeHeaders"):
            answer["access-control-expose-headers"] = ", ".join(rule["exposeHeaders"])
        if rule.get("maxAgeSeconds") is not None:
            answer["access-control-max-age"] = str(int(rule["maxAgeSeconds"]))
        return Answer(200, answer)
    return REFUSED


# --- the browser's side ---------------------------------------------------------------------

_SAFELISTED_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
_SAFELISTED_NAMES = frozenset({"accept", "accept-language", "content-language", "content-type"})
_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


def cors_unsafe_header_names(headers: Mapping[str, str]) -> list[str]:
    """The request's header names a browser must ask about in a preflight (Fetch standard,
    "CORS-unsafe request-header names"): everything but the safelisted names, and
    Content-Type unless its MIME type essence is one of the three form/text types."""
    unsafe = []
    for name, value in headers.items():
        lowered = name.lower()
        essence = value.split(";")[0].strip().lower()
        if lowered not in _SAFELISTED_NAMES or (lowered == "content-type" and essence not in _SAFELISTED_CONTENT_TYPES):
            unsafe.append(lowered)
    return sorted(set(unsafe))


def browser_preflight_headers(origin: str, method: str, headers: Mapping[str, str]) -> dict[str, str]:
    """The CORS headers of the preflight a browser at `origin` sends before `method` with `headers`."""
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    unsafe = cors_unsafe_header_names(headers)
    if unsafe:
        sent["Access-Control-Request-Headers"] = access_control_request_headers(unsafe)
    return sent


def browser_accepts(answer: Answer, origin: str, method: str, headers: Mapping[str, str]) -> bool:
    """Whether a browser goes on to send the real request after `answer` (no credentials)."""
    if not 200 <= answer.status <= 299:
        return False
    if answer.headers.get("access-control-allow-origin") not in (origin, "*"):
        return False
    methods = _split(answer.headers.get("access-control-allow-methods", ""))
    if method not in methods and method not in _SAFELISTED_METHODS and "*" not in methods:
        return False
    allowed = {name.lower() for name in _split(answer.headers.get("access-control-allow-headers", ""))}
    for name in cors_unsafe_header_names(headers):
        if name not in allowed and ("*" not in allowed or name == "authorization"):
            return False
    return True


def upload_passes(rules: Sequence[Mapping[str, Any]], mode: StarMode, origin: str, headers: Mapping[str, str]) -> bool:
    """Whether a browser at `origin` gets to PUT with `headers` to a bucket with `rules`."""
    preflight = browser_preflight_headers(origin, "PUT", headers)
    return browser_accepts(r2_preflight(rules, preflight, mode), origin, "PUT", headers)


# --- the same answers over HTTP on 127.0.0.1 -----------------------------------------------


@contextlib.contextmanager
def r2_cors_server(rules: Sequence[Mapping[str, Any]], mode: StarMode) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(endpoint http://127.0.0.1:PORT, the headers of each OPTIONS request received) of a
    server answering every OPTIONS request as `r2_preflight` does; any other method is
    refused with 405 (a preflight-only double)."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _reply(self, answer: Answer) -> None:
            body = b"" if answer.status == 200 else b"<Error><Code>AccessDenied</Code></Error>"
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_OPTIONS(self) -> None:
            received = dict(self.headers.items())
            seen.append(received)
            self._reply(r2_preflight(rules, received, mode))

        def _not_a_preflight(self) -> None:
            self._reply(Answer(405, {}))

        do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _not_a_preflight

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler), "r2-cors-double") as endpoint:
        yield endpoint, seen
