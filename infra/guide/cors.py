"""The guide's CORS rule: browsers upload and download through signed URLs.

One rule allows the app's origins to GET, PUT and HEAD with any request header and
exposes ETag and Content-Length. `origin_problem` is the single judge of what an
allowed origin may look like; settings and the policy pack both call it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import idna

RULE_ID = "raptscallions-browser-uploads"

APP_METHODS: tuple[str, ...] = ("GET", "PUT", "HEAD")
"""The methods the app's browser code uses against the bucket (the guide's list)."""

S3_CORS_METHODS: frozenset[str] = frozenset({"GET", "PUT", "HEAD", "POST", "DELETE"})
"""Every method S3-compatible CORS configurations accept."""

DEFAULT_ALLOWED_HEADERS: tuple[str, ...] = ("*",)
DEFAULT_EXPOSE_HEADERS: tuple[str, ...] = ("ETag", "Content-Length")
APP_READS_AFTER_UPLOAD: tuple[str, ...] = ("ETag",)
"""Response headers the app's JavaScript reads after a browser upload: the rule must expose them."""
DEFAULT_MAX_AGE_SECONDS = 3600
MAX_AGE_LIMIT_SECONDS = 86400
"""Browsers cap preflight caching at a day (Firefox) or less; more is never honoured."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
_HEADER_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


@dataclass(frozen=True)
class CorsRule:
    """The single CORS rule every provider renders in its own format."""

    allowed_origins: tuple[str, ...]
    allowed_methods: tuple[str, ...] = APP_METHODS
    allowed_headers: tuple[str, ...] = DEFAULT_ALLOWED_HEADERS
    expose_headers: tuple[str, ...] = DEFAULT_EXPOSE_HEADERS
    max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS
    rule_id: str = RULE_ID

    def s3_rule_arguments(self) -> dict[str, Any]:
        """The rule as an S3 CORSRule's fields in snake case: the keyword arguments of the
        Pulumi SDKs' S3-shaped CORS rule classes (AWS, DigitalOcean Spaces)."""
        return {
            "id": self.rule_id,
            "allowed_origins": list(self.allowed_origins),
            "allowed_methods": list(self.allowed_methods),
            "allowed_headers": list(self.allowed_headers),
            "expose_headers": list(self.expose_headers),
            "max_age_seconds": self.max_age_seconds,
        }


_SPECIAL_PORTS = {"https": 443, "http": 80}
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_CONTROL_NAMES = {"\t": "tab", "\n": "newline", "\r": "carriage return", "\x00": "NUL"}
_IPV4_LAST_LABEL = re.compile(r"(?:0[xX][0-9a-fA-F]*|[0-9]+)")


def browser_origin(origin: str) -> str | None:
    """The `Origin` header a browser on a page at `origin` sends, or None when no browser
    could be on such a page (not an http(s) URL, a host browsers refuse).

    Follows the WHATWG URL parser as far as an origin needs it: tabs and newlines are
    removed and C0/space trimmed, backslashes count as slashes, scheme and host are
    lowercased, the host percent-decoded and IDNA-encoded (UTS #46, as browsers do),
    IPv4 forms normalized, the default port dropped and path, query and fragment ignored.
    """
    if not isinstance(origin, str):
        return None
    text = _TAB_OR_NEWLINE.sub("", origin).strip("".join(map(chr, range(0x21))))
    match = re.fullmatch(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", text, re.DOTALL)
    if match is None or match.group(1).lower() not in _SPECIAL_PORTS:
        return None
    scheme = match.group(1).lower()
    rest = match.group(2).replace("\\", "/").lstrip("/")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        host_text, bracket, port_text = hostport[1:].partition("]")
        if not bracket or (port_text and not port_text.startswith(":")):
            return None
        host = _ipv6(host_text)
        port_text = port_text[1:]
    else:
        host_text, _, port_text = hostport.partition(":")
        host = _domain(host_text)
    if host is None or not re.fullmatch(r"[0-9]*", port_text):
        return None
    port = int(port_text) if port_text else None
    if port is not None and port > 65535:
        return None
    suffix = "" if port is None or port == _SPECIAL_PORTS[scheme] else f":{port}"
    return f"{scheme}://{host}{suffix}"


def _ipv6(text: str) -> str | None:
    try:
        return f"[{ipaddress.IPv6Address(text).compressed}]"
    except ValueError:
        return None


def _domain(text: str) -> str | None:
    """The host as a browser serializes it, or None where the browser would refuse it."""
    try:  # WHATWG: percent-decoded bytes that are not UTF-8 decode to U+FFFD, a forbidden host code point
        host = unquote(text, errors="strict") if "%" in text else text
    except UnicodeDecodeError:
        return None
    if not host:
        return None
    try:
        host = host.lower() if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    if host and _IPV4_LAST_LABEL.fullmatch(host.rstrip(".").rpartition(".")[2]):
        try:
            return socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    labels = host.split(".")
    if labels[-1] == "":
        labels = labels[:-1]
    if not labels or not all(_LABEL.fullmatch(label) and len(label) <= 63 for label in labels):
        return None
    return host


def _hidden_character(origin: str) -> str | None:
    """The first character a literal comparison would trip on though a reader cannot
    see it (whitespace, control, format/zero-width), or a percent-escape or backslash."""
    for position, char in enumerate(origin):
        category = unicodedata.category(char)
        if char.isspace() or category[0] in ("C", "Z"):
            name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "control character").lower()
            return f"contains a {name} (U+{ord(char):04X}) at position {position}"
        if char == "%":
            return f"contains a percent-escape at position {position}"
        if char == "\\":
            return f"contains a backslash at position {position}"
    return None


