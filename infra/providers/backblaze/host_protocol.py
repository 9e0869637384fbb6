"""What Pulumi's dynamic-provider host hands the B2 providers, and how it stores them.

The host (`pulumi/dynamic/__main__.py`) keeps each provider object, pickled by dill, in the
`__provider` property of its resource's inputs and outputs, and loads it back from there
for every later operation: Read and Delete from the state, Check, Diff and Update from the
program's new inputs. dill pickles a class of an importable module *by reference*: the
blob holds the class's `__module__` and qualified name, nothing else (our providers carry
no attributes, so no credential either). Those two names are therefore part of every
deployed stack's state, and `PICKLED_MODULE` below is where they point.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pulumi.output import Unknown
from pulumi.runtime import rpc

PROVIDER_INPUT = "__provider"
"""The engine's property holding the serialized provider; never compared or echoed."""

PICKLED_MODULE = "infra.providers.backblaze.dynamic"
"""The module every state since the first deployment names for the bucket and key providers
(tests/providers/test_provider_pins.py pins it). The classes live in bucket_provider.py and
key_provider.py; `dynamic.py` re-exports them under this name."""

Provider = TypeVar("Provider", bound=type)


def pickled_under_legacy_module(cls: Provider) -> Provider:
    """Make dill record `cls` as `PICKLED_MODULE.<name>`, as the states already written do.

    Without this, moving a class into a module of its own would change the blob every new
    state records, and that second path would have to stay importable forever as well. The
    same device as NumPy's `set_module`: a class's `__module__` names its public, stable
    home; pickle checks that the name there is this very class when it serializes.
    """
    cls.__module__ = PICKLED_MODULE
    return cls


def plain(props: Mapping[str, Any]) -> dict[str, Any]:
    """`props` without the engine's serialized provider."""
    return {key: value for key, value in props.items() if key != PROVIDER_INPUT}


def is_unknown(value: Any) -> bool:
    """Whether a property is a preview's unknown. The host hands `Check` and `Diff` an
    `Unknown()` object (it deserializes with keep_unknowns); the wire sentinel string is
    accepted too, for callers that pass raw properties."""
    return isinstance(value, Unknown) or value == rpc.UNKNOWN
