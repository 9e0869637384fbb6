"""Pulumi's own dynamic-provider host, served over gRPC, and the engine's side of the wire.

The host is the file that ships in the `pulumi` package (`pulumi/dynamic/__main__.py`, what
`pulumi-resource-pulumi-python` runs), loaded unchanged except for its last statement,
`main()`, which would block this process: `serve_host` does what `main()` does (a gRPC
server with the host's `DynamicResourceProviderServicer` on 127.0.0.1, an ephemeral port)
in this process, so the providers inside it reach the simulated B2 account of the `b2`
fixture.

`Engine` is the engine's half: every request is built the way the Pulumi engine builds it,
from pulumi/pulumi `pkg/resource/plugin/provider_plugin.go` (the gRPC client of a resource
plugin: which fields each request carries, that secrets are stripped for a plugin that
does not accept them and re-marked on the way back (`annotateSecrets`), that unknowns are
kept only while previewing, and that `Create`/`Update` are not sent at all during a
preview to a plugin without `supportsPreview`). `Deployment` drives those requests in the
order the engine's steps do (`pkg/resource/deploy/step.go`: CreateStep, UpdateStep,
ReplaceStep = create the new one then delete the old one, DeleteStep refusing a protected
resource, RefreshStep reading with the state's inputs and outputs, ImportStep reading with
neither). The program's side is real too: each resource's inputs are those the real
program registers (the offline plan's RegisterResource requests, `__provider` included).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import types
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from infra.offline.harness import DeclaredResource, Plan

SECRET_SIG = rpc._special_secret_sig
SIG_KEY = rpc._special_sig_key
UNKNOWN = rpc.UNKNOWN
"""The engine's wire sentinel for a value not known during a preview."""

HOST_FILE = Path(importlib.util.find_spec("pulumi.dynamic").origin).with_name("__main__.py")  # type: ignore[union-attr, arg-type]

DEPENDENT_OUTPUT = {
    "bucketId": "bucketId",
    "sourceBucketId": "bucketId",
    "destinationBucketId": "bucketId",
    "sourceKeyId": "applicationKeyId",
    "destinationKeyId": "applicationKeyId",
}
"""Which output of the resource it depends on feeds each dependent input (the component's
wiring; `Deployment` checks the program's property dependencies agree)."""


class HostError(Exception):
    """The host answered a request with a gRPC error (its traceback is the message)."""


def load_host() -> types.ModuleType:
    """`pulumi/dynamic/__main__.py` as shipped, without its closing `main()` call."""
    tree = ast.parse(HOST_FILE.read_text(encoding="utf-8"), str(HOST_FILE))
    last = tree.body[-1]
    assert (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Name)
        and last.value.func.id == "main"
        and not last.value.args
    ), "the host no longer ends with main(): look at how it starts now"
    tree.body = tree.body[:-1]
    module = types.ModuleType("pulumi_dynamic_host")
    module.__file__ = str(HOST_FILE)
    exec(compile(tree, str(HOST_FILE), "exec"), module.__dict__)  # noqa: S102 - the shipped host's own code
    return module


