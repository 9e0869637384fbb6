"""The B2 dynamic resources driven through Pulumi's own dynamic-provider host, the way the
engine drives it, against the simulated B2 account (tests/support/b2_fake.py).

Requests are shaped as pulumi/pulumi `pkg/resource/plugin/provider_plugin.go` builds them
and sequenced as `pkg/resource/deploy/step.go` does (see tests/support/engine_host.py, which cites
each); the inputs are the ones the real program registers for the `b2-staging` stack.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pulumi.dynamic
import pytest
from b2sdk.v2 import exception as b2_exception
from google.protobuf import json_format

from infra.offline.harness import Plan, run_plan
from infra.offline.stack_files import PROJECT_ROOT
from infra.providers.backblaze import rules
from tests.support.b2_fake import FakeB2
from tests.support.engine_host import (
    HOST_FILE,
    UNKNOWN,
    Deployment,
    Engine,
    HostError,
    is_secret,
    name_and_type,
    reveal,
    serve_host,
)

STACK = "b2-staging"
BUCKET_NAME = "raptscallions-staging-b2"
REPLICA_NAME = "raptscallions-staging-b2-replica"
BUCKET = "pulumi-python:dynamic/backblaze:Bucket"
KEY = "pulumi-python:dynamic/backblaze:ApplicationKey"
REPLICATION = "pulumi-python:dynamic/backblaze:Replication"
UNPROTECTED = {"protect": False}
"""So `destroy` reaches the provider's Delete (the engine refuses to delete a protected resource)."""
OLD_PROVIDERS = json.loads((PROJECT_ROOT / "tests/support/b2_provider_blobs_9741a31.json").read_text())
"""The `__provider` each dynamic resource's state holds when commit 9741a31 (before
backblaze/dynamic.py was split into modules) deployed it; recorded as its `how` says."""


@pytest.fixture
def engine(b2: FakeB2) -> Iterator[Engine]:
    with serve_host() as address:
        client = Engine(address)
        try:
            yield client
        finally:
            client.close()


def plan(**settings: Any) -> Plan:
    result = run_plan(STACK, config_overrides=settings)
    assert result.error is None, result.error
    return result


def urn(of: Plan, name: str) -> str:
    [found] = [r.urn for r in of.resources if r.name == name]
    return found


def stored(b2: FakeB2, bucket_id: str) -> Any:
    [bucket] = b2.api().list_buckets(bucket_id=bucket_id)
    return bucket


def account_keys(b2: FakeB2) -> list[str]:
    return sorted(key.id_ for key in b2.api().list_keys())


def sent(engine: Engine, method: str) -> list[Any]:
    return [request for name, request in engine.sent if name == method]


def test_the_host_is_pulumis_own_and_accepts_neither_secrets_nor_previews(engine: Engine) -> None:
    """What the engine learns at Configure decides the rest: it strips secrets before sending
    (KeepSecrets: acceptSecrets) and answers Create/Update itself during a preview
    (provider_plugin.go, Create: `!protocol.supportsPreview`)."""
    assert HOST_FILE.parent == Path(pulumi.dynamic.__file__).parent
    assert engine.accept_secrets is False
    assert engine.supports_preview is False


def test_the_engines_import_read_carries_no_inputs_so_the_host_cannot_serve_it(b2: FakeB2, engine: Engine) -> None:
    """Why adoption must not use `import_`: step.go's ImportStep reads with only URN, name,
    type and id (pulumi/pulumi#7534, #16175)."""
    by_hand = b2.api().create_bucket(BUCKET_NAME, "allPrivate")
    with pytest.raises(HostError, match="KeyError: '__provider'"):
        engine.read(urn(plan(), "storage-bucket"), by_hand.id_, inputs=None, state=None)


