"""Shared fixtures: offline plans of the shipped stacks, cached per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2_grpc

from infra.offline.harness import Plan
from scripts import policy_bundle
from tests.support.b2_fake import FakeB2, simulated_b2
from tests.support.plans import shipped_plan
from tests.support.rgw_server import Rgw, rgw_cluster_running
from tests.support.s3_servers import Server, localstack


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    return shipped_plan("prod")


@pytest.fixture
def b2(monkeypatch: pytest.MonkeyPatch) -> FakeB2:
    """A simulated B2 account behind the dynamic providers (tests/support/b2_fake.py)."""
    return simulated_b2(monkeypatch)


@pytest.fixture(scope="session")
def rgw() -> Iterator[Rgw]:
    """One throwaway Ceph RGW cluster for the whole session (skips only where Ceph cannot be installed)."""
    with rgw_cluster_running() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def localstack_server() -> Iterator[Server]:
    """One LocalStack (S3 + IAM) for the whole session; each module makes its own IAM users and buckets."""
    with localstack() as server:
        yield server


SESSION_SERVERS = {"rgw": "rgw", "localstack_server": "localstack"}
"""Session-scoped fixtures that start a server, and the worker group of the tests using each."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `pytest -n 3 --dist loadgroup` (`make test`), start each server once.

    A test that uses a module-scoped fixture (each of those starts a server or builds a
    plan) stays on one worker with its module; every test on the session's RGW cluster
    shares one worker (likewise LocalStack's). A module may name its group itself
    (`pytestmark`). Everything else is spread freely. Without xdist the marks are inert.
    """
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        used = set(item.fixturenames)
        servers = sorted(group for name, group in SESSION_SERVERS.items() if name in used)
        if servers:
            item.add_marker(pytest.mark.xdist_group("+".join(servers)))
            continue
        scopes = {definition.scope for name in used for definition in info.name2fixturedefs.get(name, ())}
        if "module" in scopes:
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def installed_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The bundle, and an environment whose only way to `infra` is the wheel installed from it
    by the bundle's own requirements line (pip resolves its `--find-links` beside the file)."""
    root = tmp_path_factory.mktemp("pack")
    bundle = policy_bundle.build(root / "policy-pack")
    only_package = bundle / "package-only.txt"
    lines = (bundle / "requirements.txt").read_text().splitlines()
    only_package.write_text("\n".join(lines[lines.index("--find-links wheels"):]) + "\n")
    site = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--no-deps",
         "--target", str(site), "-r", str(only_package)],
        check=True, cwd=root, timeout=300,
    )
    only_package.unlink()
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
    return bundle, environment


@pytest.fixture(scope="module")
def analyzer(installed_pack: tuple[Path, dict[str, str]]) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    bundle, environment = installed_pack
    process = subprocess.Popen(
        [sys.executable, str(bundle / "__main__.py")],
        cwd=bundle,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
