"""What the app gets: the guide's `STORAGE_*` table, plus the SDK settings it needs.

Stack outputs, the validator and the `.env` writer all take names and defaults from
`CONTRACT`, so renaming or adding a variable happens here only. Two kinds of row:
`STORAGE` rows are the guide's "Environment Variables Reference" table; `SDK` rows are
environment variables the app's AWS SDK for JavaScript v3 reads itself (not in the guide),
fixed values without which the app's signed uploads break on several providers.
"""

from __future__ import annotations

from dataclasses import dataclass

STORAGE = "storage"
"""A row of the guide's table, read by the app's storage package."""
SDK = "sdk"
"""An environment variable read by the app's AWS SDK (JS v3), with one fixed value."""


@dataclass(frozen=True)
class ContractVariable:
    """One variable the app gets: a row of the guide's table, or an SDK setting."""

    name: str
    required: bool
    default: str | None
    description: str
    secret: bool = False
    integer: bool = False
    """A whole number (the app reads it with parseInt); judged by `integer_problem`."""
    kind: str = STORAGE


BACKEND = "STORAGE_BACKEND"
BUCKET = "STORAGE_S3_BUCKET"
REGION = "STORAGE_S3_REGION"
ACCESS_KEY_ID = "STORAGE_S3_ACCESS_KEY_ID"
SECRET_ACCESS_KEY = "STORAGE_S3_SECRET_ACCESS_KEY"
ENDPOINT = "STORAGE_S3_ENDPOINT"
SIGNED_URL_EXPIRATION = "STORAGE_SIGNED_URL_EXPIRATION_SECONDS"
MAX_FILE_SIZE = "STORAGE_MAX_FILE_SIZE_BYTES"
QUOTA = "STORAGE_QUOTA_BYTES"

REQUEST_CHECKSUM = "AWS_REQUEST_CHECKSUM_CALCULATION"
RESPONSE_CHECKSUM = "AWS_RESPONSE_CHECKSUM_VALIDATION"
CHECKSUM_WHEN_REQUIRED = "WHEN_REQUIRED"
"""The SDK's documented switch: checksums only where an operation requires them. Since
3.729.0 the default (WHEN_SUPPORTED) bakes the CRC32 of an empty body into every signed
PUT URL (`x-amz-checksum-crc32=AAAAAA==`), which R2 and other servers then hold the real
upload to, and adds `x-amz-checksum-mode=ENABLED` to signed GET URLs. AWS ignores both in
a signed URL, and still gets checksums where it requires them, so the value is harmless
there: every provider gets the same setting."""
CHECKSUM_VALUES: tuple[str, ...] = ("WHEN_SUPPORTED", CHECKSUM_WHEN_REQUIRED)
"""What the SDK accepts for either variable (case-insensitive); anything else stops it."""

BACKEND_VALUE = "s3"
"""What `STORAGE_BACKEND` must be for the app to use S3 storage (the guide's default is `local`)."""

CONTRACT: tuple[ContractVariable, ...] = (
    ContractVariable(BACKEND, True, "local", "Set to `s3` for S3 storage"),
    ContractVariable(BUCKET, True, None, "Bucket name"),
    ContractVariable(REGION, True, None, "AWS region or equivalent"),
    ContractVariable(ACCESS_KEY_ID, True, None, "Access key ID"),
    ContractVariable(SECRET_ACCESS_KEY, True, None, "Secret access key", secret=True),
    ContractVariable(ENDPOINT, False, None, "Custom endpoint (required for non-AWS)"),
    ContractVariable(SIGNED_URL_EXPIRATION, False, "900", "Default signed URL expiration", integer=True),
    ContractVariable(MAX_FILE_SIZE, False, "10485760", "Max upload size (10MB)", integer=True),
    ContractVariable(QUOTA, False, "1073741824", "Per-user quota (1GB)", integer=True),
    ContractVariable(
        REQUEST_CHECKSUM, False, CHECKSUM_WHEN_REQUIRED, "SDK: no checksum baked into signed URLs", kind=SDK
    ),
    ContractVariable(
        RESPONSE_CHECKSUM, False, CHECKSUM_WHEN_REQUIRED, "SDK: no checksum mode in signed GET URLs", kind=SDK
    ),
)

CONTRACT_NAMES: tuple[str, ...] = tuple(variable.name for variable in CONTRACT)
STORAGE_NAMES: tuple[str, ...] = tuple(v.name for v in CONTRACT if v.kind == STORAGE)
"""The guide's table only (what "is anything configured?" looks at)."""
SDK_VARIABLES: tuple[ContractVariable, ...] = tuple(v for v in CONTRACT if v.kind == SDK)
REQUIRED_NAMES: tuple[str, ...] = tuple(v.name for v in CONTRACT if v.required)
SECRET_NAMES: frozenset[str] = frozenset(v.name for v in CONTRACT if v.secret)

CORS_ORIGINS_OUTPUT = "corsAllowedOrigins"
"""Stack output (not an app variable) listing the CORS origins, for the validator."""

FAILOVER_OUTPUTS: dict[str, str] = {
    BUCKET: "replicaBucket",
    REGION: "replicaRegion",
    ACCESS_KEY_ID: "replicaAccessKeyId",
    SECRET_ACCESS_KEY: "replicaSecretAccessKey",
    ENDPOINT: "replicaEndpoint",
}
"""Stack outputs (not app variables) of a stack with a replica the app can fail over to: for
each contract variable that differs on the replica, the output holding its failover value
(`replicaSecretAccessKey` a Pulumi secret; `replicaEndpoint` only where the provider needs
one). The failover `.env` is the contract with these values substituted."""


MAX_INTEGER = 2**63 - 1
"""The app reads whole-number variables as 64-bit integers."""


def integer_problem(text: str) -> str | None:
    """Why `text` is not a whole-number value the app reads (ASCII digits, at least 1), or None.

    The validator and the `.env` writer both judge with this, so a value one writes the other
    accepts (`str.isdigit` also takes '²', which `int` refuses)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19 and 1 <= int(text) <= MAX_INTEGER):
        return f"must be a whole number from 1 to {MAX_INTEGER}, written in digits 0-9"
    return None


def variable(name: str) -> ContractVariable:
    """The contract row called `name`; KeyError for a name outside the contract."""
    for row in CONTRACT:
        if row.name == name:
            return row
    raise KeyError(name)
