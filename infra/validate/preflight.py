"""One CORS preflight, sent as a browser sends it, and the cause its answer names.

The server's answer is judged as the Fetch standard judges it
(https://fetch.spec.whatwg.org/#cors-preflight-fetch, a request without credentials), and a
refusal is named by what the server said:

- `CORSResponse: CORS is not enabled for this bucket.`: the bucket has no CORS configuration
  (AWS S3's answer, docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html "If cors is
  not enabled on the bucket, then Amazon S3 returns a 403 Forbidden response"; LocalStack
  services/s3/cors.py gives the same code and message);
- `CORSResponse: This CORS request is not allowed. ...`: rules exist, none matches the origin,
  method and request headers (the same sources);
- any other refusal (Ceph RGW 16.2 answers `AccessDenied` with an empty message in both cases,
  measured; the R2 double, tests/support/r2_cors_double.py, answers `AccessDenied` too): the server did
  not say which, and the check narrows it with the run's other answers.

What was sent and what came back are kept, so the report can say both.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.guide import cors
from infra.guide.troubleshooting import CorsCause
from infra.validate import plain_http

NOT_ENABLED_TEXT = "CORS is not enabled for this bucket"
NOT_ALLOWED_TEXT = "This CORS request is not allowed"


@dataclass(frozen=True)
class Sent:
    """The preflight's CORS headers."""

    origin: str
    method: str
    request_headers: str = ""

    def describe(self) -> str:
        text = f"sent OPTIONS with Origin: {self.origin}, Access-Control-Request-Method: {self.method}"
        if self.request_headers:
            text += f", Access-Control-Request-Headers: {self.request_headers}"
        return text


@dataclass(frozen=True)
class Answer:
    """What came back: status, the S3 error (if any) and the CORS headers."""

    status: int
    error_code: str = ""
    error_message: str = ""
    allow_origin: str = ""
    allow_methods: str = ""
    allow_headers: str = ""
    expose_headers: str = ""

    @classmethod
    def of(cls, response: plain_http.Response) -> Answer:
        return cls(
            response.status,
            _printable(response.error_code),
            _printable(response.error_message),
            response.header("access-control-allow-origin"),
            response.header("access-control-allow-methods"),
            response.header("access-control-allow-headers"),
            response.header("access-control-expose-headers"),
        )

    def describe(self) -> str:
        parts = [f"got HTTP {self.status}"]
        if self.error_code:
            parts.append(self.error_code + (f' "{self.error_message}"' if self.error_message else " (no message)"))
        if 200 <= self.status < 300:
            parts.append(f"Access-Control-Allow-Origin: {self.allow_origin or '(none)'}")
            parts.append(f"Access-Control-Allow-Methods: {self.allow_methods or '(none)'}")
            if self.allow_headers:
                parts.append(f"Access-Control-Allow-Headers: {self.allow_headers}")
            parts.append(f"Access-Control-Expose-Headers: {self.expose_headers or '(none)'}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Verdict:
    sent: Sent
    answer: Answer
    cause: CorsCause | None
    """None: a browser would go on with the request."""

    @property
    def allowed(self) -> bool:
        return self.cause is None


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:300]


def _names(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",") if part.strip()}


def judge(sent: Sent, answer: Answer, *, reads_headers: tuple[str, ...] = ()) -> CorsCause | None:
    """The cause a browser at `sent.origin` would be refused for, or None when it goes on.
    `reads_headers`: response headers the app's JavaScript reads after this request."""
    if not 200 <= answer.status < 300:
        if NOT_ENABLED_TEXT.lower() in answer.error_message.lower():
            return CorsCause.NOT_ENABLED
        if NOT_ALLOWED_TEXT.lower() in answer.error_message.lower():
            return CorsCause.NOT_ALLOWED
        return CorsCause.REFUSED_UNEXPLAINED
    if answer.allow_origin not in (sent.origin, "*"):
        return CorsCause.NO_ALLOW_ORIGIN
    methods = {m.upper() for m in _names(answer.allow_methods)}
    if sent.method not in methods and "*" not in methods:
        return CorsCause.METHOD_NOT_ALLOWED
    allowed = _names(answer.allow_headers)
    wanted = _names(sent.request_headers)
    if not wanted <= allowed and "*" not in allowed:  # a signed URL's request carries no credentials
        return CorsCause.HEADER_NOT_ALLOWED
    exposed = _names(answer.expose_headers)
    if any(h.lower() not in exposed for h in reads_headers) and "*" not in exposed:
        return CorsCause.ETAG_NOT_EXPOSED
    return None


def send(url: str, sent: Sent, timeout: float, *, reads_headers: tuple[str, ...] = ()) -> Verdict:
    """Send the preflight (network errors propagate for the classifier) and judge the answer."""
    headers = {"Origin": sent.origin, "Access-Control-Request-Method": sent.method}
    if sent.request_headers:
        headers["Access-Control-Request-Headers"] = sent.request_headers
    answer = Answer.of(plain_http.request("OPTIONS", url, headers=headers, timeout=timeout))
    return Verdict(sent, answer, judge(sent, answer, reads_headers=reads_headers))


def app_request(origin: str, method: str) -> Sent:
    """The preflight the app's browser code causes for `method` from `origin`: the signed PUT
    carries its file's type (the guide's `PREFLIGHT_HEADERS`); GET and HEAD none."""
    headers = cors.access_control_request_headers(cors.PREFLIGHT_HEADERS) if method == "PUT" else ""
    return Sent(origin, method, headers)
