"""Any failure -> the guide's troubleshooting class and a message fit to print.

Messages are written here from the error's kind and S3 error code, never copied from
exception text (which can carry request URLs); the report redacts what remains.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from infra.guide.troubleshooting import TROUBLESHOOTING, ErrorClass

AUTH_CODES = {
    "InvalidAccessKeyId": "the access key ID is unknown to the provider",
    "SignatureDoesNotMatch": "the secret access key does not match the access key ID",
    "InvalidToken": "the credential token is invalid",
    "ExpiredToken": "the credential has expired",
    "InvalidSecurity": "the credential was rejected",
    "Unauthorized": "the credential was rejected",
}
REGION_CODES = {"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "301"}
DENIED_CODES = {"AccessDenied", "AllAccessDisabled", "403", "Forbidden"}


@dataclass(frozen=True)
class Failure:
    """Why a check failed: the class (with its guide entry) and what happened."""

    error_class: ErrorClass
    message: str
    causes: tuple[str, ...] | None = None
    """The causes the answer points to; None: the guide's list for the class."""
    fix: str | None = None
    """The fix for those causes only; None: the guide's fix for the class."""

    @property
    def code(self) -> str:
        return self.error_class.value

    @property
    def shown_causes(self) -> tuple[str, ...]:
        return self.causes if self.causes is not None else TROUBLESHOOTING[self.error_class].causes

    @property
    def shown_fix(self) -> str:
        return self.fix if self.fix is not None else TROUBLESHOOTING[self.error_class].fix


class CheckFailed(Exception):
    """Raised by a check that judged the outcome wrong (content differs, CORS refused...)."""

    def __init__(
        self, error_class: ErrorClass, message: str, causes: tuple[str, ...] | None = None, fix: str | None = None
    ) -> None:
        super().__init__(message)
        self.failure = Failure(error_class, message, causes, fix)


def guide_line(error_class: ErrorClass) -> str:
    return TROUBLESHOOTING[error_class].error


def from_s3_code(code: str, status: int | None, server_message: str = "") -> Failure:
    """A failure from an S3 error code (from boto3 or from a plain HTTP error body)."""
    code = code or (str(status) if status else "unknown")
    if code in AUTH_CODES:
        return Failure(ErrorClass.AUTH_FAILED, f"{guide_line(ErrorClass.AUTH_FAILED)}: {AUTH_CODES[code]} ({code})")
    if code == "NoSuchBucket":
        return Failure(
            ErrorClass.BUCKET_NOT_FOUND, "Storage operation failed: NoSuchBucket (the bucket does not exist)"
        )
    if code in REGION_CODES:
        return Failure(
            ErrorClass.BUCKET_NOT_FOUND,
            f"Storage operation failed: {code} (the bucket is in a different region than STORAGE_S3_REGION)",
        )
    if code in DENIED_CODES:
        return Failure(ErrorClass.ACCESS_DENIED, f"Storage operation failed: AccessDenied ({code})")
    detail = f": {server_message[:200]}" if server_message else ""
    return Failure(ErrorClass.OTHER, f"Storage operation failed: {code}{detail}")


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps (botocore keeps the cause in `kwargs['error']`)."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "kwargs", None)
        if isinstance(wrapped, dict) and isinstance(wrapped.get("error"), BaseException):
            pending.append(wrapped["error"])
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def classify(error: BaseException) -> Failure:
    """The failure an exception stands for."""
    if isinstance(error, CheckFailed):
        return error.failure
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return from_s3_code(str(response["Error"].get("Code", "")), status, str(response["Error"].get("Message", "")))
    chain = list(_chain(error))
    names = {type(e).__name__ for e in chain}
    if any(isinstance(e, (socket.timeout, TimeoutError)) for e in chain) or names & {
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectTimeout",
        "ReadTimeout",
    }:
        return Failure(ErrorClass.TIMEOUT, f"{guide_line(ErrorClass.TIMEOUT)}: no answer within the timeout")
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolutionError" in names:
        return Failure(
            ErrorClass.DNS_FAILURE, f"{guide_line(ErrorClass.DNS_FAILURE)}: the endpoint host name does not resolve"
        )
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return Failure(
            ErrorClass.CONNECTION_REFUSED,
            f"{guide_line(ErrorClass.CONNECTION_REFUSED)}: the endpoint refused the connection",
        )
    if any(isinstance(e, ssl.SSLError) for e in chain) or "SSLError" in names:
        return Failure(ErrorClass.OTHER, "TLS handshake with the endpoint failed (certificate or protocol problem)")
    if any(isinstance(e, ConnectionError) for e in chain) or names & {
        "EndpointConnectionError",
        "ConnectionClosedError",
    }:
        return Failure(ErrorClass.OTHER, "Storage service connection failed (reset or closed by the endpoint)")
    return Failure(ErrorClass.OTHER, f"Unexpected error ({type(error).__name__})")