def test_adopting_a_hand_made_bucket_through_preview_up_refresh_update_and_destroy(b2: FakeB2, engine: Engine) -> None:
    api = b2.api()
    by_hand = api.create_bucket(
        BUCKET_NAME, "allPublic", lifecycle_rules=[{"fileNamePrefix": "", "daysFromHidingToDeleting": 365, "daysFromUploadingToHiding": None}]
    )
    adopt = {"adoptExistingBucket": True, "b2BucketId": by_hand.id_, **UNPROTECTED}
    stack = Deployment(engine)
    declared = plan(**adopt)
    bucket_urn, key_urn = urn(declared, "storage-bucket"), urn(declared, "storage-app-key")
    master_keys = account_keys(b2)

    # preview: Check (unknown bucket id for the key), no Create reaches the host, B2 untouched
    assert stack.up(declared, preview=True) == {bucket_urn: "create", key_urn: "create"}
    assert sent(engine, "Create") == [] and stack.state == {}
    [key_check] = [c for c in sent(engine, "Check") if c.urn == key_urn]
    assert json_format.MessageToDict(key_check.news)["bucketId"] == UNKNOWN
    assert stored(b2, by_hand.id_).type_ == "allPublic" and account_keys(b2) == master_keys

    # up: the bucket's Create adopts the hand-made bucket (same id) and brings it to the settings
    assert stack.up(declared) == {bucket_urn: "create", key_urn: "create"}
    assert stack.state[bucket_urn].id == by_hand.id_
    assert [b.id_ for b in api.list_buckets()] == [by_hand.id_], "no second bucket"
    bucket = stored(b2, by_hand.id_)
    inputs = declared.one(BUCKET).inputs
    assert bucket.type_ == "allPrivate"
    assert rules.normalized_lifecycle_rules(bucket.lifecycle_rules) == rules.normalized_lifecycle_rules(inputs["lifecycleRules"])
    assert bucket.cors_rules == rules.normalized_cors_rules(inputs["corsRules"])
    assert bucket.default_server_side_encryption.as_dict() == rules.SSE_B2
    key = stack.state[key_urn]
    assert is_secret(key.outputs["applicationKey"]), "the engine stores the key's secret as a secret"
    allowed = b2.api(key.id, reveal(key.outputs["applicationKey"])).account_info.get_allowed()
    assert allowed["bucketId"] == by_hand.id_

    # refresh: Read with the state's inputs and outputs finds no drift; the secret stays one
    assert stack.refresh() == {bucket_urn: "same", key_urn: "same"}
    assert all(r.HasField("inputs") for r in sent(engine, "Read"))
    assert is_secret(stack.state[key_urn].outputs["applicationKey"])
    assert stack.up(declared, preview=True) == {bucket_urn: "same", key_urn: "same"}

    # update with olds and news: in place, the key kept
    changed = plan(**adopt, softDeleteDays=14)
    assert stack.up(changed, preview=True) == {bucket_urn: "update", key_urn: "same"}
    assert stack.up(changed) == {bucket_urn: "update", key_urn: "same"}
    assert rules.normalized_lifecycle_rules(stored(b2, by_hand.id_).lifecycle_rules) == rules.normalized_lifecycle_rules(
        changed.one(BUCKET).inputs["lifecycleRules"]
    )
    assert stack.state[bucket_urn].id == by_hand.id_

    # destroy: the key is revoked, the (empty) adopted bucket deleted
    stack.destroy()
    assert api.list_buckets() == []
    with pytest.raises(b2_exception.Unauthorized):
        b2.api(key.id, reveal(key.outputs["applicationKey"]))


def test_destroying_an_adopted_bucket_that_holds_files_deletes_nothing_in_it(b2: FakeB2, engine: Engine) -> None:
    by_hand = b2.api().create_bucket(BUCKET_NAME, "allPrivate")
    by_hand.upload_bytes(b"user data", "users/1/avatar.png")
    stack = Deployment(engine)
    stack.up(plan(adoptExistingBucket=True, b2BucketId=by_hand.id_, **UNPROTECTED))
    with pytest.raises(HostError, match="still holds files"):
        stack.destroy()
    assert [fv.file_name for fv, _ in stored(b2, by_hand.id_).ls(recursive=True)] == ["users/1/avatar.png"]


@pytest.mark.parametrize("case", ["no-such-bucket", "another-bucket", "another-account", "object-lock"])
def test_a_wrong_bucket_id_stops_up_with_one_clear_error_and_changes_nothing(b2: FakeB2, engine: Engine, case: str) -> None:
    api = b2.api()
    settings: dict[str, Any] = {"adoptExistingBucket": True, **UNPROTECTED}
    if case == "no-such-bucket":
        settings["b2BucketId"], fix = "0" * 24, "b2BucketId"
    elif case == "another-bucket":
        settings["b2BucketId"], fix = api.create_bucket("raptscallions-other", "allPublic").id_, "b2BucketId"
    elif case == "another-account":
        # B2 bucket names are global: a bucket of that name in another account is not ours to take
        other_id, other_key = b2.sim.create_account()
        settings["b2BucketId"], fix = b2.api(other_id, other_key).create_bucket(BUCKET_NAME, "allPublic").id_, "b2BucketId"
    else:
        settings["b2BucketId"] = api.create_bucket(BUCKET_NAME, "allPublic", is_file_lock_enabled=True).id_
        fix = "b2ObjectLock: true"
    buckets_before = sorted((b.bucket_id, b.bucket_name, b.bucket_type) for b in b2.sim.bucket_name_to_bucket.values())
    keys_before = account_keys(b2)

    stack = Deployment(engine)
    with pytest.raises(HostError) as refused:
        stack.up(plan(**settings))

    message = str(refused.value)
    assert fix in message and "Nothing was created or changed" in message
    assert sorted((b.bucket_id, b.bucket_name, b.bucket_type) for b in b2.sim.bucket_name_to_bucket.values()) == buckets_before
    assert account_keys(b2) == keys_before and stack.state == {}


