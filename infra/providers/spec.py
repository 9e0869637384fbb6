"""What every provider spec tells the rest of the package, without importing any SDK."""

from __future__ import annotations

import enum
import importlib
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from infra.settings import keys
from infra.settings.keys import SettingKey
from infra.settings.problems import Report


class VersioningSupport(enum.Enum):
    """Whether a provider lets the bucket's versioning be switched."""

    SWITCH = "switch"
    ALWAYS = "always"
    NONE = "none"


@dataclass(frozen=True)
class Location:
    """Where the bucket lives and how the app reaches it."""

    region: str
    endpoint: str | None


@dataclass(frozen=True)
class PluginKey:
    """A configuration key the provider's Pulumi plugin refuses to start without.

    Only keys that are not secrets: the offline plan insists on them (CI runs it without
    cloud credentials), while credentials are named in `credential_env` and only listed.
    """

    key: str
    """The key in the plugin's namespace, e.g. `region` (`aws:region`)."""
    env: tuple[str, ...]
    """Environment variables the plugin reads instead when the key is unset (its schema's `EnvVars`)."""
    source: str
    """Where the requirement is written down, for the error and the tests."""


class ProviderSpec(ABC):
    """A provider's rules and the component that builds its storage."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    component: ClassVar[str]
    """`module:Class` of the ComponentResource; imported only when a stack uses it."""
    versioning: ClassVar[VersioningSupport]
    documented_values: ClassVar[Mapping[str, Collection[str]]] = {}
    """For a key whose value must be one of a list this provider's documentation gives (R2's
    location hints), that list; the settings reference prints it with the key."""
    ignored_settings: ClassVar[Mapping[str, str]] = {}
    """Why this provider has no use for each common setting the schema (`infra.settings.keys`) does
    not give it. Written in a stack file, one is refused whatever its value (it would silently do
    nothing), with this reason; Pulumi.yaml declares no default for them, so the program sees one
    only where the stack file (or `pulumi config set`) wrote it."""
    bucket_types: ClassVar[tuple[str, ...]] = ()
    """Resource types of the buckets the component declares (app bucket, log bucket, replica):
    deleting or replacing one loses data, so a plan comparison refuses it unless acknowledged."""
    credential_types: ClassVar[tuple[str, ...]] = ()
    """Resource types of the app's credential generations (one per generation, named
    `<component>-app-key[-<generation>]` or `-app-token`): deleting the active one is an outage."""
    credential_env: ClassVar[tuple[str, ...]] = ()
    """Environment variables the provider's Pulumi plugin reads for its own credentials."""
    credential_note: ClassVar[str] = ""
    """When the plugin needs those credentials (preview or only `up`), and which of them go together."""
    plugin_package: ClassVar[str | None] = None
    """The Pulumi package whose resources the component declares (`aws`); None for dynamic resources."""
    plugin_required: ClassVar[tuple[PluginKey, ...]] = ()
    """Non-secret configuration the plugin refuses to start without (checked by the offline plan)."""
    explicit_provider: ClassVar[bool] = False
    """The component declares its own provider from settings, so the stack's `<plugin_package>:*`
    config would be silently ignored and is refused instead."""
    endpoint_host_suffix: ClassVar[str | None] = None
    """How the provider's S3 endpoint host ends; the validator names the provider by it."""

    @property
    def option_keys(self) -> tuple[SettingKey, ...]:
        """The provider keys this provider's `parse_options` reads: those the schema gives it."""
        return keys.option_keys(self.name)

    def applies(self, key: SettingKey) -> bool:
        """Whether this provider's stacks use `key` (the schema's `providers`). A key that does
        not apply is refused when a stack file writes it."""
        return self.name in key.providers

    def serves_host(self, host: str) -> bool:
        """Whether `host` (lowercase) is one of the provider's S3 endpoint hosts."""
        return bool(self.endpoint_host_suffix) and host.endswith(self.endpoint_host_suffix or "")

    def endpoint_region(self, host: str) -> str | None:
        """The region the endpoint host `host` (lowercase) names, or None when it names none."""
        return None

    def app_region_problem(self, region: str, host: str) -> str | None:
        """Why the app's region value does not fit the endpoint host `host` (the guide's Region
        Matching: the region in STORAGE_S3_REGION must match the one in the endpoint), or None."""
        named = self.endpoint_region(host)
        if named is None or named == region:
            return None
        return f"the {self.display_name} endpoint {host} names region {named!r}, but the region is {region!r}"

    @abstractmethod
    def bucket_name_problem(self, name: str) -> str | None:
        """Why `name` breaks the provider's bucket naming rules, or None."""

    def bucket_name_warning(self, name: str) -> str | None:
        """Advice about a valid but risky bucket name, or None."""
        return None

    @abstractmethod
    def resolve_location(self, region: str, endpoint: str, options: Any, report: Report) -> Location | None:
        """The region and app endpoint, or None after reporting why they are wrong.

        `region` and `endpoint` are the raw settings ("" when unset).
        """

    def parse_options(self, values: Mapping[str, Any], report: Report) -> Any:
        """The provider's own options from its option keys (already converted)."""
        return None

    def credentials_problem(self, names: tuple[str, ...]) -> str | None:
        """Why the provider cannot hold these credential generations at once, or None."""
        return None

    def check_versioning(self, options: Any, versioning: bool, report: Report) -> None:  # noqa: B027 - a hook: no problem unless the provider has one
        """Report provider options that need versioning when `versioning` is off (AWS replication)."""

    def check_bucket_pair(self, bucket: str, options: Any, report: Report) -> None:  # noqa: B027 - a hook: no problem unless the provider has one
        """Report provider options that must differ from the bucket's name (B2's replica bucket)."""

    def check_cors(self, cors: Any, options: Any, report: Report) -> None:  # noqa: B027 - a hook: no problem unless the provider has one
        """Report a valid guide CORS rule (`cors`) that the provider's own API would refuse (B2)."""

    def check_lifecycle(self, lifecycle: Any, options: Any, report: Report) -> None:  # noqa: B027 - a hook: no problem unless the provider has one
        """Report provider options whose lifecycle rules the provider would refuse next to the
        guide's `lifecycle` policy (B2: overlapping rule prefixes)."""

    def check_adoption(self, options: Any, report: Report) -> None:  # noqa: B027 - a hook: no problem unless the provider has one
        """Report what else adopting needs on this provider (e.g. B2's bucket id); called only
        when `adoptExistingBucket` is on."""

    @abstractmethod
    def bucket_import_id(self, bucket: str, region: str, options: Any) -> str | None:
        """The id Pulumi's `import` resource option needs to adopt an existing bucket
        (`adoptExistingBucket`), or None where the provider's own resource takes the bucket
        over when the engine creates it (B2's dynamic provider, whose host cannot serve the
        engine's import `Read`)."""

    def adoption_warning(self, bucket: str, region: str, options: Any) -> str:
        """What the plan says while `adoptExistingBucket` is on (settings are valid)."""
        return (
            f"adoptExistingBucket is on: `pulumi up` imports the existing bucket "
            f"(id {self.bucket_import_id(bucket, region, options)}) instead of creating it, and ignores "
            "the id once the bucket is imported; never turn it on for a stack that created its own bucket "
            '(docs/operations.md, "Adopting a bucket made by hand")'
        )

    def load_component(self) -> type:
        """Import the component class; this is where the provider SDK gets imported."""
        module_name, _, class_name = self.component.partition(":")
        return getattr(importlib.import_module(module_name), class_name)


_DNS_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")


def dns_bucket_name_problem(name: str, low: int, high: int, allow_dots: bool = False) -> str | None:
    """The common rule: lowercase letters, digits and hyphens (dots where allowed), alphanumeric ends."""
    allowed = "lowercase letters, digits, hyphens" + (" and dots" if allow_dots else "")
    if not low <= len(name) <= high:
        return f"must be {low}-{high} characters long ({len(name)} given); use {allowed}"
    body = name.replace(".", "-") if allow_dots else name
    if not _DNS_BUCKET.fullmatch(body):
        return f"may contain only {allowed}, and must start and end with a letter or digit"
    return None
