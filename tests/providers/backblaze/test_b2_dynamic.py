"""The B2 dynamic providers against b2sdk's in-memory B2 (tests/support/b2_fake.py).

Each operation runs as the dynamic-provider host runs it: the provider is serialized the
way `pulumi.dynamic` does (dill) and loaded back, and properties pass through Pulumi's
wire format (so numbers arrive as floats). Credentials come from the environment only.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import dill
import pytest
from b2sdk.v2 import exception as b2_exception
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.providers.backblaze import b2_api, rules
from infra.providers.backblaze.b2_api import KEY_ENV, KEY_ID_ENV, B2ProviderError
from infra.providers.backblaze.bucket_provider import B2BucketProvider
from infra.providers.backblaze.key_provider import B2ApplicationKeyProvider
from tests.support import b2_rules_reading as reading
from tests.support.b2_fake import (
    APP_PREFIXES,
    BUCKET,
    ORIGIN,
    REGION,
    S3_URL,
    FakeB2,
    bucket_props,
    create_bucket,
    hosted,
    key_props,
    wire,
)

# ---- bucket -------------------------------------------------------------------------


def test_create_stores_private_bucket_rules_and_encryption_exactly(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket()
    stored = b2.api().list_buckets(bucket_id=bucket_id)[0]
    assert stored.name == BUCKET and stored.type_ == "allPrivate"
    assert rules.normalized_lifecycle_rules(stored.lifecycle_rules) == rules.normalized_lifecycle_rules(
        rules.lifecycle_rules(LifecyclePolicy(), APP_PREFIXES)
    )
    assert stored.cors_rules == rules.cors_rules(CorsRule((ORIGIN,)))
    assert stored.default_server_side_encryption.as_dict() == {"mode": "SSE-B2", "algorithm": "AES256"}
    assert stored.is_file_lock_enabled is False
    assert all(isinstance(r[k], int) for r in stored.lifecycle_rules for k in r if k != "fileNamePrefix")
    assert outs["bucketId"] == bucket_id and outs["s3ApiUrl"] == S3_URL and outs["s3Region"] == REGION


def test_object_lock_is_set_at_creation_and_cannot_be_turned_off(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket(fileLockEnabled=True)
    assert b2.api().list_buckets(bucket_id=bucket_id)[0].is_file_lock_enabled is True
    failures = B2BucketProvider().check(outs, bucket_props(fileLockEnabled=False)).failures
    assert [f.property for f in failures] == ["fileLockEnabled"]


def test_update_changes_rules_in_place(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket()
    policy = LifecyclePolicy(soft_delete_prefix="trash/", soft_delete_days=14, noncurrent_version_days=3)
    news = bucket_props(policy=policy)
    news["corsRules"][0]["maxAgeSeconds"] = 600.0
    diff = hosted(B2BucketProvider()).diff(bucket_id, outs, news)
    assert diff.changes is True and diff.replaces == []
    updated = hosted(B2BucketProvider()).update(bucket_id, outs, news).outs
    stored = b2.api().list_buckets(bucket_id=bucket_id)[0]
    assert stored.id_ == bucket_id
    assert reading.lifecycle_policy_of(stored.lifecycle_rules) == policy
    assert stored.cors_rules[0]["maxAgeSeconds"] == 600
    assert updated["bucketId"] == bucket_id and reading.lifecycle_policy_of(updated["lifecycleRules"]) == policy


def test_diff_replaces_on_a_new_name_and_sees_no_change_in_wire_floats(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket()
    provider = hosted(B2BucketProvider())
    same = provider.diff(bucket_id, wire(outs), bucket_props())
    assert same.changes is False and same.replaces == []
    renamed = provider.diff(bucket_id, outs, bucket_props(name="raptscallions-b2-other"))
    assert renamed.changes is True and renamed.replaces == ["bucketName"]


def test_read_reports_drift_and_a_vanished_bucket(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket()
    b2.api().list_buckets(bucket_id=bucket_id)[0].update(lifecycle_rules=[{"fileNamePrefix": "", "daysFromHidingToDeleting": 365}])
    read = hosted(B2BucketProvider()).read(bucket_id, outs)
    assert read.id == bucket_id
    assert read.inputs["lifecycleRules"] == [{"fileNamePrefix": "", "daysFromHidingToDeleting": 365}]
    assert hosted(B2BucketProvider()).diff(bucket_id, read.outs, bucket_props()).changes is True
    b2.api().delete_bucket(b2.api().get_bucket_by_id(bucket_id))
    assert hosted(B2BucketProvider()).read(bucket_id, outs).id == ""


def test_empty_bucket_is_deleted(b2: FakeB2) -> None:
    bucket_id, outs = create_bucket()
    hosted(B2BucketProvider()).delete(bucket_id, outs)
    assert b2.api().list_buckets(bucket_name=BUCKET) == []


@pytest.mark.parametrize("content", ["file", "hidden-file", "unfinished-large-file"])
def test_deleting_a_bucket_that_holds_anything_is_refused_and_nothing_is_touched(b2: FakeB2, content: str) -> None:
    bucket_id, outs = create_bucket()
    api = b2.api()
    bucket = api.get_bucket_by_id(bucket_id)
    if content in ("file", "hidden-file"):
        bucket.upload_bytes(b"user data", "users/1/avatar.png")
    if content == "hidden-file":
        bucket.hide_file("users/1/avatar.png")
    if content == "unfinished-large-file":
        api.session.start_large_file(bucket_id, "uploads/big.bin", "b2/x-auto", {})
    before = api.session.list_file_versions(bucket_id, max_file_count=100)["files"]
    before_large = api.session.list_unfinished_large_files(bucket_id, max_file_count=100)["files"]

    with pytest.raises(B2ProviderError, match="still holds files") as refused:
        hosted(B2BucketProvider()).delete(bucket_id, outs)

    assert "NOT deleted" in str(refused.value) and BUCKET in str(refused.value)
    assert api.list_buckets(bucket_id=bucket_id), "the bucket still exists"
    assert api.session.list_file_versions(bucket_id, max_file_count=100)["files"] == before
    assert api.session.list_unfinished_large_files(bucket_id, max_file_count=100)["files"] == before_large


def test_a_name_taken_elsewhere_or_here_says_what_to_do(b2: FakeB2) -> None:
    other_id, other_key = b2.sim.create_account()
    b2.api(other_id, other_key).create_bucket("someone-elses-bucket", "allPrivate")
    with pytest.raises(B2ProviderError, match="another Backblaze account") as elsewhere:
        create_bucket(name="someone-elses-bucket")
    assert "bucketName" in str(elsewhere.value)
    create_bucket()
    with pytest.raises(B2ProviderError, match="in this B2 account .*adoptExistingBucket: true and b2BucketId: [0-9a-f]{24}"):
        create_bucket()


def test_region_that_is_not_the_accounts_is_refused_before_anything_is_created(b2: FakeB2) -> None:
    with pytest.raises(B2ProviderError, match="us-west-004") as refused:
        create_bucket(region="eu-central-003")
    assert "eu-central-003" in str(refused.value)
    assert b2.api().list_buckets() == []
    bucket_id, outs = create_bucket(region=REGION)
    assert outs["region"] == REGION and outs["s3Region"] == REGION


def test_rate_limit_after_b2sdk_retries_gives_a_clear_message(b2: FakeB2, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_many(*args: Any, **kwargs: Any) -> None:
        raise b2_exception.TooManyRequests(retry_after_seconds=1)

    monkeypatch.setattr(b2.sim, "create_bucket", too_many)
    with pytest.raises(B2ProviderError, match="rate-limiting") as limited:
        create_bucket()
    assert "run the command again" in str(limited.value)
    assert limited.value.__cause__ is None and limited.value.__suppress_context__


# ---- credentials ----------------------------------------------------------------------


@pytest.mark.parametrize("unset", [KEY_ID_ENV, KEY_ENV])
def test_missing_credentials_name_the_variable_and_call_nothing(
    b2: FakeB2, monkeypatch: pytest.MonkeyPatch, unset: str
) -> None:
    monkeypatch.delenv(unset)
    monkeypatch.setattr(b2_api, "API_FACTORY", lambda: pytest.fail("no B2 client may be built without credentials"))
    with pytest.raises(B2ProviderError, match=unset):
        create_bucket()


def test_bad_credentials_are_named_without_revealing_the_secret(b2: FakeB2, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "wrong-secret-value-0123456789"
    monkeypatch.setenv(KEY_ENV, wrong)
    with pytest.raises(B2ProviderError) as refused:
        create_bucket()
    message = str(refused.value)
    assert KEY_ID_ENV in message and KEY_ENV in message
    assert wrong not in message and b2.key not in message


def test_credentials_are_read_at_each_operation_not_kept(b2: FakeB2, monkeypatch: pytest.MonkeyPatch) -> None:
    provider = hosted(B2BucketProvider())
    bucket_id, outs = create_bucket()
    monkeypatch.setenv(KEY_ENV, "rotated-away")
    with pytest.raises(B2ProviderError, match=KEY_ENV):
        provider.read(bucket_id, outs)


def test_serialized_providers_and_outputs_hold_no_credential(b2: FakeB2) -> None:
    bucket_provider, key_provider = B2BucketProvider(), B2ApplicationKeyProvider()
    created = bucket_provider.create(bucket_props())
    bucket_outs = bucket_provider.read(created.id, created.outs).outs
    bucket_id = created.id
    key_outs = key_provider.create(key_props(bucket_id)).outs
    credentials = (b2.key_id, b2.key)
    for provider in (bucket_provider, key_provider):
        serialized = serialize_provider(provider)
        raw = base64.b64decode(serialized)
        assert not any(c.encode() in raw or c in serialized for c in credentials)
        assert vars(dill.loads(raw)) == {}, "the provider carries no state"
        assert b"b2sdk" not in raw and b"B2Api" not in raw, "no client object is pickled"
    state = json.dumps([bucket_outs, key_outs])
    assert not any(c in state for c in credentials)


# ---- application key ------------------------------------------------------------------


def test_key_is_restricted_to_the_bucket_with_exactly_the_apps_capabilities(b2: FakeB2) -> None:
    bucket_id, _ = create_bucket()
    b2.api().create_bucket("raptscallions-b2-other", "allPrivate")
    result = hosted(B2ApplicationKeyProvider()).create(key_props(bucket_id))
    outs = result.outs
    assert result.id == outs["applicationKeyId"] and outs["applicationKey"]

    app = b2.api(outs["applicationKeyId"], outs["applicationKey"])
    allowed = app.account_info.get_allowed()
    assert (allowed["bucketId"], allowed["bucketName"]) == (bucket_id, BUCKET)
    assert sorted(allowed["capabilities"]) == sorted(rules.APP_CAPABILITIES)
    assert reading.capability_problem(allowed["capabilities"]) is None

    # The simulator checks a restricted key's bucket only on calls that name the bucket
    # (it refuses even the key's own uploads), so the provider key writes and the app key lists.
    b2.api().get_bucket_by_id(bucket_id).upload_bytes(b"hello", "users/1/a.txt")
    own = app.get_bucket_by_name(BUCKET)
    assert [fv.file_name for fv, _ in own.ls(recursive=True)] == ["users/1/a.txt"]
    with pytest.raises(b2_exception.B2Error):
        app.list_buckets(bucket_name="raptscallions-b2-other")
    with pytest.raises(b2_exception.B2Error):
        app.create_bucket("raptscallions-b2-third", "allPrivate")
    with pytest.raises(b2_exception.B2Error):
        app.create_key(["listFiles"], "escalation")


def test_key_diff_replaces_on_any_change_and_read_keeps_the_secret(b2: FakeB2) -> None:
    bucket_id, _ = create_bucket()
    provider = hosted(B2ApplicationKeyProvider())
    result = provider.create(key_props(bucket_id))
    assert provider.diff(result.id, wire(result.outs), key_props(bucket_id)).changes is False
    wider = provider.diff(result.id, result.outs, key_props(bucket_id, capabilities=(*rules.APP_CAPABILITIES, "writeKeys")))
    assert wider.changes is True and wider.replaces == ["capabilities"]
    moved = provider.diff(result.id, result.outs, key_props("bucket_99", bucket_name="raptscallions-b2-other"))
    assert moved.replaces == ["keyName", "bucketId", "bucketName"]
    preview = {**key_props(bucket_id), "bucketId": rpc.UNKNOWN}
    assert provider.diff(result.id, result.outs, preview).changes is False, "a bucket update's preview keeps the key"
    renamed = {**key_props(bucket_id, bucket_name="raptscallions-b2-other"), "bucketId": rpc.UNKNOWN}
    assert "bucketId" in provider.diff(result.id, result.outs, renamed).replaces
    read = provider.read(result.id, result.outs)
    assert read.id == result.id and read.outs["applicationKey"] == result.outs["applicationKey"]
    assert sorted(read.inputs["capabilities"]) == sorted(rules.APP_CAPABILITIES)


def test_deleting_the_key_revokes_it(b2: FakeB2) -> None:
    bucket_id, _ = create_bucket()
    provider = hosted(B2ApplicationKeyProvider())
    result = provider.create(key_props(bucket_id))
    provider.delete(result.id, result.outs)
    with pytest.raises(b2_exception.Unauthorized):
        b2.api(result.outs["applicationKeyId"], result.outs["applicationKey"])
    assert provider.read(result.id, result.outs).id == ""
    provider.delete(result.id, result.outs)  # already revoked: nothing to do, no error


def test_create_with_an_adopt_id_takes_the_bucket_over_in_place(b2: FakeB2) -> None:
    """Unit test of `create`'s adoption; tests/providers/backblaze/test_b2_engine.py runs it as the engine does."""
    by_hand = b2.api().create_bucket(BUCKET, "allPublic")
    declared = bucket_props(adoptBucketId=by_hand.id_)
    created = hosted(B2BucketProvider()).create(declared)
    assert created.id == by_hand.id_ and created.outs["bucketId"] == by_hand.id_
    stored = b2.api().list_buckets(bucket_id=by_hand.id_)[0]
    assert stored.type_ == "allPrivate"
    assert reading.lifecycle_policy_of(stored.lifecycle_rules) == LifecyclePolicy()
    assert stored.default_server_side_encryption.as_dict() == rules.SSE_B2
    assert [b.id_ for b in b2.api().list_buckets()] == [by_hand.id_]
    assert hosted(B2BucketProvider()).create(declared).id == by_hand.id_, "adopting again is harmless"
    diff = hosted(B2BucketProvider()).diff(by_hand.id_, created.outs, bucket_props())
    assert diff.changes is False, "the adopt id is not compared: turning adoption off changes nothing"


def test_a_key_is_never_created_without_a_bucket(b2: FakeB2) -> None:
    """Outside Check/Diff the host turns a preview's unknown into None; b2_create_key without a
    bucket would make a key for the whole account."""
    with pytest.raises(B2ProviderError, match="restricted to a known bucket"):
        hosted(B2ApplicationKeyProvider()).create({**key_props("x"), "bucketId": None})
    assert list(b2.api().list_keys()) == [], "no key was created"
