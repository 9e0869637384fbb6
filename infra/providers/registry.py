"""Provider name -> spec. Importing this imports no provider SDK."""

from __future__ import annotations

from urllib.parse import urlsplit

from infra.providers.aws.spec import AwsSpec
from infra.providers.backblaze.spec import BackblazeSpec
from infra.providers.cloudflare.spec import CloudflareSpec
from infra.providers.digitalocean.spec import DigitalOceanSpec
from infra.providers.spec import ProviderSpec
from infra.settings.keys import COMMON_KEYS, SettingKey

_SPECS: dict[str, ProviderSpec] = {
    spec.name: spec for spec in (AwsSpec(), DigitalOceanSpec(), BackblazeSpec(), CloudflareSpec())
}

NAMES: tuple[str, ...] = tuple(sorted(_SPECS))


def get(name: str) -> ProviderSpec | None:
    """The spec for `name`, or None for an unknown provider."""
    return _SPECS.get(name)


def all_specs() -> tuple[ProviderSpec, ...]:
    return tuple(_SPECS.values())


def all_keys() -> tuple[SettingKey, ...]:
    """The common keys followed by every provider's own keys, each once (`accessLogging` is
    shared by AWS and Spaces)."""
    keys = COMMON_KEYS + tuple(key for spec in all_specs() for key in spec.option_keys)
    return tuple({key.name: key for key in reversed(keys)}[name] for name in dict.fromkeys(k.name for k in keys))


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


def applies(key: SettingKey, spec: ProviderSpec) -> bool:
    """Whether `spec`'s stacks use `key`: a common key the provider does not ignore, or one of
    its own option keys. A key that does not apply is refused when a stack file writes it."""
    if key.name in spec.ignored_settings:
        return False
    return not key.providers or key.name in {own.name for own in spec.option_keys}


def used_by(key: SettingKey) -> tuple[str, ...]:
    """The providers whose stacks use `key`, sorted."""
    return tuple(spec.name for spec in sorted(all_specs(), key=lambda s: s.name) if applies(key, spec))


def project_keys() -> tuple[SettingKey, ...]:
    """The keys Pulumi.yaml declares: those every provider uses and Pulumi.yaml can type.

    The engine writes a declared key's default into every stack's config (pulumi/pulumi
    sdk/go/common/workspace/config.go, mergeConfig: `if !foundOnStack && (hasValue || hasDefault)`),
    so a declared key cannot be told apart from one the stack file sets. A key some provider
    ignores must reach the program only when written, to be refused there: it is not declared.
    """
    return tuple(key for key in all_keys() if key.declarable and len(used_by(key)) == len(_SPECS))
