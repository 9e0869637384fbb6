"""Runs the checks in order: each timed, each bounded by the timeout, dependents of a
failed check not run, and the probes removed at the end — after a pass, a failure,
a timeout or Ctrl-C alike — within one more timeout of wall-clock time.

With `fresh_credential` (right after a deploy that may have created the key), the first
check to present the key waits, within its timeout, while the provider does not know the
key yet (`fresh_key`), and the report says how long.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from infra.guide.troubleshooting import MANAGED_KEY_CAUSES, MANAGED_KEY_FIX, ErrorClass
from infra.validate import fresh_key, interrupts
from infra.validate.bounded import bounded
from infra.validate.checks import CHECKS, CONFIGURATION, Context, Passed, Skip
from infra.validate.classify import Failure, classify
from infra.validate.client import s3_client
from infra.validate.config import ConfigurationProblems, Target, load_target
from infra.validate.inputs import Inputs
from infra.validate.probes import Probes

CREDENTIAL_CHECK = "connectivity"
"""The first check to present the access key (the others need it to pass)."""
PASSED, FAILED, SKIPPED, NOT_RUN, INTERRUPTED = "passed", "failed", "skipped", "not run", "interrupted"
EXIT_OK, EXIT_FAILED, EXIT_CONFIGURATION, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class CheckResult:
    id: str
    name: str
    status: str
    duration_ms: float | None = None
    detail: str = ""
    notes: tuple[str, ...] = ()
    failure: Failure | None = None


@dataclass
class Outcome:
    """Everything the report shows."""

    source: str
    target: Target | None
    results: list[CheckResult] = field(default_factory=list)
    interrupted: bool = False
    left_behind: list[str] = field(default_factory=list)
    """Probe keys that could not be removed (named so they can be deleted by hand)."""
    duration_ms: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.results and self.results[0].status == FAILED:
            return EXIT_CONFIGURATION
        if self.interrupted:
            return EXIT_INTERRUPTED
        if any(r.status in (FAILED, INTERRUPTED) for r in self.results) or self.left_behind:
            return EXIT_FAILED
        return EXIT_OK

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def configure(
    inputs: Inputs, timeout: float, client_factory: Callable[[Target, float], Any]
) -> tuple[CheckResult, Target | None, Any]:
    """Check 1: the values make a usable target and an S3 client can be built for it."""
    check_id, name = CONFIGURATION
    start = time.perf_counter()
    try:
        target = load_target(inputs)
    except ConfigurationProblems as error:
        failure = Failure(
            ErrorClass.CONFIGURATION, "\n".join(["Storage configuration is incomplete or invalid:", *error.problems])
        )
        return CheckResult(check_id, name, FAILED, _ms(start), failure=failure), None, None
    try:
        client = client_factory(target, timeout)
    except Exception as error:  # noqa: BLE001 - botocore rejects e.g. a malformed region
        message = f"STORAGE_S3_REGION / STORAGE_S3_ENDPOINT are not accepted by the S3 client ({type(error).__name__})"
        return (
            CheckResult(check_id, name, FAILED, _ms(start), failure=Failure(ErrorClass.CONFIGURATION, message)),
            None,
            None,
        )
    detail = f"{sum(bool(v.strip()) for v in inputs.values.values())} variables set, from {inputs.source}"
    return CheckResult(check_id, name, PASSED, _ms(start), detail=detail), target, client


def run(
    inputs: Inputs,
    *,
    timeout: float = 30.0,
    skip: Collection[str] = (),
    client_factory: Callable[[Target, float], Any] | None = None,
    fresh_credential: bool = False,
) -> Outcome:
    """All checks against the configured bucket. Never raises for a failing bucket."""
    if client_factory is None:
        client_factory = s3_client
    started = time.perf_counter()
    first, target, client = configure(inputs, timeout, client_factory)
    outcome = Outcome(inputs.source, target, [first])
    if target is None:
        outcome.results += [CheckResult(c.id, c.name, NOT_RUN, detail="needs Configuration") for c in CHECKS]
        outcome.duration_ms = _ms(started)
        return outcome
    ctx = Context(target, client, Probes(), timeout)
    status = {first.id: PASSED}
    names = {c.id: c.name for c in CHECKS}
    try:
        for check in CHECKS:
            if outcome.interrupted:
                outcome.results.append(CheckResult(check.id, check.name, NOT_RUN, detail="interrupted"))
                continue
            if check.id in skip:
                status[check.id] = SKIPPED
                outcome.results.append(CheckResult(check.id, check.name, SKIPPED, detail="skipped (--skip)"))
                continue
            missing = [n for n in check.needs if status.get(n) != PASSED]
            if missing:
                status[check.id] = NOT_RUN
                outcome.results.append(
                    CheckResult(check.id, check.name, NOT_RUN, detail="needs " + ", ".join(names[n] for n in missing))
                )
                continue
            start = time.perf_counter()
            waited: fresh_key.Waited | None = None
            try:
                if check.id == CREDENTIAL_CHECK and fresh_credential:
                    kind, value, waited = fresh_key.until_known(functools.partial(check.run, ctx), timeout)
                else:
                    kind, value = bounded(functools.partial(check.run, ctx), timeout)
            except KeyboardInterrupt:
                outcome.interrupted = True
                status[check.id] = INTERRUPTED
                outcome.results.append(
                    CheckResult(check.id, check.name, INTERRUPTED, _ms(start), detail="interrupted (Ctrl-C)")
                )
                continue
            result = _result(check.id, check.name, kind, value, _ms(start), timeout)
            if check.id == CREDENTIAL_CHECK:
                result = _with_key_wait(result, value, waited, fresh_credential, timeout)
            result = _managed_key_advice(result, inputs)
            status[check.id] = result.status
            outcome.results.append(result)
    finally:
        if interrupts.take():  # a Ctrl-C after the last wait: the checks are done, still say so
            outcome.interrupted = True
        outcome.left_behind = _clean_up(ctx)
        outcome.duration_ms = _ms(started)
    return outcome


def _result(check_id: str, name: str, kind: str, value: Any, duration: float, timeout: float) -> CheckResult:
    if kind == "ok":
        passed: Passed = value
        return CheckResult(check_id, name, PASSED, duration, passed.detail, passed.notes)
    if kind == "timeout":
        failure = Failure(
            ErrorClass.TIMEOUT, f"Storage service did not answer (ETIMEDOUT): no result within {timeout:g}s"
        )
        return CheckResult(check_id, name, FAILED, duration, failure=failure)
    if isinstance(value, Skip):
        return CheckResult(check_id, name, SKIPPED, duration, detail=str(value))
    if isinstance(value, KeyboardInterrupt):  # pragma: no cover - signals reach the main thread
        raise value
    return CheckResult(check_id, name, FAILED, duration, failure=classify(value))


def _with_key_wait(
    result: CheckResult, value: Any, waited: fresh_key.Waited | None, fresh_credential: bool, timeout: float
) -> CheckResult:
    """The credential check's result, saying what was waited for a new key (or that one can be)."""
    failure = result.failure
    if waited is not None and waited.known:
        return dataclasses.replace(result, notes=(*result.notes, waited.note()))
    if failure is None:
        return result
    if waited is not None:
        line = waited.still_refused(timeout)
    elif not fresh_credential and isinstance(value, BaseException) and fresh_key.not_yet_known_code(value):
        line = fresh_key.hint()
    else:
        return result
    return dataclasses.replace(result, failure=dataclasses.replace(failure, message=f"{failure.message}\n{line}"))


def _managed_key_advice(result: CheckResult, inputs: Inputs) -> CheckResult:
    """A refused key that this package manages is fixed from the stack, not in the provider's
    console (a key made there is one the stack does not know: drift)."""
    failure = result.failure
    if failure is None or failure.error_class is not ErrorClass.AUTH_FAILED or inputs.managed is None:
        return result
    fix = MANAGED_KEY_FIX.format(rewrite=inputs.managed.rewrite_args, output=inputs.managed.output)
    return dataclasses.replace(result, failure=dataclasses.replace(failure, causes=MANAGED_KEY_CAUSES, fix=fix))


def _clean_up(ctx: Context) -> list[str]:
    """Remove every probe that may exist, within one more `timeout` of wall-clock time;
    a second Ctrl-C leaves the rest. What may remain is named."""
    try:
        return ctx.probes.clean_up(ctx.client, ctx.target.bucket, time.monotonic() + ctx.timeout)
    except KeyboardInterrupt:
        return ctx.probes.may_remain()
