"""`python -m infra.plan --stack prod`: what `pulumi up` would declare, offline, with policy verdicts.

Runs the real program under Pulumi's mocks — no cloud credentials, no Pulumi CLI — and
prints the resource tree, the STORAGE_* outputs it exports (secret values masked) and
the policy pack's verdicts on it, or, with `--json`, the same for machines. Exits 1 when
the program fails (for example on invalid settings) or a mandatory policy is violated,
with the message and no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from infra.guide import contract
from infra.offline.against import compare_with_revision
from infra.offline.base_plan import BaseRevisionError
from infra.offline.compare_render import comparison_as_dict, render_comparison_text
from infra.offline.harness import DeclaredResource, Plan, run_plan
from infra.offline.plugin_config import credential_notes
from infra.offline.policy_check import Verdict, analyze_plan, load_pack
from infra.offline.policy_config import PolicyConfigError, load_policy_config
from infra.offline.records import MASK
from infra.offline.stack_files import PROJECT_ROOT, StackFileError, policy_config_file, stack_names, stack_of
from infra.offline.transitions import Judgement, acknowledgements_for, judge
from infra.project_files import policy_config_name


def plan_as_dict(plan: Plan, verdicts: list[Verdict]) -> dict[str, Any]:
    """The plan for machines; secret outputs masked."""
    return {
        "stack": plan.stack,
        "ok": plan.error is None and not _mandatory(verdicts),
        "error": plan.error,
        "policyVerdicts": [
            {"policy": v.policy, "level": v.level, "message": v.message, "urn": v.urn or None} for v in verdicts
        ],
        "warnings": plan.warnings,
        "credentials": credential_notes(plan) if plan.error is None else [],
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "parent": r.parent or None,
                "protect": r.protect,
                "importId": r.import_id or None,
                "inputs": _mask_inputs(r),
            }
            for r in plan.resources
        ],
        "outputs": {name: _mask_output(plan, name) for name in sorted(plan.outputs)},
        "secretOutputs": sorted(plan.secret_outputs),
    }


def _mask_inputs(resource: DeclaredResource) -> dict[str, Any]:
    return {k: (MASK if k in resource.secret_inputs else v) for k, v in resource.inputs.items()}


def _mask_output(plan: Plan, name: str) -> Any:
    return MASK if name in plan.secret_outputs else plan.outputs[name]


def _mandatory(verdicts: list[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if v.level == "mandatory"]


def render_verdicts(plan: Plan, verdicts: list[Verdict]) -> list[str]:
    """The policy pack's verdicts, as `pulumi preview --policy-pack policies` would report them."""
    if plan.error is not None:
        return []
    names = {r.urn: f"{r.type}  {r.name}" for r in plan.resources}
    if not verdicts:
        return ["", "Policies (pack raptscallions-storage): all passed"]
    lines = ["", f"Policies (pack raptscallions-storage): {len(_mandatory(verdicts))} mandatory, "
             f"{len(verdicts) - len(_mandatory(verdicts))} advisory violation(s)"]
    for verdict in verdicts:
        lines.append(f"  [{verdict.level}] {verdict.policy}: {names.get(verdict.urn, 'stack')}")
        lines.append(f"      {verdict.message.splitlines()[-1]}")
    return lines


