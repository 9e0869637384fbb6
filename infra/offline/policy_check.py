"""Policy verdicts for an offline plan, through the policy pack's own analyzer.

The plan's resources become the same `AnalyzeRequest` / `AnalyzeStackRequest` messages
the engine sends during `pulumi preview --policy-pack policies`; they are answered by
pulumi_policy's analyzer servicer in this process (`analyze_plan`) or by the pack
running as its own process over gRPC (the protocol tests), so both give the same
diagnostics.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from infra.offline.harness import DeclaredResource, Plan
from infra.offline.policy_config import parse_entries, problems_of, reconcile
from infra.offline.stack_files import PROJECT_ROOT

POLICIES_DIR = PROJECT_ROOT / "policies"
LEVELS = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}


@dataclass(frozen=True)
class Verdict:
    """One policy diagnostic."""

    policy: str
    level: str
    message: str
    urn: str


def _options(resource: DeclaredResource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(protect=resource.protect, parent=resource.parent)


def _properties(resource: DeclaredResource) -> struct_pb2.Struct:
    return json_format.ParseDict(resource.wire_inputs, struct_pb2.Struct())


def analyze_requests(plan: Plan) -> list[analyzer_pb2.AnalyzeRequest]:
    """One per-resource request for each declared custom resource, as the engine sends them."""
    return [
        analyzer_pb2.AnalyzeRequest(
            type=r.type, properties=_properties(r), urn=r.urn, name=r.name, options=_options(r)
        )
        for r in plan.resources
    ]


def analyze_stack_request(plan: Plan) -> analyzer_pb2.AnalyzeStackRequest:
    """The whole-stack request the engine sends once every resource is registered."""
    resources = []
    for r in plan.resources:
        dependencies = {
            name: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(urns))
            for name, urns in r.property_dependencies.items()
        }
        resources.append(
            analyzer_pb2.AnalyzerResource(
                type=r.type,
                properties=_properties(r),
                urn=r.urn,
                name=r.name,
                options=_options(r),
                parent=r.parent,
                dependencies=list(r.dependencies),
                propertyDependencies=dependencies,
            )
        )
    return analyzer_pb2.AnalyzeStackRequest(resources=resources)


def verdicts_from(responses: list[Any]) -> list[Verdict]:
    return [
        Verdict(d.policyName, LEVELS.get(d.enforcementLevel, str(d.enforcementLevel)), d.message, d.urn)
        for response in responses
        for d in response.diagnostics
    ]


LEVEL_VALUES = {name: value for value, name in LEVELS.items()}


def load_pack() -> tuple[str, list[Any]]:
    if str(POLICIES_DIR) not in sys.path:  # as the engine runs the pack: its own directory first
        sys.path.insert(0, str(POLICIES_DIR))
    from storage_policies.pack import PACK_NAME, POLICIES

    return PACK_NAME, POLICIES


def configure_request(config: Mapping[str, Any]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """What the engine sends the pack for a `--policy-pack-config` file's JSON `config`
    (`{}`: no file): every policy's level and properties after `ReconcilePolicyPackConfig`,
    plus every other entry of the file (`all`, names the pack ignores), as `Configure` sends
    them (see infra.offline.policy_config for the sources)."""
    policies = load_pack()[1]
    entries, problems = parse_entries(dict(config))
    reconciled = reconcile(policies, entries)
    problems = problems or problems_of(policies, reconciled)
    if problems:  # the engine stops before the pack runs
        raise ValueError("; ".join(problems))
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, entry in reconciled.items():
        request.policyConfig[name].CopyFrom(
            analyzer_pb2.PolicyConfig(
                enforcementLevel=LEVEL_VALUES[str(entry.level)],
                properties=json_format.ParseDict(entry.properties, struct_pb2.Struct()),
            )
        )
    return request


def in_process_analyzer(config: Mapping[str, Any] | None = None) -> Any:
    """The pack's analyzer servicer, built as `policies/__main__.py` builds it, without a server,
    and configured the way the engine configures it: always, with the pack's defaults when
    there is no config file."""
    from pulumi_policy.policy import EnforcementLevel, _PolicyAnalyzerServicer

    name, policies = load_pack()
    analyzer = _PolicyAnalyzerServicer(name, "0.1.0", policies, EnforcementLevel.ADVISORY)
    analyzer.Configure(configure_request(config or {}), None)
    return analyzer


def analyze_plan(plan: Plan, config: Mapping[str, Any] | None = None) -> list[Verdict]:
    """Every diagnostic the pack reports for `plan` (empty for a compliant stack)."""
    analyzer = in_process_analyzer(config)
    responses = [analyzer.Analyze(request, None) for request in analyze_requests(plan)]
    responses.append(analyzer.AnalyzeStack(analyze_stack_request(plan), None))
    return verdicts_from(responses)
