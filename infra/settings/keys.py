"""The settings schema: every stack setting (common and provider keys) declared once.

Each `SettingKey` holds a key's type, default, bounds, the providers that use it and its
description. Everything else follows it: parsing (`infra.stack.load`, bounds checked by
`values.convert`), the provider specs (their option keys are the keys naming them here), and
the generated copies: Pulumi.yaml's `config:` block, docs/settings.md and the README's table,
written by `python -m infra.reference` (a test fails while one is stale).

Defaults that are the guide's rules come from `infra.guide`; this module imports nothing else,
so settings sit below the providers (tests/project/test_layering.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from infra.guide import contract, cors, lifecycle

Kind = Literal["string", "integer", "boolean", "array", "object"]

AWS = "aws"
DIGITALOCEAN = "digitalocean"
BACKBLAZE = "backblaze"
CLOUDFLARE = "cloudflare"
PROVIDER_NAMES: tuple[str, ...] = (AWS, DIGITALOCEAN, BACKBLAZE, CLOUDFLARE)
"""Every provider a stack can name; `infra.providers.registry` holds one spec for each."""

SIGV4_MAX_EXPIRY_SECONDS = 604800
"""SigV4 presigned URLs cannot outlive seven days."""
S3_MAX_OBJECT_BYTES = 5 * 1024**4
"""S3's largest object: 5 TiB."""
MAX_QUOTA_BYTES = 1024**5
MAX_ACCESS_LOG_DAYS = 3650


@dataclass(frozen=True)
class SettingKey:
    """One config key of the `raptscallions-storage` namespace."""

    name: str
    kind: Kind
    description: str
    """What the key means, without its bounds or providers (the reference adds both)."""
    default: Any = None
    """None means required (or, for optional keys, 'not set'); "" is how Pulumi.yaml spells an unset string."""
    required: bool = False
    providers: frozenset[str] = field(default_factory=lambda: frozenset(PROVIDER_NAMES))
    """The providers whose stacks use this key; a stack of another provider that writes it is refused."""
    items: Literal["string", "object"] = "string"
    """What an array holds: strings, or objects such as `{name: ...}`."""
    minimum: int | None = None
    maximum: int | None = None
    """Inclusive bounds of an integer key, checked when the value is converted."""
    own_text_rule: bool = False
    """The value's own rule already refuses surrounding whitespace and invisible characters, in
    words other tools share (CORS origins: infra/guide/cors.py, also the pack's and the
    validator's), so the generic whole-text check (`values.text_problem`) leaves it to that rule."""

    @property
    def declarable(self) -> bool:
        """Whether Pulumi.yaml's `config:` block can declare this key: it types strings,
        integers, booleans and arrays of those, but neither maps nor arrays of objects."""
        return self.kind != "object" and not (self.kind == "array" and self.items == "object")

    @property
    def every_provider(self) -> bool:
        return self.providers == frozenset(PROVIDER_NAMES)

    @property
    def bounds(self) -> str:
        """The bounds as people write them, e.g. `1-604800`; "" for a key without bounds."""
        if self.minimum is None and self.maximum is None:
            return ""
        if self.maximum is None:
            return f"at least {self.minimum}"
        if self.minimum is None:
            return f"at most {self.maximum}"
        return f"{self.minimum}-{self.maximum}"

    def range_problem(self, value: int) -> str | None:
        """Why the whole number `value` is outside the key's bounds, or None."""
        if (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum):
            return None
        if self.minimum is not None and self.maximum is not None:
            return f"must be a whole number from {self.minimum} to {self.maximum}, not {value}"
        return f"must be a whole number {self.bounds}, not {value}"


def _only(*providers: str) -> frozenset[str]:
    return frozenset(providers)


