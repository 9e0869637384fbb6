"""The ten checks, in order. Each takes the run's `Context` and returns a `Passed`,
raises `Skip`, or raises (any error is classified by the runner).

1-8 are the guide's checks; 9 (CORS preflight) and 10 (least privilege) are new.
CORS expectations come from `infra.guide.cors`, the refused actions from
`infra.guide.permissions`; nothing here restates them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.guide import contract, cors, lifecycle, permissions
from infra.guide.troubleshooting import CORS_CAUSES, CorsCause, ErrorClass
from infra.validate import plain_http, preflight
from infra.validate.app_sdk_url import app_sdk_put_url
from infra.validate.classify import CheckFailed, classify, from_s3_code
from infra.validate.config import Target
from infra.validate.probes import Probes

FOREIGN_ORIGIN = "https://not-your-app.example.invalid"
"""An origin no bucket should allow; `.invalid` can never be a real site."""
UPLOAD_CONTENT_TYPE = "text/plain; charset=utf-8"
SIGNED_PUT_CONTENT_TYPE = "text/plain"
PREFLIGHT_HEADERS = {"PUT": cors.access_control_request_headers(cors.PREFLIGHT_HEADERS)}
"""`Access-Control-Request-Headers` exactly as a browser sends it for the app's requests: the
signed PUT carries its file's type (the guide's `PREFLIGHT_HEADERS`); GET and HEAD none."""


@dataclass
class Context:
    """What every check may use; filled in as the run goes."""

    target: Target
    client: Any
    probes: Probes
    timeout: float
    contents: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Passed:
    detail: str = ""
    notes: tuple[str, ...] = ()


class Skip(Exception):
    """The check cannot run here (e.g. no CORS origins known); not a failure."""


@dataclass(frozen=True)
class Check:
    id: str
    name: str
    run: Callable[[Context], Passed]
    needs: tuple[str, ...] = ()


def _content(ctx: Context, role: str) -> bytes:
    body = f"raptscallions validate probe {ctx.probes.run_id} {role} {os.urandom(8).hex()}\n".encode()
    ctx.contents[role] = body
    return body


def _put(ctx: Context, role: str, content_type: str) -> str:
    key = ctx.probes.key(role)
    ctx.probes.sending(key)
    try:
        response = ctx.client.put_object(
            Bucket=ctx.target.bucket, Key=key, Body=_content(ctx, role), ContentType=content_type
        )
    except Exception as error:
        ctx.probes.failed(key, error)
        raise
    ctx.probes.answered(key)
    ctx.probes.stored_version(response.get("VersionId"))
    return key


def _read(ctx: Context, role: str) -> dict[str, Any]:
    response = ctx.client.get_object(Bucket=ctx.target.bucket, Key=ctx.probes.key(role))
    body = response["Body"].read()
    if body != ctx.contents[role]:
        raise CheckFailed(
            ErrorClass.OTHER,
            f"read back {len(body)} bytes that differ from the {len(ctx.contents[role])} bytes written",
        )
    return response


def _http_failure(response: plain_http.Response, what: str) -> CheckFailed:
    failure = from_s3_code(response.error_code, response.status, response.error_message)
    return CheckFailed(failure.error_class, f"{what} answered HTTP {response.status}: {failure.message}")


def connectivity(ctx: Context) -> Passed:
    """One ListObjectsV2 under the run's own prefix: reaches the endpoint, proves the
    credential and the bucket, and returns S3 error codes (a HEAD would not)."""
    ctx.client.list_objects_v2(Bucket=ctx.target.bucket, Prefix=ctx.probes.run_prefix, MaxKeys=1)
    return Passed("endpoint reached, credential accepted, bucket exists")


def upload(ctx: Context) -> Passed:
    key = _put(ctx, "upload", UPLOAD_CONTENT_TYPE)
    return Passed(f"PutObject {key}")


def download(ctx: Context) -> Passed:
    _read(ctx, "upload")
    return Passed("GetObject returned the uploaded bytes")


def signed_get(ctx: Context) -> Passed:
    url = ctx.client.generate_presigned_url(
        "get_object",
        Params={"Bucket": ctx.target.bucket, "Key": ctx.probes.key("upload")},
        ExpiresIn=ctx.target.signed_url_expiration,
    )
    response = plain_http.request("GET", url, timeout=ctx.timeout)
    if response.status != 200:
        raise _http_failure(response, "signed GET URL")
    if response.body != ctx.contents["upload"]:
        raise CheckFailed(ErrorClass.OTHER, "signed GET URL returned different bytes than were uploaded")
    return Passed(f"plain HTTP GET with a {ctx.target.signed_url_expiration}s signature returned the object")


def _signed_put_round_trip(ctx: Context, role: str, url: str) -> plain_http.Response:
    """PUT a probe through `url` with plain HTTP; on success read it back (bytes and signed content type)."""
    key = ctx.probes.key(role)
    body = _content(ctx, role)
    ctx.probes.sending(key)
    try:
        response = plain_http.request(
            "PUT", url, headers={"Content-Type": SIGNED_PUT_CONTENT_TYPE}, body=body, timeout=ctx.timeout
        )
    except Exception as error:
        ctx.probes.failed(key, error)
        raise
    if not 200 <= response.status < 300:
        ctx.probes.refused(key)
        return response
    ctx.probes.answered(key)
    ctx.probes.stored_version(response.header("x-amz-version-id"))
    stored = _read(ctx, role)
    if stored.get("ContentType", "").split(";")[0] != SIGNED_PUT_CONTENT_TYPE:
        raise CheckFailed(ErrorClass.OTHER, "object uploaded by signed URL lost its signed content type")
    return response


def signed_put(ctx: Context) -> Passed:
    """A browser's upload through a signed PUT URL. Without AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED
    the app's SDK bakes an empty-body checksum into its URLs, so that URL is tried too."""
    target = ctx.target
    key = ctx.probes.key("signed-put")
    url = ctx.client.generate_presigned_url(
        "put_object",
        Params={"Bucket": target.bucket, "Key": key, "ContentType": SIGNED_PUT_CONTENT_TYPE},
        ExpiresIn=target.signed_url_expiration,
    )
    response = _signed_put_round_trip(ctx, "signed-put", url)
    if not 200 <= response.status < 300:
        raise _http_failure(response, "signed PUT URL")
    if not target.app_bakes_checksums:
        return Passed("plain HTTP PUT with the signed content type stored the object (as the app's SDK signs it)")
    role = "signed-put-app-sdk"
    app_url = app_sdk_put_url(
        ctx.client, target.bucket, ctx.probes.key(role), SIGNED_PUT_CONTENT_TYPE, target.signed_url_expiration
    )
    response = _signed_put_round_trip(ctx, role, app_url)
    unset = f"{contract.REQUEST_CHECKSUM} is {'unset' if target.request_checksums == 'WHEN_SUPPORTED' else target.request_checksums}"
    if not 200 <= response.status < 300:
        code = response.error_code or f"HTTP {response.status}"
        raise CheckFailed(
            ErrorClass.BAKED_CHECKSUM,
            f"{unset}, so the app's SDK signs the CRC32 of an empty body into its PUT URLs; the provider refused "
            f"that upload ({code}) while the same PUT without the checksum worked. Set "
            f"{contract.REQUEST_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} and "
            f"{contract.RESPONSE_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} in the app's environment.",
        )
    return Passed(
        "plain HTTP PUT stored the object, also through a URL as the app's SDK signs it by default",
        (
            f"{unset}: the app's SDK signs an empty-body checksum into its PUT URLs; this provider ignored it, "
            f"others (R2) refuse it. Set {contract.REQUEST_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} and "
            f"{contract.RESPONSE_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} (`python -m infra.dotenv` writes them).",
        ),
    )


