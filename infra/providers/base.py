"""What every storage component hands back: how the app reaches its bucket.

Imports pulumi (every component needs it) but no provider SDK.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.settings.model import Settings


@dataclass(frozen=True)
class StorageAccess:
    """The values behind the `STORAGE_*` contract, as the component created them."""

    bucket: pulumi.Input[str]
    region: pulumi.Input[str]
    endpoint: pulumi.Input[str] | None
    """None where the app must use the SDK's default endpoint (AWS)."""
    access_key_id: pulumi.Input[str]
    secret_access_key: pulumi.Input[str]


class StorageComponent(pulumi.ComponentResource):
    """Base of the four provider components; subclasses set `self.access`."""

    access: StorageAccess


def component_props(settings: Settings) -> dict[str, str]:
    """What a storage component records about itself, so policies know the environment
    even for providers whose buckets take no tags."""
    return {"environment": settings.environment, "provider": settings.provider}


def component_type(class_name: str) -> str:
    """The Pulumi type token of a component, e.g. `raptscallions:storage:AwsStorage`."""
    return f"raptscallions:storage:{class_name}"
