"""Naming the app credential's generations, the same way on every provider. Pure: no SDK import.

Each generation in `settings.credentials` is one provider credential (AWS access key, Spaces
key, R2 token, B2 application key). The `default` generation — the only one of a stack that
never rotated — keeps the names stacks had before rotation existed, so upgrading this package
never replaces a live key; every other generation adds its name as a suffix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from infra.settings.model import DEFAULT_CREDENTIAL, Settings

T = TypeVar("T")


def generation_suffixed(base: str, generation: str) -> str:
    """`base` for the default generation, `base-<generation>` for the others."""
    return base if generation == DEFAULT_CREDENTIAL else f"{base}-{generation}"


def credential_display_name(bucket: str, generation: str = DEFAULT_CREDENTIAL) -> str:
    """The name a credential carries at the provider: `<bucket>-app`, `<bucket>-app-2027-05`."""
    return generation_suffixed(f"{bucket}-app", generation)


def declare_generations(settings: Settings, declare: Callable[[str], T]) -> tuple[dict[str, T], T]:
    """Declare one credential per generation (in the listed order) with `declare(generation)`;
    return them by name and the active one, whose values the app gets."""
    declared = {credential.name: declare(credential.name) for credential in settings.credentials}
    return declared, declared[settings.active_credential]