def delete(ctx: Context) -> Passed:
    keys = list(ctx.probes.pending)
    for key in keys:
        ctx.probes.delete(ctx.client, ctx.target.bucket, key)
    return Passed(f"DeleteObject removed {len(keys)} probe object(s)")


def cleanup_verified(ctx: Context) -> Passed:
    """Deleted probes are neither listed (the proof: S3 listings are consistent) nor readable."""
    listed = ctx.client.list_objects_v2(Bucket=ctx.target.bucket, Prefix=ctx.probes.run_prefix)
    if listed.get("KeyCount", len(listed.get("Contents", []))):
        raise CheckFailed(ErrorClass.OTHER, f"objects are still listed under {ctx.probes.run_prefix}")
    notes: list[str] = []
    for key in ctx.probes.deleted:
        try:
            ctx.client.head_object(Bucket=ctx.target.bucket, Key=key)
        except Exception as error:
            status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404:
                continue
            if status == 403:
                notes = ["HEAD on the deleted probes was refused (no GetObject?); the listing proves them gone"]
                continue
            raise
        raise CheckFailed(ErrorClass.OTHER, f"{key} can still be read after its delete")
    return Passed("no probe can be read or listed", tuple(notes) + versioning_notes(ctx.probes))


def versioning_notes(probes: Probes) -> tuple[str, ...]:
    """What a versioned bucket keeps after the deletes, and what removes it."""
    if not (probes.noncurrent_versions or probes.delete_markers):
        return ()
    return (
        f"Versioning is on: the deletes left {probes.noncurrent_versions} noncurrent version(s) and "
        f"{probes.delete_markers} delete marker(s) under {probes.run_prefix} (not readable, not listed). "
        f"The lifecycle rule '{lifecycle.NONCURRENT_RULE_ID}' removes them after its noncurrent-version "
        f"days (default {lifecycle.DEFAULT_NONCURRENT_VERSION_DAYS}) and then the expired delete markers.",
    )


