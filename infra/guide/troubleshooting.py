"""The guide's "Troubleshooting" section: how a failure is named, its causes and its fix.

The validator classifies every failure into one of these and prints the entry. The
first six follow the guide's headings and error lines; TIMEOUT, OVER_PRIVILEGED,
BAKED_CHECKSUM, CONFIGURATION and OTHER cover what the validator finds beyond the guide's list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from infra.guide import contract


class ErrorClass(enum.StrEnum):
    """What kind of failure a check ran into (the JSON report's `class`)."""

    CONNECTION_REFUSED = "connection_refused"
    DNS_FAILURE = "dns_failure"
    TIMEOUT = "timeout"
    AUTH_FAILED = "auth_failed"
    BUCKET_NOT_FOUND = "bucket_not_found"
    ACCESS_DENIED = "access_denied"
    CORS = "cors"
    OVER_PRIVILEGED = "over_privileged"
    BAKED_CHECKSUM = "baked_checksum"
    CONFIGURATION = "configuration"
    OTHER = "other"


@dataclass(frozen=True)
class Trouble:
    """One troubleshooting entry."""

    title: str
    error: str
    """The guide's error line, e.g. `Storage service unavailable (ECONNREFUSED)`."""
    causes: tuple[str, ...]
    fix: str


TROUBLESHOOTING: dict[ErrorClass, Trouble] = {
    ErrorClass.CONNECTION_REFUSED: Trouble(
        "Connection Refused",
        "Storage service unavailable (ECONNREFUSED)",
        ("Endpoint URL is incorrect", "Firewall blocking outbound connections", "VPN required for private endpoints"),
        f"Verify `{contract.ENDPOINT}` URL is correct and accessible.",
    ),
    ErrorClass.DNS_FAILURE: Trouble(
        "DNS Resolution Failed",
        "Storage service unavailable (ENOTFOUND)",
        ("Endpoint URL has a typo", "DNS not resolving (network issue)"),
        "Check spelling of endpoint URL. Test with `curl`.",
    ),
    ErrorClass.TIMEOUT: Trouble(
        "Timed Out",
        "Storage service did not answer (ETIMEDOUT)",
        (
            "A firewall silently drops the traffic",
            "VPN required for private endpoints",
            "The endpoint host is overloaded or the network is very slow",
        ),
        f"Verify `{contract.ENDPOINT}` is reachable from this machine (`curl -v`); raise --timeout for slow links.",
    ),
    ErrorClass.AUTH_FAILED: Trouble(
        "Authentication Failed",
        "Storage authentication failed",
        ("Access key ID is incorrect", "Secret access key is incorrect", "Credentials were revoked"),
        "Regenerate credentials in provider console. Check for whitespace.",
    ),
    ErrorClass.BUCKET_NOT_FOUND: Trouble(
        "Bucket Not Found",
        "Storage operation failed: NoSuchBucket",
        ("Bucket name is wrong", "Bucket is in a different region", "Bucket doesn't exist"),
        "Verify bucket name and region. Create bucket if needed.",
    ),
    ErrorClass.ACCESS_DENIED: Trouble(
        "Access Denied",
        "Storage operation failed: AccessDenied",
        ("IAM policy missing required permissions", "Bucket policy restricts access", "Wrong bucket configured"),
        "Check IAM policy includes `s3:PutObject`, `s3:GetObject`, `s3:DeleteObject`.",
    ),
    ErrorClass.CORS: Trouble(
        "CORS Errors (Browser)",
        "Browsers would be refused (CORS)",
        ("CORS not configured on bucket", "Wrong origin in CORS policy", "Missing methods in CORS policy"),
        "Configure CORS as described in the guide (`pulumi up` applies the shared rule).",
    ),
    ErrorClass.OVER_PRIVILEGED: Trouble(
        "Over-Privileged Credential",
        "Credential can do more than the app needs",
        (
            "An admin or account-wide key is configured instead of the app's own key",
            "The key's policy grants more than the guide's IAM statement",
        ),
        "Give the app a key limited to PutObject, GetObject, DeleteObject, ListBucket and "
        "GetBucketLocation on this bucket (the key `pulumi up` creates).",
    ),
    ErrorClass.BAKED_CHECKSUM: Trouble(
        "Signed Upload Refused: Checksum of an Empty Body",
        "Signed PUT URL refused: it carries the checksum of an empty body",
        (
            f"{contract.REQUEST_CHECKSUM} is not {contract.CHECKSUM_WHEN_REQUIRED}: the app's AWS SDK for JavaScript "
            "(3.729.0 and later) then signs x-amz-checksum-crc32=AAAAAA== (the CRC32 of nothing) into every PUT URL",
            "This provider holds the browser's upload to that checksum and refuses every real file",
        ),
        f"Set {contract.REQUEST_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} and "
        f"{contract.RESPONSE_CHECKSUM}={contract.CHECKSUM_WHEN_REQUIRED} in the app's environment "
        "(`python -m infra.dotenv --stack <stack>` writes both), then restart the app.",
    ),
    ErrorClass.CONFIGURATION: Trouble(
        "Configuration",
        "Storage configuration is incomplete or invalid",
        ("A required variable is unset or empty", "A value has a typo or stray whitespace"),
        "Set the variables listed in the guide's Environment Variables Reference "
        "(`python -m infra.dotenv --stack <stack>` writes them all to a mode-0600 .env).",
    ),
    ErrorClass.OTHER: Trouble(
        "Other",
        "Storage operation failed",
        ("The provider answered in an unexpected way",),
        "Read the error; retry, and check the provider's status page.",
    ),
}


class CorsCause(enum.StrEnum):
    """Why a preflight failed, as the server's answer tells it (the validator ran the
    preflight itself, so the browser's dev tools would show nothing more)."""

    NOT_ENABLED = "cors_not_enabled"
    NOT_ALLOWED = "cors_request_not_allowed"
    REFUSED_UNEXPLAINED = "cors_refused_without_reason"
    REFUSED_NO_RULE_MATCHED = "cors_no_rule_matched"
    NO_ALLOW_ORIGIN = "cors_no_allow_origin"
    METHOD_NOT_ALLOWED = "cors_method_not_allowed"
    HEADER_NOT_ALLOWED = "cors_header_not_allowed"
    ETAG_NOT_EXPOSED = "cors_etag_not_exposed"
    FOREIGN_ORIGIN_ALLOWED = "cors_foreign_origin_allowed"
    ORIGIN_MISSPELLED = "cors_origin_misspelled"


_RULE = "`corsAllowedOrigins` in the stack file, then `pulumi up`"
CORS_CAUSES: dict[CorsCause, tuple[str, str]] = {
    CorsCause.NOT_ENABLED: (
        "The bucket has no CORS configuration at all (the server said: CORS is not enabled for this bucket)",
        "Apply the stack's CORS rule: `pulumi up --stack <stack>` (a rule removed by hand or by another tool is "
        "put back); without this package, put the guide's rule with `aws s3api put-bucket-cors`.",
    ),
    CorsCause.NOT_ALLOWED: (
        "The bucket has CORS rules, but none allows this origin with this method and these request headers "
        "(the server said: This CORS request is not allowed)",
        f"List the app's origin exactly as the browser sends it, methods GET, PUT, HEAD and allowed headers [\"*\"]: {_RULE}.",
    ),
    CorsCause.REFUSED_NO_RULE_MATCHED: (
        "The bucket has CORS rules (another preflight of this run was allowed), but none allows this origin, "
        "method and request headers",
        f"List the app's origin exactly as the browser sends it, methods GET, PUT, HEAD and allowed headers [\"*\"]: {_RULE}.",
    ),
    CorsCause.REFUSED_UNEXPLAINED: (
        "The server refused every preflight without saying why (Ceph RGW and R2 answer so both when the bucket "
        "has no CORS rules and when no rule names the origin): either the bucket has no CORS rules, or none "
        "lists the app's origin",
        "Apply the stack's CORS rule with `pulumi up --stack <stack>`; if it is applied, list the app's origin "
        "exactly as the browser sends it in `corsAllowedOrigins` (stack file) and run `pulumi up` again.",
    ),
    CorsCause.NO_ALLOW_ORIGIN: (
        "The server accepted the preflight but did not name the origin in Access-Control-Allow-Origin, so the "
        "browser refuses the answer (a proxy or CDN in front of the bucket rewrites CORS headers)",
        "Let CORS headers through unchanged from the bucket (or configure the proxy/CDN with the same origins).",
    ),
    CorsCause.METHOD_NOT_ALLOWED: (
        "The matching rule does not allow the method the app uses",
        "Allow GET, PUT and HEAD: `corsAllowedMethods` in the stack file (the default), then `pulumi up`.",
    ),
    CorsCause.HEADER_NOT_ALLOWED: (
        "The matching rule does not allow a request header the app's upload sends (Content-Type)",
        "Allow every header: `corsAllowedHeaders: [\"*\"]` (the default), then `pulumi up`.",
    ),
    CorsCause.ETAG_NOT_EXPOSED: (
        "The rule does not expose ETag, so the app's JavaScript cannot read the uploaded file's ETag",
        "Expose ETag and Content-Length: `corsExposeHeaders` in the stack file (the default), then `pulumi up`.",
    ),
    CorsCause.FOREIGN_ORIGIN_ALLOWED: (
        "The rule allows an origin that is not the app's (a wildcard `*` or too broad a pattern)",
        f"List only the app's own origins: {_RULE}.",
    ),
    CorsCause.ORIGIN_MISSPELLED: (
        "A configured origin is not spelled as a browser sends it, so S3's literal comparison never matches",
        f"Write the origin as the browser sends it (the message says how): {_RULE}.",
    ),
}
"""Each CORS cause: what it means and the fix for that cause only."""

MANAGED_KEY_CAUSES = (
    "The .env holds an old key: the stack rotated or replaced the app's key since the .env was written",
    "The key was deleted or deactivated outside the stack (in the provider console)",
)
MANAGED_KEY_FIX = (
    "This key is managed by the stack: do not regenerate it in the provider console (the stack would still hold "
    "the old key, and the next `pulumi up` would not know the new one). Rewrite the .env from the stack's outputs: "
    "`python -m infra.dotenv {rewrite} --force --output {output}`; if the key was revoked or leaked, rotate "
    "it (docs/operations.md, \"Rotating the app credential (no downtime)\"), then rewrite the .env."
)
"""The Authentication Failed fix when the configuration came from a stack or a `.env` this package wrote."""
