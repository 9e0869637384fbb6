"""The failover credential: what the app uses on the replica (`awsReplicaRegion`) while the
primary region is down.

A second IAM user, `<bucket>-failover`, separate from the everyday `<bucket>-app`, holding the
guide's permissions (`app_policy_document`) on the replica bucket only, so the everyday
credential is not widened and a leaked everyday key cannot reach the copy kept for recovery.

Its access keys follow the app credential's generations (`credentials`, `activeCredential`):
one key per generation, the active one exported. So a rotation rotates both in the same three
`pulumi up`s, IAM's two-keys-per-user limit holds for each user, and an app failed over keeps
working through a rotation exactly as it does on the primary. No second rotation schedule to
forget.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from infra.guide.permissions import app_policy_document
from infra.outputs import StorageAccess
from infra.providers.aws.scope import AwsScope
from infra.providers.aws.spec import failover_user_name, partition_for_region
from infra.providers.credentials import declare_generations, generation_suffixed
from infra.settings.model import Settings

FAILOVER_POLICY_NAME = "raptscallions-storage-failover"


class FailoverCredential:
    """The failover user, its inline policy on the replica, and one access key per generation."""

    def __init__(
        self, scope: AwsScope, name: str, settings: Settings, replica: aws.s3.Bucket, replica_name: str, tags: Mapping[str, str]
    ) -> None:
        region = settings.options.replica_region
        assert region is not None  # only declared with a replica
        child = scope.opts()
        self.user = aws.iam.User(
            f"{name}-failover-user",
            name=failover_user_name(settings.bucket_name),
            path="/raptscallions/",
            force_destroy=False,
            tags=dict(tags),
            opts=child,
        )
        self.user_policy = aws.iam.UserPolicy(
            f"{name}-failover-policy",
            user=self.user.name,
            name=FAILOVER_POLICY_NAME,
            policy=json.dumps(app_policy_document(replica_name, partition_for_region(settings.region))),
            opts=child,
        )
        self.access_keys, active = declare_generations(
            settings,
            lambda generation: aws.iam.AccessKey(
                generation_suffixed(f"{name}-failover-key", generation),
                user=self.user.name,
                opts=scope.opts(depends_on=[self.user_policy]),
            ),
        )
        self.access = StorageAccess(
            bucket=replica.bucket,
            region=region,
            endpoint=None,
            access_key_id=active.id,
            secret_access_key=pulumi.Output.secret(active.secret),
        )
