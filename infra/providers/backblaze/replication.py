"""A Pulumi dynamic resource for B2 Cloud Replication from the app bucket to a replica bucket.

Why a resource of its own: the replication configuration names both buckets' ids and two
keys made after them (a source key on the app bucket, a destination key on the replica), so
it can only be written once all four exist. It writes two halves, as B2 wants them:

- on the app bucket, `asReplicationSource`: one rule (`rules.REPLICATION_RULE_NAME`) to the
  replica's id, every file (prefix ""), existing files included, read with the source key;
- on the replica, `asReplicationDestination`: source key id -> destination key id.

Both halves are merged with whatever else the buckets hold (rules or mappings made by hand
stay), and deleting the resource removes only this stack's rule and mapping: no file is ever
touched. Same account only: both buckets are read and written with the deployer's key, and
a B2 account lives in one region, so the replica guards against a lost or damaged bucket,
not against a regional outage.

What B2 copies (Backblaze's Cloud Replication notes): each new file version and, with
`includeExistingFiles`, the files already there. Hide markers and version deletions are NOT
replicated and B2 has no switch for it, so a file the app deletes stays current in the
replica (docs/providers/backblaze.md, "What B2 does not replicate: hide markers and deletions").
"""

from __future__ import annotations

from typing import Any

import pulumi
from b2sdk.v2 import B2Api, ReplicationConfiguration, ReplicationRule
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from infra.providers.backblaze import rules
from infra.providers.backblaze.b2_api import B2ProviderError, authorized_api, b2_call, find_bucket
from infra.providers.backblaze.host_protocol import is_unknown, plain

REPLICATION_PROVIDER_CAPABILITIES = ("readBucketReplications", "writeBucketReplications")
"""What the deployer's key needs on top of b2_api.PROVIDER_KEY_CAPABILITIES with a replica."""

FIELDS = ("sourceBucketId", "destinationBucketId", "sourceKeyId", "destinationKeyId", "ruleName")


def _current(bucket: Any) -> ReplicationConfiguration:
    """The bucket's replication configuration as B2 has it (empty when none)."""
    return bucket.replication or ReplicationConfiguration()


def _bucket(api: B2Api, bucket_id: str, role: str) -> Any:
    found = find_bucket(api, bucket_id)
    if found is None:
        raise B2ProviderError(f"The {role} bucket {bucket_id} does not exist in this B2 account (same account only)")
    return found


def _attach(api: B2Api, props: dict[str, Any]) -> None:
    """Add this stack's key mapping to the replica, then its rule to the app bucket."""
    source = _bucket(api, props["sourceBucketId"], "source")
    destination = _bucket(api, props["destinationBucketId"], "replica")
    had = _current(source)
    if had.rules and had.source_key_id and had.source_key_id != props["sourceKeyId"]:
        others = [r.name for r in had.rules if r.name != props["ruleName"]]
        if others:
            raise B2ProviderError(
                f"Bucket {source.name!r} already replicates with another source key ({', '.join(others)}); B2 allows one "
                "source key per bucket. Remove those rules in the B2 web console, or remove b2ReplicaBucketName."
            )
    # B2: the destination must accept the source key before the source may name it.
    into = _current(destination)
    mapping = {**into.source_to_destination_key_mapping, props["sourceKeyId"]: props["destinationKeyId"]}
    with b2_call(f"accept replication into bucket {destination.name!r}"):
        destination.update(
            replication=ReplicationConfiguration(
                rules=list(into.rules), source_key_id=into.source_key_id, source_to_destination_key_mapping=mapping
            )
        )
    rule = ReplicationRule(
        destination_bucket_id=props["destinationBucketId"],
        name=props["ruleName"],
        file_name_prefix="",
        include_existing_files=True,
    )
    kept = [r for r in had.rules if r.name != props["ruleName"]]
    with b2_call(f"set the replication rule on bucket {source.name!r}"):
        source.update(
            replication=ReplicationConfiguration(
                rules=[*kept, rule],
                source_key_id=props["sourceKeyId"],
                source_to_destination_key_mapping=dict(had.source_to_destination_key_mapping),
            )
        )


def _detach(api: B2Api, props: dict[str, Any]) -> None:
    """Remove this stack's rule and mapping only; buckets already gone are skipped."""
    source = find_bucket(api, props["sourceBucketId"])
    if source is not None:
        had = _current(source)
        kept = [r for r in had.rules if r.name != props["ruleName"]]
        with b2_call(f"remove the replication rule from bucket {source.name!r}"):
            source.update(
                replication=ReplicationConfiguration(
                    rules=kept,
                    source_key_id=had.source_key_id if kept else None,
                    source_to_destination_key_mapping=dict(had.source_to_destination_key_mapping),
                )
            )
    destination = find_bucket(api, props["destinationBucketId"])
    if destination is not None:
        into = _current(destination)
        mapping = {k: v for k, v in into.source_to_destination_key_mapping.items() if k != props["sourceKeyId"]}
        with b2_call(f"stop accepting replication into bucket {destination.name!r}"):
            destination.update(
                replication=ReplicationConfiguration(
                    rules=list(into.rules), source_key_id=into.source_key_id, source_to_destination_key_mapping=mapping
                )
            )


class B2ReplicationProvider(ResourceProvider):
    """CRUD for one replication rule plus its key mapping. Holds no state (see host_protocol.py)."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [CheckFailure(field, "is required") for field in FIELDS if field in news and not news.get(field)]
        source, destination = news.get("sourceBucketId"), news.get("destinationBucketId")
        if source and not is_unknown(source) and source == destination:  # two unknowns are not one bucket
            failures.append(CheckFailure("destinationBucketId", "must be another bucket than the source"))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [field for field in FIELDS if olds.get(field) != news.get(field)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        _attach(authorized_api(), props)
        return CreateResult(f"{props['sourceBucketId']}/{props['ruleName']}", plain(props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        api = authorized_api()
        _detach(api, olds)
        _attach(api, news)
        return UpdateResult(plain(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        _detach(authorized_api(), props)


class B2Replication(Resource, module="backblaze", name="Replication"):
    """B2 Cloud Replication app bucket -> replica (type `pulumi-python:dynamic/backblaze:Replication`)."""

    def __init__(
        self,
        name: str,
        *,
        source_bucket_id: pulumi.Input[str],
        destination_bucket_id: pulumi.Input[str],
        source_key_id: pulumi.Input[str],
        destination_key_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "sourceBucketId": source_bucket_id,
            "destinationBucketId": destination_bucket_id,
            "sourceKeyId": source_key_id,
            "destinationKeyId": destination_key_id,
            "ruleName": rules.REPLICATION_RULE_NAME,
        }
        super().__init__(B2ReplicationProvider(), name, props, opts)
