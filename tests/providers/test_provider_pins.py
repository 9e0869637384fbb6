"""The serialized B2 providers name classes that must never move.

`pulumi.dynamic` pickles each provider (dill, by reference) into the `__provider` input of
every dynamic resource, the state keeps it, and the dynamic-provider host unpickles it for
every later operation on the stack. The pickle records only a module path and a qualified
class name, so those are part of every deployed B2 stack: this test fails when either
changes (see the docstring of infra/providers/backblaze/dynamic.py).
"""

from __future__ import annotations

import base64
import io
import subprocess
import sys

import dill
import pytest

from infra.offline.stack_files import PROJECT_ROOT
from tests.support.examples_support import example_plan

PINNED = {
    "pulumi-python:dynamic/backblaze:Bucket": ("infra.providers.backblaze.dynamic", "B2BucketProvider"),
    "pulumi-python:dynamic/backblaze:ApplicationKey": ("infra.providers.backblaze.dynamic", "B2ApplicationKeyProvider"),
    "pulumi-python:dynamic/backblaze:Replication": ("infra.providers.backblaze.replication", "B2ReplicationProvider"),
}
"""Resource type -> (module, qualified name) recorded in its serialized provider. Never edit
an entry: add one if a class must ever live somewhere else, and keep the old path importable."""


class _Recorder(dill.Unpickler):
    """Notes every global the pickle names (module, qualified name) as it loads."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.named: list[tuple[str, str]] = []

    def find_class(self, module: str, name: str):  # noqa: ANN201 - pickle's signature
        self.named.append((module, name))
        return super().find_class(module, name)


def _registered_providers() -> dict[str, str]:
    """Each dynamic resource type -> the serialized provider the real program registers (the B2
    replica example declares every dynamic type: bucket, key, replication)."""
    plan = example_plan("b2-replica/Pulumi.prod.yaml")
    assert plan.error is None, plan.error
    found: dict[str, str] = {}
    for resource in plan.resources:
        if resource.type.startswith("pulumi-python:dynamic/"):
            value = resource.wire_inputs["__provider"]
            found[resource.type] = value["value"] if isinstance(value, dict) else value
    return found


@pytest.fixture(scope="module")
def registered() -> dict[str, str]:
    return _registered_providers()


def test_every_dynamic_resource_type_is_pinned(registered: dict[str, str]) -> None:
    assert set(registered) == set(PINNED)


@pytest.mark.parametrize("type_", sorted(PINNED))
def test_the_serialized_provider_names_exactly_its_pinned_class(registered: dict[str, str], type_: str) -> None:
    recorder = _Recorder(base64.b64decode(registered[type_]))
    provider = recorder.load()
    module, qualname = PINNED[type_]
    assert (type(provider).__module__, type(provider).__qualname__) == (module, qualname)
    assert [name for name in recorder.named if name[0].startswith("infra")] == [(module, qualname)], (
        "the pickle names the class by reference and nothing else of this package"
    )


def test_each_serialized_provider_loads_in_a_fresh_interpreter(registered: dict[str, str]) -> None:
    """As the host does: a new process that has only the project on its path."""
    script = (
        "import base64, sys, dill\n"
        "for blob in sys.argv[1:]:\n"
        "    p = dill.loads(base64.b64decode(blob))\n"
        "    print(type(p).__module__, type(p).__qualname__)\n"
    )
    types_ = sorted(PINNED)
    run = subprocess.run(
        [sys.executable, "-c", script, *(registered[t] for t in types_)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:-1] == [" ".join(PINNED[t]) for t in types_]
