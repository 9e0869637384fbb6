"""Every stack setting: its config key, type, default and meaning, declared once.

Parsing, the `config:` block of Pulumi.yaml (a test keeps them equal) and the README's
settings table all follow this list. Provider-only keys are declared by the provider's
spec module, which imports this one; `infra.providers.registry.all_keys()` joins them,
so this module never imports a provider (settings sit below providers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from infra.guide import contract, cors, lifecycle

Kind = Literal["string", "integer", "boolean", "array", "object"]


@dataclass(frozen=True)
class SettingKey:
    """One config key of the `raptscallions-storage` namespace."""

    name: str
    kind: Kind
    description: str
    default: Any = None
    """None means required (or, for optional keys, 'not set'); "" is how Pulumi.yaml spells an unset string."""
    required: bool = False
    providers: frozenset[str] = field(default_factory=frozenset)
    """The providers this key applies to; empty for every provider."""
    items: Literal["string", "object"] = "string"
    """What an array holds: strings, or objects such as `{name: ...}`."""
    own_text_rule: bool = False
    """The value's own rule already refuses surrounding whitespace and invisible characters, in
    words other tools share (CORS origins: infra/guide/cors.py, also the pack's and the
    validator's), so the generic whole-text check (`values.text_problem`) leaves it to that rule."""

    @property
    def declarable(self) -> bool:
        """Whether Pulumi.yaml's `config:` block can declare this key: it types strings,
        integers, booleans and arrays of those, but neither maps nor arrays of objects."""
        return self.kind != "object" and not (self.kind == "array" and self.items == "object")


PROVIDER = SettingKey("provider", "string", "Storage provider: aws, digitalocean, backblaze or cloudflare.", required=True)
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
    "corsAllowedHeaders", "array", "Request headers browsers may send.", default=list(cors.DEFAULT_ALLOWED_HEADERS)
)
CORS_EXPOSE = SettingKey(
    "corsExposeHeaders", "array", "Response headers browsers may read.", default=list(cors.DEFAULT_EXPOSE_HEADERS)
)
CORS_MAX_AGE = SettingKey(
    "corsMaxAgeSeconds", "integer", "How long browsers cache a preflight answer (0-86400).", default=cors.DEFAULT_MAX_AGE_SECONDS
)
VERSIONING = SettingKey("versioning", "boolean", "Keep object versions where the provider can.", default=True)
SOFT_DELETE_PREFIX = SettingKey(
    "softDeletePrefix", "string", "Folder the app moves deleted files to.", default=lifecycle.DEFAULT_SOFT_DELETE_PREFIX
)
SOFT_DELETE_DAYS = SettingKey(
    "softDeleteDays", "integer", "Days before soft-deleted files are removed.", default=lifecycle.DEFAULT_SOFT_DELETE_DAYS
)
ABORT_MULTIPART_DAYS = SettingKey(
    "abortIncompleteMultipartDays",
    "integer",
    "Days before unfinished multipart uploads are aborted.",
    default=lifecycle.DEFAULT_ABORT_MULTIPART_DAYS,
)
NONCURRENT_DAYS = SettingKey(
    "noncurrentVersionDays",
    "integer",
    "Days an overwritten or deleted version is kept before it is removed.",
    default=lifecycle.DEFAULT_NONCURRENT_VERSION_DAYS,
)
PROTECT = SettingKey("protect", "boolean", "Protect the bucket from `pulumi destroy` and replacement.", default=True)
SIGNED_URL_EXPIRATION = SettingKey(
    "signedUrlExpirationSeconds",
    "integer",
    f"Exported as {contract.SIGNED_URL_EXPIRATION} (1-604800).",
    default=int(contract.variable(contract.SIGNED_URL_EXPIRATION).default or 0),
)
MAX_FILE_SIZE = SettingKey(
    "maxFileSizeBytes",
    "integer",
    f"Exported as {contract.MAX_FILE_SIZE}.",
    default=int(contract.variable(contract.MAX_FILE_SIZE).default or 0),
)
QUOTA = SettingKey(
    "quotaBytes",
    "integer",
    f"Exported as {contract.QUOTA}; at least maxFileSizeBytes.",
    default=int(contract.variable(contract.QUOTA).default or 0),
)
TAGS = SettingKey("tags", "object", "Extra tags (string to string) applied wherever the provider supports them.", default={})
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
    "Import the existing bucket of this name instead of creating it (aws, digitalocean, cloudflare).",
    default=False,
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

