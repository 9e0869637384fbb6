"""What every storage component hands back: how the app reaches its bucket.

Imports pulumi (every component needs it) but no provider SDK.
"""

from __future__ import annotations

import pulumi

from infra.outputs import StorageAccess
from infra.settings.model import Settings


class StorageComponent(pulumi.ComponentResource):
    """Base of the four provider components; subclasses set `self.access`, and `self.failover`
    where they declare a replica the app can fail over to (AWS with `awsReplicaRegion`)."""

    access: StorageAccess
    failover: StorageAccess | None = None


def component_props(settings: Settings) -> dict[str, str]:
    """What a storage component records about itself, so policies know the environment
    even for providers whose buckets take no tags, and which credential generation the app
    uses (its name may date it: `storage-credential-age`)."""
    return {"environment": settings.environment, "provider": settings.provider, "activeCredential": settings.active_credential}


def bucket_options(parent: pulumi.Resource, settings: Settings) -> pulumi.ResourceOptions:
    """How every component declares its bucket: protected as settings say, never with
    `retain_on_delete` (protect already stops `pulumi destroy`, and a bucket that silently
    outlives its stack is worse than an error), and imported when `adoptExistingBucket` is on
    and the provider adopts by import (B2 adopts inside its own provider instead).

    Once imported, the bucket's state records the import id and later runs ignore it, so the
    setting may stay on. A stack that created its own bucket must not turn it on: its state
    holds a different id, and Pulumi would try to replace the bucket (which `protect` refuses).
    """
    return pulumi.ResourceOptions(parent=parent, protect=settings.protect, import_=settings.bucket_import_id)


def component_type(class_name: str) -> str:
    """The Pulumi type token of a component, e.g. `raptscallions:storage:AwsStorage`."""
    return f"raptscallions:storage:{class_name}"
