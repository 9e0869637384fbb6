"""The strict B2 double (tests/support/b2_strict.py) refuses what Backblaze documents B2 refuses,
through b2sdk as B2 answers it (HTTP 400 `bad_request` -> `BadRequest`), and accepts valid
requests. Each refusal cites its page in tests/support/b2_strict.py (LIFECYCLE, CORS, KEYS)."""

from __future__ import annotations

from typing import Any

import pytest
from b2sdk.v2.exception import BadRequest

from infra.guide.cors import CorsRule
from infra.guide.lifecycle import LifecyclePolicy
from infra.offline.harness import Plan
from infra.providers.backblaze import rules
from tests.support import b2_strict
from tests.support.b2_fake import ORIGIN, FakeB2
from tests.support.plans import SHIPPED_STACKS, shipped_plan

B2_BUCKET_TYPE = "pulumi-python:dynamic/backblaze:Bucket"
B2_KEY_TYPE = "pulumi-python:dynamic/backblaze:ApplicationKey"

HIDE_30 = {"daysFromHidingToDeleting": 30}
CORS_OK = {
    "corsRuleName": "browser-uploads",
    "allowedOrigins": [ORIGIN],
    "allowedOperations": ["s3_get", "s3_put", "s3_head"],
    "allowedHeaders": ["*"],
    "exposeHeaders": ["ETag", "Content-Length"],
    "maxAgeSeconds": 3600,
}


def refusal(call: Any) -> BadRequest:
    with pytest.raises(BadRequest) as refused:
        call()
    assert refused.value.code == "bad_request"
    return refused.value


# --- lifecycle rules (LIFECYCLE) -------------------------------------------------------