def _preflight(ctx: Context, url: str, sent: preflight.Sent) -> preflight.Verdict:
    """The preflight's verdict; a network error fails the check saying what was being sent."""
    reads = cors.APP_READS_AFTER_UPLOAD if sent.method == "PUT" else ()
    try:
        return preflight.send(url, sent, ctx.timeout, reads_headers=reads)
    except OSError as error:
        failure = classify(error)
        raise CheckFailed(
            failure.error_class, f"CORS preflight {sent.describe()}; no answer: {failure.message}"
        ) from None


def _refusal_line(verdict: preflight.Verdict, cause: CorsCause) -> str:
    sent = verdict.sent
    return f"{sent.origin} {sent.method}: refused ({cause.value}): {sent.describe()}; {verdict.answer.describe()}"


def cors_preflight(ctx: Context) -> Passed:
    """Each configured origin may use every method the app's browser code uses; a foreign
    origin may not PUT. Judged as a browser judges the preflight answer, and each refusal
    named by the cause the server's answer gives (`preflight`)."""
    if not ctx.target.origins:
        raise Skip("no origins to check: pass --origin, or --stack to read corsAllowedOrigins")
    url = plain_http.without_query(
        ctx.client.generate_presigned_url(
            "put_object", Params={"Bucket": ctx.target.bucket, "Key": ctx.probes.key("cors-preflight")}, ExpiresIn=60
        )
    )
    problems: list[tuple[CorsCause, str]] = []
    verdicts: list[preflight.Verdict] = []
    for origin in ctx.target.origins:
        # A browser sends its page's serialized origin, never the configured spelling; a
        # preflight with the configured spelling could pass where the real app is refused.
        problem = cors.origin_problem(origin, production=False)
        if problem:
            problems.append((CorsCause.ORIGIN_MISSPELLED, f"{origin!r} {problem}"))
        sent = cors.browser_origin(origin)
        if sent is None:
            continue
        verdicts += [_preflight(ctx, url, preflight.app_request(sent, method)) for method in cors.APP_METHODS]
    # A refusal that names no reason is narrowed by the other answers: once any rule let a
    # preflight through, the bucket has CORS rules and the refused ones matched none.
    some_allowed = any(v.allowed for v in verdicts)
    for verdict in verdicts:
        cause = verdict.cause
        if cause is CorsCause.REFUSED_UNEXPLAINED and some_allowed:
            cause = CorsCause.REFUSED_NO_RULE_MATCHED
        if cause is not None:
            problems.append((cause, _refusal_line(verdict, cause)))
    foreign = _preflight(ctx, url, preflight.Sent(FOREIGN_ORIGIN, "PUT", PREFLIGHT_HEADERS["PUT"]))
    if foreign.cause in (None, CorsCause.ETAG_NOT_EXPOSED):  # the browser would send the PUT
        problems.append(
            (
                CorsCause.FOREIGN_ORIGIN_ALLOWED,
                f"foreign origin {FOREIGN_ORIGIN} is allowed to PUT: list only the app's origins; "
                f"{foreign.sent.describe()}; {foreign.answer.describe()}",
            )
        )
    if problems:
        causes = tuple(dict.fromkeys(cause for cause, _ in problems))
        raise CheckFailed(
            ErrorClass.CORS,
            "\n".join(["Browsers would be refused or wrongly allowed:", *(line for _, line in problems)]),
            tuple(CORS_CAUSES[c][0] for c in causes),
            " ".join(dict.fromkeys(CORS_CAUSES[c][1] for c in causes)),
        )
    methods = ", ".join(cors.APP_METHODS)
    return Passed(f"{len(ctx.target.origins)} origin(s) allowed {methods}; a foreign origin refused")


