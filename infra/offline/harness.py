"""Run the real program (`__main__.py`) under Pulumi's mocks and record what it declares.

The recording monitor sees every RegisterResource and Invoke request exactly as the engine would
(type, name, inputs, parent, protect, provider, import id, dependencies) and the stack's
outputs as serialized for the engine, including which outputs are secret. Each run
happens in a fresh context, so runs in one process do not leak state into each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import runpy
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import register_stack_transformation, run_in_stack

from infra import PROJECT
from infra.offline import fakes
from infra.offline.plugin_config import plugin_problems, refusal
from infra.offline.records import ROOT_STACK_TYPE, DeclaredAlias, DeclaredInvoke, DeclaredResource, Diagnostic, Plan
from infra.offline.stack_files import PROJECT_ROOT, stack_config, stack_of

__all__ = ["DeclaredInvoke", "DeclaredResource", "Diagnostic", "Plan", "run_plan", "run_stack_file"]

SECRET_SIG = rpc._special_secret_sig  # the marker the engine uses for secret values


class _FakeCloud(mocks.Mocks):
    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        computed = fakes.RESOURCE_OUTPUTS.get(args.typ)
        state = {**args.inputs, **(computed(args.name, args.inputs) if computed else {})}
        make_id = fakes.RESOURCE_IDS.get(args.typ)
        resource_id = args.resource_id or (make_id(args.name, args.inputs) if make_id else f"{args.name}-id")
        return resource_id, state

    def call(self, args: mocks.MockCallArgs) -> dict[str, Any]:
        answer = fakes.INVOKE_RESULTS.get(args.token)
        if answer is None:
            raise NotImplementedError(f"offline plan has no fake answer for invoke {args.token}")
        return answer(args.args)


@contextlib.contextmanager
def _thread_event_loop() -> Iterator[None]:
    """An event loop for one mock-monitor call on an executor thread, closed on that thread.

    The SDK calls the monitor from the program loop's default executor (`run_in_executor`,
    pulumi/runtime/resource.py), and `MockMonitor.Invoke`, `ReadResource` and
    `RegisterResource` each start with `_ensure_event_loop()` (pulumi/runtime/mocks.py,
    sync_await.py): a new loop for every worker thread, set as its current loop and never
    closed. Those loops outlive the run; at interpreter exit their `__del__` may run after
    their self-pipe sockets were finalized and print `Exception ignored in:
    BaseEventLoop.__del__ ... ValueError: Invalid file descriptor: -1` (15 of 60 plan runs).
    Setting our own loop first makes `_ensure_event_loop` reuse it; closing it here, on the
    thread that made it, leaves nothing for the garbage collector.
    """
    try:
        asyncio.get_event_loop()  # the same test `_ensure_event_loop` makes: a loop is set
    except RuntimeError:
        pass
    else:
        yield
        return
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


class _RecordingMonitor(mocks.MockMonitor):
    def __init__(self) -> None:
        super().__init__(_FakeCloud())
        self.declared: list[DeclaredResource] = []
        self.stack_outputs: dict[str, Any] = {}
        self.secret_outputs: set[str] = set()
        self.stack_urn = ""
        self.invokes: list[DeclaredInvoke] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives (pulumi/pulumi pkg/resource/deploy/deployment.go
        `generateURN`): the parent's whole qualified type, none for the root stack. The mock's
        own `make_urn` keeps only the parent's last type and keeps the root stack's, so a
        component's URN there (`pulumi:pulumi:Stack$...`) is not the deployed one."""
        parent_type = parent.split("::")[2] if parent else ""
        if parent_type and parent_type != ROOT_STACK_TYPE:
            type_ = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([runtime_settings.get_stack(), runtime_settings.get_project(), type_, name])

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        with _thread_event_loop():
            response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        raw = json_format.MessageToDict(request.object)
        self.declared.append(
            DeclaredResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                inputs=rpc.deserialize_properties(request.object),
                parent=request.parent,
                protect=bool(request.protect),
                custom=bool(request.custom),
                provider=request.provider,
                import_id=request.importId,
                dependencies=tuple(request.dependencies),
                secret_inputs=frozenset(k for k, v in raw.items() if _is_secret(v)),
                property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
                wire_inputs=raw,
                additional_secret_outputs=tuple(request.additionalSecretOutputs),
                delete_before_replace=bool(request.deleteBeforeReplace),
                aliases=tuple(_alias(a) for a in request.aliases),
            )
        )
        return response

    def Invoke(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        self.invokes.append(DeclaredInvoke(token=request.tok, provider=request.provider))
        with _thread_event_loop():
            return super().Invoke(request)

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        with _thread_event_loop():
            return super().ReadResource(request)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        if request.urn == self.stack_urn:
            raw = json_format.MessageToDict(request.outputs)
            self.secret_outputs = {k for k, v in raw.items() if _is_secret(v)}
            self.stack_outputs = {k: _unwrap(v) for k, v in raw.items()}
        return super().RegisterResourceOutputs(request)


class _RecordingEngine(mocks.MockEngine):
    def __init__(self) -> None:
        super().__init__(logging.getLogger("infra.offline"))
        self.diagnostics: list[Diagnostic] = []

    def Log(self, request: Any) -> None:  # noqa: N802 - gRPC method name
        severity = {0: "debug", 1: "info", 2: "warning", 3: "error"}.get(request.severity, "info")
        if severity != "debug":
            self.diagnostics.append(Diagnostic(severity, request.message))


def _alias(alias: Any) -> DeclaredAlias:
    """One `alias_pb2.Alias`: a URN, or a spec (sent because the mock monitor advertises
    ALIAS_SPECS, so the SDK leaves parent inheritance to the engine, as with the real one)."""
    if alias.WhichOneof("alias") == "urn":
        return DeclaredAlias(urn=alias.urn)
    spec = alias.spec
    return DeclaredAlias(
        name=spec.name,
        type=spec.type,
        stack=spec.stack,
        project=spec.project,
        parent_urn=spec.parentUrn,
        no_parent=spec.noParent,
    )


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == SECRET_SIG


def _unwrap(value: Any) -> Any:
    if _is_secret(value):
        return _unwrap(value.get("value"))
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _record_declaration(order: list[tuple[str, str]]) -> Any:
    """A stack transformation noting each resource as its constructor runs: the program's
    declaration order. Registrations reach the monitor in whatever order their inputs
    resolve on the event loop, which changes from run to run."""

    def record(args: Any) -> None:
        order.append((args.type_, args.name))
        return None

    return record


def in_declaration_order(
    registered: list[DeclaredResource], declared: list[tuple[str, str]]
) -> tuple[DeclaredResource, ...]:
    """`registered` sorted by when the program declared each resource; any resource the
    transformation did not see (none today) keeps its arrival order, after the others."""
    positions: dict[tuple[str, str], list[int]] = {}
    for index, key in enumerate(declared):
        positions.setdefault(key, []).append(index)
    def position(item: tuple[int, DeclaredResource]) -> tuple[int, int]:
        arrival, resource = item
        slots = positions.get((resource.type, resource.name))
        return (slots.pop(0), arrival) if slots else (len(declared), arrival)
    ordered = sorted(enumerate(registered), key=position)
    return tuple(resource for _, resource in ordered)


def run_plan(
    stack: str,
    project_dir: Path = PROJECT_ROOT,
    config_overrides: dict[str, Any] | None = None,
    stack_file: Path | None = None,
) -> Plan:
    """Run the program for `stack` offline.

    `config_overrides` (setting name -> value, None to remove) lets tests try settings
    the shipped stack files do not have. `stack_file` reads the stack's settings from another
    file than `project_dir/Pulumi.<stack>.yaml` (see `run_stack_file`).
    """
    config, secret_keys = stack_config(stack, project_dir, stack_file)
    for name, value in (config_overrides or {}).items():
        full_key = name if ":" in name else f"{PROJECT}:{name}"
        if value is None:
            config.pop(full_key, None)
        else:
            config[full_key] = value if isinstance(value, str) else _json(value)
    plan = contextvars.copy_context().run(_run, stack, project_dir, config, secret_keys)
    if plan.error is None and (problems := plugin_problems(plan, config)):
        return replace(plan, error=refusal(stack, problems))
    return plan


def run_stack_file(
    stack_file: Path, project_dir: Path = PROJECT_ROOT, config_overrides: dict[str, Any] | None = None
) -> Plan:
    """Run the program offline for a stack file kept anywhere (e.g. `examples/*/Pulumi.prod.yaml`),
    as if it were copied beside `project_dir`'s Pulumi.yaml: its stack is the one its name says."""
    return run_plan(stack_of(stack_file), project_dir, config_overrides, stack_file=stack_file)


def _json(value: Any) -> str:
    import json

    return json.dumps(value) if not isinstance(value, bool) else ("true" if value else "false")


def _run(stack: str, project_dir: Path, config: dict[str, str], secret_keys: list[str]) -> Plan:
    monitor = _RecordingMonitor()
    engine = _RecordingEngine()
    runtime_settings.ROOT.set(None)
    runtime_config.set_all_config(config, secret_keys)
    runtime_settings.configure(
        mocks.MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=engine,
            project=PROJECT,
            stack=stack,
            dry_run=True,
            organization="organization",
            callbacks=None,
        )
    )
    entry_point = str(project_dir / "__main__.py")
    added_path = str(project_dir) not in sys.path
    if added_path:
        sys.path.insert(0, str(project_dir))
    error: str | None = None
    declared_order: list[tuple[str, str]] = []

    def program() -> None:
        register_stack_transformation(_record_declaration(declared_order))
        runpy.run_path(entry_point, run_name="__main__")

    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(run_in_stack(program))
    except Exception as exc:  # noqa: BLE001 - reported in the plan, as the engine would
        error = str(exc)
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        if added_path:
            sys.path.remove(str(project_dir))
    return Plan(
        stack=stack,
        resources=in_declaration_order(monitor.declared, declared_order),
        outputs=dict(monitor.stack_outputs),
        secret_outputs=frozenset(monitor.secret_outputs),
        diagnostics=tuple(engine.diagnostics),
        error=error,
        invokes=tuple(monitor.invokes),
    )