def render_text(plan: Plan) -> str:
    """A readable tree: resources under their parents, then the exported variables."""
    lines = [f"Stack {plan.stack}: what `pulumi up --stack {plan.stack}` would declare"]
    if plan.error is not None:
        lines += ["", "error: " + plan.error]
        return "\n".join(lines)
    children: dict[str, list[DeclaredResource]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent, []).append(resource)
    known = {r.urn for r in plan.resources}
    roots = [r for r in plan.resources if r.parent not in known]

    def walk(resource: DeclaredResource, depth: int) -> None:
        flags = " [protected]" if resource.protect else ""
        flags += f" [import {resource.import_id}]" if resource.import_id else ""
        lines.append(f"{'  ' * depth}+ {resource.type}  {resource.name}{flags}")
        for child in children.get(resource.urn, []):
            walk(child, depth + 1)

    lines.append("")
    for root in roots:
        walk(root, 1)
    lines += ["", f"{len(plan.resources)} resources", "", f"Outputs (`python -m infra.dotenv --stack {plan.stack}` writes them to a mode-0600 .env):"]
    names = [n for n in contract.CONTRACT_NAMES if n in plan.outputs]
    names += sorted(n for n in plan.outputs if n not in names)
    for name in names:
        value = _mask_output(plan, name)
        shown = value if isinstance(value, str) else json.dumps(value)
        lines.append(f"  {name}={shown}" + ("  (secret)" if name in plan.secret_outputs else ""))
    notes = credential_notes(plan)
    if notes:
        lines += ["", "Credentials `pulumi preview` / `pulumi up` read from the environment (this plan needs none):"]
        lines += [f"  {note}" for note in notes]
    for warning in plan.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.plan", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name: the X of Pulumi.X.yaml")
    which.add_argument(
        "--stack-file",
        type=Path,
        metavar="FILE",
        help="a stack file kept elsewhere (e.g. examples/aws-kms/Pulumi.prod.yaml), rendered as if it were "
        "beside Pulumi.yaml: its stack is the X of its name, its policy config the Pulumi.X.policy.json beside it",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a tree")
    parser.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="policy pack configuration (JSON), as `pulumi preview --policy-pack-config FILE` takes it "
        "(default: the stack's Pulumi.<stack>.policy.json, when it exists)",
    )
    parser.add_argument(
        "--against",
        metavar="REF",
        help="also compare with the stack as git revision REF declares it (rendered from its own checkout): "
        "what `pulumi up` would create, delete, update or replace in a stack deployed from REF",
    )
    parser.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        metavar="'ACTION NAME'",
        help="allow one refused change of the comparison, e.g. 'delete storage-app-key' (repeatable)",
    )
    parser.add_argument(
        "--pull-request-event",
        type=Path,
        metavar="FILE",
        help="GitHub event file ($GITHUB_EVENT_PATH): its description's `Acknowledge <stack>: ACTION NAME` lines count",
    )
    parser.add_argument("--project-dir", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stack_file is not None:
        if args.against is not None:
            print("error: --against compares a stack file of the project (--stack), not --stack-file", file=sys.stderr)
            return 2
        try:
            args.stack = stack_of(args.stack_file)
        except StackFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if not args.stack_file.is_file():
            print(f"error: no stack file {args.stack_file}", file=sys.stderr)
            return 2
    stack_file = args.stack_file or args.project_dir / f"Pulumi.{args.stack}.yaml"
    if not (stack_file.exists() or stack_file.is_symlink()):  # a broken link is reported by the reader
        known = ", ".join(stack_names(args.project_dir)) or "none"
        print(f"error: no stack file Pulumi.{args.stack}.yaml (stacks: {known})", file=sys.stderr)
        return 2
    # The stack's committed policy config (Pulumi.<stack>.policy.json beside its stack file), unless one is given.
    config_path = args.policy_pack_config or policy_config_file(args.stack, stack_file.parent)
    policy_config = None
    if config_path is not None:
        try:
            policy_config = load_policy_config(config_path, load_pack()[1])
        except PolicyConfigError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        for warning in policy_config.warnings:
            print(f"warning: policy pack config {config_path}: {warning}", file=sys.stderr)
    try:
        plan = run_plan(args.stack, args.project_dir, stack_file=args.stack_file)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    verdicts = analyze_plan(plan, policy_config.raw if policy_config else None) if plan.error is None else []
    shown_config = str(config_path) if config_path is not None else None
    comparison, refusals, judgement = None, [], Judgement()
    if args.against is not None and plan.error is None:
        try:
            comparison, base = compare_with_revision(args.project_dir, args.against, plan)
        except BaseRevisionError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        acknowledgements, problems = acknowledgements_for(args.stack, args.project_dir, args.acknowledge, args.pull_request_event)
        judgement = judge(comparison, base, plan, acknowledgements)
        refusals = problems + judgement.refused
    if args.json:
        document = {**plan_as_dict(plan, verdicts), "policyPackConfig": shown_config}
        if comparison is not None:
            document["comparison"] = comparison_as_dict(comparison)
            document["refusals"] = refusals
            document["acknowledged"] = judgement.acknowledged
            document["unusedAcknowledgements"] = judgement.unused
            document["ok"] = document["ok"] and not refusals
        print(json.dumps(document, indent=2, sort_keys=False, default=str))
    else:
        used = f"Policy pack config: {shown_config or f'none (the pack defaults; {policy_config_name(args.stack)} would be read)'}"
        parts = [render_text(plan), *render_verdicts(plan, verdicts), used]
        if comparison is not None:
            parts.append(render_comparison_text(comparison))
        parts += [f"acknowledged: {line}" for line in judgement.acknowledged]
        parts += [f"warning: {line}" for line in judgement.unused]
        parts += [f"error: {refusal}" for refusal in refusals]
        print("\n".join(parts))
    return 0 if plan.error is None and not _mandatory(verdicts) and not refusals else 1


def _run() -> int:
    """`main`, quiet when the reader goes away (`python -m infra.plan ... | head`)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 1
    return code


if __name__ == "__main__":
    sys.exit(_run())
