"""Provider name -> spec. Importing this imports no provider SDK."""

from __future__ import annotations

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
