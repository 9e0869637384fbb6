"""B2 Cloud Replication (`b2ReplicaBucketName`): the replication resource against b2sdk's
RawSimulator (both halves stored as declared, keys restricted with exactly b2sdk's
capabilities, hand-made rules kept, update and delete touching no file), the component
under Pulumi mocks, the pack in process and over gRPC (preview-shaped), and the settings
refusing an impossible replica."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from b2sdk.v2 import ReplicationConfiguration, ReplicationRule, ReplicationSetupHelper
from pulumi.runtime.rpc import UNKNOWN

from infra.offline.fakes import B2_APPLICATION_KEY, B2_BUCKET, B2_REPLICATION
from infra.offline.harness import Plan, run_plan
from infra.offline.policy_check import analyze_plan
from infra.providers.backblaze import rules
from infra.providers.backblaze.key_provider import B2ApplicationKeyProvider
from infra.providers.backblaze.replication import B2ReplicationProvider
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.b2_fake import FakeB2, create_bucket, hosted, wire
from tests.support.examples_support import example_plan, example_settings
from tests.support.plans import valid
from tests.support.policy_support import only, over_grpc, violations

SOURCE = "raptscallions-b2-test"
REPLICA = "raptscallions-b2-test-replica"


@pytest.fixture
def pair(b2: FakeB2) -> dict[str, Any]:  # noqa: F811
    """Both buckets and both replication keys, created by the dynamic providers."""
    source_id, _ = create_bucket(name=SOURCE)
    replica_id, _ = create_bucket(name=REPLICA)
    keys = hosted(B2ApplicationKeyProvider())
    source_key = keys.create(
        wire({"keyName": rules.replication_key_name(SOURCE, "source"), "capabilities": list(rules.REPLICATION_SOURCE_CAPABILITIES),
              "bucketId": source_id, "bucketName": SOURCE})
    ).outs
    destination_key = keys.create(
        wire({"keyName": rules.replication_key_name(REPLICA, "destination"),
              "capabilities": list(rules.REPLICATION_DESTINATION_CAPABILITIES), "bucketId": replica_id, "bucketName": REPLICA})
    ).outs
    return {
        "sourceBucketId": source_id,
        "destinationBucketId": replica_id,
        "sourceKeyId": source_key["applicationKeyId"],
        "destinationKeyId": destination_key["applicationKeyId"],
        "ruleName": rules.REPLICATION_RULE_NAME,
        "_source_secret": source_key["applicationKey"],
        "_destination_secret": destination_key["applicationKey"],
    }


def replication_props(pair: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return wire({**{k: v for k, v in pair.items() if not k.startswith("_")}, **changes})


def stored(b2: FakeB2, bucket_id: str) -> dict[str, Any]:  # noqa: F811
    return b2.api().get_bucket_by_id(bucket_id).replication.as_dict()


def our_rule(pair: dict[str, Any]) -> dict[str, Any]:
    return {
        "destinationBucketId": pair["destinationBucketId"],
        "fileNamePrefix": "",
        "includeExistingFiles": True,
        "isEnabled": True,
        "priority": ReplicationRule.DEFAULT_PRIORITY,
        "replicationRuleName": rules.REPLICATION_RULE_NAME,
    }


def test_capabilities_are_b2sdks_replication_setup_helpers() -> None:
    assert rules.REPLICATION_SOURCE_CAPABILITIES == ReplicationSetupHelper.DEFAULT_SOURCE_CAPABILITIES
    assert rules.REPLICATION_DESTINATION_CAPABILITIES == ReplicationSetupHelper.DEFAULT_DESTINATION_CAPABILITIES


def test_create_stores_both_halves_exactly(b2: FakeB2, pair: dict[str, Any]) -> None:  # noqa: F811
    hosted(B2ReplicationProvider()).create(replication_props(pair))
    assert stored(b2, pair["sourceBucketId"]) == {
        "asReplicationSource": {"replicationRules": [our_rule(pair)], "sourceApplicationKeyId": pair["sourceKeyId"]},
        "asReplicationDestination": None,
    }
    assert stored(b2, pair["destinationBucketId"]) == {
        "asReplicationSource": None,
        "asReplicationDestination": {"sourceToDestinationKeyMapping": {pair["sourceKeyId"]: pair["destinationKeyId"]}},
    }


def test_each_key_is_restricted_to_its_bucket_with_exactly_its_capabilities(b2: FakeB2, pair: dict[str, Any]) -> None:  # noqa: F811
    api = b2.api()
    source_key, destination_key = api.get_key(pair["sourceKeyId"]), api.get_key(pair["destinationKeyId"])
    assert source_key.bucket_id == pair["sourceBucketId"]
    assert set(source_key.capabilities) == set(rules.REPLICATION_SOURCE_CAPABILITIES)
    assert destination_key.bucket_id == pair["destinationBucketId"]
    assert set(destination_key.capabilities) == set(rules.REPLICATION_DESTINATION_CAPABILITIES)

    uploaded = api.get_bucket_by_id(pair["sourceBucketId"]).upload_bytes(b"avatar", "users/1/avatar.png")
    source = b2.api(pair["sourceKeyId"], pair["_source_secret"])
    copy = io.BytesIO()
    source.download_file_by_id(uploaded.id_).save(copy)
    assert copy.getvalue() == b"avatar"  # readFiles: what B2 reads each new file through
    # The bucket restriction's effect cannot be shown here: b2sdk 2.13.2's simulator checks
    # writeFiles without the bucket id (refusing every restricted key's write) and downloads
    # without any bucket check; the restriction is asserted as B2 stores it, above.


def test_hand_made_rules_stay_and_delete_removes_only_ours_and_no_file(b2: FakeB2, pair: dict[str, Any]) -> None:  # noqa: F811
    api = b2.api()
    other_id, _ = create_bucket(name="raptscallions-b2-test-other")
    hand_made = ReplicationRule(destination_bucket_id=other_id, name="made-by-hand", priority=7)
    api.get_bucket_by_id(pair["sourceBucketId"]).update(
        replication=ReplicationConfiguration(rules=[hand_made], source_key_id=pair["sourceKeyId"])
    )
    for bucket_id in (pair["sourceBucketId"], pair["destinationBucketId"]):
        api.get_bucket_by_id(bucket_id).upload_bytes(b"user data", "users/1/avatar.png")

    provider = hosted(B2ReplicationProvider())
    provider.create(replication_props(pair))
    assert stored(b2, pair["sourceBucketId"])["asReplicationSource"]["replicationRules"] == [hand_made.as_dict(), our_rule(pair)]

    provider.delete("id", replication_props(pair))
    assert stored(b2, pair["sourceBucketId"])["asReplicationSource"]["replicationRules"] == [hand_made.as_dict()]
    assert stored(b2, pair["destinationBucketId"])["asReplicationDestination"] is None
    for bucket_id in (pair["sourceBucketId"], pair["destinationBucketId"]):
        assert [f["fileName"] for f in api.session.list_file_versions(bucket_id, max_file_count=10)["files"]] == [
            "users/1/avatar.png"
        ]


def test_update_moves_the_mapping_to_the_new_destination_key(b2: FakeB2, pair: dict[str, Any]) -> None:  # noqa: F811
    provider = hosted(B2ReplicationProvider())
    olds = replication_props(pair)
    provider.create(olds)
    new_key = b2.api().create_key(list(rules.REPLICATION_DESTINATION_CAPABILITIES), "rotated", bucket_id=pair["destinationBucketId"])
    news = replication_props(pair, destinationKeyId=new_key.id_)
    diff = provider.diff("id", olds, news)
    assert diff.changes is True and diff.replaces == []
    provider.update("id", olds, news)
    assert stored(b2, pair["destinationBucketId"])["asReplicationDestination"] == {
        "sourceToDestinationKeyMapping": {pair["sourceKeyId"]: new_key.id_}
    }
    assert stored(b2, pair["sourceBucketId"])["asReplicationSource"]["replicationRules"] == [our_rule(pair)]
    assert provider.diff("id", news, replication_props(pair, destinationKeyId=new_key.id_)).changes is False


def test_the_replica_accepts_the_source_key_before_the_source_names_it(
    b2: FakeB2, pair: dict[str, Any], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Backblaze: set up the destination before the source, or the source's configuration fails."""
    from b2sdk._internal.bucket import Bucket

    order: list[str] = []
    original = Bucket.update

    def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
        order.append(self.id_)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Bucket, "update", recording)
    hosted(B2ReplicationProvider()).create(replication_props(pair))
    assert order == [pair["destinationBucketId"], pair["sourceBucketId"]]


