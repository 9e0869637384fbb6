"""Pure Spaces and R2 helpers: credential scope, S3 key derivation, rule translations."""

from __future__ import annotations

import json

import pytest

from infra.providers.cloudflare.access import (
    OBJECT_READ_GROUP,
    PermissionGroupError,
    bucket_resource_key,
    pick_permission_group,
    s3_secret_access_key,
    token_resources,
)
from infra.providers.cloudflare.documents import days_to_seconds
from tests.support.s3_documents import s3_lifecycle_from_r2_rules, s3_lifecycle_from_spaces_rules

ACCOUNT = "0123456789abcdef0123456789abcdef"
R2 = "com.cloudflare.edge.r2.bucket"


def test_resource_key_names_account_jurisdiction_and_bucket() -> None:
    assert bucket_resource_key(ACCOUNT, "default", "b") == f"{R2}.{ACCOUNT}_default_b"
    assert bucket_resource_key(ACCOUNT, "eu", "b") == f"{R2}.{ACCOUNT}_eu_b"
    assert json.loads(token_resources(ACCOUNT, "fedramp", "b")) == {f"{R2}.{ACCOUNT}_fedramp_b": "*"}


def test_s3_secret_is_the_sha256_hex_of_the_token_value() -> None:
    assert s3_secret_access_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert len(s3_secret_access_key("x" * 40)) == 64


def group(id_: str, name: str, scopes: list[str]) -> dict:
    return {"id": id_, "name": name, "scopes": scopes}


def test_pick_takes_the_exact_bucket_scoped_name_only() -> None:
    groups = [
        group("admin", "Workers R2 Storage Read", ["com.cloudflare.api.account"]),
        group("item-read", OBJECT_READ_GROUP, [R2]),
        group("lookalike", OBJECT_READ_GROUP + " (legacy)", [R2]),
    ]
    assert pick_permission_group(OBJECT_READ_GROUP, groups) == "item-read"


@pytest.mark.parametrize(
    ("groups", "says"),
    [
        ([], "no permission group named"),
        ([group("x", OBJECT_READ_GROUP, ["com.cloudflare.api.account"])], "no permission group named"),
        ([group("x", OBJECT_READ_GROUP, [R2]), group("y", OBJECT_READ_GROUP, [R2])], "refusing to guess"),
    ],
)
def test_pick_refuses_missing_wrongly_scoped_or_ambiguous_groups(groups: list[dict], says: str) -> None:
    with pytest.raises(PermissionGroupError, match=says):
        pick_permission_group(OBJECT_READ_GROUP, groups)


def test_r2_ages_are_whole_days_in_seconds() -> None:
    assert days_to_seconds(30) == 2592000
    rule = {"id": "r", "enabled": True, "conditions": {"prefix": "p/"}}
    odd = {**rule, "deleteObjectsTransition": {"condition": {"type": "Age", "maxAge": 90000}}}
    with pytest.raises(ValueError, match="whole number of days"):
        s3_lifecycle_from_r2_rules([odd])
    dated = {**rule, "deleteObjectsTransition": {"condition": {"type": "Date", "date": "2030-01-01"}}}
    with pytest.raises(ValueError, match="Age"):
        s3_lifecycle_from_r2_rules([dated])


def test_spaces_expiration_prefers_date_then_days_then_delete_marker_like_the_provider() -> None:
    rules = [
        {"id": "a", "enabled": True, "expiration": {"date": "2030-01-01", "days": 5}},
        {"id": "b", "enabled": False, "prefix": "x/", "expiration": {"days": 5.0, "expiredObjectDeleteMarker": True}},
        {"id": "c", "enabled": True, "expiration": {"expiredObjectDeleteMarker": True}},
    ]
    converted = s3_lifecycle_from_spaces_rules(rules)["Rules"]
    assert [r["Expiration"] for r in converted] == [{"Date": "2030-01-01"}, {"Days": 5}, {"ExpiredObjectDeleteMarker": True}]
    assert [r["Status"] for r in converted] == ["Enabled", "Disabled", "Enabled"]
    assert [r["Filter"] for r in converted] == [{"Prefix": ""}, {"Prefix": "x/"}, {"Prefix": ""}]
