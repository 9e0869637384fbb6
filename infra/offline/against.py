"""`--against REF`: the head plan compared with the same stack as revision REF declares it."""

from __future__ import annotations

from pathlib import Path

from infra.offline.base_plan import plan_at
from infra.offline.compare import compare_plans
from infra.offline.comparison import Comparison
from infra.offline.records import Plan


def compare_with_revision(project_dir: Path, ref: str, head: Plan) -> tuple[Comparison, Plan | None]:
    """The comparison, and the base plan (None when REF has no such stack: all is created)."""
    base = plan_at(project_dir, ref, head.stack)
    if base is None:
        empty = Plan(stack=head.stack, resources=(), outputs={}, secret_outputs=frozenset())
        comparison = compare_plans(empty, head, ref)
        note = f"stack {head.stack} does not exist at {ref} (no Pulumi.{head.stack}.yaml): every resource is created"
        return Comparison(**{**comparison.__dict__, "notes": (note,)}), None
    return compare_plans(base, head, ref), base
