"""A stack imports only its own provider's SDK (each plan runs in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from infra.offline.stack_files import PROJECT_ROOT

SDKS = ("b2sdk", "pulumi_aws", "pulumi_cloudflare", "pulumi_digitalocean")

PROBE = """
import json, sys
from infra.offline.harness import run_plan
plan = run_plan(sys.argv[1])
loaded = sorted({name.split('.')[0] for name in sys.modules if name.startswith(('pulumi_', 'b2sdk'))})
print(json.dumps({"error": plan.error, "resources": len(plan.resources), "sdks": loaded}))
"""


def sdks_loaded_by(stack: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, stack], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("stack", "own_sdk"),
    [
        ("prod", "pulumi_aws"),
        ("spaces-staging", "pulumi_digitalocean"),
        ("staging", "pulumi_cloudflare"),
        ("b2-staging", "b2sdk"),
    ],
)
def test_planning_a_stack_imports_only_its_providers_sdk(stack: str, own_sdk: str) -> None:
    probe = sdks_loaded_by(stack)
    assert probe["error"] is None and probe["resources"] > 0
    assert [sdk for sdk in probe["sdks"] if sdk in SDKS] == [own_sdk]
