"""Ctrl-C and SIGTERM, acted on only where the validator waits.

Python raises `KeyboardInterrupt` at whatever bytecode runs when a signal lands: in an
import, in botocore's client set-up, between a probe upload and its bookkeeping, in
the `finally` that starts clean-up, or while rich draws the report — each a traceback
or a probe left behind. Once `install` ran, a signal only raises inside `waiting()`
(the places the process blocks on the network); anywhere else it is remembered and
raised on entry to the next wait, or turned into exit 130 by `take` at the end.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

_armed = False
_pending = False
_installed = False


def _handle(signum: int, frame: object) -> None:
    global _pending
    if _armed:
        raise KeyboardInterrupt
    _pending = True


def install() -> None:
    """Route SIGINT and SIGTERM here (main thread only; elsewhere a no-op)."""
    global _installed
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handle)
        signal.signal(signal.SIGTERM, _handle)
        _installed = True


def take() -> bool:
    """Whether a signal arrived outside a wait and was not acted on yet (it is consumed)."""
    global _pending
    seen, _pending = _pending, False
    return seen


@contextlib.contextmanager
def waiting() -> Iterator[None]:
    """A blocking wait that a signal may end with `KeyboardInterrupt` (also raised at
    once for a signal remembered since). Callers catch it *outside* the `with`."""
    global _armed
    if not _installed:  # Python's own handler: KeyboardInterrupt can come anywhere
        yield
        return
    if take():
        raise KeyboardInterrupt
    _armed = True
    try:
        yield
    finally:
        _armed = False
