"""Backblaze B2 storage as the guide describes it, through B2's native API.

Declares: a private B2 bucket (protected when settings say so) with the guide's lifecycle
and CORS rules in B2's format, default encryption SSE-B2 and, when `b2ObjectLock` is on,
Object Lock; and one application key restricted to that bucket with exactly the app's
capabilities. Both are Pulumi dynamic resources backed by b2sdk (see `resources.py`): no
Pulumi B2 package exists here, and B2's S3 API cannot create bucket-scoped keys.

With `b2ReplicaBucketName`: a second private bucket (same encryption and lifecycle, no
CORS: the browser never talks to it), a replication source key on the app bucket, a
destination key on the replica (each with exactly b2sdk's ReplicationSetupHelper
capabilities) and the replication configuration (`replication.py`).

B2 always keeps versions; the lifecycle rules decide how long hidden versions stay
(see `rules.py` for the exact timing).
"""

from __future__ import annotations

import pulumi

from infra.outputs import StorageAccess
from infra.providers.backblaze.replication import B2Replication
from infra.providers.backblaze.resources import B2ApplicationKey, B2Bucket, B2BucketArgs
from infra.providers.backblaze.rules import (
    APP_CAPABILITIES,
    REPLICATION_DESTINATION_CAPABILITIES,
    REPLICATION_SOURCE_CAPABILITIES,
    app_key_name,
    cors_rules,
    lifecycle_rules,
    replication_key_name,
)
from infra.providers.backblaze.spec import BackblazeOptions
from infra.providers.base import StorageComponent, bucket_options, component_props, component_type
from infra.providers.credentials import declare_generations, generation_suffixed
from infra.settings.model import Settings


class B2Storage(StorageComponent):
    """One private B2 bucket and an application key that can use only that bucket."""

    def __init__(self, name: str, settings: Settings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(component_type("B2Storage"), name, component_props(settings), opts)
        options: BackblazeOptions = settings.options or BackblazeOptions()
        self.bucket_name = settings.bucket_name

        self.bucket = B2Bucket(
            f"{name}-bucket",
            B2BucketArgs(
                bucket_name=settings.bucket_name,
                lifecycle_rules=lifecycle_rules(settings.lifecycle, options.app_prefixes),
                cors_rules=cors_rules(settings.cors),
                file_lock_enabled=options.object_lock,
                region=settings.region or None,
                adopt_bucket_id=options.bucket_id if settings.adopt_existing_bucket else None,
            ),
            opts=bucket_options(self, settings),
        )
        self.keys, self.key = declare_generations(
            settings,
            lambda generation: self._declare_key(
                generation_suffixed(f"{name}-app-key", generation), app_key_name(settings.bucket_name, generation)
            ),
        )

        if options.replica_bucket:
            self._declare_replica(name, settings, options.replica_bucket)

        # Unset region/endpoint: the account's authorization tells them (the bucket's outputs).
        self.access = StorageAccess(
            bucket=self.bucket.bucketName,
            region=settings.region or self.bucket.s3Region,
            endpoint=settings.endpoint or self.bucket.s3ApiUrl,
            access_key_id=self.key.applicationKeyId,
            secret_access_key=pulumi.Output.secret(self.key.applicationKey),
        )
        self.register_outputs({"bucket": self.bucket.bucketName, "accessKeyId": self.key.applicationKeyId})

    def _declare_key(self, logical_name: str, key_name: str) -> B2ApplicationKey:
        """An app key on this bucket only, with exactly the app's capabilities.

        One call per credential generation (`credentials`), so a rotation declares the new
        key beside the old one and retires the old one later.
        """
        return B2ApplicationKey(
            logical_name,
            key_name=key_name,
            bucket_id=self.bucket.bucketId,
            bucket_name=self.bucket_name,  # plain: known even while a preview leaves the id unknown
            capabilities=APP_CAPABILITIES,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _declare_replica(self, name: str, settings: Settings, replica_name: str) -> None:
        """The replica bucket, the two replication keys and the replication between them."""
        child = pulumi.ResourceOptions(parent=self)
        options: BackblazeOptions = settings.options or BackblazeOptions()
        self.replica = B2Bucket(
            f"{name}-replica",
            B2BucketArgs(
                bucket_name=replica_name,
                lifecycle_rules=lifecycle_rules(settings.lifecycle, options.app_prefixes),
                cors_rules=[],
                region=settings.region or None,
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=settings.protect),
        )
        source_key = B2ApplicationKey(
            f"{name}-replication-source-key",
            key_name=replication_key_name(settings.bucket_name, "source"),
            bucket_id=self.bucket.bucketId,
            bucket_name=settings.bucket_name,
            capabilities=REPLICATION_SOURCE_CAPABILITIES,
            opts=child,
        )
        destination_key = B2ApplicationKey(
            f"{name}-replication-destination-key",
            key_name=replication_key_name(replica_name, "destination"),
            bucket_id=self.replica.bucketId,
            bucket_name=replica_name,
            capabilities=REPLICATION_DESTINATION_CAPABILITIES,
            opts=child,
        )
        self.replication = B2Replication(
            f"{name}-replication",
            source_bucket_id=self.bucket.bucketId,
            destination_bucket_id=self.replica.bucketId,
            source_key_id=source_key.applicationKeyId,
            destination_key_id=destination_key.applicationKeyId,
            opts=child,
        )
