"""The guide's "Troubleshooting" section: how a failure is named, its causes and its fix.

The validator classifies every failure into one of these and prints the entry. The
first six follow the guide's headings and error lines; TIMEOUT, OVER_PRIVILEGED,
BAKED_CHECKSUM, CONFIGURATION and OTHER cover what the validator finds beyond the guide's list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from infra.guide import contract


class ErrorClass(str, enum.Enum):
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
        "Configure CORS as described in the guide (`pulumi up` applies the shared rule). "
        "Use browser dev tools to see exact error.",
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
