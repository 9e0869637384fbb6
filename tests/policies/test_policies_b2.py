"""The policy pack on Backblaze B2 stacks (dynamic resources): compliant as shipped, and
the exact violation for each broken variant."""

from __future__ import annotations

from typing import Any

import pytest

from infra.offline.harness import run_plan
from infra.offline.policy_check import analyze_stack_request, in_process_analyzer
from infra.providers.backblaze import rules
from tests.support.plans import shipped_plan
from tests.support.policy_support import edit, only, violations

B2 = "b2-staging"
BUCKET = "pulumi-python:dynamic/backblaze:Bucket"
KEY = "pulumi-python:dynamic/backblaze:ApplicationKey"


def test_shipped_b2_stack_is_compliant_and_every_b2_rule_applies() -> None:
    plan = shipped_plan(B2)
    assert violations(plan) == {}
    response = in_process_analyzer().AnalyzeStack(analyze_stack_request(plan), None)
    not_applicable = {n.policy_name: n.reason for n in response.not_applicable}
    # B2 has an encryption switch and versioning; only TLS (no bucket policy) and tags are not judged.
    assert "storage-encryption-at-rest" not in not_applicable
    assert "storage-versioning" not in not_applicable
    assert "storage-credential-least-privilege" not in not_applicable
    assert "storage-no-public-access" not in not_applicable


@pytest.mark.parametrize(
    ("overrides", "policy"),
    [
        ({"softDeleteDays": "45"}, "storage-lifecycle-soft-delete"),
        ({"abortIncompleteMultipartDays": "9"}, "storage-lifecycle-abort-multipart"),
        ({"corsAllowedMethods": ["GET", "PUT", "DELETE"]}, "storage-cors-methods"),
        ({"protect": "false", "environment": "prod", "corsAllowedOrigins": ["https://raptscallions.com"]}, "storage-bucket-protected"),
    ],
)
def test_settings_that_break_a_rule(overrides: dict[str, Any], policy: str) -> None:
    plan = run_plan(B2, config_overrides=overrides)
    assert plan.error is None, plan.error
    only(violations(plan), policy)


def test_a_public_bucket_is_refused() -> None:
    plan = edit(shipped_plan(B2), BUCKET, lambda inputs: inputs.update(bucketType="allPublic"))
    assert "'allPublic' is not 'allPrivate'" in only(violations(plan), "storage-no-public-access")[0]


@pytest.mark.parametrize("sse", [{"mode": None}, {"mode": "SSE-C", "algorithm": "AES256"}])
def test_a_bucket_without_default_sse_b2_is_refused(sse: dict[str, Any]) -> None:
    plan = edit(shipped_plan(B2), BUCKET, lambda inputs: inputs.update(defaultServerSideEncryption=sse))
    assert "must default to 'SSE-B2'" in only(violations(plan), "storage-encryption-at-rest")[0]


def test_hiding_every_file_is_a_blanket_expiry() -> None:
    def blanket(inputs: dict[str, Any]) -> None:
        inputs["lifecycleRules"].append({"fileNamePrefix": "", rules.HIDE_AFTER: 30, rules.CANCEL_LARGE_FILES_AFTER: 7})

    messages = only(violations(edit(shipped_plan(B2), BUCKET, blanket)), "storage-lifecycle-no-blanket-expiry")
    assert "whole bucket" in messages[0]


@pytest.mark.parametrize("app_prefixes", [[], ["uploads/", "exports/"]])
def test_every_b2_rule_must_cancel_unfinished_uploads(app_prefixes: list[str]) -> None:
    """B2 refuses a whole-bucket rule beside the soft-delete rule (tests/support/b2_strict.py), so the
    pack asks each rule to cancel unfinished large files itself; one that does not is refused."""
    plan = run_plan(B2, config_overrides={"b2AppPrefixes": app_prefixes})
    assert violations(plan) == {}

    def one_rule_never_cancels(inputs: dict[str, Any]) -> None:
        inputs["lifecycleRules"][-1].pop(rules.CANCEL_LARGE_FILES_AFTER)

    only(violations(edit(plan, BUCKET, one_rule_never_cancels)), "storage-lifecycle-abort-multipart")


def test_a_native_b2_cors_operation_is_reported_as_a_method_the_app_never_uses() -> None:
    def native(inputs: dict[str, Any]) -> None:
        inputs["corsRules"][0]["allowedOperations"].append("b2_download_file_by_name")

    messages = only(violations(edit(shipped_plan(B2), BUCKET, native)), "storage-cors-methods")
    assert "b2_download_file_by_name" in messages[0].lower()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"bucketName": None, "bucketId": None}, "not restricted to a bucket"),
        ({"bucketName": "someone-elses-bucket"}, "'someone-elses-bucket', which is not this stack's bucket"),
        ({"capabilities": [*rules.APP_CAPABILITIES, "listAllBucketNames"]}, "(listAllBucketNames)"),
        ({"capabilities": [*rules.APP_CAPABILITIES, "writeBuckets", "deleteKeys"]}, "(deleteKeys, writeBuckets)"),
    ],
)
def test_b2_key_least_privilege(change: dict[str, Any], expected: str) -> None:
    plan = edit(shipped_plan(B2), KEY, lambda inputs: inputs.update(change))
    messages = only(violations(plan), "storage-credential-least-privilege")
    assert any(expected in m for m in messages), messages


def test_a_key_with_fewer_capabilities_is_not_a_privilege_violation() -> None:
    plan = edit(shipped_plan(B2), KEY, lambda inputs: inputs.update(capabilities=["readFiles", "listFiles"]))
    assert violations(plan) == {}
