"""Helpers for policy tests: change a plan's resources the way a careless edit would."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from pulumi.runtime.proto import analyzer_pb2_grpc

from infra.offline.harness import DeclaredResource, Plan
from infra.offline.policy_check import Verdict, analyze_plan, analyze_requests, analyze_stack_request, verdicts_from


def with_resources(plan: Plan, resources: list[DeclaredResource]) -> Plan:
    return dataclasses.replace(plan, resources=tuple(resources))


def edit(plan: Plan, type_name: str, change: Callable[[dict[str, Any]], None]) -> Plan:
    """A copy of `plan` where every app resource of `type_name` (not the access-log bucket's, see
    `app_part`) has its wire inputs changed in place by `change`."""
    resources = []
    for resource in plan.resources:
        if resource.type == type_name and "access-log" not in resource.name:
            wire = json.loads(json.dumps(resource.wire_inputs))
            change(wire)
            resource = dataclasses.replace(resource, wire_inputs=wire)
        resources.append(resource)
    return with_resources(plan, resources)


def without(plan: Plan, type_name: str) -> Plan:
    return with_resources(plan, [r for r in plan.resources if r.type != type_name])


def add(plan: Plan, like: str, type_name: str, name: str, inputs: dict[str, Any]) -> Plan:
    """`plan` plus a resource of `type_name`, parented and wired to the bucket like the `like` resource."""
    template = app_part(plan).one(like)
    extra = dataclasses.replace(
        template,
        urn=template.urn.rsplit("::", 2)[0] + f"::{type_name}::{name}",
        type=type_name,
        name=name,
        wire_inputs=inputs,
        inputs=inputs,
        protect=False,
    )
    return with_resources(plan, [*plan.resources, extra])


def violations(plan: Plan, config: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Policy name -> messages, for every diagnostic."""
    found: dict[str, list[str]] = {}
    for verdict in analyze_plan(plan, config):
        found.setdefault(verdict.policy, []).append(verdict.message)
    return found


def mandatory(plan: Plan, config: dict[str, Any] | None = None) -> list[Verdict]:
    return [v for v in analyze_plan(plan, config) if v.level == "mandatory"]


def only(found: dict[str, list[str]], policy: str) -> list[str]:
    """The messages of `policy`, asserting it is the only policy that reported anything."""
    assert set(found) == {policy}, found
    return found[policy]


def app_part(plan: Plan) -> Plan:
    """`plan` without the AWS access-log resources (tested in tests/providers/aws/test_aws_access_logs.py), so
    tests about the app bucket can pick its one policy, lifecycle, encryption..."""
    return with_resources(plan, [r for r in plan.resources if "access-log" not in r.name])


def set_policy_statement(index: int, **fields: Any) -> Callable[[dict[str, Any]], None]:
    """An `edit` change updating statement `index` of a resource's JSON `policy` input."""

    def change(inputs: dict[str, Any]) -> None:
        document = json.loads(inputs["policy"])
        document["Statement"][index].update(fields)
        inputs["policy"] = json.dumps(document)

    return change


def over_grpc(analyzer: analyzer_pb2_grpc.AnalyzerStub, plan: Plan) -> list:
    responses = [analyzer.Analyze(request) for request in analyze_requests(plan)]
    responses.append(analyzer.AnalyzeStack(analyze_stack_request(plan)))
    return verdicts_from(responses)


def preview_shaped(plan: Plan) -> Plan:
    """As `pulumi preview` sends a first deployment: bucket ids unknown, sub-resources linked to
    their bucket only by property dependencies."""
    resources = []
    for resource in plan.resources:
        wire = dict(resource.wire_inputs)
        for prop in ("bucket", "targetBucket"):
            if prop in wire and resource.type != BUCKET_TYPE:
                wire[prop] = UNKNOWN
        resources.append(dataclasses.replace(resource, wire_inputs=wire))
    return dataclasses.replace(plan, resources=tuple(resources))


BUCKET_TYPE = "aws:s3/bucket:Bucket"


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What the engine sends for a value not known until `up` (a bucket id during preview)."""