@contextmanager
def serve_host() -> Iterator[str]:
    """The host's servicer on a gRPC server at 127.0.0.1 (what its `main()` sets up); yields the address."""
    host = load_host()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=host._GRPC_CHANNEL_OPTIONS)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(host.DynamicResourceProviderServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(None)


# ---------------------------------------------------------------------------------------
# Property values as the engine holds them: plain JSON values, a secret as the wire's
# {sig: secret, value: ...} object, an unknown as UNKNOWN.


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def reveal(value: Any) -> Any:
    """`value` with every secret unwrapped."""
    if is_secret(value):
        return reveal(value["value"])
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def contains_secrets(value: Any) -> bool:
    if is_secret(value):
        return True
    if isinstance(value, dict):
        return any(contains_secrets(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secrets(v) for v in value)
    return False


def _marshal_value(value: Any, keep_unknowns: bool, keep_secrets: bool) -> Any:
    if is_secret(value):
        inner = _marshal_value(value["value"], keep_unknowns, keep_secrets)
        return secret(inner) if keep_secrets else inner
    if isinstance(value, dict):
        return {
            k: _marshal_value(v, keep_unknowns, keep_secrets)
            for k, v in value.items()
            if keep_unknowns or v != UNKNOWN
        }
    if isinstance(value, list):
        return [_marshal_value(v, keep_unknowns, keep_secrets) for v in value]
    return value


def marshal(props: dict[str, Any], *, keep_unknowns: bool, keep_secrets: bool) -> struct_pb2.Struct:
    """plugin.MarshalProperties: an unknown is dropped unless KeepUnknowns; a secret is sent
    as its plain value unless KeepSecrets (the plugin accepted secrets)."""
    struct = struct_pb2.Struct()
    struct.update(_marshal_value(props, keep_unknowns, keep_secrets))
    return struct


def unmarshal(struct: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(struct)


def annotate_secrets(outs: dict[str, Any], ins: dict[str, Any]) -> None:
    """provider_plugin.go `annotateSecrets`: an output whose input of the same name held a
    secret is stored as a secret (recursing where both are objects)."""
    for key, value in ins.items():
        if key not in outs:
            continue
        if isinstance(outs[key], dict) and not is_secret(outs[key]) and isinstance(value, dict) and not is_secret(value):
            annotate_secrets(outs[key], value)
        elif not is_secret(outs[key]) and contains_secrets(value):
            outs[key] = secret(outs[key])


def name_and_type(urn: str) -> tuple[str, str]:
    """A URN's resource name and type (the last type of its parent chain)."""
    qualified_type, name = urn.split("::")[-2:]
    return name, qualified_type.split("$")[-1]


# ---------------------------------------------------------------------------------------
# The engine's requests (provider_plugin.go)


class Engine:
    """The engine's gRPC client of one dynamic-provider host."""

    def __init__(self, address: str) -> None:
        self.channel = grpc.insecure_channel(address)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.sent: list[tuple[str, Any]] = []
        # Configure: provider_plugin.go sends these flags and takes acceptSecrets and
        # supportsPreview from the answer.
        answer = self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                variables={},
                args=struct_pb2.Struct(),
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )
        self.accept_secrets = answer.acceptSecrets
        self.supports_preview = answer.supportsPreview

    def close(self) -> None:
        self.channel.close()

    def _call(self, method: str, request: Any) -> Any:
        self.sent.append((method, request))
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as error:
            raise HostError(error.details()) from None

    def _wire(self, props: dict[str, Any], keep_unknowns: bool = False) -> struct_pb2.Struct:
        return marshal(props, keep_unknowns=keep_unknowns, keep_secrets=self.accept_secrets)

    def check(self, urn: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool) -> tuple[dict, list]:
        name, type_ = name_and_type(urn)
        answer = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=urn,
                name=name,
                type=type_,
                olds=self._wire(olds, preview),
                news=self._wire(news, preview),
                randomSeed=os.urandom(32),
            ),
        )
        inputs = unmarshal(answer.inputs)
        if not self.accept_secrets:
            annotate_secrets(inputs, news)
        return inputs, [(f.property, f.reason) for f in answer.failures]

    def diff(self, urn: str, id_: str, old_inputs: dict, old_outputs: dict, new_inputs: dict, *, preview: bool) -> Any:
        name, type_ = name_and_type(urn)
        return self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=urn,
                name=name,
                type=type_,
                old_inputs=self._wire(old_inputs, preview),
                olds=self._wire(old_outputs, preview),
                news=self._wire(new_inputs, preview),
            ),
        )

    def create(self, urn: str, props: dict[str, Any], *, preview: bool) -> tuple[str, dict[str, Any]]:
        if preview and not self.supports_preview:
            return "", dict(props)  # the engine answers for the plugin: inputs as state
        name, type_ = name_and_type(urn)
        answer = self._call(
            "Create",
            provider_pb2.CreateRequest(
                urn=urn, name=name, type=type_, properties=self._wire(props, preview), preview=preview
            ),
        )
        outs = unmarshal(answer.properties)
        if not self.accept_secrets:
            annotate_secrets(outs, props)
        return answer.id, outs

    def read(
        self, urn: str, id_: str, inputs: dict[str, Any] | None, state: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None] | None:
        """None when the resource is gone (the host answered an empty id)."""
        name, type_ = name_and_type(urn)
        request = provider_pb2.ReadRequest(id=id_, urn=urn, name=name, type=type_, properties=self._wire(state or {}))
        if inputs is not None:  # provider_plugin.go leaves Inputs nil when the step has none (import)
            request.inputs.CopyFrom(self._wire(inputs))
        answer = self._call("Read", request)
        if not answer.id:
            return None
        outs = unmarshal(answer.properties)
        new_inputs = unmarshal(answer.inputs) if answer.HasField("inputs") else None
        if not self.accept_secrets:
            if new_inputs is not None:
                annotate_secrets(new_inputs, inputs or {})
            annotate_secrets(outs, state or {})
        return answer.id, outs, new_inputs

    def update(self, urn: str, id_: str, old_inputs: dict, old_outputs: dict, new_inputs: dict, *, preview: bool) -> dict:
        if preview and not self.supports_preview:
            return dict(new_inputs)
        name, type_ = name_and_type(urn)
        answer = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=urn,
                name=name,
                type=type_,
                olds=self._wire(old_outputs),
                news=self._wire(new_inputs, preview),
                old_inputs=self._wire(old_inputs),
                preview=preview,
            ),
        )
        outs = unmarshal(answer.properties)
        if not self.accept_secrets:
            annotate_secrets(outs, new_inputs)
        return outs

    def delete(self, urn: str, id_: str, inputs: dict[str, Any], outputs: dict[str, Any]) -> None:
        name, type_ = name_and_type(urn)
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_, urn=urn, name=name, type=type_, properties=self._wire(outputs), old_inputs=self._wire(inputs)
            ),
        )


# ---------------------------------------------------------------------------------------
# The engine's steps (step.go), over the program's registrations


@dataclass
class ResourceState:
    urn: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool


class ProtectedError(Exception):
    """The engine refuses to delete or replace a protected resource (step.go, DeleteStep)."""