@pytest.mark.parametrize(
    ("rules_given", "said"),
    [
        ([{"fileNamePrefix": "photos/", **HIDE_30}, {"fileNamePrefix": "photos/kittens/", **HIDE_30}], "both apply to the same files"),
        ([{"fileNamePrefix": "", **HIDE_30}, {"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30}], "both apply to the same files"),
        ([{"fileNamePrefix": "logs/", **HIDE_30}, {"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 3}], "both apply to the same files"),
        ([{"fileNamePrefix": f"f{i:03}/", **HIDE_30} for i in range(101)], "at most 100 lifecycle rules"),
        ([{"fileNamePrefix": ""}], "Rule with prefix '' must have at least one additional property defined"),
        ([{"fileNamePrefix": "a/", "daysFromHidingToDeleting": None, "daysFromUploadingToHiding": None}], "at least one additional property"),
        ([{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 0}], "positive whole number"),
        ([{"fileNamePrefix": "a/", "daysFromStartingToCancelingUnfinishedLargeFiles": -1}], "positive whole number"),
        ([{"fileNamePrefix": "a/", "daysFromUploadingToHiding": 1.5}], "positive whole number"),
        ([{"daysFromHidingToDeleting": 1}], "has no fileNamePrefix"),
    ],
    ids=["nested", "whole-bucket-and-folder", "same-prefix", "101-rules", "no-action", "all-null", "zero-days", "negative-days",
         "fractional-days", "no-prefix"],
)
def test_lifecycle_rules_b2_documents_as_invalid_are_refused(b2: FakeB2, rules_given: list, said: str) -> None:
    api = b2.api()
    error = refusal(lambda: api.create_bucket("strict-lifecycle", "allPrivate", lifecycle_rules=rules_given))
    assert said in error.message
    assert b2.sim.bucket_name_to_bucket == {}, "a refused create makes no bucket"
    bucket = api.create_bucket("strict-lifecycle", "allPrivate")
    refusal(lambda: bucket.update(lifecycle_rules=rules_given))
    assert api.get_bucket_by_name("strict-lifecycle").lifecycle_rules == [], "a refused update changes nothing"


def test_valid_lifecycle_rules_are_stored(b2: FakeB2) -> None:
    valid = [{"fileNamePrefix": f"f{i:02}/", **HIDE_30} for i in range(99)] + [
        {"fileNamePrefix": "photos/", "daysFromUploadingToHiding": 7, "daysFromHidingToDeleting": 1,
         "daysFromStartingToCancelingUnfinishedLargeFiles": 2},
    ]
    bucket = b2.api().create_bucket("strict-lifecycle", "allPrivate", lifecycle_rules=valid)
    assert len(bucket.lifecycle_rules) == 100
    whole_bucket = [{"fileNamePrefix": "", "daysFromHidingToDeleting": 1}]
    assert bucket.update(lifecycle_rules=whole_bucket).lifecycle_rules == whole_bucket


# --- CORS rules (CORS) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"corsRuleName": "short"}, "6-50 letters"),
        ({"corsRuleName": "x" * 51}, "6-50 letters"),
        ({"corsRuleName": "uploads_from_app"}, "6-50 letters"),
        ({"corsRuleName": "b2-uploads"}, "reserved for Backblaze"),
        ({"allowedOrigins": []}, "non-empty"),
        ({"allowedOrigins": ["*", ORIGIN]}, "'*' must be the only entry"),
        ({"allowedOrigins": ["https", "https"]}, "at most one 'https'"),
        ({"allowedOrigins": ["https", ORIGIN]}, "after 'https'"),
        ({"allowedOrigins": ["https://*.*.example.com"]}, "at most one '*'"),
        ({"allowedOrigins": [ORIGIN + "/path"]}, "is not an origin"),
        ({"allowedOperations": []}, "at least one operation"),
        ({"allowedOperations": ["s3_get", "s3_patch"]}, "unknown operation 's3_patch'"),
        ({"allowedHeaders": ["*", "content-type"]}, "'*' must be the only entry"),
        ({"allowedHeaders": ["x-*-info"]}, "is not a header name"),
        ({"allowedHeaders": ["content type"]}, "is not a header name"),
        ({"exposeHeaders": ["x-bz-*"]}, "not a complete header name"),
        ({"maxAgeSeconds": -1}, "maxAgeSeconds"),
        ({"maxAgeSeconds": 86_401}, "maxAgeSeconds"),
        ({"maxAgeSeconds": 3600.5}, "maxAgeSeconds"),
        ({"allowedOrigins": [f"https://app{i:03}.example.com" for i in range(40)]}, "less than 1000 bytes"),
    ],
)
def test_cors_rules_b2_documents_as_invalid_are_refused(b2: FakeB2, change: dict, said: str) -> None:
    api = b2.api()
    bad = [{**CORS_OK, **change}]
    assert said in refusal(lambda: api.create_bucket("strict-cors", "allPrivate", cors_rules=bad)).message
    bucket = api.create_bucket("strict-cors", "allPrivate", cors_rules=[CORS_OK])
    refusal(lambda: bucket.update(cors_rules=bad))
    assert api.get_bucket_by_name("strict-cors").cors_rules == [CORS_OK]


def test_too_many_or_duplicate_cors_rules_are_refused(b2: FakeB2) -> None:
    api = b2.api()
    many = [{**CORS_OK, "corsRuleName": f"rule-{i:03}"} for i in range(101)]
    assert "at most 100 CORS rules" in refusal(lambda: api.create_bucket("strict-cors", "allPrivate", cors_rules=many)).message
    twice = [CORS_OK, {**CORS_OK, "allowedOperations": ["s3_post"]}]
    assert "used twice" in refusal(lambda: api.create_bucket("strict-cors", "allPrivate", cors_rules=twice)).message


def test_valid_cors_rules_are_stored(b2: FakeB2) -> None:
    valid = [
        {**CORS_OK, "corsRuleName": f"rule-{i:03}"} for i in range(98)
    ] + [
        {"corsRuleName": "downloadFromAnyHttps", "allowedOrigins": ["https"], "allowedOperations": ["b2_download_file_by_name"],
         "allowedHeaders": ["range", "x-bz-info-*"], "exposeHeaders": ["x-bz-content-sha1"], "maxAgeSeconds": 86_400},
        {"corsRuleName": "local-dev-and-wildcards", "allowedOrigins": ["http://localhost:5173", "https://*.example.com", "https://*:8443"],
         "allowedOperations": ["s3_put"], "maxAgeSeconds": 0},
    ]  # fmt: skip
    bucket = b2.api().create_bucket("strict-cors", "allPrivate", cors_rules=valid)
    assert bucket.cors_rules == valid


# --- application key capabilities (KEYS) ------------------------------------------------


@pytest.mark.parametrize(
    ("capabilities", "said"),
    [(["readFiles", "readFile"], "unknown capability 'readFile'"), (["s3:GetObject"], "unknown capability"), ([], "at least one")],
)
def test_keys_with_undocumented_capabilities_are_refused(b2: FakeB2, capabilities: list, said: str) -> None:
    api = b2.api()
    assert said in refusal(lambda: api.create_key(capabilities, "strict-key")).message
    assert [k for k in api.list_keys() if k.key_name == "strict-key"] == []


def test_every_documented_capability_can_be_granted(b2: FakeB2) -> None:
    key = b2.api().create_key(sorted(b2_strict.KEY_CAPABILITIES), "strict-key")
    assert set(key.capabilities) == b2_strict.KEY_CAPABILITIES


# --- what this package renders passes the double ----------------------------------------


def test_every_rendering_passes_the_documented_constraints() -> None:
    for policy in (LifecyclePolicy(), LifecyclePolicy(noncurrent_version_days=None)):
        for app_prefixes in ((), ("uploads/",), tuple(f"f{i:02}/" for i in range(99))):
            rendered = rules.lifecycle_rules(policy, app_prefixes)
            assert b2_strict.lifecycle_problems(rendered) == [], (policy, app_prefixes)
    assert b2_strict.cors_problems(rules.cors_rules(CorsRule((ORIGIN, "http://localhost:5173")))) == []
    for capabilities in (rules.APP_CAPABILITIES, rules.REPLICATION_SOURCE_CAPABILITIES, rules.REPLICATION_DESTINATION_CAPABILITIES):
        assert b2_strict.capability_problems(capabilities) == []


def _b2_resources(plan: Plan, type_: str) -> list:
    return [r for r in plan.resources if r.type == type_]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_stacks_b2_requests_pass_the_documented_constraints(stack: str) -> None:
    """The offline plan of each shipped stack: every B2 bucket's lifecycle and CORS rules and
    every key's capabilities are what B2 accepts (stacks on other providers declare none)."""
    plan = shipped_plan(stack)
    assert plan.error is None, plan.error
    for bucket in _b2_resources(plan, B2_BUCKET_TYPE):
        assert b2_strict.lifecycle_problems(rules.normalized_lifecycle_rules(bucket.inputs["lifecycleRules"])) == [], stack
        assert b2_strict.cors_problems(rules.normalized_cors_rules(bucket.inputs["corsRules"])) == [], stack
    for key in _b2_resources(plan, B2_KEY_TYPE):
        assert b2_strict.capability_problems(key.inputs["capabilities"]) == [], stack


def test_b2_staging_declares_b2_buckets_checked_above() -> None:
    """Guard for the test above: b2-staging is a shipped stack and declares a B2 bucket and key."""
    assert "b2-staging" in SHIPPED_STACKS
    plan = shipped_plan("b2-staging")
    assert _b2_resources(plan, B2_BUCKET_TYPE) and _b2_resources(plan, B2_KEY_TYPE)


def test_the_providers_report_b2s_refusal_with_its_message(b2: FakeB2) -> None:
    """Through the dynamic bucket provider, B2's refusal reaches the user as one clear error."""
    from infra.providers.backblaze.b2_api import B2ProviderError
    from infra.providers.backblaze.bucket_provider import B2BucketProvider
    from tests.support.b2_fake import bucket_props, hosted

    props = bucket_props()
    props["lifecycleRules"] = [{"fileNamePrefix": "", **HIDE_30}, {"fileNamePrefix": "deleted/", "daysFromUploadingToHiding": 30}]
    with pytest.raises(B2ProviderError) as refused:
        hosted(B2BucketProvider()).create(props)
    assert "Backblaze refused to create bucket" in str(refused.value) and "both apply to the same files" in str(refused.value)
