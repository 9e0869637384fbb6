"""The `credentials` and `activeCredential` settings: which app credentials exist and which one
the app uses, so a key can be rotated without downtime in three `pulumi up`s.

Provider-neutral: a provider's own limit (AWS: two access keys per user) comes from its spec.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from infra.providers.spec import ProviderSpec
from infra.settings import keys as k
from infra.settings.model import DEFAULT_CREDENTIAL, Credential
from infra.settings.problems import Report

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")
"""A generation name becomes part of resource names (`storage-app-key-2027-05`) and credential
names (`<bucket>-app-2027-05`), so it is short and safe in both."""
NAME_RULE = "1-31 lowercase letters, digits and hyphens, starting with a letter or digit (e.g. 2027-05)"
FIELDS = frozenset({"name"})

DEFAULT = ((Credential(DEFAULT_CREDENTIAL),), DEFAULT_CREDENTIAL)
"""Neither setting given: the one credential every stack had before rotation existed."""


def parse_credentials(
    values: dict[str, Any], spec: ProviderSpec | None, report: Report
) -> tuple[tuple[Credential, ...], str] | None:
    """The declared generations and the active one's name, or None after reporting every problem."""
    listed = values.get(k.CREDENTIALS.name)
    active = values.get(k.ACTIVE_CREDENTIAL.name) or ""
    if report.has_problem(k.CREDENTIALS.name) or report.has_problem(k.ACTIVE_CREDENTIAL.name):
        return None
    if listed is None:
        if not active:
            return DEFAULT
        report.problem(
            k.ACTIVE_CREDENTIAL.name,
            f"is {active!r} but credentials is not set; list the generations first in Pulumi.<stack>.yaml, "
            f"e.g. credentials: [{{name: {DEFAULT_CREDENTIAL}}}, {{name: {active}}}] (the stack's current "
            f"credential is the generation called {DEFAULT_CREDENTIAL!r}), or remove activeCredential",
        )
        return None
    names = _names(listed, report)
    if names is None:
        return None
    ok = True
    if not active:
        report.missing(
            k.ACTIVE_CREDENTIAL.name,
            f"is required with credentials: name the generation the app uses, one of {', '.join(names)}",
        )
        ok = False
    elif active not in names:
        report.problem(k.ACTIVE_CREDENTIAL.name, _not_listed(active, names))
        ok = False
    limit = spec.credentials_problem(names) if spec is not None else None
    if limit:
        report.problem(k.CREDENTIALS.name, limit)
        ok = False
    return (tuple(Credential(name) for name in names), active) if ok else None


def _names(listed: list[dict[str, str]], report: Report) -> tuple[str, ...] | None:
    if not listed:
        report.problem(
            k.CREDENTIALS.name,
            "is an empty list; keep at least the generation the app uses, or remove both credentials "
            f"and activeCredential to go back to the single {DEFAULT_CREDENTIAL!r} credential",
        )
        return None
    names: list[str] = []
    ok = True
    for position, item in enumerate(listed, start=1):
        extra = sorted(set(item) - FIELDS)
        if extra:
            report.problem(k.CREDENTIALS.name, f"item {position} has unknown field(s) {', '.join(extra)}; only name is used")
            ok = False
        name = item.get("name")
        if name is None:
            report.problem(k.CREDENTIALS.name, f"item {position} has no name; write it as {{name: 2027-05}}")
            ok = False
        elif not NAME.fullmatch(name):
            report.problem(k.CREDENTIALS.name, f"item {position}: {name[:40]!r} is not a generation name: {NAME_RULE}")
            ok = False
        elif name in names:
            report.problem(k.CREDENTIALS.name, f"lists {name!r} twice; each generation is one credential, remove the duplicate")
            ok = False
        else:
            names.append(name)
    return tuple(names) if ok else None


def _not_listed(active: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(active, names, n=1)
    if close:
        return f"{active!r} is not in credentials ({', '.join(names)}); did you mean {close[0]!r}?"
    return (
        f"{active!r} is not in credentials ({', '.join(names)}). If you just removed it, put it back: the app "
        "still uses it, and removing the active generation deletes that credential. Switch activeCredential "
        f"first (`pulumi config set activeCredential {names[-1]}`), `pulumi up` and validate the app, and only "
        f"then remove {active!r} from credentials"
    )
