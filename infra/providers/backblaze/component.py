"""Backblaze B2 storage as the guide describes it, through B2's native API.

Declares: a private B2 bucket (protected when settings say so) with the guide's lifecycle
and CORS rules in B2's format, default encryption SSE-B2 and, when `b2ObjectLock` is on,
Object Lock; and one application key restricted to that bucket with exactly the app's
capabilities. Both are Pulumi dynamic resources backed by b2sdk (see `dynamic.py`): no
Pulumi B2 package exists here, and B2's S3 API cannot create bucket-scoped keys.

B2 always keeps versions; the lifecycle rules decide how long hidden versions stay
(see `rules.py` for the exact timing).
"""

from __future__ import annotations

import pulumi

from infra.providers.backblaze.dynamic import B2ApplicationKey, B2Bucket, B2BucketArgs
from infra.providers.backblaze.rules import APP_CAPABILITIES, app_key_name, cors_rules, lifecycle_rules
from infra.providers.backblaze.spec import BackblazeOptions
from infra.providers.base import StorageAccess, StorageComponent, bucket_options, component_props, component_type
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
                lifecycle_rules=lifecycle_rules(settings.lifecycle),
                cors_rules=cors_rules(settings.cors),
                file_lock_enabled=options.object_lock,
                region=settings.region or None,
            ),
            opts=bucket_options(self, settings),
        )
        self.keys, self.key = declare_generations(
            settings,
            lambda generation: self._declare_key(
                generation_suffixed(f"{name}-app-key", generation), app_key_name(settings.bucket_name, generation)
            ),
        )

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