def test_another_source_key_already_replicating_is_refused_and_nothing_changes(b2: FakeB2, pair: dict[str, Any]) -> None:  # noqa: F811
    api = b2.api()
    other_id, _ = create_bucket(name="raptscallions-b2-test-other")
    other_key = api.create_key(["readFiles"], "someone-else", bucket_id=pair["sourceBucketId"])
    api.get_bucket_by_id(pair["sourceBucketId"]).update(
        replication=ReplicationConfiguration(
            rules=[ReplicationRule(destination_bucket_id=other_id, name="made-by-hand")], source_key_id=other_key.id_
        )
    )
    before = stored(b2, pair["sourceBucketId"])
    with pytest.raises(Exception, match="one source key per bucket"):
        hosted(B2ReplicationProvider()).create(replication_props(pair))
    assert stored(b2, pair["sourceBucketId"]) == before


# ---- the component (Pulumi mocks) ----------------------------------------------------


EXAMPLE = "b2-replica/Pulumi.prod.yaml"
"""The B2 replica use case (examples/b2-replica), rendered as written."""
BUCKET, REPLICA = (example_settings(EXAMPLE)[key] for key in ("bucketName", "b2ReplicaBucketName"))


@pytest.fixture(scope="module")
def replica_plan() -> Plan:
    return valid(example_plan(EXAMPLE))


