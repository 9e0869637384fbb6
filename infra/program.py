"""The Pulumi program: settings in, one storage component, STORAGE_* outputs out."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from infra import PROJECT
from infra.outputs import contract_outputs
from infra.providers import registry
from infra.providers.base import StorageComponent
from infra.settings.model import Settings
from infra.settings.problems import SettingsError
from infra.stack.load import load_settings

COMPONENT_NAME = "storage"


def _config_bag() -> dict[str, Any]:
    """Every config value the engine passed, keyed by `namespace:key`."""
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {full_key.replace(":config:", ":", 1): value for full_key, value in merged.items()}


def plugin_config_keys() -> list[str]:
    """The stack's config keys outside this project's namespace (`aws:region`), for the settings check."""
    return sorted(key for key in _config_bag() if key.partition(":")[0] != PROJECT)


def project_config() -> dict[str, Any]:
    """Every config value of this project's namespace, keyed by setting name.

    Read from the whole config bag (not key by key) so a mistyped key is reported
    instead of silently ignored.
    """
    values: dict[str, Any] = {}
    for full_key, value in _config_bag().items():
        namespace, _, name = full_key.partition(":")
        if namespace == PROJECT:
            values[name] = value
    return values


def read_settings() -> Settings:
    """This stack's settings, or a clean RunError (no traceback) listing every problem."""
    try:
        return load_settings(project_config(), stack=pulumi.get_stack(), plugin_keys=plugin_config_keys())
    except SettingsError as error:
        raise pulumi.RunError(str(error)) from None


def main() -> StorageComponent:
    """Declare the stack's storage; nothing at all is declared when settings are invalid."""
    settings = read_settings()
    for warning in settings.warnings:
        pulumi.log.warn(warning)
    spec = registry.get(settings.provider)
    assert spec is not None  # load_settings accepted the provider
    component_class = spec.load_component()
    storage: StorageComponent = component_class(COMPONENT_NAME, settings)
    for name, value in contract_outputs(settings, storage.access, storage.failover).items():
        pulumi.export(name, value)
    return storage
