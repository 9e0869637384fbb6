"""The typed, immutable settings object every component reads."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy

PRODUCTION_ENVIRONMENTS = frozenset({"prod", "production"})

DEFAULT_CREDENTIAL = "default"
"""The generation a stack has when `credentials` is unset: the one app credential every stack
had before rotation existed. Its resources keep their original names, so upgrading never
replaces a live key, and a first rotation lists it: `[{name: default}, {name: 2027-05}]`."""


class Versioning(enum.Enum):
    """What the bucket does with overwritten and deleted objects."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    ALWAYS = "always"
    """The provider keeps versions and has no switch (Backblaze B2)."""
    UNAVAILABLE = "unavailable"
    """The provider has no object versioning (Cloudflare R2)."""

    @property
    def keeps_versions(self) -> bool:
        return self in (Versioning.ENABLED, Versioning.ALWAYS)


@dataclass(frozen=True)
class AppSettings:
    """The guide's three app settings, passed through to the app as STORAGE_* variables."""

    signed_url_expiration_seconds: int
    max_file_size_bytes: int
    quota_bytes: int


@dataclass(frozen=True)
class Credential:
    """One generation of the app's credential (an access key, Spaces key, R2 token...)."""

    name: str


@dataclass(frozen=True)
class Settings:
    """Everything one stack asks for, validated."""

    stack: str
    environment: str
    provider: str
    bucket_name: str
    region: str
    endpoint: str | None
    """The S3 endpoint the app must use; None where the SDK's default is right (AWS)."""
    cors: CorsRule
    lifecycle: LifecyclePolicy
    versioning: Versioning
    protect: bool
    app: AppSettings
    tags: Mapping[str, str]
    options: Any
    """The provider's own options object (see the provider's spec module)."""
    warnings: tuple[str, ...] = ()
    credentials: tuple[Credential, ...] = (Credential(DEFAULT_CREDENTIAL),)
    """Every generation declared, in the order listed; at least one, names unique."""
    active_credential: str = DEFAULT_CREDENTIAL
    """The generation exported to the app; always one of `credentials`."""
    adopt_existing_bucket: bool = False
    """Take over the bucket that already exists under `bucket_name` instead of creating it."""
    bucket_import_id: str | None = None
    """With `adopt_existing_bucket`, the id Pulumi's `import` option takes the bucket over with;
    None where the provider's own resource adopts it (B2) or nothing is adopted."""

    @property
    def is_production(self) -> bool:
        return self.environment in PRODUCTION_ENVIRONMENTS
