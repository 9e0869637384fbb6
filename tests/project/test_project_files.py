"""Pulumi.yaml, the stack files and requirements agree with the code."""

from __future__ import annotations

import re

import pytest
import yaml

from infra import PROJECT
from infra.guide import contract
from infra.offline.stack_files import PROJECT_ROOT, project_declarations
from infra.reference import description
from infra.settings.keys import project_keys
from tests.support.plans import SHIPPED_STACKS, shipped_plan


def test_project_file_names_the_project_and_python_runtime() -> None:
    project = yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == PROJECT
    assert project["runtime"]["name"] == "python"
    assert project["runtime"]["options"]["virtualenv"] == ".venv"


def test_config_block_declares_every_setting_with_its_type_and_default() -> None:
    """Every setting all providers use, and no other: the engine writes a declared default into
    every stack, so a declared key could not be refused on a provider that ignores it."""
    declared = project_declarations()
    expected = {key.name: key for key in project_keys()}
    assert set(declared) == set(expected)
    for name, key in expected.items():
        declaration = declared[name]
        assert declaration["type"] == key.kind, name
        assert declaration["description"] == description(key), name
        if key.required:
            assert "default" not in declaration, f"{name} is required and must have no default"
        else:
            assert declaration["default"] == key.default, name
        if key.kind == "array":
            assert declaration["items"] == {"type": "string"}


def test_prod_stack_is_aws_in_us_east_1_with_one_https_origin() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "Pulumi.prod.yaml").read_text())["config"]
    assert config[f"{PROJECT}:provider"] == "aws"
    assert config[f"{PROJECT}:bucketName"] == "raptscallions-prod"
    assert config[f"{PROJECT}:region"] == "us-east-1"
    [origin] = config[f"{PROJECT}:corsAllowedOrigins"]
    assert origin.startswith("https://")


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_stack_runs_clean(stack: str) -> None:
    plan = shipped_plan(stack)
    assert plan.error is None, plan.error
    assert set(contract.REQUIRED_NAMES) <= set(plan.outputs)
    assert plan.secret_outputs == {contract.SECRET_ACCESS_KEY}
    assert [d for d in plan.diagnostics if d.severity == "error"] == []


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned(name: str) -> None:
    lines = [
        line.strip()
        for line in (PROJECT_ROOT / name).read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("-r ")
    ]
    assert lines
    assert all(re.match(r"^[A-Za-z0-9_.\-\[\],]+==[0-9][\w.]*$", line) for line in lines), lines


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_stack_passes_the_mandatory_policies(stack: str) -> None:
    from tests.support.policy_support import mandatory

    assert mandatory(shipped_plan(stack)) == []