# The keys every stack reads, whatever its provider uses of them.
PROVIDER = SettingKey("provider", "string", "Storage provider: " + ", ".join(PROVIDER_NAMES[:-1]) + f" or {PROVIDER_NAMES[-1]}.", required=True)
BUCKET_NAME = SettingKey("bucketName", "string", "Bucket name, following the provider's naming rules.", required=True)
REGION = SettingKey(
    "region",
    "string",
    "Provider region (aws: us-east-1; digitalocean: nyc3; backblaze: us-west-004; cloudflare: auto).",
    default="",
)
ENDPOINT = SettingKey(
    "endpoint",
    "string",
    "S3 endpoint override; derived from the region where the provider needs one, and checked against it.",
    default="",
    providers=_only(DIGITALOCEAN, BACKBLAZE, CLOUDFLARE),
)
ENVIRONMENT = SettingKey(
    "environment",
    "string",
    "Environment name (prod/production are production); defaults to the stack name.",
    default="",
)
CORS_ORIGINS = SettingKey(
    "corsAllowedOrigins",
    "array",
    "Browser origins allowed to use signed URLs, exactly as browsers send them: https://host[:port], lowercase, no path. At least one.",
    required=True,
    own_text_rule=True,
)
CORS_METHODS = SettingKey(
    "corsAllowedMethods", "array", "HTTP methods browsers may use.", default=list(cors.APP_METHODS)
)
CORS_HEADERS = SettingKey(
    "corsAllowedHeaders",
    "array",
    "Request headers browsers may send; must allow Content-Type.",
    default=list(cors.DEFAULT_ALLOWED_HEADERS),
)
CORS_EXPOSE = SettingKey(
    "corsExposeHeaders", "array", "Response headers browsers may read.", default=list(cors.DEFAULT_EXPOSE_HEADERS)
)
CORS_MAX_AGE = SettingKey(
    "corsMaxAgeSeconds",
    "integer",
    "How long browsers cache a preflight answer.",
    default=cors.DEFAULT_MAX_AGE_SECONDS,
    minimum=0,
    maximum=cors.MAX_AGE_LIMIT_SECONDS,
)
VERSIONING = SettingKey(
    "versioning",
    "boolean",
    "Keep object versions where the provider can.",
    default=True,
    providers=_only(AWS, DIGITALOCEAN, BACKBLAZE),
)
SOFT_DELETE_PREFIX = SettingKey(
    "softDeletePrefix", "string", "Folder the app moves deleted files to.", default=lifecycle.DEFAULT_SOFT_DELETE_PREFIX
)
SOFT_DELETE_DAYS = SettingKey(
    "softDeleteDays",
    "integer",
    "Days before soft-deleted files are removed.",
    default=lifecycle.DEFAULT_SOFT_DELETE_DAYS,
    minimum=1,
    maximum=lifecycle.MAX_DAYS,
)
ABORT_MULTIPART_DAYS = SettingKey(
    "abortIncompleteMultipartDays",
    "integer",
    "Days before unfinished multipart uploads are aborted.",
    default=lifecycle.DEFAULT_ABORT_MULTIPART_DAYS,
    minimum=1,
    maximum=lifecycle.MAX_DAYS,
)
NONCURRENT_DAYS = SettingKey(
    "noncurrentVersionDays",
    "integer",
    "Days an overwritten or deleted version is kept before it is removed.",
    default=lifecycle.DEFAULT_NONCURRENT_VERSION_DAYS,
    minimum=1,
    maximum=lifecycle.MAX_DAYS,
    providers=_only(AWS, DIGITALOCEAN, BACKBLAZE),
)
PROTECT = SettingKey("protect", "boolean", "Protect the bucket from `pulumi destroy` and replacement.", default=True)
SIGNED_URL_EXPIRATION = SettingKey(
    "signedUrlExpirationSeconds",
    "integer",
    f"Exported as {contract.SIGNED_URL_EXPIRATION}.",
    default=int(contract.variable(contract.SIGNED_URL_EXPIRATION).default or 0),
    minimum=1,
    maximum=SIGV4_MAX_EXPIRY_SECONDS,
)
MAX_FILE_SIZE = SettingKey(
    "maxFileSizeBytes",
    "integer",
    f"Exported as {contract.MAX_FILE_SIZE}.",
    default=int(contract.variable(contract.MAX_FILE_SIZE).default or 0),
    minimum=1,
    maximum=S3_MAX_OBJECT_BYTES,
)
QUOTA = SettingKey(
    "quotaBytes",
    "integer",
    f"Exported as {contract.QUOTA}; at least maxFileSizeBytes.",
    default=int(contract.variable(contract.QUOTA).default or 0),
    minimum=1,
    maximum=MAX_QUOTA_BYTES,
)
TAGS = SettingKey(
    "tags",
    "object",
    "Extra tags (string to string), e.g. {team: platform}, applied with app, environment, managed-by and pulumi-stack "
    "to every resource that takes tags.",
    default={},
    providers=_only(AWS),
)
CREDENTIALS = SettingKey(
    "credentials",
    "array",
    "App credential generations, e.g. [{name: 2026-11}, {name: 2027-05}]; unset: one generation called default.",
    items="object",
)
ACTIVE_CREDENTIAL = SettingKey(
    "activeCredential",
    "string",
    "The credentials generation exported to the app (required with credentials).",
    default="",
)
ACKNOWLEDGE_CHANGES = SettingKey(
    "acknowledgeChanges",
    "array",
    "Destructive changes a plan comparison may allow, e.g. ['delete storage-app-key']; remove after the deploy.",
    default=[],
)
ADOPT_EXISTING_BUCKET = SettingKey(
    "adoptExistingBucket",
    "boolean",
    "Take over the existing bucket of this name instead of creating it.",
    default=False,
)

