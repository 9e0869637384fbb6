"""The committed record of every resource's URN (tests/support/stack_urns.json), and how it is judged.

A resource's URN (type, parent type, name) is its identity in a deployed stack: a code change
that moves one makes the next `pulumi up` delete it and create another (for the app's key an
outage, for a protected bucket a failed deploy). The record holds, per shipped stack and per
variant the suite renders, each resource's URN, parent and protect flag. It is compared
exactly with `infra.offline.compare`'s matching, the engine's: a moved resource passes only
with an `aliases` entry naming its old URN, or after the record is updated on purpose:

    python -m tests.support.urn_record        # rewrites tests/support/stack_urns.json from the current code
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from infra.offline.compare import match_resources
from infra.offline.harness import run_plan
from infra.offline.records import DeclaredResource, Plan
from infra.offline.stack_files import PROJECT_ROOT, stack_names

RECORD = Path(__file__).with_name("stack_urns.json")
REGENERATE = "python -m tests.support.urn_record"
REPLICA_REGION = "us-west-2"
VARIANTS: dict[str, dict[str, Any]] = {
    "prod": {},
    "prod+replica+secret": {"awsReplicaRegion": REPLICA_REGION, "awsPublishToSecretsManager": True},
    "prod+nologs": {"accessLogging": False},
    "prod+kms": {"awsKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
    "prod+rotation": {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "2027-05"},
    "spaces-staging": {},
    "spaces-staging+rotation": {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "2027-05"},
    "staging": {},
    "staging+rotation": {"credentials": [{"name": "default"}, {"name": "2027-05"}], "activeCredential": "2027-05"},
    "b2-staging": {},
    "b2-staging+replica": {"b2ReplicaBucketName": "raptscallions-staging-b2-replica"},
}
"""Label -> settings over the stack file (the stack is the label's first part). Every shipped
stack appears as itself; the others are the optional resources each provider can declare."""


def labels() -> list[str]:
    """Every variant plus every shipped stack (a new stack file is recorded too)."""
    return list(VARIANTS) + [s for s in stack_names(PROJECT_ROOT) if s not in VARIANTS]


def render(label: str, project_dir: Path = PROJECT_ROOT) -> Plan:
    return run_plan(label.split("+")[0], project_dir, config_overrides=VARIANTS.get(label, {}))


def entries(plan: Plan) -> list[dict[str, Any]]:
    return [{"urn": r.urn, "parent": r.parent, "protect": r.protect} for r in plan.resources]


def recorded() -> dict[str, list[dict[str, Any]]]:
    return json.loads(RECORD.read_text())


def as_plan(label: str, recorded_entries: list[dict[str, Any]]) -> Plan:
    """The record as a deployed stack's resources (what the matching needs: URN, parent, protect)."""
    resources = tuple(
        DeclaredResource(
            urn=e["urn"], type=e["urn"].split("::")[2].split("$")[-1], name=e["urn"].split("::", 3)[3],
            inputs={}, parent=e["parent"], protect=e["protect"], custom=True, provider="", import_id="",
            dependencies=(), secret_inputs=frozenset(),
        )
        for e in recorded_entries
    )
    return Plan(stack=label.split("+")[0], resources=resources, outputs={}, secret_outputs=frozenset())


def problems(label: str, plan: Plan, record: dict[str, list[dict[str, Any]]]) -> list[str]:
    """How `plan` differs from the record of `label`, under the engine's matching (empty: same)."""
    if plan.error is not None:
        return [f"{label}: the plan failed: {plan.error}"]
    if label not in record:
        return [f"{label}: not in {RECORD.name}"]
    found = []
    for old, new in match_resources(as_plan(label, record[label]), plan):
        if new is None:
            assert old is not None
            found.append(f"{label}: {old.urn} is gone: the next `pulumi up` deletes it (add an alias naming it)")
        elif old is None:
            found.append(f"{label}: {new.urn} is new: not in the record")
        elif old.urn == new.urn and (old.parent, old.protect) != (new.parent, new.protect):
            found.append(f"{label}: {new.urn}: parent/protect {old.parent}/{old.protect} -> {new.parent}/{new.protect}")
    return found


def main() -> int:
    record = {}
    for label in labels():
        plan = render(label)
        if plan.error is not None:
            print(f"error: {label}: {plan.error}", file=sys.stderr)
            return 1
        record[label] = entries(plan)
    RECORD.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {RECORD} ({sum(map(len, record.values()))} URNs, {len(record)} stacks/variants)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
