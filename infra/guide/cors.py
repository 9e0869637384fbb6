"""The guide's CORS rule: browsers upload and download through signed URLs.

One rule allows the app's origins to GET, PUT and HEAD with any request header and
exposes ETag and Content-Length. `origin_problem` is the single judge of what an
allowed origin may look like; settings and the policy pack both call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

RULE_ID = "raptscallions-browser-uploads"

APP_METHODS: tuple[str, ...] = ("GET", "PUT", "HEAD")
"""The methods the app's browser code uses against the bucket (the guide's list)."""

S3_CORS_METHODS: frozenset[str] = frozenset({"GET", "PUT", "HEAD", "POST", "DELETE"})
"""Every method S3-compatible CORS configurations accept."""

DEFAULT_ALLOWED_HEADERS: tuple[str, ...] = ("*",)
DEFAULT_EXPOSE_HEADERS: tuple[str, ...] = ("ETag", "Content-Length")
DEFAULT_MAX_AGE_SECONDS = 3600
MAX_AGE_LIMIT_SECONDS = 86400
"""Browsers cap preflight caching at a day (Firefox) or less; more is never honoured."""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HEADER_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


@dataclass(frozen=True)
class CorsRule:
    """The single CORS rule every provider renders in its own format."""

    allowed_origins: tuple[str, ...]
    allowed_methods: tuple[str, ...] = APP_METHODS
    allowed_headers: tuple[str, ...] = DEFAULT_ALLOWED_HEADERS
    expose_headers: tuple[str, ...] = DEFAULT_EXPOSE_HEADERS
    max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS
    rule_id: str = RULE_ID


def origin_problem(origin: str, *, production: bool) -> str | None:
    """Why `origin` may not be allowed, or None when it may.

    Browsers send `Origin` as scheme://host[:port] with no path and no trailing slash,
    and S3-compatible services compare it literally, so anything else never matches.
    """
    if not isinstance(origin, str) or not origin:
        return "must be a non-empty string such as https://app.example.com"
    if origin == "*":
        if production:
            return "lets any website use signed URLs; list the app's exact https origins"
        return None
    if origin != origin.strip():
        return "has leading or trailing whitespace"
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "is not a valid URL; write it as https://app.example.com"
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return "must be an absolute https:// URL such as https://app.example.com"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if parts.path or parts.query or parts.fragment or origin.endswith("?") or origin.endswith("#"):
        return (
            "must be scheme://host[:port] only, without path, slash, query or fragment "
            f"(browsers send 'Origin: {parts.scheme}://{parts.netloc}')"
        )
    if not host or any(ch.isspace() for ch in parts.netloc):
        return "has no valid host name"
    if parts.scheme == "http":
        if host not in LOCAL_HOSTS:
            return "must use https:// (plain http:// is allowed only for localhost outside prod)"
        if production:
            return "is a plain http:// localhost origin, which is refused in prod"
    if "*" in parts.netloc and production:
        return "contains a wildcard; list the app's exact https origins in prod"
    return None


def header_problem(header: str) -> str | None:
    """Why `header` is not a valid header name pattern (`*` allowed), or None."""
    if header == "*":
        return None
    if not isinstance(header, str) or not _HEADER_TOKEN.match(header.replace("*", "x")):
        return f"{header!r} is not a valid HTTP header name"
    return None


PREFLIGHT_HEADERS: tuple[str, ...] = ("content-type",)
"""Request headers the browser names in the signed PUT's preflight (the app sets the file's type)."""


def allowed_headers_problem(patterns: tuple[str, ...] | list[str]) -> str | None:
    """Why a rule allowing only `patterns` would fail the signed PUT's preflight, or None.

    Each must be allowed by `*` or by its own name (any case). A partial wildcard such as
    `content-*` is not counted: AWS documents it, but not every S3-compatible server honours
    it (LocalStack refuses the preflight), so it is no promise the upload works.
    """
    names = {p.lower() for p in patterns if isinstance(p, str)}
    missing = [h for h in PREFLIGHT_HEADERS if "*" not in names and h not in names]
    if missing:
        return (
            f"must allow the {', '.join(missing)} header the browser's signed PUT asks for in its preflight; "
            'use ["*"] (the guide\'s value) or add "Content-Type"'
        )
    return None


def s3_cors_configuration(rule: CorsRule) -> dict[str, Any]:
    """The rule as an S3 API `CORSConfiguration` (what `put-bucket-cors` takes)."""
    return {
        "CORSRules": [
            {
                "ID": rule.rule_id,
                "AllowedHeaders": list(rule.allowed_headers),
                "AllowedMethods": list(rule.allowed_methods),
                "AllowedOrigins": list(rule.allowed_origins),
                "ExposeHeaders": list(rule.expose_headers),
                "MaxAgeSeconds": rule.max_age_seconds,
            }
        ]
    }
