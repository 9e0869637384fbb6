"""The pack as the engine runs it: the bundle `make policy-pack` builds, in its own process and
directory outside the checkout with only the package's wheel installed (no path into the
repository), spoken to over the analyzer gRPC protocol with requests built from the offline plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from infra.offline.harness import Plan, run_plan
from infra.offline.policy_check import (
    analyze_plan,
    configure_request,
)
from infra.offline.stack_files import PROJECT_ROOT
from tests.support.examples_support import example_plan
from tests.support.policy_support import over_grpc

MANDATORY = analyzer_pb2.EnforcementLevel.Value("MANDATORY")


def test_the_installed_pack_reaches_infra_only_through_the_wheel(installed_pack: tuple[Path, dict[str, str]]) -> None:
    bundle, environment = installed_pack
    code = "import infra, storage_policies.pack; print(infra.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=bundle, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    located = Path(result.stdout.strip())
    assert located.parent.parent == Path(environment["PYTHONPATH"]) and PROJECT_ROOT not in located.parents


def test_analyzer_info_lists_every_policy_with_level_and_schema(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "raptscallions-storage"
    policies = {p.name: p for p in info.policies}
    assert {
        "storage-cors-origins",
        "storage-cors-methods",
        "storage-cors-headers",
        "storage-lifecycle-soft-delete",
        "storage-lifecycle-abort-multipart",
        "storage-lifecycle-no-blanket-expiry",
        "storage-versioning",
        "storage-no-public-access",
        "storage-encryption-at-rest",
        "storage-tls-only",
        "storage-credential-least-privilege",
        "storage-bucket-protected",
        "storage-tags",
        "storage-access-logging",
        "storage-access-logging-nonprod",
        "storage-replication",
        "storage-credential-age",
    } == set(policies)
    advisory = {"storage-tags", "storage-access-logging-nonprod", "storage-credential-age"}
    assert all(policies[n].enforcementLevel == analyzer_pb2.EnforcementLevel.Value("ADVISORY") for n in advisory)
    assert all(p.enforcementLevel == MANDATORY for n, p in policies.items() if n not in advisory)
    assert "maxDays" in policies["storage-lifecycle-soft-delete"].configSchema.properties
    assert "allowedOriginPattern" in policies["storage-cors-origins"].configSchema.properties


def test_compliant_prod_stack_gets_no_diagnostics(analyzer: analyzer_pb2_grpc.AnalyzerStub, prod_plan: Plan) -> None:
    assert over_grpc(analyzer, prod_plan) == []


def test_broken_stack_gets_the_same_diagnostics_as_in_process(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    plan = run_plan("prod", config_overrides={"protect": "false", "softDeleteDays": "90", "versioning": "false"})
    remote = over_grpc(analyzer, plan)
    assert {v.policy for v in remote} == {"storage-bucket-protected", "storage-lifecycle-soft-delete", "storage-versioning"}
    assert all(v.level == "mandatory" for v in remote)
    app_bucket, log_bucket = (r.urn for r in plan.of_type("aws:s3/bucket:Bucket"))
    assert all(v.urn == app_bucket for v in remote if v.policy != "storage-bucket-protected")
    assert {v.urn for v in remote if v.policy == "storage-bucket-protected"} == {app_bucket, log_bucket}
    assert sorted(remote, key=str) == sorted(analyze_plan(plan), key=str)


def test_configure_changes_limits_and_levels_over_the_wire(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    plan = run_plan("prod", config_overrides={"softDeleteDays": "45"})
    analyzer.Configure(configure_request({"storage-lifecycle-soft-delete": {"maxDays": 60}}))
    try:
        assert over_grpc(analyzer, plan) == []
        analyzer.Configure(configure_request({"storage-lifecycle-soft-delete": "advisory"}))
        [verdict] = over_grpc(analyzer, plan)
        assert (verdict.policy, verdict.level) == ("storage-lifecycle-soft-delete", "advisory")
    finally:
        analyzer.Configure(configure_request({}))


def test_the_pack_over_the_wire_names_the_knob_and_the_stacks_config_file(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """What `pulumi preview --policy-pack policies` prints for the 45-day example: the property
    that could lift the refusal and the stack's policy config file; with `maxDays` 45 in it (as
    the engine reconciles it with the defaults), nothing."""
    plan = run_plan("prod", config_overrides={"softDeleteDays": "45"})
    analyzer.Configure(configure_request({}))  # no --policy-pack-config: the engine still sends the defaults
    [verdict] = over_grpc(analyzer, plan)
    assert (verdict.policy, verdict.level) == ("storage-lifecycle-soft-delete", "mandatory")
    assert "set 'maxDays' of policy storage-lifecycle-soft-delete in Pulumi.prod.policy.json" in verdict.message
    assert "'environments.prod.maxDays'" in verdict.message
    analyzer.Configure(configure_request({"all": "mandatory", "storage-lifecycle-soft-delete": {"maxDays": 45}}))
    try:
        assert over_grpc(analyzer, plan) == []
    finally:
        analyzer.Configure(configure_request({}))


def test_b2_dynamic_resources_are_judged_over_the_wire_as_in_process(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """The pack recognises the package's B2 dynamic resources by their type token over gRPC too."""
    from tests.support.plans import shipped_plan
    from tests.support.policy_support import edit, over_grpc

    assert over_grpc(analyzer, shipped_plan("b2-staging")) == []
    broken = edit(
        shipped_plan("b2-staging"),
        "pulumi-python:dynamic/backblaze:Bucket",
        lambda inputs: inputs.update(bucketType="allPublic", defaultServerSideEncryption={"mode": None}),
    )
    remote = over_grpc(analyzer, broken)
    assert {v.policy for v in remote} == {"storage-no-public-access", "storage-encryption-at-rest"}
    assert sorted(remote, key=str) == sorted(analyze_plan(broken), key=str)


