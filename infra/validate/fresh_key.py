"""Waiting, within the run's timeout, for a just-created access key to become known.

Right after `pulumi up` creates the app's key, the provider's S3 front-ends may not know it
for some seconds and refuse it as an unknown key: IAM access keys are eventually
consistent ("InvalidAccessKeyId ... If I add 15 second delay, keys are working",
aws/aws-sdk-js#559, confirmed by AWS; cert-manager/aws-privateca-issuer#408 waits 10 s),
Backblaze says changes to application keys "may take a few minutes"
(backblaze.com/docs/cloud-storage-create-and-manage-app-keys). The refusal is
`InvalidAccessKeyId` (S3, B2, Spaces' and Ceph RGW's S3 API; measured on RGW in
tests/validate/test_validate_fresh_key.py) or, on R2, `Unauthorized` (401, "missing or invalid
authentication credentials": developers.cloudflare.com/r2/api/error-codes; the validator
always signs, so it is never "missing" here).

Only these codes are waited on, and only when the caller says the key may be new
(`--fresh-credential`): a wrong secret (`SignatureDoesNotMatch`), a refused permission
(`AccessDenied`) or a missing bucket fail at once, as does an unknown key without the flag.
botocore's retry modes do not retry these codes, and their waits would run inside the
check's wall-clock bound (`bounded`) where they cannot be reported; so each attempt here
is one bounded, botocore-unretried request, and the waits between them are counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.validate import interrupts
from infra.validate.bounded import bounded

NOT_YET_KNOWN = frozenset({"InvalidAccessKeyId", "Unauthorized"})
"""S3 error codes by which a provider says it does not know the access key (yet)."""
FIRST_DELAY = 0.5
MAX_DELAY = 4.0
"""Seconds between attempts: doubling from FIRST_DELAY, at most MAX_DELAY."""
RESERVE = 1.0
"""No new attempt unless this long (or twice the slowest attempt so far) is left for it."""
FLAG = "--fresh-credential"


@dataclass(frozen=True)
class Waited:
    """How long a refused key was waited for, and whether it then became known."""

    code: str
    seconds: float
    """From the first refusal to the last answer."""
    attempts: int
    known: bool

    def note(self) -> str:
        """For a run that passed after waiting."""
        return (
            f"The access key was refused as not yet known ({self.code}) for {self.seconds:.1f}s, "
            f"then known on attempt {self.attempts}: a new key takes seconds to reach the provider's "
            f"S3 servers, and {FLAG} waited for it."
        )

    def still_refused(self, timeout: float) -> str:
        """For a run that gave up: the key may be wrong, not new."""
        return (
            f"still refused after waiting {self.seconds:.1f}s ({self.attempts} attempts, {FLAG}, "
            f"bounded by --timeout {timeout:g}s): a new key is normally known within seconds"
        )


def not_yet_known_code(error: BaseException) -> str | None:
    """The code, when `error` is the provider's answer that it does not know the key."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    code = str(response.get("Error", {}).get("Code", ""))
    return code if code in NOT_YET_KNOWN else None


def hint() -> str:
    """For an unknown key without the flag: what to do if it was created moments ago."""
    return f"if the key was created moments ago (right after `pulumi up`), {FLAG} waits for it within --timeout"


def until_known(
    work: Callable[[], Any], timeout: float, *, clock: Callable[[], float] = time.monotonic
) -> tuple[str, Any, Waited | None]:
    """Run `work` (as `bounded` does) until it is not refused as an unknown key, or until
    `timeout` seconds from now would be passed. Returns `bounded`'s (kind, value) for the
    last attempt, and what was waited (None when the first attempt was not refused).
    Ctrl-C ends a wait with `KeyboardInterrupt`, as it ends `bounded`."""
    deadline = clock() + timeout
    attempts, slowest, delay = 0, 0.0, FIRST_DELAY
    refused: tuple[str, float] | None = None  # the first refusal's code and time
    while True:
        attempts += 1
        began = clock()
        kind, value = bounded(work, max(deadline - began, 0.0))
        slowest = max(slowest, clock() - began)
        code = not_yet_known_code(value) if kind == "error" else None
        if refused is None:
            if code is None:
                return kind, value, None
            refused = (code, began)
        if code is None:  # known now (or, after a timeout, perhaps)
            return kind, value, Waited(refused[0], clock() - refused[1], attempts, kind != "timeout")
        pause = min(delay, deadline - clock() - max(RESERVE, 2 * slowest))
        if pause <= 0:  # no time left for one more honest attempt
            return kind, value, Waited(code, clock() - refused[1], attempts, False)
        with interrupts.waiting():
            time.sleep(pause)
        delay = min(delay * 2, MAX_DELAY)