def test_a_created_stack_with_a_replica_through_every_engine_step(b2: FakeB2, engine: Engine) -> None:
    api = b2.api()
    master_keys = account_keys(b2)
    with_replica = {"b2ReplicaBucketName": REPLICA_NAME, **UNPROTECTED}
    first = plan(**with_replica)
    names = ("storage-bucket", "storage-app-key", "storage-replica", "storage-replication-source-key",
             "storage-replication-destination-key", "storage-replication")
    bucket, app_key, replica, source_key, destination_key, replication = (urn(first, n) for n in names)
    stack = Deployment(engine)

    # preview of a new stack: every dependent id unknown in Check; nothing reaches B2
    assert set(stack.up(first, preview=True).values()) == {"create"}
    replication_check = [c for c in sent(engine, "Check") if c.urn == replication][-1]
    assert set(json_format.MessageToDict(replication_check.news).values()) >= {UNKNOWN}
    assert api.list_buckets() == [] and sent(engine, "Create") == []

    # up
    assert set(stack.up(first).values()) == {"create"}
    source, target = stored(b2, stack.state[bucket].id), stored(b2, stack.state[replica].id)
    [rule] = source.replication.rules
    assert rule.destination_bucket_id == target.id_
    assert target.replication.source_to_destination_key_mapping == {
        stack.state[source_key].id: stack.state[destination_key].id
    }

    # refresh finds nothing changed
    assert set(stack.refresh().values()) == {"same"}

    # update: a preview leaves both buckets' ids unknown downstream; no key may be replaced
    changed = plan(**with_replica, softDeleteDays=14)
    preview = stack.up(changed, preview=True)
    assert preview[bucket] == preview[replica] == "update"
    assert preview[app_key] == preview[source_key] == preview[destination_key] == "same"
    assert preview[replication] != "replace"
    steps = stack.up(changed)
    assert steps[bucket] == steps[replica] == "update"
    assert {steps[k] for k in (app_key, source_key, destination_key, replication)} == {"same"}

    # replace: a new replica name makes a new bucket (created first, the old one deleted last)
    old_replica, old_destination_key = stack.state[replica], stack.state[destination_key]
    renamed = plan(**{**with_replica, "b2ReplicaBucketName": "raptscallions-staging-b2-copy"}, softDeleteDays=14)
    steps = stack.up(renamed)
    assert steps[replica] == steps[destination_key] == "replace" and steps[replication] == "update"
    assert steps[bucket] == steps[app_key] == steps[source_key] == "same"
    assert api.list_buckets(bucket_id=old_replica.id) == []
    assert api.get_key(old_destination_key.id) is None
    [rule] = stored(b2, stack.state[bucket].id).replication.rules
    assert rule.destination_bucket_id == stack.state[replica].id != old_replica.id

    # destroy: everything this stack made is gone, the provider's own key is left alone
    stack.destroy()
    assert api.list_buckets() == []
    assert account_keys(b2) == master_keys


def with_old_providers(declared: Plan) -> Plan:
    """`declared`, each dynamic resource carrying the serialized provider the old code wrote."""

    def old(resource: Any) -> Any:
        if resource.type not in OLD_PROVIDERS["providers"]:
            return resource
        blob = OLD_PROVIDERS["providers"][resource.type]
        was = resource.wire_inputs["__provider"]
        wire = {**resource.wire_inputs, "__provider": {**was, "value": blob} if is_secret(was) else blob}
        return replace(resource, wire_inputs=wire)

    return replace(declared, resources=tuple(old(r) for r in declared.resources))


def test_a_stack_deployed_before_the_split_refreshes_upgrades_and_destroys_through_the_host(
    b2: FakeB2, engine: Engine
) -> None:
    """The host loads a state's provider from the blob in the state (Read, Delete; the news'
    blob for Check, Diff, Update): the old code's blobs must load, and run, in this code."""
    api = b2.api()
    master_keys = account_keys(b2)
    current = plan(b2ReplicaBucketName=REPLICA_NAME, **UNPROTECTED)
    assert {r.type for r in current.resources if r.custom} == set(OLD_PROVIDERS["providers"])
    stack = Deployment(engine)

    # up by the old code: its state holds its blobs, inputs and outputs alike
    assert set(stack.up(with_old_providers(current)).values()) == {"create"}
    for state in stack.state.values():
        old_blob = OLD_PROVIDERS["providers"][name_and_type(state.urn)[1]]
        assert reveal(state.inputs["__provider"]) == reveal(state.outputs["__provider"]) == old_blob
    source = stored(b2, stack.state[urn(current, "storage-bucket")].id)
    [rule] = source.replication.rules
    assert rule.destination_bucket_id == stack.state[urn(current, "storage-replica")].id

    # refresh: each Read loads the old blob from the state and finds nothing changed
    assert set(stack.refresh().values()) == {"same"}

    # the new program on the old state: nothing to change, nothing replaced
    assert set(stack.up(current).values()) == {"same"}

    # destroy: each Delete loads the old blob from the state's outputs; everything made is gone
    stack.destroy()
    assert api.list_buckets() == []
    assert account_keys(b2) == master_keys