def test_kms_statement_is_accepted_and_a_wider_one_refused_over_the_wire(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    """SSE-KMS: the component's kms:GenerateDataKey/kms:Decrypt on the bucket key passes; kms:* on any key does not."""
    import json

    from tests.support.policy_support import edit, over_grpc

    plan = example_plan("aws-kms/Pulumi.prod.yaml")
    assert over_grpc(analyzer, plan) == []

    def widen(inputs: dict) -> None:
        document = json.loads(inputs["policy"])
        document["Statement"][2].update(Action=["kms:*"], Resource=["*"])
        inputs["policy"] = json.dumps(document)

    broken = edit(plan, "aws:iam/userPolicy:UserPolicy", widen)
    remote = over_grpc(analyzer, broken)
    assert {v.policy for v in remote} == {"storage-credential-least-privilege"}
    assert any("'kms:*' is a wildcard" in v.message for v in remote)
    assert sorted(remote, key=str) == sorted(analyze_plan(broken), key=str)


def test_spaces_access_logging_is_judged_over_the_wire_on_preview_shaped_resources(
    analyzer: analyzer_pb2_grpc.AnalyzerStub,
) -> None:
    """A first `pulumi preview` of a prod Spaces stack: the logging's bucket names unknown, the
    Spaces linked only by property dependencies. Logging on passes; off is refused as in process."""
    import dataclasses

    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

    def preview(plan: Plan) -> Plan:
        def blank(resource):
            if resource.type != "digitalocean:index/spacesBucketLogging:SpacesBucketLogging":
                return resource
            return dataclasses.replace(resource, wire_inputs={**resource.wire_inputs, "bucket": unknown, "targetBucket": unknown})

        return dataclasses.replace(plan, resources=tuple(blank(r) for r in plan.resources))

    assert over_grpc(analyzer, preview(run_plan("spaces-staging", config_overrides={"environment": "prod"}))) == []
    off = preview(run_plan("spaces-staging", config_overrides={"environment": "prod", "accessLogging": "false"}))
    remote = over_grpc(analyzer, off)
    assert [(v.policy, v.level) for v in remote] == [("storage-access-logging", "mandatory")]
    assert "accessLogging to true" in remote[0].message
    assert sorted(remote, key=str) == sorted(analyze_plan(off), key=str)