# The keys of one or two providers' own options (each provider's spec reads those naming it).
AWS_KMS_KEY_ARN = SettingKey(
    "awsKmsKeyArn",
    "string",
    "KMS key ARN for default encryption (SSE-KMS); empty uses SSE-S3.",
    default="",
    providers=_only(AWS),
)
AWS_PUBLISH_SECRET = SettingKey(
    "awsPublishToSecretsManager",
    "boolean",
    "Also publish the STORAGE_* values as one Secrets Manager secret, <bucket>/storage-env.",
    default=False,
    providers=_only(AWS),
)
ACCESS_LOGGING = SettingKey(
    "accessLogging",
    "boolean",
    "Server access logs of the bucket in a dedicated private log bucket, <bucket>-access-logs.",
    default=True,
    providers=_only(AWS, DIGITALOCEAN),
)
ACCESS_LOG_DAYS = SettingKey(
    "accessLogDays",
    "integer",
    "Days access log files are kept in the log bucket before they expire.",
    default=90,
    minimum=1,
    maximum=MAX_ACCESS_LOG_DAYS,
    providers=_only(AWS, DIGITALOCEAN),
)
AWS_REPLICA_REGION = SettingKey(
    "awsReplicaRegion",
    "string",
    "Replicate every object to a versioned replica bucket, <bucket>-replica, in this region; empty: none.",
    default="",
    providers=_only(AWS),
)
CLOUDFLARE_ACCOUNT_ID = SettingKey(
    "cloudflareAccountId",
    "string",
    "The 32-hex account id (required).",
    default="",
    providers=_only(CLOUDFLARE),
)
R2_LOCATION_HINT = SettingKey(
    "r2LocationHint",
    "string",
    "Where R2 should place a new bucket; empty: R2 chooses.",
    default="",
    providers=_only(CLOUDFLARE),
)
R2_JURISDICTION = SettingKey(
    "r2Jurisdiction",
    "string",
    "Data jurisdiction the bucket's data stays in.",
    default="default",
    providers=_only(CLOUDFLARE),
)
B2_OBJECT_LOCK = SettingKey(
    "b2ObjectLock",
    "boolean",
    "Enable Object Lock when the bucket is created (B2 cannot turn it off later).",
    default=False,
    providers=_only(BACKBLAZE),
)
B2_BUCKET_ID = SettingKey(
    "b2BucketId",
    "string",
    "The existing bucket's ID, needed with adoptExistingBucket (B2 finds buckets by ID).",
    default="",
    providers=_only(BACKBLAZE),
)
B2_REPLICA_BUCKET = SettingKey(
    "b2ReplicaBucketName",
    "string",
    "Replicate every file to this second private B2 bucket in the same account (B2 Cloud Replication); empty: none.",
    default="",
    providers=_only(BACKBLAZE),
)
B2_APP_PREFIXES = SettingKey(
    "b2AppPrefixes",
    "array",
    "The top-level folders the app writes besides softDeletePrefix (e.g. [uploads/]); each gets B2's old-version and "
    "unfinished-upload clean-up (B2 lifecycle rules may not overlap, so no rule covers the whole bucket).",
    default=[],
    providers=_only(BACKBLAZE),
)

COMMON_KEYS: tuple[SettingKey, ...] = (
    PROVIDER,
    BUCKET_NAME,
    REGION,
    ENDPOINT,
    ENVIRONMENT,
    CORS_ORIGINS,
    CORS_METHODS,
    CORS_HEADERS,
    CORS_EXPOSE,
    CORS_MAX_AGE,
    VERSIONING,
    SOFT_DELETE_PREFIX,
    SOFT_DELETE_DAYS,
    ABORT_MULTIPART_DAYS,
    NONCURRENT_DAYS,
    PROTECT,
    SIGNED_URL_EXPIRATION,
    MAX_FILE_SIZE,
    QUOTA,
    TAGS,
    CREDENTIALS,
    ACTIVE_CREDENTIAL,
    ADOPT_EXISTING_BUCKET,
    ACKNOWLEDGE_CHANGES,
)
"""The guide's settings and this package's own, which the program reads for every provider."""

PROVIDER_KEYS: tuple[SettingKey, ...] = (
    AWS_KMS_KEY_ARN,
    AWS_PUBLISH_SECRET,
    ACCESS_LOGGING,
    ACCESS_LOG_DAYS,
    AWS_REPLICA_REGION,
    CLOUDFLARE_ACCOUNT_ID,
    R2_LOCATION_HINT,
    R2_JURISDICTION,
    B2_OBJECT_LOCK,
    B2_BUCKET_ID,
    B2_REPLICA_BUCKET,
    B2_APP_PREFIXES,
)
"""Options of one or two providers, handed to their spec's `parse_options`."""

ALL_KEYS: tuple[SettingKey, ...] = COMMON_KEYS + PROVIDER_KEYS


def option_keys(provider: str) -> tuple[SettingKey, ...]:
    """The provider keys `provider`'s spec reads, in schema order."""
    return tuple(key for key in PROVIDER_KEYS if provider in key.providers)


def project_keys() -> tuple[SettingKey, ...]:
    """The keys Pulumi.yaml declares: those every provider uses and Pulumi.yaml can type.

    The engine writes a declared key's default into every stack's config (pulumi/pulumi
    sdk/go/common/workspace/config.go, mergeConfig: `if !foundOnStack && (hasValue || hasDefault)`),
    so a declared key cannot be told apart from one the stack file sets. A key some provider
    ignores must reach the program only when written, to be refused there: it is not declared.
    """
    return tuple(key for key in ALL_KEYS if key.declarable and key.every_provider)
