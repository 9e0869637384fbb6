"""An IAM user whose only permission is the guide's statement on one bucket, with one access
key per app credential generation: the app's everyday credential (`app`, on the bucket) and
the failover credential (`failover`, on the replica) are both this.

Resource names are `<component>-<role>-user`, `-policy` and `-key[-<generation>]`, the names
deployed stacks hold (tests/support/stack_urns.json). The keys follow `credentials` and
`activeCredential`: one per generation, the active one exported, so a rotation rotates every
credential in the same three `pulumi up`s and IAM's two-keys-per-user limit holds for each user.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from infra.guide.permissions import app_policy_document
from infra.outputs import StorageAccess
from infra.providers.aws.scope import AwsScope
from infra.providers.credentials import declare_generations, generation_suffixed
from infra.settings.model import Settings

USER_PATH = "/raptscallions/"


class BucketCredential:
    """The user, its inline policy `raptscallions-storage-<role>` on `bucket_name` (the guide's
    actions, KMS's where the bucket uses a key) and its access keys; `access` holds what the app
    reaches the bucket with."""

    def __init__(
        self,
        scope: AwsScope,
        name: str,
        role: str,
        settings: Settings,
        *,
        user_name: str,
        bucket: aws.s3.Bucket,
        bucket_name: str,
        region: str,
        partition: str,
        tags: Mapping[str, str],
        kms_key_arn: str | None = None,
    ) -> None:
        child = scope.opts()
        self.user = aws.iam.User(
            f"{name}-{role}-user",
            name=user_name,
            path=USER_PATH,
            force_destroy=False,
            tags=dict(tags),
            opts=child,
        )
        self.user_policy = aws.iam.UserPolicy(
            f"{name}-{role}-policy",
            user=self.user.name,
            name=f"raptscallions-storage-{role}",
            policy=json.dumps(app_policy_document(bucket_name, partition, kms_key_arn)),
            opts=child,
        )
        self.access_keys, self.access_key = declare_generations(
            settings,
            lambda generation: aws.iam.AccessKey(
                generation_suffixed(f"{name}-{role}-key", generation),
                user=self.user.name,
                opts=scope.opts(depends_on=[self.user_policy]),  # usable once the policy exists
            ),
        )
        self.access = StorageAccess(
            bucket=bucket.bucket,
            region=region,
            endpoint=None,
            access_key_id=self.access_key.id,
            secret_access_key=pulumi.Output.secret(self.access_key.secret),
        )