READ_PROBES: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "s3:ListAllMyBuckets": ("list all buckets", lambda client, bucket: client.list_buckets()),
    "s3:GetBucketPolicy": ("read the bucket policy", lambda client, bucket: client.get_bucket_policy(Bucket=bucket)),
    "s3:GetBucketCORS": ("read the bucket CORS", lambda client, bucket: client.get_bucket_cors(Bucket=bucket)),
    "s3:GetBucketAcl": ("read the bucket ACL", lambda client, bucket: client.get_bucket_acl(Bucket=bucket)),
}
"""How to try each of `permissions.REFUSED_READ_ACTIONS` — reads only, never a write."""
REFUSED_CODES = {"AccessDenied", "AllAccessDisabled", "Forbidden", "403"}
UNSUPPORTED_CODES = {"NotImplemented", "MethodNotAllowed", "501", "405"}


def least_privilege(ctx: Context) -> Passed:
    over, notes = [], []
    for action in permissions.REFUSED_READ_ACTIONS:
        what, probe = READ_PROBES[action]
        try:
            result = probe(ctx.client, ctx.target.bucket)
        except Exception as error:
            response = getattr(error, "response", None)
            if not isinstance(response, dict):
                raise
            code = str(response.get("Error", {}).get("Code", ""))
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in REFUSED_CODES or (status == 403 and not code):
                continue
            if code in UNSUPPORTED_CODES or status in (405, 501):
                notes.append(f"{what}: not offered by this provider ({code or status})")
                continue
            if status == 404:  # authorised, there is simply nothing set
                over.append(f"{what} ({action}; allowed, nothing set: {code})")
                continue
            raise CheckFailed(ErrorClass.OTHER, f"probe '{what}' gave an unexpected answer: {code or status}") from None
        if action == "s3:ListAllMyBuckets":
            names = {b.get("Name") for b in result.get("Buckets", [])}
            if names <= {ctx.target.bucket}:
                notes.append("list all buckets: allowed but shows only this bucket (a bucket-restricted key)")
                continue
            over.append(f"{what} ({action}; sees {len(names)} buckets)")
            continue
        over.append(f"{what} ({action})")
    if over:
        raise CheckFailed(ErrorClass.OVER_PRIVILEGED, "\n".join(["Over-privileged: the credential can also", *over]))
    refused = len(permissions.REFUSED_READ_ACTIONS) - len(notes)
    return Passed(f"{refused} read-only probe(s) outside the app's permissions refused", tuple(notes))


CHECKS: tuple[Check, ...] = (
    Check("connectivity", "Connectivity", connectivity),
    Check("upload", "File upload", upload, ("connectivity",)),
    Check("download", "File download", download, ("upload",)),
    Check("signed-url-get", "Signed URL (GET)", signed_get, ("upload",)),
    Check("signed-url-put", "Signed URL (PUT)", signed_put, ("connectivity",)),
    Check("delete", "File delete", delete, ("upload",)),
    Check("cleanup", "Cleanup verified", cleanup_verified, ("delete",)),
    Check("cors", "CORS preflight", cors_preflight, ("connectivity",)),
    Check("least-privilege", "Least privilege", least_privilege, ("connectivity",)),
)
"""Checks 2-10; Configuration (1) runs first in the runner, since it builds the client."""
CONFIGURATION = ("configuration", "Configuration")
CHECK_IDS: tuple[str, ...] = (CONFIGURATION[0],) + tuple(c.id for c in CHECKS)
