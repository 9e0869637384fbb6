"""The AWS replica as a failover target (`awsReplicaRegion`): the outputs naming it, its CORS,
its access logging in its own region, the separate failover credential, and the pack's
verdicts on each (in process, and over gRPC preview-shaped). The failover `.env` on a real S3
engine: tests/effect/test_failover_rgw.py."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from infra.guide import contract
from infra.guide.permissions import app_policy_document
from infra.offline.harness import DeclaredResource, Plan, run_stack_file
from infra.offline.policy_check import analyze_plan
from tests.support.examples_support import EXAMPLES, example_plan, example_settings, rotation_step
from tests.support.plans import valid
from tests.support.policy_support import only, over_grpc, preview_shaped, violations

EXAMPLE = "aws-replica/Pulumi.prod.yaml"
"""examples/aws-replica: the use case these tests render (its README says what it declares)."""
BUCKET, REGION, REPLICA_REGION = (example_settings(EXAMPLE)[key] for key in ("bucketName", "region", "awsReplicaRegion"))
REPLICA = f"{BUCKET}-replica"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
LEAST_PRIVILEGE = "storage-credential-least-privilege"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return valid(example_plan(EXAMPLE))


def named(plan: Plan, name: str) -> DeclaredResource:
    [resource] = [r for r in plan.resources if r.name == name]
    return resource


def changed(plan: Plan, name: str, change: Callable[[dict[str, Any]], None]) -> Plan:
    """`plan` with the wire inputs of resource `name` changed by `change` (a careless edit)."""
    resources = []
    for resource in plan.resources:
        if resource.name == name:
            wire = json.loads(json.dumps(resource.wire_inputs))
            change(wire)
            resource = dataclasses.replace(resource, wire_inputs=wire, inputs=wire)
        resources.append(resource)
    return dataclasses.replace(plan, resources=tuple(resources))


def dropped(plan: Plan, *names: str) -> Plan:
    return dataclasses.replace(plan, resources=tuple(r for r in plan.resources if r.name not in names))


REPLICA_LOGS = (
    "storage-replica-access-logging",
    "storage-replica-access-logs",
    "storage-replica-access-logs-ownership",
    "storage-replica-access-logs-public-access-block",
    "storage-replica-access-logs-encryption",
    "storage-replica-access-logs-policy",
    "storage-replica-access-logs-lifecycle",
)
"""Everything the component declares to log the replica (a log bucket left without its
`BucketLogging` would be judged as a bucket of its own, unlogged)."""


# --- what the program declares -----------------------------------------------------------


def test_outputs_name_the_replica_and_the_failover_credential_the_secret_as_a_secret(plan: Plan) -> None:
    outputs = plan.outputs
    assert outputs["replicaBucket"] == REPLICA and outputs["replicaRegion"] == REPLICA_REGION
    assert outputs["replicaAccessKeyId"] == "FAKEACCESSKEY-storage-failover-key"
    assert outputs["replicaSecretAccessKey"] == "fake-secret-for-storage-failover-key"
    assert "replicaSecretAccessKey" in plan.secret_outputs and "replicaAccessKeyId" not in plan.secret_outputs
    assert "replicaEndpoint" not in outputs, "AWS exports no endpoint, on the replica either"
    # the everyday contract is unchanged: the app's bucket, region and key
    assert (outputs[contract.BUCKET], outputs[contract.REGION]) == (BUCKET, REGION)
    assert outputs[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-app-key"
    assert set(contract.FAILOVER_OUTPUTS.values()) - {"replicaEndpoint"} <= set(outputs)


def test_no_replica_no_failover_outputs(prod_plan: Plan) -> None:
    assert not set(contract.FAILOVER_OUTPUTS.values()) & set(prod_plan.outputs)
    assert not [r for r in prod_plan.resources if "failover" in r.name]


def test_replica_has_the_app_buckets_cors_rule(plan: Plan) -> None:
    app, replica = named(plan, "storage-cors"), named(plan, "storage-replica-cors")
    assert replica.inputs["corsRules"] == app.inputs["corsRules"]
    assert replica.inputs["corsRules"][0]["allowedOrigins"] == example_settings(EXAMPLE)["corsAllowedOrigins"]
    assert (replica.inputs["bucket"], replica.inputs["region"]) == (REPLICA, REPLICA_REGION)


def test_replica_logs_into_its_own_log_bucket_in_its_region(plan: Plan) -> None:
    logging = named(plan, "storage-replica-access-logging")
    log_bucket = named(plan, "storage-replica-access-logs")
    assert logging.inputs["bucket"] == REPLICA and logging.inputs["region"] == REPLICA_REGION
    assert logging.inputs["targetBucket"] == log_bucket.inputs["bucket"] == f"{REPLICA}-access-logs"
    assert log_bucket.inputs["region"] == REPLICA_REGION and log_bucket.protect is True
    [_, delivery] = json.loads(named(plan, "storage-replica-access-logs-policy").inputs["policy"])["Statement"]
    assert delivery["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:s3:::{REPLICA}"}
    # the primary's logging is as before
    assert named(plan, "storage-access-logging").inputs["targetBucket"] == f"{BUCKET}-access-logs"


def test_failover_user_holds_the_guides_permissions_on_the_replica_only(plan: Plan) -> None:
    user = named(plan, "storage-failover-user")
    assert user.inputs["name"] == f"{BUCKET}-failover" and user.inputs["path"] == "/raptscallions/"
    assert json.loads(named(plan, "storage-failover-policy").inputs["policy"]) == app_policy_document(REPLICA)
    assert json.loads(named(plan, "storage-app-policy").inputs["policy"]) == app_policy_document(BUCKET)
    assert user.urn in named(plan, "storage-failover-key").property_dependencies["user"]


def test_failover_keys_follow_the_credential_generations() -> None:
    rotated = run_stack_file(
        EXAMPLES / EXAMPLE,
        config_overrides=rotation_step(2),  # generations default and 2027-05, the app switched to 2027-05
    )
    assert rotated.error is None
    keys = sorted(r.name for r in rotated.of_type("aws:iam/accessKey:AccessKey") if "failover" in r.name)
    assert keys == ["storage-failover-key", "storage-failover-key-2027-05"]
    assert rotated.outputs["replicaAccessKeyId"] == "FAKEACCESSKEY-storage-failover-key-2027-05"
    assert rotated.outputs[contract.ACCESS_KEY_ID] == "FAKEACCESSKEY-storage-app-key-2027-05"


# --- the policy pack ----------------------------------------------------------------------


def test_replica_stack_with_failover_passes_the_pack(plan: Plan) -> None:
    assert violations(plan) == {}


def test_replica_without_access_logging_fails_the_pack_in_prod(plan: Plan) -> None:
    assert {r.name for r in plan.resources if r.name.startswith("storage-replica-access-log")} == set(REPLICA_LOGS)
    found = violations(dropped(plan, *REPLICA_LOGS))
    [message] = only(found, "storage-access-logging")
    assert "replica bucket" in message and "no server access logging" in message


def test_access_logging_off_flags_the_replica_too() -> None:
    off = example_plan(EXAMPLE, accessLogging=False)
    messages = only(violations(off), "storage-access-logging")
    assert len(messages) == 2 and sum("replica bucket" in m for m in messages) == 1


def test_replica_logging_into_the_other_regions_log_bucket_fails(plan: Plan) -> None:
    primary_logs = named(plan, "storage-access-logs")

    def to_primary_logs(resource: DeclaredResource) -> DeclaredResource:
        if resource.name != "storage-replica-access-logging":
            return resource
        deps = {**resource.property_dependencies, "targetBucket": (primary_logs.urn,)}
        wire = {**resource.wire_inputs, "targetBucket": primary_logs.wire_inputs["bucket"]}
        return dataclasses.replace(resource, wire_inputs=wire, property_dependencies=deps)

    own_logs = [n for n in REPLICA_LOGS if n != "storage-replica-access-logging"]
    edited = dropped(dataclasses.replace(plan, resources=tuple(to_primary_logs(r) for r in plan.resources)), *own_logs)
    [message] = only(violations(edited), "storage-access-logging")
    assert "in us-west-2 logs into a bucket in another region" in message


def _add_statement(statement: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(inputs: dict[str, Any]) -> None:
        document = json.loads(inputs["policy"])
        document["Statement"].append(statement)
        inputs["policy"] = json.dumps(document)

    return change


@pytest.mark.parametrize(
    ("policy", "statement", "fragment"),
    [
        # the everyday credential widened to the replica
        ("storage-app-policy", {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{REPLICA}/*"]}, "one credential reaches"),
        # the failover credential widened to the primary
        ("storage-failover-policy", {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": [f"arn:aws:s3:::{BUCKET}/*"]}, "one credential reaches"),
        # beyond the guide's actions, on the replica itself
        ("storage-failover-policy", {"Effect": "Allow", "Action": ["s3:PutBucketCors"], "Resource": [f"arn:aws:s3:::{REPLICA}"]}, "s3:PutBucketCors"),
        ("storage-failover-policy", {"Effect": "Allow", "Action": ["s3:*"], "Resource": [f"arn:aws:s3:::{REPLICA}/*"]}, "wildcard"),
        # a log bucket is never a credential's bucket
        ("storage-failover-policy", {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{REPLICA}-access-logs/*"]}, "not this stack's bucket"),
    ],
)
def test_a_wider_credential_is_refused(plan: Plan, policy: str, statement: dict[str, Any], fragment: str) -> None:
    messages = only(violations(changed(plan, policy, _add_statement(statement))), LEAST_PRIVILEGE)
    assert any(fragment in m for m in messages), messages


def test_a_managed_policy_on_the_failover_user_is_refused(plan: Plan) -> None:
    template = named(plan, "storage-failover-policy")
    attachment = dataclasses.replace(
        template,
        urn=template.urn.replace("aws:iam/userPolicy:UserPolicy::storage-failover-policy", "aws:iam/userPolicyAttachment:UserPolicyAttachment::admin"),
        type="aws:iam/userPolicyAttachment:UserPolicyAttachment",
        name="admin",
        wire_inputs={"user": f"{BUCKET}-failover", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    )
    [message] = only(violations(dataclasses.replace(plan, resources=(*plan.resources, attachment))), LEAST_PRIVILEGE)
    assert "managed policy" in message


def test_preview_shaped_failover_stack_over_grpc(analyzer, plan: Plan) -> None:
    preview = preview_shaped(plan)
    assert over_grpc(analyzer, preview) == []
    unlogged = dropped(preview, *REPLICA_LOGS)
    remote = over_grpc(analyzer, unlogged)
    assert {(v.policy, v.level) for v in remote} == {("storage-access-logging", "mandatory")}
    assert sorted(remote, key=str) == sorted(analyze_plan(unlogged), key=str)