def origin_problem(origin: str, *, production: bool) -> str | None:
    """Why `origin` may not be allowed, or None when it may.

    S3-compatible services compare a request's `Origin` header with the allowed origins
    literally, and a browser sends its page's serialized origin (`browser_origin`), so an
    allowed origin must be exactly that serialization; anything else never matches. The
    one rule in every environment: exact https origins, no `*` or wildcard host; plain
    http only for localhost (127.0.0.1, [::1]) and only outside prod. Settings, the policy
    pack and the validator all judge with this function.
    """
    if not isinstance(origin, str) or not origin:
        return "must be a non-empty string such as https://app.example.com"
    if origin == "*":
        return "lets any website use signed URLs; list the app's exact https origins"
    expected = browser_origin(origin)
    instead = f"; a browser sends 'Origin: {expected}', write that" if expected and expected != origin else ""
    hidden = _hidden_character(origin)
    if hidden:
        return hidden + (instead or "; no browser sends such an origin")
    if "*" in origin:
        return "contains a wildcard, which no browser sends; list each of the app's exact https origins"
    if expected is None:
        return "is not an origin a browser sends; write it as https://app.example.com (https://host[:port])"
    parts = urlsplit(expected)
    if parts.username is not None or "@" in origin:
        return "must not contain a user name or password" + instead
    if expected != origin:
        return f"is not what a browser sends: a page at this origin sends 'Origin: {expected}'; write that"
    if parts.scheme == "http":
        if parts.hostname not in LOCAL_HOSTS:
            return "must use https:// (plain http:// is allowed only for localhost outside prod)"
        if production:
            return "is a plain http:// localhost origin, which is refused in prod"
    return None


def header_problem(header: str) -> str | None:
    """Why `header` is not a valid header name pattern (`*` allowed), or None."""
    if header == "*":
        return None
    if not isinstance(header, str) or not _HEADER_TOKEN.fullmatch(header.replace("*", "x")):
        return f"{header!r} is not a valid HTTP header name"
    return None


PREFLIGHT_HEADERS: tuple[str, ...] = ("content-type",)
"""The request headers the app's browser upload names in its preflight, as browsers name
them (lowercase). The app's SDK (AWS SDK for JavaScript v3, pinned in tests/js) signs only
`host` into a presigned PUT (`X-Amz-SignedHeaders=host`) and puts checksums, when it adds
any, in the query, so the browser must send no x-amz-* header; the one header it sends
outside the CORS safelist is `Content-Type` with the file's type (`image/png`, ...).
tests/providers/cloudflare/test_r2_cors.py checks this against URLs the app's own SDK signs."""


def access_control_request_headers(names: Iterable[str]) -> str:
    """The `Access-Control-Request-Headers` value a browser sends in a preflight for a
    request carrying the CORS-unsafe header `names`: lowercased, deduplicated, sorted and
    joined by "," without spaces (Fetch standard, "CORS-preflight request" and "CORS-unsafe
    request-header names"; what Chromium and Firefox send)."""
    return ",".join(sorted({name.lower() for name in names}))


def allowed_headers_problem(patterns: tuple[str, ...] | list[str], *, wildcard: bool = True) -> str | None:
    """Why a rule allowing only `patterns` would fail the signed PUT's preflight, or None.

    Each preflight header must be allowed by its own name (any case) or, where the server
    honours it (`wildcard`), by `*`. A partial wildcard such as `content-*` is not counted:
    AWS documents it, but not every S3-compatible server honours it (LocalStack refuses the
    preflight), so it is no promise the upload works. `wildcard=False` judges for a server
    that may take `*` as a literal header name (Cloudflare R2: infra.providers.cloudflare).
    """
    names = {p.lower() for p in patterns if isinstance(p, str)}
    star = wildcard and "*" in names
    missing = [h for h in PREFLIGHT_HEADERS if not star and h not in names]
    if not missing:
        return None
    listed = ", ".join(missing)
    if wildcard:
        return (
            f"must allow the {listed} header the browser's signed PUT asks for in its preflight; "
            'use ["*"] (the guide\'s value) or add "Content-Type"'
        )
    return (
        f"must name the {listed} header the browser's signed PUT asks for in its preflight: "
        '"*" alone may be taken as a literal header name, so list the name beside it'
    )