@dataclass
class Deployment:
    """One stack's state, changed by `up`, `refresh` and `destroy` as the engine would."""

    engine: Engine
    state: dict[str, ResourceState] = field(default_factory=dict)

    def _news(self, resource: DeclaredResource, changing: set[str], preview: bool) -> dict[str, Any]:
        """The inputs the program registers, with each dependent input set from its
        dependency's state, or unknown while previewing a dependency that changes."""
        news = dict(resource.wire_inputs)
        for key, urns in resource.property_dependencies.items():
            if not urns:
                continue
            assert key in DEPENDENT_OUTPUT, f"unexpected dependent input {resource.name}.{key}"
            [dependency] = urns
            known = dependency in self.state and not (preview and dependency in changing)
            news[key] = self.state[dependency].outputs[DEPENDENT_OUTPUT[key]] if known else UNKNOWN
        return news

    def up(self, plan: Plan, *, preview: bool = False) -> dict[str, str]:
        """`pulumi preview` (preview=True) or `pulumi up` of the plan's dynamic resources: the
        step each took (create, same, update, replace, delete)."""
        assert plan.error is None, plan.error
        declared = [r for r in plan.resources if r.custom]
        steps: dict[str, str] = {}
        changing: set[str] = set()
        replaced: list[ResourceState] = []
        for resource in declared:
            old = self.state.get(resource.urn)
            news = self._news(resource, changing, preview)
            inputs, failures = self.engine.check(resource.urn, old.inputs if old else {}, news, preview=preview)
            if failures:
                raise HostError(f"{resource.name}: {failures}")
            if old is None:
                steps[resource.urn] = "create"
                self._create(resource, inputs, preview)
                changing.add(resource.urn)
                continue
            diff = self.engine.diff(resource.urn, old.id, old.inputs, old.outputs, inputs, preview=preview)
            if diff.changes != provider_pb2.DiffResponse.DIFF_SOME:
                steps[resource.urn] = "same"
                if not preview:
                    self.state[resource.urn] = ResourceState(resource.urn, old.id, inputs, old.outputs, resource.protect)
                continue
            changing.add(resource.urn)
            if diff.replaces:
                if old.protect:
                    raise ProtectedError(f"{resource.name} would be replaced ({list(diff.replaces)}) but is protected")
                steps[resource.urn] = "replace"
                replaced.append(old)
                self._create(resource, inputs, preview)
                continue
            steps[resource.urn] = "update"
            outs = self.engine.update(resource.urn, old.id, old.inputs, old.outputs, inputs, preview=preview)
            if not preview:
                self.state[resource.urn] = ResourceState(
                    resource.urn, old.id, inputs, self._secret_outputs(resource, outs), resource.protect
                )
        gone = [s for urn, s in self.state.items() if urn not in {r.urn for r in declared}]
        for old in [*reversed(replaced), *reversed(gone)]:  # replaced: create first, delete the old one last
            steps.setdefault(old.urn, "delete")
            if not preview:
                self._delete(old, replacing=old in replaced)
        return steps

    def _secret_outputs(self, resource: DeclaredResource, outs: dict[str, Any]) -> dict[str, Any]:
        """The engine stores `additional_secret_outputs` as secrets."""
        return {k: secret(v) if k in resource.additional_secret_outputs and not is_secret(v) else v for k, v in outs.items()}

    def _create(self, resource: DeclaredResource, inputs: dict[str, Any], preview: bool) -> None:
        id_, outs = self.engine.create(resource.urn, inputs, preview=preview)
        if not preview:
            assert id_, "the engine fails a Create that returns no id"
            self.state[resource.urn] = ResourceState(
                resource.urn, id_, inputs, self._secret_outputs(resource, outs), resource.protect
            )

    def _delete(self, old: ResourceState, replacing: bool = False) -> None:
        if old.protect and not replacing:
            raise ProtectedError(f"{old.urn} is protected")
        self.engine.delete(old.urn, old.id, old.inputs, old.outputs)
        if self.state.get(old.urn) is old:
            del self.state[old.urn]

    def refresh(self) -> dict[str, str]:
        """`pulumi refresh`: Read with the state's inputs and outputs (RefreshStep)."""
        steps = {}
        for urn, old in list(self.state.items()):
            found = self.engine.read(urn, old.id, old.inputs, old.outputs)
            if found is None:
                del self.state[urn]
                steps[urn] = "deleted"
                continue
            id_, outs, inputs = found
            new = ResourceState(urn, id_, inputs if inputs is not None else old.inputs, outs, old.protect)
            # RefreshStep.ResultOp: the diff an `up` of the unchanged program would see, i.e.
            # Diff(old inputs := refreshed inputs, old outputs := refreshed outputs, news := old inputs)
            diff = self.engine.diff(urn, id_, new.inputs, new.outputs, old.inputs, preview=False)
            steps[urn] = "same" if diff.changes != provider_pb2.DiffResponse.DIFF_SOME else "update"
            self.state[urn] = new
        return steps

    def destroy(self) -> None:
        """`pulumi destroy`: every resource deleted, dependents first."""
        for old in reversed(list(self.state.values())):
            self._delete(old)