def test_component_declares_a_private_protected_replica_with_the_same_lifecycle(replica_plan: Plan) -> None:
    buckets = {r.inputs["bucketName"]: r for r in replica_plan.resources if r.type == B2_BUCKET}
    app, replica = buckets[BUCKET], buckets[REPLICA]
    assert replica.protect is True and replica.inputs["bucketType"] == "allPrivate"
    assert replica.inputs["defaultServerSideEncryption"] == {"mode": "SSE-B2", "algorithm": "AES256"}
    assert replica.inputs["lifecycleRules"] == app.inputs["lifecycleRules"] and replica.inputs["corsRules"] == []


def test_component_wires_keys_and_replication_to_the_declared_buckets(replica_plan: Plan) -> None:
    buckets = {r.inputs["bucketName"]: r for r in replica_plan.resources if r.type == B2_BUCKET}
    keys = {r.inputs["keyName"]: r for r in replica_plan.resources if r.type == B2_APPLICATION_KEY}
    source = keys[f"{BUCKET}-replication-source"]
    destination = keys[f"{REPLICA}-replication-destination"]
    assert source.inputs["capabilities"] == list(rules.REPLICATION_SOURCE_CAPABILITIES)
    assert buckets[BUCKET].urn in source.property_dependencies["bucketId"]
    assert destination.inputs["capabilities"] == list(rules.REPLICATION_DESTINATION_CAPABILITIES)
    assert buckets[REPLICA].urn in destination.property_dependencies["bucketId"]
    replication = replica_plan.one(B2_REPLICATION)
    deps = replication.property_dependencies
    assert buckets[BUCKET].urn in deps["sourceBucketId"]
    assert buckets[REPLICA].urn in deps["destinationBucketId"]
    assert source.urn in deps["sourceKeyId"] and destination.urn in deps["destinationKeyId"]
    assert replica_plan.secret_outputs <= {"STORAGE_S3_SECRET_ACCESS_KEY"}


