"""Provider name -> spec. Importing this imports no provider SDK."""

from __future__ import annotations

from urllib.parse import urlsplit

from infra.providers.aws.spec import AwsSpec
from infra.providers.backblaze.spec import BackblazeSpec
from infra.providers.cloudflare.spec import CloudflareSpec
from infra.providers.digitalocean.spec import DigitalOceanSpec
from infra.providers.spec import ProviderSpec

_SPECS: dict[str, ProviderSpec] = {
    spec.name: spec for spec in (AwsSpec(), DigitalOceanSpec(), BackblazeSpec(), CloudflareSpec())
}

NAMES: tuple[str, ...] = tuple(sorted(_SPECS))


def get(name: str) -> ProviderSpec | None:
    """The spec for `name`, or None for an unknown provider."""
    return _SPECS.get(name)


def all_specs() -> tuple[ProviderSpec, ...]:
    return tuple(_SPECS.values())


def provider_for_endpoint(endpoint: str | None) -> ProviderSpec | None:
    """The provider serving `endpoint`; AWS when there is none (the guide sets no endpoint
    for AWS); None for any other S3-compatible host (MinIO, a test server)."""
    if not endpoint:
        return _SPECS["aws"]
    host = (urlsplit(endpoint).hostname or "").lower()
    for spec in _SPECS.values():
        if spec.serves_host(host):
            return spec
    return None

