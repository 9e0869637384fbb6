"""Reading the GitHub Actions workflows the way the tests need them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from infra.ci import matrix
from infra.offline.stack_files import PROJECT_ROOT

GITHUB_DIR = PROJECT_ROOT / ".github"
WORKFLOWS_DIR = GITHUB_DIR / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.yml"))
PULUMI_ACTION = "pulumi/actions@"
AWS_ACTION = "aws-actions/configure-aws-credentials@"

_FROM_NEEDS = re.compile(r"^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)\s*\}\}$")
_STEP_OUTPUT = re.compile(r"^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$")


def load(name: str) -> dict[str, Any]:
    """A workflow as a dict; `on` restored (YAML 1.1 reads the bare key `on` as True)."""
    data = yaml.safe_load((WORKFLOWS_DIR / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load(path.name) for path in WORKFLOW_FILES}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def uses(step: dict[str, Any], action: str) -> bool:
    return str(step.get("uses", "")).startswith(action)


def pulumi_jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The jobs that run a Pulumi command against a stack."""
    return {
        name: job
        for name, job in workflow["jobs"].items()
        if any(uses(step, PULUMI_ACTION) for step in job.get("steps", []))
    }


def pulumi_step(job: dict[str, Any]) -> dict[str, Any]:
    [step] = [step for step in job["steps"] if uses(step, PULUMI_ACTION)]
    return step


def discovery_step(workflow: dict[str, Any], job_name: str, output: str) -> tuple[dict[str, Any], str]:
    """The step behind `needs.<job_name>.outputs.<output>`, and the step output key it reads."""
    producer = workflow["jobs"][job_name]
    match = _STEP_OUTPUT.match(producer["outputs"][output])
    assert match, f"{job_name}.outputs.{output} must be a step output, not {producer['outputs'][output]!r}"
    step_id, key = match.groups()
    [step] = [step for step in producer["steps"] if step.get("id") == step_id]
    return step, key


def evaluate_matrix(
    workflow: dict[str, Any], job_name: str, changed_files: list[str] | None = None, project_dir: Path = PROJECT_ROOT
) -> list[dict[str, str]]:
    """The matrix a job would get: follow fromJSON(needs.X.outputs.Y) to the discovery step and run it.

    Fails unless the matrix is exactly `include: ${{ fromJSON(needs.<job>.outputs.<key>) }}` fed
    by a step that runs `python -m infra.ci.matrix`, i.e. unless no stack is listed by hand.
    """
    job = workflow["jobs"][job_name]
    spec = job["strategy"]["matrix"]
    assert set(spec) == {"include"}, f"{job_name}: the matrix must be only `include:` from discovery"
    match = _FROM_NEEDS.match(str(spec["include"]))
    assert match, f"{job_name}: matrix.include must be ${{{{ fromJSON(needs.<job>.outputs.<key>) }}}}"
    producer, output = match.groups()
    assert producer in as_list(job["needs"]), f"{job_name} must need {producer}"
    step, key = discovery_step(workflow, producer, output)
    assert "python -m infra.ci.matrix" in step["run"], f"{producer}: the matrix must come from infra.ci.matrix"
    with_changes = "--changed-files" in step["run"]
    outputs = matrix.outputs(project_dir, changed_files if with_changes else None)
    return json.loads(outputs[key])


def expressions(value: Any) -> list[str]:
    """Every string anywhere inside `value`."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in expressions(v)]
    if isinstance(value, list):
        return [s for v in value for s in expressions(v)]
    return [value] if isinstance(value, str) else []


_MATRIX_VALUE = re.compile(r"^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$")


def _input(step: dict[str, Any], name: str, entry: dict[str, str]) -> str:
    """A `with:` input as the action receives it: a matrix expression resolved, booleans as text."""
    value = step["with"].get(name, "")
    if isinstance(value, bool):
        return str(value).lower()
    match = _MATRIX_VALUE.match(str(value))
    return entry[match.group(1)] if match else str(value)


def _parse_array(text: str) -> list[str]:
    """pulumi/actions `src/libs/utils.ts` `parseArray`: lines and commas, trimmed, empty ones
    dropped; "" is no value at all."""
    return [part.strip() for line in re.split(r"\r?\n", text) for part in line.split(",") if part]


def pulumi_cli_args(step: dict[str, Any], entry: dict[str, str]) -> list[str]:
    """The `pulumi <command>` arguments the pinned pulumi/actions step runs for one matrix entry:
    inputs `policyPacks` / `policyPackConfigs` (`src/config.ts`) become one `--policy-pack` /
    `--policy-pack-config` each (Automation API, sdk/nodejs/automation/stack.ts)."""
    args = [_input(step, "command", entry), "--stack", _input(step, "stack-name", entry)]
    for pack in _parse_array(_input(step, "policyPacks", entry)):
        args += ["--policy-pack", pack]
    for config in _parse_array(_input(step, "policyPackConfigs", entry)):
        args += ["--policy-pack-config", config]
    return args