def test_replica_stack_passes_the_pack(replica_plan: Plan) -> None:
    assert violations(replica_plan) == {}


def with_inputs(plan: Plan, pick, **changes: Any) -> Plan:
    """`plan` with `changes` merged into the inputs of the resources `pick` selects."""
    return dataclasses.replace(
        plan,
        resources=tuple(
            dataclasses.replace(r, wire_inputs={**r.wire_inputs, **changes}) if pick(r) else r for r in plan.resources
        ),
    )


@pytest.mark.parametrize("role", ["replication-source", "replication-destination"])
def test_a_wider_replication_key_is_refused(replica_plan: Plan, role: str) -> None:
    plan = with_inputs(
        replica_plan,
        lambda r: r.type == B2_APPLICATION_KEY and r.inputs["keyName"].endswith(role),
        capabilities=["listBuckets", "readFiles", "writeFiles", "deleteFiles", *rules.REPLICATION_DESTINATION_CAPABILITIES],
    )
    messages = only(violations(plan), "storage-credential-least-privilege")
    assert len(messages) == 1 and "b2ReplicaBucketName" in messages[0] and "listBuckets" in messages[0]


def test_a_public_or_unencrypted_replica_is_refused(replica_plan: Plan) -> None:
    def replica(r: Any) -> bool:
        return r.type == B2_BUCKET and r.inputs["bucketName"].endswith("-replica")

    assert set(violations(with_inputs(replica_plan, replica, bucketType="allPublic"))) == {"storage-no-public-access"}
    unencrypted = with_inputs(replica_plan, replica, defaultServerSideEncryption={"mode": "none"})
    assert set(violations(unencrypted)) == {"storage-encryption-at-rest"}


def preview_shaped(plan: Plan) -> Plan:
    """As `pulumi preview` sends a first deployment: ids unknown, links only as property dependencies."""
    unknown = ("bucketId", "sourceBucketId", "destinationBucketId", "sourceKeyId", "destinationKeyId")
    return dataclasses.replace(
        plan,
        resources=tuple(
            dataclasses.replace(r, wire_inputs={k: (UNKNOWN if k in unknown else v) for k, v in r.wire_inputs.items()})
            for r in plan.resources
        ),
    )


def test_preview_shaped_replica_stack_over_grpc(analyzer, replica_plan: Plan) -> None:
    preview = preview_shaped(replica_plan)
    assert over_grpc(analyzer, preview) == []
    wider = with_inputs(
        preview, lambda r: r.type == B2_APPLICATION_KEY and r.inputs["keyName"].endswith("replication-source"),
        capabilities=["readFiles", "writeFiles"],
    )
    remote = over_grpc(analyzer, wider)
    assert {v.policy for v in remote} == {"storage-credential-least-privilege"}
    assert sorted(remote, key=str) == sorted(analyze_plan(wider), key=str)


def test_without_the_setting_nothing_is_replicated() -> None:
    plan = run_plan("b2-staging")
    assert plan.error is None and not [r for r in plan.resources if r.type == B2_REPLICATION]


# ---- settings ------------------------------------------------------------------------


def raw(**extra: object) -> dict[str, object]:
    return {"provider": "backblaze", "bucketName": "raptscallions-b2", "corsAllowedOrigins": ["https://app.raptscallions.com"], **extra}


@pytest.mark.parametrize(
    ("replica", "fragment"),
    [("raptscallions-b2", "the bucket's own name"), ("Bad_Name", "lowercase letters"), ("b2-replica", "reserved")],
)
def test_impossible_replica_names_are_refused(replica: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(raw(b2ReplicaBucketName=replica), stack="staging")
    [problem] = caught.value.problems
    assert problem.key == "b2ReplicaBucketName" and fragment in problem.message


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(raw(b2ReplicaBucketName="x", softDeleteDays=0, b2BucketId="nope"), stack="staging")
    keys = sorted(p.key for p in caught.value.problems)
    assert keys == ["b2BucketId", "b2ReplicaBucketName", "softDeleteDays"]
