"""Server access logging on DigitalOcean Spaces: the log Space and `SpacesBucketLogging` as the
real program declares them (Pulumi mocks), the settings that control them, and the policy
pack's verdicts on them in process (over gRPC: tests/policies/test_policy_protocol.py)."""

from __future__ import annotations

import dataclasses

import pytest

from infra.guide.lifecycle import ABORT_MULTIPART_RULE_ID
from infra.offline.harness import DeclaredResource, Plan, run_plan
from infra.offline.policy_check import analyze_plan
from infra.providers.access_logging import ACCESS_LOG_PREFIX, LOG_EXPIRY_RULE_ID, access_log_bucket_name
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings
from tests.support.plans import shipped_plan, valid
from tests.support.policy_support import edit, only, violations
from tests.support.s3_documents import s3_lifecycle_from_spaces_rules

STACK = "spaces-staging"
BUCKET = "raptscallions-staging-spaces"
LOG_SPACE = "raptscallions-staging-spaces-access-logs"
SPACES_BUCKET = "digitalocean:index/spacesBucket:SpacesBucket"
SPACES_KEY = "digitalocean:index/spacesKey:SpacesKey"
SPACES_LOGGING = "digitalocean:index/spacesBucketLogging:SpacesBucketLogging"
PROD = {"environment": "prod"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return valid(shipped_plan(STACK))


def space(plan: Plan, name: str) -> DeclaredResource:
    [found] = [r for r in plan.of_type(SPACES_BUCKET) if r.inputs["name"] == name]
    return found


def test_log_space_is_private_protected_in_the_same_region_and_never_force_destroyed(plan: Plan) -> None:
    logs = space(plan, LOG_SPACE)
    assert access_log_bucket_name(BUCKET) == LOG_SPACE
    assert logs.protect is True
    assert logs.inputs["acl"] == "private" and logs.inputs["forceDestroy"] is False
    assert logs.inputs["region"] == space(plan, BUCKET).inputs["region"] == "nyc3"
    assert "corsRules" not in logs.inputs and "versioning" not in logs.inputs


def test_protect_false_unprotects_the_log_space_too() -> None:
    assert space(run_plan(STACK, config_overrides={"protect": "false"}), LOG_SPACE).protect is False


def test_log_files_expire_after_access_log_days_under_the_log_prefix_and_uploads_are_aborted() -> None:
    plan = run_plan(STACK, config_overrides={"accessLogDays": "30", "abortIncompleteMultipartDays": "5"})
    rules = space(plan, LOG_SPACE).inputs["lifecycleRules"]
    assert s3_lifecycle_from_spaces_rules(rules) == {
        "Rules": [
            {"ID": LOG_EXPIRY_RULE_ID, "Status": "Enabled", "Filter": {"Prefix": ACCESS_LOG_PREFIX}, "Expiration": {"Days": 30}},
            {
                "ID": ABORT_MULTIPART_RULE_ID,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 5},
            },
        ]
    }


def test_logging_sends_the_app_spaces_logs_to_the_log_space_under_the_prefix(plan: Plan) -> None:
    logging = plan.one(SPACES_LOGGING)
    assert logging.inputs == {"bucket": BUCKET, "region": "nyc3", "targetBucket": LOG_SPACE, "targetPrefix": ACCESS_LOG_PREFIX}
    assert space(plan, BUCKET).urn in logging.property_dependencies["bucket"]
    assert space(plan, LOG_SPACE).urn in logging.property_dependencies["targetBucket"]


def test_app_key_is_granted_on_the_app_space_only(plan: Plan) -> None:
    key = plan.one(SPACES_KEY)
    assert key.inputs["grants"] == [{"bucket": BUCKET, "permission": "readwrite"}]
    assert space(plan, LOG_SPACE).urn not in key.property_dependencies["grants"]


def test_access_logging_off_declares_no_log_resources() -> None:
    plan = run_plan(STACK, config_overrides={"accessLogging": "false"})
    assert plan.error is None, plan.error
    assert [r.inputs["name"] for r in plan.of_type(SPACES_BUCKET)] == [BUCKET] and not plan.of_type(SPACES_LOGGING)


def spaces_settings(**extra: object) -> dict[str, object]:
    return {
        "provider": "digitalocean",
        "bucketName": BUCKET,
        "region": "nyc3",
        "corsAllowedOrigins": ["https://staging.raptscallions.com"],
        **extra,
    }


def test_access_log_settings_are_read_for_spaces() -> None:
    options = load_settings(spaces_settings(accessLogDays=14, accessLogging=False), stack="dev").options
    assert (options.access_logging, options.access_log_days) == (False, 14)
    default = load_settings(spaces_settings(), stack="dev").options
    assert (default.access_logging, default.access_log_days) == (True, 90)


def test_bad_access_log_settings_are_all_reported_by_key() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(spaces_settings(accessLogDays=0, accessLogging="maybe"), stack="dev")
    assert {problem.key for problem in caught.value.problems} == {"accessLogDays", "accessLogging"}


# --- the policy pack ---------------------------------------------------------------------


def test_shipped_spaces_stack_logs_and_passes_the_pack_in_prod_too() -> None:
    assert violations(run_plan(STACK, config_overrides=PROD)) == {}


def test_prod_without_access_logging_is_refused_with_the_fix() -> None:
    plan = run_plan(STACK, config_overrides={**PROD, "accessLogging": "false"})
    [message] = only(violations(plan), "storage-access-logging")
    assert "accessLogging to true" in message
    [verdict] = analyze_plan(plan)
    assert (verdict.policy, verdict.level, verdict.urn) == ("storage-access-logging", "mandatory", space(plan, BUCKET).urn)


def test_non_prod_without_access_logging_is_only_advised() -> None:
    [verdict] = analyze_plan(run_plan(STACK, config_overrides={"accessLogging": "false"}))
    assert (verdict.policy, verdict.level) == ("storage-access-logging-nonprod", "advisory")


def test_logging_into_the_app_space_itself_is_refused() -> None:
    plan = run_plan(STACK, config_overrides=PROD)
    app = space(plan, BUCKET)

    def into_itself(resource: DeclaredResource) -> DeclaredResource:
        if resource.type != SPACES_LOGGING:
            return resource
        deps = {**resource.property_dependencies, "targetBucket": (app.urn,)}
        return dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "targetBucket": BUCKET}, property_dependencies=deps)

    kept = [into_itself(r) for r in plan.resources if r.name != "storage-access-logs"]
    [message] = only(violations(dataclasses.replace(plan, resources=tuple(kept))), "storage-access-logging")
    assert "separate log Space" in message


def test_app_key_granted_on_the_log_space_is_refused() -> None:
    plan = run_plan(STACK, config_overrides=PROD)
    also_logs = edit(plan, SPACES_KEY, lambda inputs: inputs["grants"].append({"bucket": LOG_SPACE, "permission": "read"}))
    [message] = only(violations(also_logs), "storage-credential-least-privilege")
    assert "log Space" in message and LOG_SPACE in message
